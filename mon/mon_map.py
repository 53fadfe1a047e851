"""The monmap and the quorum as Ceph prints them (`mon dump`, `mon stat`,
`quorum_status`, `mon_status`): names, ranks and addresses from the cluster
spec (fixed per cluster, epoch 1), leader, quorum and election epoch from the
mon's quorum view.

Renderings only: the functions read a `mon.context.MonContext` and never
import the daemon. Who may import it: the command files, `mon.monitor` and
the daemon shell (``mon_status`` for the admin socket)."""

from __future__ import annotations

import time
from typing import Any

from mon.context import MonContext
from sim.cluster import ClusterSpec
from sim.formatting import utc_stamp

FEATURES = [
    "kraken", "luminous", "mimic", "osdmap-prune", "nautilus", "octopus", "pacific",
    "elector-pinging",
]  # fmt: skip


def _host_port(endpoint: str) -> str:
    return endpoint.split("://", 1)[-1]


def monmap_dump(spec: ClusterSpec, created: float) -> dict[str, Any]:
    stamp = utc_stamp(created).replace("+0000", "Z")
    mons = []
    for rank, name in enumerate(spec.mons):
        hp = _host_port(spec.mon_addrs[name])
        mons.append(
            {
                "rank": rank,
                "name": name,
                "public_addrs": {"addrvec": [{"type": "v2", "addr": hp, "nonce": 0}]},
                "addr": f"{hp}/0",
                "public_addr": f"{hp}/0",
                "priority": 0,
                "weight": 0,
                "crush_location": "{}",
            }
        )
    return {
        "epoch": 1,
        "fsid": spec.fsid,
        "modified": stamp,
        "created": stamp,
        "min_mon_release": 16,
        "min_mon_release_name": "pacific",
        "election_strategy": 1,
        "disallowed_leaders: ": "",
        "stretch_mode": False,
        "tiebreaker_mon": "",
        "removed_ranks: ": "",
        "features": {"persistent": list(FEATURES), "optional": []},
        "mons": mons,
    }


def monmap_plain(m: dict[str, Any]) -> str:
    lines = [
        f"epoch {m['epoch']}",
        f"fsid {m['fsid']}",
        f"last_changed {m['modified'].replace('Z', '+0000')}",
        f"created {m['created'].replace('Z', '+0000')}",
        f"min_mon_release {m['min_mon_release']} ({m['min_mon_release_name']})",
        f"election_strategy: {m['election_strategy']}",
    ]
    for mon in m["mons"]:
        lines.append(f"{mon['rank']}: [v2:{mon['addr']}] mon.{mon['name']}")
    return "\n".join(lines) + "\n"


def quorum(mon: MonContext) -> tuple[list[int], list[str]]:
    """(ranks, names) of the quorum this mon is in (empty when it is in none)."""
    return mon.quorum.quorum_ranks(), mon.quorum.quorum_names()


def leader(mon: MonContext) -> tuple[int, str] | None:
    r = mon.quorum.leader_rank() if mon.quorum.in_quorum() else None
    return None if r is None else (r, mon.spec.mons[r])


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
    addrs = ",".join(f"{x['name']}=[v2:{x['addr']}]" for x in m["mons"])
    return (
        f"e{m['epoch']}: {len(m['mons'])} mons at {{{addrs}}} removed_ranks: {{}}, "
        f"election epoch {mon.quorum.epoch}, leader {lead[0]} {lead[1]}, "
        f"quorum {','.join(str(r) for r in ranks)} {','.join(names)}\n"
    )
