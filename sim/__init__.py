"""ceph-mgr-sim: a multi-process simulator of Ceph's mon/mgr control plane.

`sim` holds what every process shares (the wire, the mon client, the daemon
shell, run-directory layout, options) and the operator side (the supervisor,
the launcher, the `ceph`-like CLI).
"""

__version__ = "0.1.0"
