"""The built-in option table: a subset of Ceph 16.2's (common/options.cc, `config help`).

Ceph's facts only (name, type, level, defaults, flags, bounds, enums,
services, descriptions): the options the simulator honours, the ones
modules and operators commonly touch, and the native options mgr modules
read with ``get_ceph_option``. Types are Ceph's type names; defaults are in
the Python type of the Ceph type (int for int/uint/size/secs, float, bool,
str). How the simulator uses an option is in `sim.options.honoured`; a full
release table can replace this one (`sim.options.table.load_help_json`).
"""

from __future__ import annotations

from sim.options.spec import OptionSpec
from sim.options.types import (
    FLAG_CLUSTER_CREATE,
    FLAG_NO_MON_UPDATE,
    FLAG_RUNTIME,
    FLAG_STARTUP,
)

_K, _M, _G = 1 << 10, 1 << 20, 1 << 30
_DEBUG_LONG = (
    "The value takes the form 'N' or 'N/M' where N and M are values between 0 and 99.  "
    "N is the debug level to log (all values below this are included), and M is the level "
    "to gather and buffer in memory.  In the event of a daemon crash, the buffered log "
    "entries are dumped."
)
# (subsystem, log level, gather level) of common/subsys.h
_SUBSYS = [
    ("none", 0, 5), ("context", 0, 1), ("mds", 1, 5), ("osd", 1, 5), ("objclass", 0, 5),
    ("filestore", 1, 3), ("journal", 1, 3), ("ms", 0, 0), ("mon", 1, 5), ("monc", 0, 10),
    ("paxos", 1, 5), ("tp", 0, 5), ("auth", 1, 5), ("crypto", 1, 5), ("finisher", 1, 1),
    ("heartbeatmap", 1, 5), ("perfcounter", 1, 5), ("rgw", 1, 5), ("asok", 1, 5),
    ("throttle", 1, 1), ("refs", 0, 0), ("compressor", 1, 5), ("bluestore", 1, 5),
    ("bluefs", 1, 5), ("bdev", 1, 3), ("rocksdb", 4, 5), ("mgr", 2, 5), ("mgrc", 1, 5),
    ("objecter", 0, 1), ("rados", 0, 5), ("rbd", 0, 5), ("client", 0, 5), ("optracker", 0, 5),
    ("prioritycache", 1, 5), ("test", 0, 5),
]  # fmt: skip

