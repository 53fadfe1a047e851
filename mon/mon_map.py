"""The monmap as Ceph prints it (`mon dump`, `mon stat`, `quorum_status`,
`mon_status`). One mon for now; the quorum issue adds elections and ranks
that change."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from sim.cluster import ClusterSpec
from sim.formatting import utc_stamp

if TYPE_CHECKING:
    from mon.daemon import MonDaemon

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


def quorum(mon: MonDaemon) -> tuple[list[int], list[str]]:
    return [mon.rank], [mon.id]


def mon_status(mon: MonDaemon) -> dict[str, Any]:
    ranks, _ = quorum(mon)
    return {
        "name": mon.id,
        "rank": mon.rank,
        "state": "leader",
        "election_epoch": mon.election_epoch,
        "quorum": ranks,
        "quorum_age": int(time.time() - mon.quorum_since),
        "outside_quorum": [],
        "extra_probe_peers": [],
        "sync_provider": [],
        "monmap": mon.monmap(),
    }


def quorum_status(mon: MonDaemon) -> dict[str, Any]:
    ranks, names = quorum(mon)
    return {
        "election_epoch": mon.election_epoch,
        "quorum": ranks,
        "quorum_names": names,
        "quorum_leader_name": mon.id,
        "quorum_age": int(time.time() - mon.quorum_since),
        "features": {"quorum_con": "4540138314316775423", "quorum_mon": list(FEATURES)},
        "monmap": mon.monmap(),
    }


def mon_stat_plain(mon: MonDaemon) -> str:
    m = mon.monmap()
    _, names = quorum(mon)
    addrs = ",".join(f"{x['name']}=[v2:{x['addr']}]" for x in m["mons"])
    ranks = ",".join(str(x["rank"]) for x in m["mons"] if x["name"] in names)
    return (
        f"e{m['epoch']}: {len(m['mons'])} mons at {{{addrs}}} removed_ranks: {{}}, "
        f"election epoch {mon.election_epoch}, leader {mon.rank} {mon.id}, "
        f"quorum {ranks} {','.join(names)}\n"
    )
