"""`ceph mgr …` commands served by the mon (MgrMonitor's command side)."""

from __future__ import annotations

import errno
from typing import Any

from mon.commands.table import CommandTable, Reply
from mon.context import MonContext
from mon.errors import CommandError

TABLE = CommandTable()


@TABLE.command("mgr stat", "dump basic info about the mgr cluster state")
def mgr_stat(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(data=mon.mgrmon.map.stat())


@TABLE.command("mgr dump name=epoch,type=CephInt,range=0,req=false", "dump the latest MgrMap")
def mgr_dump(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    epoch = cmd.get("epoch")
    return Reply(data=mon.mgr_service.map_at(mon.store, epoch).dump())


@TABLE.command(
    "mgr fail name=who,type=CephString,req=false", "treat the named manager daemon as failed", "rw"
)
def mgr_fail(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    who = cmd.get("who")
    return Reply(outs=mon.mgrmon.fail(str(who) if who is not None else None))


@TABLE.command(
    "mgr metadata name=who,type=CephString,req=false",
    "dump metadata for all daemons or a specific daemon",
)
def mgr_metadata(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    md = mon.mgrmon.metadata
    who = cmd.get("who")
    if who is not None:
        if who not in md:
            raise CommandError(errno.ENOENT, f"mgr.{who} not found")
        return Reply(data={"name": who, **md[who]})
    return Reply(data=[{"name": n, **md[n]} for n in sorted(md)])


@TABLE.command(
    "mgr set name=var,type=CephChoices,strings=down name=val,type=CephString",
    "set mgr parameter <var> to <val>",
    "rw",
)
def mgr_set(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    val = str(cmd.get("val", "")).lower()
    if val not in ("true", "false", "1", "0", "yes", "no"):
        raise CommandError(errno.EINVAL, f"value must be true or false: '{cmd.get('val')}'")
    mon.clog_all(mon.mgrmon.set_down(val in ("true", "1", "yes")))
    return Reply()


@TABLE.command("mgr services", "list service endpoints provided by mgr modules")
def mgr_services(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(data=dict(mon.mgrmon.map.services))


@TABLE.command("mgr module ls", "list active mgr modules")
def mgr_module_ls(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    m = mon.mgrmon.map
    always = m.always_on()
    disabled = [
        info
        for info in m.available_modules
        if isinstance(info, dict)
        and info.get("name") not in m.modules
        and info.get("name") not in always
    ]
    return Reply(
        data={
            "always_on_modules": always,
            "enabled_modules": list(m.modules),
            "disabled_modules": disabled,
        }
    )


def _reported_by_all(mon: MonContext, module: str) -> bool:
    m = mon.mgrmon.map
    reports = [m.available_modules] if m.active_gid else []
    reports += [s.available_modules for s in m.standbys.values()]
    if not reports:
        return False
    return all(any(i.get("name") == module for i in r if isinstance(i, dict)) for r in reports)


@TABLE.command(
    "mgr module enable name=module,type=CephString name=force,type=CephBool,req=false",
    "enable mgr module",
    "rw",
)
def mgr_module_enable(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    module = str(cmd.get("module"))
    force = bool(cmd.get("force"))
    m = mon.mgrmon.pending if mon.mgrmon.pending is not None else mon.mgrmon.map
    if module in m.always_on():
        return Reply(outs=f"module '{module}' is already enabled (always-on)")
    if not force and not _reported_by_all(mon, module):
        raise CommandError(
            errno.ENOENT,
            f"all mgr daemons do not support module '{module}', pass --force to force enablement",
        )
    info = next((i for i in m.available_modules if i.get("name") == module), None)
    if not force and info is not None and not info.get("can_run", True):
        raise CommandError(
            errno.ENOENT,
            f"module '{module}' reports that it cannot run on the active manager daemon: "
            f"{info.get('error_string', '')} (pass --force to force enablement)",
        )
    if module in m.modules:
        return Reply(outs=f"module '{module}' is already enabled")
    mon.mgrmon.pending_map().modules = sorted([*m.modules, module])
    return Reply()


@TABLE.command("mgr module disable name=module,type=CephString", "disable mgr module", "rw")
def mgr_module_disable(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    module = str(cmd.get("module"))
    m = mon.mgrmon.pending if mon.mgrmon.pending is not None else mon.mgrmon.map
    if module in m.always_on():
        raise CommandError(errno.EINVAL, f"module '{module}' cannot be disabled (always-on)")
    if module not in m.modules:
        return Reply(outs=f"module '{module}' is already disabled")
    mon.mgrmon.pending_map().modules = [x for x in m.modules if x != module]
    return Reply()


@TABLE.command("mgr versions", "check running versions of ceph-mgr daemons")
def mgr_versions(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    counts: dict[str, int] = {}
    for name in mon.mgrmon.map.all_names():
        v = mon.mgrmon.metadata.get(name, {}).get("ceph_version", "unknown")
        counts[v] = counts.get(v, 0) + 1
    return Reply(data=counts)
