"""``get('fs_map')``: the mon's FSMap, as ``FSMap::dump`` (Ceph 16.2 keys).

The mon's MDSMonitor owns the FSMap (who holds which rank, the standbys);
every mgr subscribes to it (``fsmap``) and `mgr.daemon_state` keeps the
newest one it decoded (`sim.maps.fsmap`). Before the first map arrives the
answer is an empty FSMap of epoch 1, as on a cluster without filesystems.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mgr.daemon_view import DaemonView


def fs_map(ds: DaemonView) -> dict[str, Any]:
    return ds.fsmap.dump()
