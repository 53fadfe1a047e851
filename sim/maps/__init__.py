"""The cluster maps that the mon, the mgr and the fleet share: the OSDMap
(`osdmap`), its Ceph-shaped dumps (`osd_dumps`), PG placement and states
(`pgmap`) and who the simulated daemons are (`layout`).

The floor of the daemons: imports only the kernel (`sim.formatting`), never
a daemon package (`mon`, `mgr`, `sim.fleet`)."""
