"""The monmap and the quorum as Ceph prints them (`mon dump`, `mon stat`,
`quorum_status`, `mon_status`): names, ranks and addresses from the committed
monmap (`mon.monmap_service`, its forms in `sim.maps.monmap`), leader, quorum
and election epoch from the mon's quorum view.

Renderings only: the functions read a `mon.context.MonContext` and never
import the daemon. Who may import it: the command files, `mon.monitor` and
the daemon shell (``mon_status`` for the admin socket)."""

from __future__ import annotations

import time
from typing import Any

from mon.context import MonContext
from sim.cluster import ClusterSpec
from sim.maps.monmap import FEATURES, MonMap


def monmap_dump(spec: ClusterSpec, created: float) -> dict[str, Any]:
    """The initial monmap (epoch 1) of a cluster spec, as ``mon dump -f json``."""
    return MonMap.initial(spec.fsid, created, spec.mon_addrs).dump()


def quorum(mon: MonContext) -> tuple[list[int], list[str]]:
    """(ranks, names) of the quorum this mon is in (empty when it is in none)."""
    return mon.quorum.quorum_ranks(), mon.quorum.quorum_names()


def leader(mon: MonContext) -> tuple[int, str] | None:
    r = mon.quorum.leader_rank() if mon.quorum.in_quorum() else None
    names = mon.monmap_service.map.names
    return None if r is None or r >= len(names) else (r, names[r])


def quorum_age(mon: MonContext) -> int:
    return int(time.time() - mon.quorum.quorum_stamp) if mon.quorum.in_quorum() else 0


def mon_status(mon: MonContext) -> dict[str, Any]:
    ranks, _ = quorum(mon)
    return {
        "name": mon.id,
        "rank": mon.rank,
        "state": mon.quorum.state,
        "election_epoch": mon.quorum.epoch,
        "quorum": ranks,
        "quorum_age": quorum_age(mon),
        "features": {
            "required_con": "2449958747317026820",
            "required_mon": list(FEATURES),
            "quorum_con": "4540138314316775423" if ranks else "0",
            "quorum_mon": list(FEATURES) if ranks else [],
        },
        "outside_quorum": [],
        "extra_probe_peers": [],
        "sync_provider": [],
        "monmap": mon.monmap(),
        "stretch_mode": False,
        # not in Ceph's output: the simulator's view of replication
        "leader": (leader(mon) or (None, ""))[1],
        "paxos": {
            "last_committed": mon.quorum.last_committed(),
            "readable": mon.quorum.readable(),
            "writeable": mon.quorum.writeable(),
        },
    }


def quorum_status(mon: MonContext) -> dict[str, Any]:
    ranks, names = quorum(mon)
    lead = leader(mon)
    return {
        "election_epoch": mon.quorum.epoch,
        "quorum": ranks,
        "quorum_names": names,
        "quorum_leader_name": lead[1] if lead else "",
        "quorum_age": quorum_age(mon),
        "features": {"quorum_con": "4540138314316775423", "quorum_mon": list(FEATURES)},
        "monmap": mon.monmap(),
    }


def mon_stat_plain(mon: MonContext) -> str:
    m = mon.monmap()
    ranks, names = quorum(mon)
    lead = leader(mon) or (-1, "")
    addrs = ",".join(f"{x.name}={x.addrvec_str()}" for x in mon.monmap_service.map.mons)
    return (
        f"e{m['epoch']}: {len(m['mons'])} mons at {{{addrs}}} removed_ranks: {{}}, "
        f"election epoch {mon.quorum.epoch}, leader {lead[0]} {lead[1]}, "
        f"quorum {','.join(str(r) for r in ranks)} {','.join(names)}\n"
    )
