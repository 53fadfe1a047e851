"""A fresh cluster's ``get()`` answers for hosts without a cluster (`FakeHost`,
`OSDMap.build_simple`).

The module API imports nothing of the simulator, so these are a snapshot:
``fresh_cluster.json`` beside this file, written from the simulator's one
model of the maps (``python -m sim.maps.clusterdata``; a unit test fails when
the two differ). The running mgr does not read it: its host builds the same
answers from the model itself.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).resolve().with_name("fresh_cluster.json")


@cache
def _snapshot() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SNAPSHOT.read_text())
    return data


def fresh(name: str) -> Any:
    """A fresh cluster's answer to ``get(name)`` (a copy), or None."""
    found = _snapshot().get(name)
    return copy.deepcopy(found) if found is not None else None


def empty_osd_map(epoch: int = 1, fsid: str = "") -> dict[str, Any]:
    """``OSDMap::dump`` of a map without OSDs or pools."""
    out: dict[str, Any] = fresh("osd_map")
    out.update(epoch=epoch, fsid=fsid)
    return out
