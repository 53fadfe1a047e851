"""Monmap changes served by the mon: ``mon add``, ``mon rm`` / ``mon remove``
(deprecated alias, as in Ceph 16.2) and ``mon getmap`` (``mon dump``,
``mon stat`` and ``quorum_status`` are in `mon.commands.cluster`).

A change is staged on the MonmapMonitor (`mon.monmap_service`) and answered
once it has committed; the election that follows is the daemon shell's.
Who may import it: `mon.commands` (which builds the table) and tests."""

from __future__ import annotations

import json
import time
from typing import Any

from mon.commands.table import CommandTable, Reply
from mon.context import MonContext

TABLE = CommandTable()


@TABLE.command("mon getmap name=epoch,type=CephInt,range=0,req=false", "get monmap")
def mon_getmap(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    """The current map in the simulator's own encoding (Ceph's is binary): what
    `sim start mon.ID` makes a new mon's store with."""
    m = mon.monmap_service.map
    return Reply(text=json.dumps(m.to_store()), outs=f"got monmap epoch {m.epoch}")


@TABLE.command(
    "mon add name=name,type=CephString name=addr,type=CephIPAddr "
    "name=location,type=CephString,n=N,goodchars=[A-Za-z0-9-_.=],req=false",
    "add new monitor named <name> at <addr>, possibly with CRUSH location <location>",
    "rw",
)
def mon_add(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(outs=mon.monmap_service.add(str(cmd["name"]), str(cmd["addr"]), time.time()))


@TABLE.command("mon rm name=name,type=CephString", "remove monitor named <name>", "rw")
def mon_rm(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(outs=mon.monmap_service.remove(str(cmd["name"]), time.time()))


@TABLE.deprecated("mon remove name=name,type=CephString", "remove monitor named <name>", "rw")
def mon_remove(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return mon_rm(mon, cmd)
