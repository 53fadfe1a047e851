"""The simulated Ceph manager: mon session, beacons, active/standby role and
the module host seam (the module API lives in `mgr/api/`)."""
