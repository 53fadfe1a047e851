"""The simulated daemon fleet: OSDs (plus a few MDS and RGW) as asyncio tasks
in one or more fleet processes, and the cluster-map models they share with
the mon and the mgr (`osdmap`, `pgmap`, `perf`)."""
