"""Cluster-wide commands served by the mon: status, health, log, monmap
(``get_command_descriptions``, which needs the whole table, is in
`mon.commands`).

Handlers receive the mon as a `mon.context.MonContext` and change state only
through the owning service's methods. Who may import it: `mon.commands`
(which builds the table) and tests."""

from __future__ import annotations

import time
from typing import Any

from mon import mon_map
from mon.commands.table import CommandTable, Reply
from mon.context import MonContext
from sim.maps.osd_dumps import osd_stat

TABLE = CommandTable()


def status_data(mon: MonContext) -> dict[str, Any]:
    """The JSON of `ceph status` (Ceph 16.2 keys)."""
    m = mon.mgrmon.map
    ranks, names = mon_map.quorum(mon)
    return {
        "fsid": mon.spec.fsid,
        "health": mon.health.to_json(detail=False),
        "election_epoch": mon.quorum.epoch,
        "quorum": ranks,
        "quorum_names": names,
        "quorum_age": mon_map.quorum_age(mon),
        "monmap": {
            "epoch": mon.monmap_service.map.epoch,
            "min_mon_release_name": "pacific",
            "num_mons": len(mon.monmap_service.map),
        },
        "osdmap": osd_stat(mon.osd_service.map),
        "pgmap": mon.osd_service.pgmap_status(),
        "fsmap": mon.mds_service.map.status_summary(),
        "mgrmap": {
            "available": m.available,
            "num_standbys": len(m.standbys),
            "modules": list(m.modules),
            "services": dict(m.services),
        },
        "servicemap": {"epoch": 1, "modified": "0.000000", "services": {}},
        "progress_events": {},
    }


def _status_plain(mon: MonContext) -> Any:
    from mon.status import status_plain

    m = mon.mgrmon.map
    osdm = mon.osd_service.map
    fsm = mon.mds_service.map

    def plain(data: dict[str, Any]) -> str:
        extra = {
            "_mon_names": mon.monmap_service.map.names,
            "_quorum_since": mon.quorum.quorum_stamp,
            "_mgr_active_name": m.active_name,
            "_mgr_active_change": m.active_change,
            "_mgr_standbys": m.standby_names(),
            "_osd_up_since": osdm.last_up_change,
            "_osd_in_since": osdm.last_in_change,
            "_osd_flags": ",".join(sorted(osdm.flags)),
            "_mds_line": fsm.daemon_summary(),
            "_volumes_line": fsm.fs_summary(),
        }
        return status_plain(data | extra, time.time())

    return plain


@TABLE.command("status", "show cluster status")
def status(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(data=status_data(mon), plain=_status_plain(mon))


@TABLE.command(
    "health name=detail,type=CephChoices,strings=detail,req=false", "show cluster health"
)
def health(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    detail = cmd.get("detail") == "detail"
    h = mon.health
    return Reply(data=h.to_json(detail=detail), plain=lambda _d: h.plain(detail, time.time()))


@TABLE.command(
    "health mute name=code,type=CephString name=ttl,type=CephString,req=false "
    "name=sticky,type=CephBool,req=false",
    "mute health alert",
    "w",
)
def health_mute(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    ttl = cmd.get("ttl")
    mon.health_service.mute(
        str(cmd["code"]), None if ttl is None else str(ttl), bool(cmd.get("sticky")), time.time()
    )
    return Reply()


@TABLE.command(
    "health unmute name=code,type=CephString,req=false",
    "unmute existing health alert mute(s)",
    "w",
)
def health_unmute(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    code = cmd.get("code")
    mon.health_service.unmute(None if code is None else str(code))
    return Reply()


@TABLE.command(
    "log last name=num,type=CephInt,range=1,req=false "
    "name=level,type=CephChoices,strings=debug|info|sec|warn|error,req=false "
    "name=channel,type=CephChoices,strings=*|cluster|audit|cephadm,req=false",
    "print last few lines of the cluster log",
)
def log_last(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    entries = mon.clog.last(
        int(cmd.get("num", 20)), str(cmd.get("level", "info")), str(cmd.get("channel", "cluster"))
    )
    return Reply(
        data=[e.to_json() for e in entries],
        plain=lambda _d: "".join(e.plain() + "\n" for e in entries),
    )


@TABLE.command("mon dump name=epoch,type=CephInt,range=0,req=false", "dump formatted monmap")
def mon_dump(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    mp = mon.monmap_service.map
    m = mp.dump() | {"quorum": mon_map.quorum(mon)[0]}
    return Reply(data=m, plain=lambda _d: mp.plain(), outs=f"dumped monmap epoch {m['epoch']}")


@TABLE.command("mon stat", "summarize monitor status")
def mon_stat(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    ranks, names = mon_map.quorum(mon)
    lead = mon_map.leader(mon)
    mp = mon.monmap_service.map
    data = {
        "epoch": mp.epoch,
        "min_mon_release_name": "pacific",
        "num_mons": len(mp),
        "leader": lead[1] if lead else "",
        "quorum": [{"rank": r, "name": n} for r, n in zip(ranks, names, strict=True)],
    }
    return Reply(data=data, plain=lambda _d: mon_map.mon_stat_plain(mon))


@TABLE.command("quorum_status", "report status of monitor quorum")
def quorum_status(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    import json

    data = mon_map.quorum_status(mon)
    return Reply(data=data, plain=lambda d: json.dumps(d, separators=(",", ":")))
