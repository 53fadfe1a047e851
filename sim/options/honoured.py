"""How the simulator uses options: what its daemons read, as which type, with which fast value.

`HONOURED` lays the simulator's use over any release table (the built-in
`sim.options.ceph16` or one loaded from a release's ``config help`` JSON):
name -> (the Python type the daemons read, the fast profile's value). The
type is ``float`` for timings even where Ceph's type is ``int``
(``mon_tick_interval``, ``mgr_stats_period`` …), so the fast profile can
use fractions of a second; the ``ceph`` profile gives Ceph's defaults in
that type. `SIM_ONLY` are options that exist only in the simulator; they
are added to a table that lacks them.
"""

from __future__ import annotations

from typing import Any

from sim.options.spec import OptionSpec

HONOURED: dict[str, tuple[type, Any]] = {
    "mgr_tick_period": (float, 0.25),  # mgr beacon period (s)
    "mon_mgr_beacon_grace": (float, 3.0),  # missed-beacon time before failover (s)
    "mon_tick_interval": (float, 0.25),  # mon tick: beacon checks, health (s)
    "mon_mgr_inactive_grace": (float, 10.0),  # MGR_DOWN turns ERR after (s)
    "mon_mgr_mkfs_grace": (float, 0.0),  # no MGR_DOWN on a new cluster for (s)
    "mon_client_hunt_interval": (float, 0.3),  # client re-hunt for a mon (s)
    "mon_client_ping_interval": (float, 0.5),  # client keepalive to its mon (s)
    "mon_client_ping_timeout": (float, 2.0),  # keepalive timeout (s)
    "mon_client_require_quorum": (bool, False),  # (simulator) sessions only with a quorum
    "mgr_standby_modules": (bool, True),  # run standby modules on standbys
    "mgr_stats_period": (float, 1.0),  # daemon -> mgr report period (s)
    "mon_cluster_log_keep": (int, 50),  # cluster log entries kept per channel
    # mon quorum: elections, Paxos leases (mon/elector.py, mon/paxos.py)
    "mon_election_timeout": (float, 0.3),
    "mon_lease": (float, 0.5),
    "mon_lease_renew_interval_factor": (float, 0.6),
    "mon_lease_ack_timeout_factor": (float, 2.0),
    "mon_accept_timeout_factor": (float, 2.0),
    "mon_down_mkfs_grace": (float, 2.0),  # no MON_DOWN on a new cluster for (s)
    # the OSD fleet (sim/fleet, mon/osd_monitor.py)
    "osd_heartbeat_interval": (float, 0.5),
    "osd_heartbeat_grace": (float, 2.0),
    "osd_beacon_report_interval": (float, 1.0),
    "mon_osd_report_timeout": (float, 5.0),
    "mon_osd_down_out_interval": (float, 30.0),
    # the MDS daemons of the fleet (sim/fleet/mds.py, mon/mds_monitor.py)
    "mds_beacon_interval": (float, 0.5),
    "mds_beacon_grace": (float, 3.0),
    "osd_op_complaint_time": (float, 30.0),  # an op older than this is slow (SLOW_OPS)
    # RADOS clients (sim/rados): 0 waits for ever, as in Ceph
    "rados_osd_op_timeout": (float, 0.0),
}

_O = OptionSpec
SIM_ONLY: list[OptionSpec] = [
    _O("mon_cluster_log_keep", "int", "dev", 50, services=("mon",),
       desc="(simulator) cluster log entries kept per channel"),
    _O("mon_client_require_quorum", "bool", "dev", False,
       services=("mon", "mgr", "osd", "mds", "client"),
       desc="(simulator) a MonClient keeps a session only with a mon in quorum, so "
       "have_mon_connection() is False without a quorum (Ceph: True with a session on any mon)"),
    _O("mgr_module_shutdown_timeout", "secs", "dev", 3, services=("mgr",),
       desc="(simulator) how long a mgr waits for its modules' shutdown() and serve()"),
    _O("mgr_module_load_timeout", "secs", "dev", 10, services=("mgr",),
       desc="(simulator) how long an activating mgr waits for its modules to initialize"),
]  # fmt: skip
