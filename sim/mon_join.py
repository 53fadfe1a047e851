"""Making a mon that ``ceph mon add`` put in the monmap (`python -m sim start mon.ID`).

Real Ceph's operator fetches the map (``ceph mon getmap -o F``), makes the new
mon's store from it (``ceph-mon --mkfs -i ID --monmap F``) and starts the
daemon. Here `prepare_mon` does the first two: it takes the newest map the
running mons have committed (their admin ``monmap``; ``mon getmap`` if none
answers) and writes it into the mon's data folder (``mon.ID/monmap.json``),
where the mon makes its store from it on first start; the supervisor then
starts the process (``start`` request). A mon whose store exists already (it
ran before) starts from its store, unless that store is from before its
removal (see `prepare_mon`).

Who may import it: the harness CLI (`sim.__main__`) and tests.
"""

from __future__ import annotations

import json
import os

from sim.client import Cluster
from sim.maps.monmap import MKFS_MONMAP, MonMap


class MonJoinError(RuntimeError):
    """The mon cannot be made (not in the monmap, no answer)."""


def current_monmap(c: Cluster, timeout: float) -> MonMap | None:
    """The newest monmap the running mons have committed (each mon's admin
    ``monmap``: answered without a quorum, which adding a second mon to a
    one-mon cluster takes away until it runs), else ``mon getmap``. None if
    nobody answers."""
    maps = []
    for name, st in c.supervisor("status")["daemons"].items():
        if name.startswith("mon.") and st.get("state") == "running":
            try:
                maps.append(MonMap.from_store(c.admin(name, "monmap", timeout=1.0)))
            except (ConnectionError, TimeoutError, RuntimeError, KeyError, ValueError):
                continue
    if maps:
        return max(maps, key=lambda m: m.epoch)
    try:
        rc, out, _ = c.mon_command({"prefix": "mon getmap"}, timeout=timeout)
    except (ConnectionError, TimeoutError):
        return None
    return MonMap.from_store(json.loads(out)) if rc == 0 else None


def prepare_mon(c: Cluster, mon_id: str, timeout: float = 5.0) -> MonMap | None:
    """Write ``mon.ID/monmap.json`` from the cluster's current monmap; the map.

    A mon that has a store already (it ran before: a restart) needs none, so
    then a map without it is not an error (None): the mon starts from its
    store. A mon removed and added again has a store whose map does not name
    it; it makes a new store from this file (`mon.daemon`)."""
    data = c.run.mon_data(mon_id)
    has_store = (data / "store.db").exists()
    monmap = current_monmap(c, timeout)
    if monmap is None or not monmap.contains(mon_id):
        if has_store:
            return None
        if monmap is None:
            raise MonJoinError("no mon answered `mon getmap`")
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
