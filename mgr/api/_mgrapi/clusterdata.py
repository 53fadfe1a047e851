"""Ceph-shaped cluster structures for a cluster without OSDs or MDSs.

The shapes of ``get()``'s answers (OSDMap::dump, CrushWrapper::dump,
FSMap::dump, PGMap dumps …) as Ceph 16.2 prints them, with empty contents.
The simulated OSD fleet will fill them in later; until then modules see a
fresh cluster: epoch-1 maps, the default CRUSH root and rule, no pools.
"""

from __future__ import annotations

from typing import Any

CRUSH_TYPES = [
    "osd", "host", "chassis", "rack", "row", "pdu", "pod", "room",
    "datacenter", "zone", "region", "root",
]  # fmt: skip


def empty_osd_map(epoch: int = 1, fsid: str = "", stamp: str = "") -> dict[str, Any]:
    return {
        "epoch": epoch,
        "fsid": fsid,
        "created": stamp,
        "modified": stamp,
        "last_up_change": "0.000000",
        "last_in_change": "0.000000",
        "flags": "sortbitwise,recovery_deletes,purged_snapdirs,pglog_hardlimit",
        "flags_num": 5799936,
        "flags_set": ["pglog_hardlimit", "purged_snapdirs", "recovery_deletes", "sortbitwise"],
        "crush_version": 1,
        "full_ratio": 0.949999988079071,
        "backfillfull_ratio": 0.8999999761581421,
        "nearfull_ratio": 0.8500000238418579,
        "cluster_snapshot": "",
        "pool_max": 0,
        "max_osd": 0,
        "require_min_compat_client": "luminous",
        "min_compat_client": "jewel",
        "require_osd_release": "pacific",
        "pools": [],
        "osds": [],
        "osd_xinfo": [],
        "pg_upmap": [],
        "pg_upmap_items": [],
        "pg_temp": [],
        "primary_temp": [],
        "blocklist": {},
        "erasure_code_profiles": {
            "default": {"k": "2", "m": "2", "plugin": "jerasure", "technique": "reed_sol_van"}
        },
        "removed_snaps_queue": [],
        "new_removed_snaps": [],
        "new_purged_snaps": [],
        "crush_node_flags": {},
        "device_class_flags": {},
        "stretch_mode": {
            "stretch_mode_enabled": False,
            "stretch_bucket_count": 0,
            "degraded_stretch_mode": 0,
            "recovering_stretch_mode": 0,
            "stretch_mode_bucket": 0,
        },
    }


def empty_crush() -> dict[str, Any]:
    return {
        "devices": [],
        "types": [{"type_id": i, "name": n} for i, n in enumerate(CRUSH_TYPES)],
        "buckets": [
            {
                "id": -1,
                "name": "default",
                "type_id": 11,
                "type_name": "root",
                "weight": 0,
                "alg": "straw2",
                "hash": "rjenkins1",
                "items": [],
            }
        ],
        "rules": [
            {
                "rule_id": 0,
                "rule_name": "replicated_rule",
                "ruleset": 0,
                "type": 1,
                "min_size": 1,
                "max_size": 10,
                "steps": [
                    {"op": "take", "item": -1, "item_name": "default"},
                    {"op": "chooseleaf_firstn", "num": 0, "type": "host"},
                    {"op": "emit"},
                ],
            }
        ],
        "tunables": {
            "choose_local_tries": 0,
            "choose_local_fallback_tries": 0,
            "choose_total_tries": 50,
            "chooseleaf_descend_once": 1,
            "chooseleaf_vary_r": 1,
            "chooseleaf_stable": 1,
            "straw_calc_version": 1,
            "allowed_bucket_algs": 54,
            "profile": "jewel",
            "optimal_tunables": 1,
            "legacy_tunables": 0,
            "minimum_required_version": "jewel",
            "require_feature_tunables": 1,
            "require_feature_tunables2": 1,
            "has_v2_rules": 0,
            "require_feature_tunables3": 1,
            "has_v3_rules": 0,
            "has_v4_buckets": 1,
            "require_feature_tunables5": 1,
            "has_v5_rules": 0,
        },
        "choose_args": {},
    }


def empty_osd_tree() -> dict[str, Any]:
    return {
        "nodes": [{"id": -1, "name": "default", "type": "root", "type_id": 11, "children": []}],
        "stray": [],
    }


def empty_fs_map(epoch: int = 1, stamp: str = "") -> dict[str, Any]:
    return {
        "epoch": epoch,
        "btime": stamp,
        "default_fscid": -1,
        "compat": {
            "compat": {},
            "ro_compat": {},
            "incompat": {
                "feature_1": "base v0.20",
                "feature_2": "client writeable ranges",
                "feature_3": "default file layouts on dirs",
                "feature_4": "dir inode in separate object",
                "feature_5": "mds uses versioned encoding",
                "feature_6": "dirfrag is stored in omap",
                "feature_8": "no anchor table",
                "feature_9": "file layout v2",
                "feature_10": "snaprealm v2",
            },
        },
        "feature_flags": {"enable_multiple": True, "ever_enabled_multiple": True},
        "standbys": [],
        "filesystems": [],
    }


def empty_service_map(stamp: str = "") -> dict[str, Any]:
    return {"epoch": 1, "modified": stamp, "services": {}}


