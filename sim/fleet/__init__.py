"""The simulated daemon fleet: OSDs (plus a few MDS and RGW) as asyncio tasks
in one or more fleet processes. The cluster maps it shares with the mon and
the mgr are the floor's (`sim.maps`, `sim.perf`); the fleet imports neither
daemon, nor they it."""
