"""A fresh cluster's maps: the Ceph 16.2 shapes of ``get()``'s answers
before any OSD, MDS or PG exists, and the zeroed stat templates the mgr's
PGMap views fill in.

The OSDMap parts (``osd_map``, ``osd_map_tree``, ``osd_map_crush``) are the
one OSDMap dump (`sim.maps.osd_dumps`) of an empty map, the FSMap part is
`sim.maps.fsmap`'s dump of an empty FSMap; the ServiceMap and the PGMap
dumps are here. `fresh_cluster` gathers every
answer: the mgr host serves them until the fleet reports, and
``mgr/api/_mgrapi/fresh_cluster.json`` is its snapshot for the module API's
``FakeHost`` (which may import nothing of the simulator). Regenerate it with
``python -m sim.maps.clusterdata``; ``tests/unit/test_clusterdata.py``
fails when it drifts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from sim.maps import osd_dumps
from sim.maps.fsmap import FSMap
from sim.maps.osdmap import OSDMap

SNAPSHOT = Path(__file__).resolve().parents[2] / "mgr" / "api" / "_mgrapi" / "fresh_cluster.json"


def empty_osd_map(epoch: int = 1, fsid: str = "", stamp: str = "") -> dict[str, Any]:
    """``OSDMap::dump`` of a map without OSDs or pools, created at `stamp`."""
    return osd_dumps.osd_dump(OSDMap(fsid=fsid, epoch=epoch)) | {
        "created": stamp,
        "modified": stamp,
    }


def empty_crush() -> dict[str, Any]:
    """``CrushWrapper::dump`` of the default root and rule alone."""
    return osd_dumps.crush_dump(OSDMap())


def empty_osd_tree() -> dict[str, Any]:
    return osd_dumps.osd_tree(OSDMap())


def empty_fs_map(epoch: int = 1, stamp: str = "") -> dict[str, Any]:
    """``FSMap::dump`` of a map without filesystems or daemons (16.2 has no ``btime``)."""
    return FSMap(epoch=epoch).dump()


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
    """One PGMap-backed ``get()`` answer for a cluster without PGs (None: not one of them)."""
    return _pg_table(stamp).get(name)


def _pg_table(stamp: str) -> dict[str, Any]:
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
    return table


def fresh_cluster(fsid: str = "", stamp: str = "") -> dict[str, Any]:
    """Every ``get()`` answer of a fresh cluster, by name (what the snapshot holds)."""
    return {
        "osd_map": empty_osd_map(1, fsid, stamp),
        "fs_map": empty_fs_map(1, stamp),
        "service_map": empty_service_map(stamp),
        **_pg_table(stamp),
    }


def snapshot_text() -> str:
    """The snapshot file's contents (Ceph's key order, one trailing newline)."""
    return json.dumps(fresh_cluster(), indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.maps.clusterdata [PATH]``: (re)write the FakeHost's snapshot."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else SNAPSHOT
    path.write_text(snapshot_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
