"""Making a mon that ``ceph mon add`` put in the monmap (`python -m sim start mon.ID`).

Real Ceph's operator fetches the map (``ceph mon getmap -o F``), makes the new
mon's store from it (``ceph-mon --mkfs -i ID --monmap F``) and starts the
daemon. Here `prepare_mon` does the first two: it asks the cluster for the
current map and writes it into the mon's data folder (``mon.ID/monmap.json``),
where the mon makes its store from it on first start; the supervisor then
starts the process (``start`` request). A mon whose store exists already (it
ran before) is left as it is.

Who may import it: the harness CLI (`sim.__main__`) and tests.
"""

from __future__ import annotations

import json
import os

from sim.client import Cluster
from sim.maps.monmap import MKFS_MONMAP, MonMap


class MonJoinError(RuntimeError):
    """The mon cannot be made (not in the monmap, no answer)."""


def prepare_mon(c: Cluster, mon_id: str, timeout: float = 10.0) -> MonMap | None:
    """Write ``mon.ID/monmap.json`` from the cluster's current monmap; the map,
    or None if the mon's store exists already."""
    data = c.run.mon_data(mon_id)
    if (data / "store.db").exists():
        return None
    rc, out, outs = c.mon_command({"prefix": "mon getmap"}, timeout=timeout)
    if rc != 0:
        raise MonJoinError(f"mon getmap: {outs or rc}")
    monmap = MonMap.from_store(json.loads(out))
    if not monmap.contains(mon_id):
        raise MonJoinError(
            f"mon.{mon_id} is not in monmap e{monmap.epoch} "
            f"(add it first: ceph mon add {mon_id} <ip:port>)"
        )
    data.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = data / (MKFS_MONMAP + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(json.dumps(monmap.to_store()))
    os.replace(tmp, data / MKFS_MONMAP)
    return monmap
