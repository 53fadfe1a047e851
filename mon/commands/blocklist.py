"""``osd blocklist``: the OSDMap's list of client addresses the OSDs refuse
(Ceph's OSDMonitor): ``ls``, ``add`` (until ``expire`` seconds from now,
``mon_osd_blocklist_default_expire`` by default), ``rm`` and ``clear``.
The OSDs (`sim.fleet.pgs`) answer a blocklisted client's ops with
``-EBLOCKLISTED``; a new lock holder blocklists a dead one (libcephsqlite)."""

from __future__ import annotations

import time
from typing import Any

from mon.commands.osd import osdmon
from mon.commands.table import CommandTable, Reply
from mon.context import MonContext
from sim.formatting import utc_stamp
from sim.maps import osd_dumps

TABLE = CommandTable()

DEFAULT_EXPIRE = 3600.0  # mon_osd_blocklist_default_expire


def entity_addr(text: str) -> str:
    """Ceph's printed form of a client address: ``ip:port/nonce`` (0 where omitted)."""
    addr, _, nonce = text.partition("/")
    has_port = "]:" in addr if addr.startswith("[") else ":" in addr
    if not has_port:
        addr += ":0"
    return f"{addr}/{nonce or 0}"


@TABLE.command("osd blocklist ls", "show blocklisted clients")
def osd_blocklist_ls(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    """The map's blocklist as Ceph lists it (``addr until``; "listed N entries" on stderr)."""
    lists = osd_dumps.blocklists(osdmon(mon).map)  # not the whole dump
    entries = {**lists["blocklist"], **lists["range_blocklist"]}
    data = [{"addr": addr, "until": until} for addr, until in entries.items()]
    return Reply(
        data=data,
        plain=lambda d: "".join(f"{e['addr']} {e['until']}\n" for e in d),
        outs=f"listed {len(data)} entries",
    )


@TABLE.command(
    "osd blocklist name=blocklistop,type=CephChoices,strings=add|rm "
    "name=addr,type=CephEntityAddr name=expire,type=CephFloat,range=0.0,req=false",
    "add (optionally until <expire> seconds from now) or remove <addr> from blocklist",
    "rw",
)
def osd_blocklist(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    svc = osdmon(mon)
    addr = entity_addr(str(cmd["addr"]))
    if cmd["blocklistop"] == "add":
        expire = float(cmd.get("expire") or _default_expire(mon))
        until = time.time() + expire
        svc.staged().blocklist[addr] = until
        return Reply(outs=f"blocklisting {addr} until {utc_stamp(until)} ({expire:g} sec)")
    if addr not in svc.newest().blocklist:
        return Reply(outs=f"{addr} isn't blocklisted")
    del svc.staged().blocklist[addr]
    return Reply(outs=f"un-blocklisting {addr}")


@TABLE.command("osd blocklist clear", "clear all blocklisted clients", "rw")
def osd_blocklist_clear(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    svc = osdmon(mon)
    if svc.newest().blocklist:
        svc.staged().blocklist.clear()
    return Reply(outs=" removed all blocklist entries")


def _default_expire(mon: MonContext) -> float:
    raw = mon.options.get("mon_osd_blocklist_default_expire", DEFAULT_EXPIRE)
    try:
        return float(raw)
    except (TypeError, ValueError):
        return DEFAULT_EXPIRE