_O = OptionSpec
SPECS: list[OptionSpec] = [
    # --- common ---
    _O("fsid", "uuid", "basic", flags=FLAG_NO_MON_UPDATE | FLAG_STARTUP, services=("common",),
       desc="cluster fsid (uuid)"),
    _O("host", "str", "basic", "", flags=FLAG_NO_MON_UPDATE, services=("common",),
       desc="local hostname"),
    _O("mon_host", "str", "basic", "", flags=FLAG_NO_MON_UPDATE | FLAG_STARTUP,
       services=("common",), desc="list of hosts or addresses to search for a monitor"),
    _O("public_network", "str", "advanced", "", flags=FLAG_STARTUP,
       services=("mon", "mds", "osd", "mgr"),
       desc="Network(s) from which to choose a public address to bind to"),
    _O("cluster_network", "str", "advanced", "", flags=FLAG_STARTUP, services=("osd",),
       desc="Network(s) from which to choose a cluster address to bind to"),
    _O("ms_type", "str", "advanced", "async+posix", flags=FLAG_STARTUP, services=("common",),
       desc="Messenger implementation to use for network communication"),
    _O("auth_cluster_required", "str", "advanced", "cephx", flags=FLAG_STARTUP,
       desc="authentication methods required by the cluster"),
    _O("auth_service_required", "str", "advanced", "cephx", flags=FLAG_STARTUP,
       desc="authentication methods required by service daemons"),
    _O("auth_client_required", "str", "advanced", "cephx, none", flags=FLAG_STARTUP,
       desc="authentication methods allowed by clients"),
    _O("auth_allow_insecure_global_id_reclaim", "bool", "advanced", True,
       desc="Allow reclaim of global_id by a client that does not support secure reclaim"),
    _O("log_file", "str", "basic", "", daemon_default="/var/log/ceph/$cluster-$name.log",
       desc="path to log file",
       see_also=("log_to_file", "log_to_stderr", "err_to_stderr", "log_to_syslog", "err_to_syslog")),
    _O("log_to_file", "bool", "basic", True, desc="send log lines to a file",
       see_also=("log_file",)),
    _O("log_to_stderr", "bool", "basic", True, daemon_default=False,
       desc="send log lines to stderr"),
    _O("err_to_stderr", "bool", "basic", False, daemon_default=True,
       desc="send critical error log lines to stderr"),
    _O("log_to_syslog", "bool", "basic", False, desc="send log lines to syslog facility"),
    _O("log_max_recent", "int", "advanced", 500, daemon_default=10000,
       desc="recent log entries to keep in memory to dump in the event of a crash"),
    _O("mon_cluster_log_to_file", "bool", "advanced", True, services=("mon",),
       desc="Make monitor send cluster log messages to file"),
    _O("mon_cluster_log_file_level", "str", "advanced", "debug", services=("mon",),
       enum_values=("debug", "info", "sec", "warn", "error"),
       desc="Lowest level to include is cluster log file"),
    # --- pools and osds (read by modules) ---
    _O("osd_pool_default_size", "uint", "advanced", 3, flags=FLAG_RUNTIME, min=0, max=10,
       desc="the number of copies of an object for new replicated pools"),
    _O("osd_pool_default_min_size", "uint", "advanced", 0, flags=FLAG_RUNTIME, min=0, max=255,
       desc="the minimal number of copies allowed to write to a degraded pool for new "
       "replicated pools"),
    _O("osd_pool_default_pg_num", "uint", "advanced", 32, flags=FLAG_RUNTIME,
       desc="number of PGs for new pools"),
    _O("osd_pool_default_pgp_num", "uint", "advanced", 0, flags=FLAG_RUNTIME,
       desc="number of PGs for placement purposes (0 to match pg_num)"),
    _O("osd_pool_default_pg_autoscale_mode", "str", "advanced", "on", flags=FLAG_RUNTIME,
       enum_values=("off", "warn", "on"),
       desc="Default PG autoscaling behavior for new pools"),
    _O("mon_max_pg_per_osd", "uint", "advanced", 250, flags=FLAG_RUNTIME, min=1,
       desc="Max number of PGs per OSD the cluster will allow"),
    _O("mon_target_pg_per_osd", "uint", "advanced", 100, min=1,
       desc="Automated PG management creates this many PGs per OSD"),
    _O("mon_allow_pool_delete", "bool", "advanced", False, services=("mon",),
       desc="allow pool deletions"),
    _O("mon_allow_pool_size_one", "bool", "advanced", False, services=("mon",),
       desc="allow configuring pool with no replicas"),
    _O("mon_warn_on_pool_no_redundancy", "bool", "advanced", True, services=("mon",),
       desc="Issue a health warning if any pool is configured with no replicas"),
    _O("mon_warn_on_too_few_osds", "bool", "advanced", True, services=("mgr",),
       desc="Issue a health warning if there are fewer OSDs than osd_pool_default_size"),
    _O("mon_osd_down_out_interval", "int", "advanced", 600, services=("mon",),
       desc="mark any OSD 'out' that has been 'down' for this long (seconds)"),
    _O("mon_osd_min_in_ratio", "float", "advanced", 0.75, services=("mon",),
       see_also=("mon_osd_down_out_interval",),
       desc="do not automatically mark OSDs 'out' if fewer than this many OSDs are 'in'"),
    _O("mon_osd_full_ratio", "float", "advanced", 0.95,
       flags=FLAG_NO_MON_UPDATE | FLAG_CLUSTER_CREATE,
       desc="full ratio of OSDs to be set during initial creation of the cluster"),
    _O("mon_osd_nearfull_ratio", "float", "advanced", 0.85,
       flags=FLAG_NO_MON_UPDATE | FLAG_CLUSTER_CREATE,
       desc="nearfull ratio for OSDs to be set during initial creation of cluster"),
    _O("mon_osd_backfillfull_ratio", "float", "advanced", 0.90,
       flags=FLAG_NO_MON_UPDATE | FLAG_CLUSTER_CREATE,
       desc="backfillfull ratio for OSDs to be set during initial creation of cluster"),
    _O("osd_heartbeat_grace", "int", "advanced", 20, services=("mon", "osd"),
       desc="Duration of time after which a peer OSD is reported as down"),
    _O("osd_heartbeat_interval", "int", "dev", 6, min=1, max=60, services=("osd",),
       desc="Interval (in seconds) between peer pings"),
    _O("osd_beacon_report_interval", "int", "advanced", 300, services=("osd",),
       desc="Interval (in seconds) between beacons sent to the monitor"),
    _O("mon_osd_report_timeout", "int", "advanced", 900, services=("mon",),
       desc="Time before OSDs who do not report to the mons are marked down (seconds)"),
    _O("osd_max_backfills", "uint", "advanced", 1, services=("osd",),
       desc="Maximum number of concurrent local and remote backfills or recoveries per OSD"),
    _O("osd_memory_target", "size", "basic", 4 * _G, flags=FLAG_RUNTIME, min=896 * _M,
       services=("osd",),
       desc="When tcmalloc and cache autotuning is enabled, try to keep this many bytes "
       "mapped in memory."),
    # --- mon ---
    _O("mon_tick_interval", "int", "advanced", 5, services=("mon",),
       desc="interval for internal mon background checks"),
    _O("mon_session_timeout", "int", "advanced", 300, services=("mon",),
       desc="close inactive mon client connections after this many seconds"),
    _O("mon_subscribe_interval", "float", "dev", 86400.0, services=("mon",),
       desc="subscribe interval for pre-jewel clients"),
    _O("mon_lease", "float", "advanced", 5.0, services=("mon",),
       desc="lease interval between quorum monitors (seconds)"),
    _O("mon_election_timeout", "float", "advanced", 5.0, services=("mon",),
       desc="maximum time for a mon election (seconds)"),
    _O("mon_lease_renew_interval_factor", "float", "advanced", 0.6, min=0.0, max=0.9999999,
       services=("mon",), desc="multiple of mon_lease for the lease renewal interval",
       long_desc="Leases must be renewed before they time out.  A smaller value means "
       "frequent renewals, while a value close to 1 makes a lease expiration more likely.",
       see_also=("mon_lease",)),
    _O("mon_lease_ack_timeout_factor", "float", "advanced", 2.0, min=1.0001, max=100.0,
       services=("mon",),
       desc="multiple of mon_lease for the lease ack interval before calling new election",
       see_also=("mon_lease",)),
    _O("mon_accept_timeout_factor", "float", "advanced", 2.0, services=("mon",),
       desc="multiple of mon_lease for follower mons to accept proposed state changes "
       "before calling a new election", see_also=("mon_lease",)),
    _O("mon_clock_drift_allowed", "float", "advanced", 0.05, services=("mon",),
       desc="allowed clock drift (in seconds) between mons before issuing a health warning"),
    _O("mon_data_avail_warn", "int", "advanced", 30, services=("mon",),
       desc="issue MON_DISK_LOW health warning when mon available space below this "
       "percentage"),
    _O("mon_data_avail_crit", "int", "advanced", 5, services=("mon",),
       desc="issue MON_DISK_CRIT health error when mon available space below this "
       "percentage"),
    _O("mon_config_key_max_entry_size", "size", "advanced", 64 * _K, services=("mon",),
       desc="Defines the number of bytes allowed to be held in a single config-key entry"),
    _O("mon_log_max_summary", "uint", "advanced", 50, services=("mon",),
       desc="number of recent cluster log messages to retain"),
    _O("mon_max_log_entries_per_event", "int", "advanced", 4096, services=("mon",),
       desc="max cluster log entries per paxos event"),
    _O("mon_max_mgrmap_epochs", "int", "advanced", 500, services=("mon",),
       desc="max number of mgrmaps to keep around"),
    _O("rados_osd_op_timeout", "secs", "advanced", 0, flags=FLAG_RUNTIME, min=0,
       desc="timeout for operations handled by osds such as write (0 is unlimited)"),
    _O("mon_mgr_beacon_grace", "secs", "advanced", 30, services=("mon",),
       desc="Period in seconds from last beacon to monitor marking a manager daemon as "
       "failed"),
    _O("mon_mgr_inactive_grace", "int", "advanced", 60, services=("mon",),
       desc="Period in seconds after cluster creation during which cluster may have no "
       "active manager"),
    _O("mon_mgr_mkfs_grace", "int", "advanced", 120, services=("mon",),
       desc="Period in seconds that the cluster may have no active manager before this is "
       "reported as an ERR rather than a WARN"),
    _O("mon_mgr_digest_period", "int", "dev", 5, services=("mon",),
       desc="Period in seconds between monitor-to-manager health/status updates"),
    _O("mon_mgr_blocklist_interval", "float", "dev", 86400.0, min=0.0, services=("mon",),
       desc="Duration in seconds that blocklist entries for mgr daemons remain in the "
       "OSD map"),
    _O("mon_down_mkfs_grace", "secs", "advanced", 60, services=("mon",),
       desc="Period in seconds that the cluster may have a mon down after cluster creation"),
    _O("mon_warn_on_insecure_global_id_reclaim", "bool", "advanced", True, services=("mon",),
       desc="issue AUTH_INSECURE_GLOBAL_ID_RECLAIM health warning if any connected clients "
       "are insecurely reclaiming global_id"),
    _O("mon_warn_on_insecure_global_id_reclaim_allowed", "bool", "advanced", True,
       services=("mon",),
       desc="issue AUTH_INSECURE_GLOBAL_ID_RECLAIM_ALLOWED health warning if insecure "
       "global_id reclaim is allowed"),
    # --- mon client ---
    _O("mon_client_hunt_interval", "float", "advanced", 3.0, services=("common",),
       desc="Interval between attempts to find a monitor"),
    _O("mon_client_ping_interval", "float", "advanced", 10.0, services=("common",),
       desc="Interval between pings to the monitor"),
    _O("mon_client_ping_timeout", "float", "advanced", 30.0, services=("common",),
       desc="Timeout for a monitor to respond to a ping"),
    _O("mon_client_hunt_interval_backoff", "float", "advanced", 1.5, services=("common",),
       desc="Multiplier applied to the hunt interval after each failed attempt"),
    _O("mon_client_hunt_interval_min_multiple", "float", "advanced", 1.0,
       services=("common",), desc="Minimum multiple of the hunt interval"),
    _O("mon_client_hunt_interval_max_multiple", "float", "advanced", 10.0,
       services=("common",), desc="Maximum multiple of the hunt interval"),
    _O("mon_client_hunt_parallel", "uint", "advanced", 3, services=("common",),
       desc="Number of monitors to connect to in parallel while hunting"),
    _O("mon_client_log_interval", "float", "advanced", 1.0, services=("common",),
       desc="How frequently we send queued cluster log messages to mon"),
    _O("mon_client_max_log_entries_per_message", "int", "advanced", 1000,
       services=("common",), desc="Maximum number of cluster log messages per message"),
    # --- mgr ---
    _O("mgr_data", "str", "advanced", "/var/lib/ceph/mgr/$cluster-$id",
       flags=FLAG_NO_MON_UPDATE, services=("mgr",),
       desc="Filesystem path to the ceph-mgr data directory, used to contain keyring."),
    _O("mgr_pool", "bool", "dev", True, flags=FLAG_STARTUP, services=("mgr",),
       desc="Allow use/creation of .mgr pool."),
    _O("mgr_stats_period", "int", "basic", 5, services=("mgr", "common"),
       desc="Period in seconds of OSD/MDS stats reports to manager"),
    _O("mgr_stats_threshold", "int", "advanced", 5, min=0, max=11,
       desc="Lowest perfcounter priority collected by mgr"),
    _O("mgr_service_beacon_grace", "float", "advanced", 60.0, services=("mgr",),
       desc="Period in seconds from last beacon to manager dropping state about a "
       "monitored service (RGW, rbd-mirror etc)"),
    _O("mgr_module_path", "str", "advanced", "/usr/share/ceph/mgr", services=("mgr",),
       desc="Filesystem path to manager modules."),
    _O("mgr_standby_modules", "bool", "advanced", True,
       desc="Start modules in standby (redirect) mode when mgr is standby"),
    _O("mgr_disabled_modules", "str", "advanced", "", flags=FLAG_STARTUP, services=("mgr",),
       see_also=("mgr_module_path",), desc="List of manager modules never get loaded"),
    _O("mgr_initial_modules", "str", "basic", "restful iostat nfs",
       flags=FLAG_NO_MON_UPDATE | FLAG_CLUSTER_CREATE, services=("mon", "common"),
       desc="List of manager modules to enable when the cluster is first started"),
    _O("mgr_tick_period", "secs", "advanced", 2, services=("mgr", "mon"),
       desc="Period in seconds of beacon messages to monitor"),
    _O("mgr_max_pg_num_change", "int", "advanced", 128, services=("mgr",),
       desc="maximum change in pg_num"),
    _O("mgr_debug_aggressive_pg_num_changes", "bool", "dev", False, services=("mgr",),
       desc="Bypass most throttling and safety checks in pg[p]_num controller"),
    _O("cephadm_path", "str", "advanced", "/usr/sbin/cephadm", services=("mgr",),
       desc="Path to cephadm utility"),
    _O("mon_delta_reset_interval", "float", "advanced", 10.0, services=("mgr",),
       desc="window duration for rate calculations in 'ceph status'"),
    _O("mon_pg_stuck_threshold", "int", "advanced", 60, services=("mgr",),
       desc="number of seconds after which pgs can be considered stuck inactive, "
       "unclean, etc"),
    # --- read by mgr modules (get_ceph_option) ---
    _O("keyring", "str", "advanced",
       "/etc/ceph/$cluster.$name.keyring,/etc/ceph/$cluster.keyring,/etc/ceph/keyring,"
       "/etc/ceph/keyring.bin,", flags=FLAG_NO_MON_UPDATE | FLAG_STARTUP,
       desc="Path to a keyring file."),
    _O("public_addr", "addr", "basic", "-", flags=FLAG_STARTUP,
       services=("mon", "mds", "osd", "mgr"), desc="public-facing address to bind to"),
    _O("mon_pg_warn_max_object_skew", "float", "advanced", 10.0, services=("mgr",),
       desc="max skew few average in objects per pg"),
    _O("target_max_misplaced_ratio", "float", "basic", 0.05,
       desc="Max ratio of misplaced objects to target when throttling data rebalancing "
       "activity"),
    _O("device_failure_prediction_mode", "str", "basic", "none", flags=FLAG_RUNTIME,
       desc="Method used to predict device failures"),
    _O("rbd_default_pool", "str", "advanced", "rbd", services=("rbd",),
       desc="default pool for storing new images"),
    _O("mds_max_snaps_per_dir", "uint", "advanced", 100, flags=FLAG_RUNTIME,
       services=("mds",), desc="max snapshots per directory"),
    # --- debug levels ---
    *(
        _O(f"debug_{name}", "str", "advanced", f"{log}/{gather}", flags=FLAG_RUNTIME,
           desc=f"Debug level for {name}", long_desc=_DEBUG_LONG, subsys=True)
        for name, log, gather in _SUBSYS
    ),
]  # fmt: skip
