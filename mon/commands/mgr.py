"""`ceph mgr …` commands served by the mon (MgrMonitor's command side).

Handlers receive the mon as a `mon.context.MonContext` and change state only
through the owning service's methods. Who may import it: `mon.commands`
(which builds the table) and tests."""

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


@TABLE.command(
    "mgr module enable name=module,type=CephString name=force,type=CephBool,req=false",
    "enable mgr module",
    "rw",
)
def mgr_module_enable(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(outs=mon.mgrmon.enable_module(str(cmd.get("module")), bool(cmd.get("force"))))


@TABLE.command("mgr module disable name=module,type=CephString", "disable mgr module", "rw")
def mgr_module_disable(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(outs=mon.mgrmon.disable_module(str(cmd.get("module"))))