def _stat_sum() -> dict[str, int]:
    keys = [
        "num_bytes", "num_objects", "num_object_clones", "num_object_copies",
        "num_objects_missing_on_primary", "num_objects_missing", "num_objects_degraded",
        "num_objects_misplaced", "num_objects_unfound", "num_objects_dirty",
        "num_whiteouts", "num_read", "num_read_kb", "num_write", "num_write_kb",
        "num_scrub_errors", "num_shallow_scrub_errors", "num_deep_scrub_errors",
        "num_objects_recovered", "num_bytes_recovered", "num_keys_recovered",
        "num_objects_omap", "num_objects_hit_set_archive", "num_bytes_hit_set_archive",
        "num_flush", "num_flush_kb", "num_evict", "num_evict_kb", "num_promote",
        "num_flush_mode_high", "num_flush_mode_low", "num_evict_mode_some",
        "num_evict_mode_full", "num_objects_pinned", "num_legacy_snapsets",
        "num_large_omap_objects", "num_objects_manifest", "num_omap_bytes",
        "num_omap_keys", "num_objects_repaired",
    ]  # fmt: skip
    return dict.fromkeys(keys, 0)


def _pg_stats_sum() -> dict[str, Any]:
    return {
        "stat_sum": _stat_sum(),
        "store_stats": {
            "total": 0,
            "available": 0,
            "internally_reserved": 0,
            "allocated": 0,
            "data_stored": 0,
            "data_compressed": 0,
            "data_compressed_allocated": 0,
            "data_compressed_original": 0,
            "omap_allocated": 0,
            "internal_metadata": 0,
        },  # fmt: skip
        "log_size": 0,
        "ondisk_log_size": 0,
        "up": 0,
        "acting": 0,
        "num_store_stats": 0,
    }


def _osd_stats_sum() -> dict[str, Any]:
    return {
        "up_from": 0, "seq": 0, "num_pgs": 0, "num_osds": 0, "num_per_pool_osds": 0,
        "num_per_pool_omap_osds": 0, "kb": 0, "kb_used": 0, "kb_used_data": 0,
        "kb_used_omap": 0, "kb_used_meta": 0, "kb_avail": 0,
        "statfs": {"total": 0, "available": 0, "internally_reserved": 0, "allocated": 0,
                   "data_stored": 0, "data_compressed": 0, "data_compressed_allocated": 0,
                   "data_compressed_original": 0, "omap_allocated": 0,
                   "internal_metadata": 0},
        "hb_peers": [], "snap_trim_queue_len": 0, "num_snap_trimming": 0,
        "num_shards_repaired": 0,
        "op_queue_age_hist": {"histogram": [], "upper_bound": 1},
        "perf_stat": {"commit_latency_ms": 0, "apply_latency_ms": 0,
                      "commit_latency_ns": 0, "apply_latency_ns": 0},
        "alerts": [], "network_ping_times": [],
    }  # fmt: skip


def pg_data(name: str, stamp: str = "") -> dict[str, Any] | None:
    """The PGMap-backed ``get()`` answers for a cluster without PGs."""
    df_stats = {
        "total_bytes": 0, "total_avail_bytes": 0, "total_used_bytes": 0,
        "total_used_raw_bytes": 0, "total_used_raw_ratio": 0, "num_osds": 0,
        "num_per_pool_osds": 0, "num_per_pool_omap_osds": 0,
    }  # fmt: skip
    table: dict[str, Any] = {
        "pg_summary": {"by_osd": {}, "by_pool": {}, "all": {}, "pg_stats_sum": _pg_stats_sum()},
        "pg_status": {
            "pgs_by_state": [],
            "num_pgs": 0,
            "num_pools": 0,
            "num_objects": 0,
            "data_bytes": 0,
            "bytes_used": 0,
            "bytes_avail": 0,
            "bytes_total": 0,
        },  # fmt: skip
        "pg_dump": {
            "version": 0,
            "stamp": stamp,
            "last_osdmap_epoch": 0,
            "last_pg_scan": 0,
            "pg_stats_sum": _pg_stats_sum(),
            "osd_stats_sum": _osd_stats_sum(),
            "pg_stats_delta": _pg_stats_sum() | {"stamp_delta": "0.000000"},
            "pg_stats": [],
            "pool_stats": [],
            "osd_stats": [],
            "pool_statfs": [],
        },
        "pg_stats": {"pg_stats": []},
        "pool_stats": {"pool_stats": []},
        "osd_stats": {"osd_stats": [], "pool_statfs": []},
        "osd_ping_times": {"osd_ping_times": []},
        "osd_pool_stats": {"pool_stats": []},
        "io_rate": {"pg_stats_delta": _pg_stats_sum() | {"stamp_delta": "0.000000"}},
        "df": {"stats": df_stats, "stats_by_class": {}, "pools": []},
        "pg_ready": {"pg_ready": True},
        "pg_progress": {"pgs": {}, "pg_ready": True},
        "active_clean_pgs": {"pg_stats": [], "total_num_pgs": 0},
        "osd_metadata": {},
        "mds_metadata": {},
        "devices": {"devices": []},
        "osd_map_tree": empty_osd_tree(),
        "osd_map_crush": empty_crush(),
        "osdmap_crush_map_text": "",
    }
    return table.get(name)
