"""``get('fs_map')`` from the MDS daemons' reports (FSMap::dump, Ceph 16.2 keys).

The simulator has no MDSMonitor: the fleet's MDS daemons say which of them
is ``up:active`` (rank 0 of the one filesystem, ``cephfs``, on the pools
``cephfs.cephfs.meta`` and ``cephfs.cephfs.data``) and which are standbys,
and the active mgr builds the FSMap from what they last reported. A mgr that
has not heard from them yet has a map with no filesystem up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.maps import clusterdata
from sim.maps.osd_dumps import stamp

if TYPE_CHECKING:
    from mgr.daemon_view import DaemonView

FS_NAME = "cephfs"
MDS_GID_BASE = 14100


def _info(ds: DaemonView, name: str, gid: int, rank: int, state: str) -> dict[str, Any]:
    addr = ds.metadata.get(("mds", name), {}).get("addr", "")
    return {
        "gid": gid, "name": name, "rank": rank, "incarnation": 0 if rank < 0 else 1,
        "state": state, "state_seq": 2, "addr": addr.split(",")[-1].rstrip("]").split(":", 1)[-1],
        "addrs": {"addrvec": []}, "join_fscid": -1, "export_targets": [],
        "features": 4540138314316775423, "flags": 0,
    }  # fmt: skip


def fs_map(ds: DaemonView) -> dict[str, Any]:
    out = clusterdata.empty_fs_map(ds.fs_epoch, stamp(ds.osdmap.created))
    names = sorted(n for t, n in ds.metadata if t == "mds")
    if not names:
        return out
    gids = {n: MDS_GID_BASE + i for i, n in enumerate(names)}
    active = [n for n in names if ds.daemon_status.get(("mds", n), {}).get("state") == "up:active"]
    standbys = [n for n in names if n not in active[:1]]
    out["standbys"] = [
        _info(ds, n, gids[n], -1, "up:standby") | {"epoch": ds.fs_epoch} for n in standbys
    ]
    m = ds.osdmap
    meta, data = (
        m.pool_by_name(f"{FS_NAME}.{FS_NAME}.meta"),
        m.pool_by_name(f"{FS_NAME}.{FS_NAME}.data"),
    )
    if meta is None or data is None:
        return out
    info = {f"gid_{gids[n]}": _info(ds, n, gids[n], 0, "up:active") for n in active[:1]}
    mdsmap = {
        "epoch": ds.fs_epoch, "flags": 18, "ever_allowed_features": 0,
        "explicitly_allowed_features": 0, "created": stamp(m.created),
        "modified": stamp(m.modified), "tableserver": 0, "root": 0, "session_timeout": 60,
        "session_autoclose": 300, "required_client_features": {},
        "max_file_size": 1099511627776, "last_failure": 0, "last_failure_osd_epoch": 0,
        "compat": out["compat"], "max_mds": 1, "in": [0],
        "up": {"mds_0": gids[active[0]]} if active else {}, "failed": [] if active else [0],
        "damaged": [], "stopped": [], "info": info, "data_pools": [data.pool],
        "metadata_pool": meta.pool, "enabled": True, "fs_name": FS_NAME, "balancer": "",
        "standby_count_wanted": 1,
    }  # fmt: skip
    out["default_fscid"] = 1
    out["filesystems"] = [{"mdsmap": mdsmap, "id": 1}]
    return out
