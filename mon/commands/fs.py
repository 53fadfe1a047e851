"""`ceph fs …` and `ceph mds …` commands served by the mon (MDSMonitor's
command side), and the hidden ``mds beacon`` the fleet sends for its MDS
daemons (Ceph's MMDSBeacon, carried as a command so that peons forward it
to the leader like any write).

Handlers receive the mon as a `mon.context.MonContext` and change state only
through the owning service's methods (`mon.mds_monitor.MDSMonitor`). Who may
import it: `mon.commands` (which builds the table) and tests."""

from __future__ import annotations

import errno
from typing import Any

from mon.commands.table import CommandTable, Reply
from mon.context import MonContext
from mon.errors import CommandError
from sim.cmdparse import Flag
from sim.maps.fsmap import fs_ls_text

TABLE = CommandTable()


def _pool_names(mon: MonContext) -> dict[int, str]:
    return {p.pool: p.name for p in mon.osd_service.map.pools.values()}


@TABLE.command("fs ls", "list filesystems")
def fs_ls(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(data=mon.mds_service.map.fs_ls(_pool_names(mon)), plain=fs_ls_text)


@TABLE.command(
    "fs dump name=epoch,type=CephInt,req=false,range=0",
    "dump all CephFS status, optionally from epoch",
)
def fs_dump(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    epoch = cmd.get("epoch")
    m = mon.mds_service.map_at(mon.store, int(epoch) if epoch is not None else None)
    return Reply(
        data=m.dump(), plain=lambda _d: m.print_text(), outs=f"dumped fsmap epoch {m.epoch}"
    )


@TABLE.command("fs get name=fs_name,type=CephString", "get info about one filesystem")
def fs_get(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    name = str(cmd.get("fs_name", ""))
    found = mon.mds_service.map.filesystem_by_name(name)
    if found is None:
        raise CommandError(errno.ENOENT, f"filesystem '{name}' not found")
    fscid, m = found
    return Reply(
        data={"mdsmap": m.dump(), "id": fscid},
        plain=lambda _d: f"Filesystem '{m.fs_name}' ({fscid})\n{m.text()}",
    )


@TABLE.command("mds stat", "show MDS status")
def mds_stat(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    svc = mon.mds_service
    m = svc.map
    data = {
        "fsmap": m.dump(),
        "mdsmap_first_committed": svc.first_committed,
        "mdsmap_last_committed": m.epoch,
    }
    return Reply(data=data, plain=lambda _d: m.summary() + "\n")


@TABLE.command("mds metadata name=who,type=CephString,req=false", "fetch metadata for mds <role>")
def mds_metadata(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    svc = mon.mds_service
    who = cmd.get("who")
    names = sorted(i.name for _, i in svc.map.all_infos())
    if who is not None:
        if str(who) not in names or str(who) not in svc.metadata:
            raise CommandError(errno.ENOENT, f"MDS named '{who}' does not exist, or is not up")
        return Reply(data={"name": who, **svc.metadata[str(who)]})
    return Reply(data=[{"name": n, **svc.metadata.get(n, {})} for n in names])


@TABLE.command(
    "mds fail name=role_or_gid,type=CephString",
    "Mark MDS failed: trigger a failover if a standby is available",
    "rw",
)
def mds_fail(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(outs=mon.mds_service.fail(str(cmd.get("role_or_gid", ""))))


@TABLE.command(
    "mds beacon", "MDS daemons report they are alive (from the fleet)", "rw", flags=Flag.HIDDEN
)
def mds_beacon(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    entries = cmd.get("mds")
    if not isinstance(entries, list):
        raise CommandError(errno.EINVAL, "mds must be a list")
    mon.clog_all(mon.mds_service.beacon([e for e in entries if isinstance(e, dict)]))
    return Reply()
