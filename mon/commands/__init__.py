"""The mon's command table, built here in one place, and its dispatch point.

Every command file of this package declares its commands in its own
`CommandTable`; `COMMANDS` is assembled from those tables in the order
below (the order ``get_command_descriptions`` publishes). Nothing is
registered by importing a file for its side effect: importing
`mon.commands` gives the whole table.

`dispatch` is the one place where a command map is checked against the
command's descriptor (`cmdmap`, as Ceph's mon does), the sender's ``mon`` caps
(from the auth database) are checked, and a
handler's `CommandError` (or bug) becomes ``(-errno, outs)``.

Who may import it: `mon.ops` (the request side of the shell) and tests.
"""

from __future__ import annotations

import errno
import logging
from typing import Any

from mon.commands import (
    auth,
    blocklist,
    cluster,
    config,
    fs,
    mgr,
    monmap,
    osd,
    osd_pool,
    pg,
    versions,
)
from mon.commands.table import CommandTable, Handler, MonCommand, Reply
from mon.context import MonContext
from mon.errors import CommandError
from sim.caps import allows, service_cap
from sim.cmdparse import CommandSig, Flag
from sim.cmdparse.cmdmap import cmdmap_error, field_error

__all__ = ["COMMANDS", "CommandError", "Handler", "MonCommand", "Reply", "dispatch", "signatures"]

log = logging.getLogger(__name__)

TABLES: tuple[CommandTable, ...] = (
    config.TABLE, mgr.TABLE, cluster.TABLE, monmap.TABLE, fs.TABLE, pg.TABLE, osd.TABLE,
    osd_pool.TABLE, blocklist.TABLE, versions.TABLE, auth.TABLE,
)  # fmt: skip


def _build(tables: tuple[CommandTable, ...]) -> dict[str, MonCommand]:
    out: dict[str, MonCommand] = {}
    for table in tables:
        for mc in table:
            if mc.sig.prefix in out:
                raise ValueError(f"mon command {mc.sig.prefix!r} declared twice")
            out[mc.sig.prefix] = mc
    return out


COMMANDS: dict[str, MonCommand] = _build(TABLES)

# The commands Ceph 16.2's mgr itself serves (DaemonServer, MgrCommands.h), in
# its order. Where the simulator's mon serves one of them, it is published first,
# before the modules' commands and the mon's own, as Ceph's table lists them: the
# CLI's "closest matches" for a word nothing matches are then Ceph's (``pg stat``
# …), not whichever module loaded first.
CEPH_MGR_BUILTINS: tuple[str, ...] = (
    "pg stat", "pg getmap", "pg dump", "pg dump_json", "pg dump_pools_json", "pg ls-by-pool",
    "pg ls-by-primary", "pg ls-by-osd", "pg ls", "pg dump_stuck", "pg debug", "pg scrub",
    "pg deep-scrub", "pg repair", "pg force-recovery", "pg force-backfill",
    "pg cancel-force-recovery", "pg cancel-force-backfill", "osd perf", "osd df",
    "osd blocked-by", "osd pool stats", "osd pool scrub", "osd pool deep-scrub",
    "osd pool repair", "osd pool force-recovery", "osd pool force-backfill",
    "osd pool cancel-force-recovery", "osd pool cancel-force-backfill",
    "osd reweight-by-utilization", "osd test-reweight-by-utilization", "osd reweight-by-pg",
    "osd test-reweight-by-pg", "osd destroy", "osd purge", "osd safe-to-destroy",
    "osd ok-to-stop", "osd scrub", "osd deep-scrub", "osd repair", "service dump",
    "service status", "config show", "config show-with-defaults", "device ls", "device info",
    "device ls-by-daemon", "device ls-by-host", "device set-life-expectancy",
    "device rm-life-expectancy",
)  # fmt: skip


def signatures() -> list[CommandSig]:
    return [c.sig for c in COMMANDS.values()]


#: The last published descriptions: (the MgrMap they were made from, format -> text).
#: Every CLI call asks for them (30 KB); a committed MgrMap is never changed in place.
_published: tuple[object, dict[str | None, str]] = (None, {})


def get_command_descriptions(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    """The descriptions, rendered once per MgrMap and format (`_describe`)."""
    global _published
    mgrmap, texts = _published
    if mgrmap is not mon.mgrmon.map:
        mgrmap, texts = _published = (mon.mgrmon.map, {})
    fmt = cmd.get("format")
    key = fmt if isinstance(fmt, str) else None
    if key not in texts:
        texts[key] = _describe(mon).render(key).decode()
    return Reply(text=texts[key])


def _describe(mon: MonContext) -> Reply:
    """Ceph's order: the mgr's own commands (the active mgr's built-ins and
    those served here, in MgrCommands.h's order), the modules' commands (the
    active mgr's), then the mon's."""
    ours = [s for s in signatures() if s.prefix != "get_command_descriptions"]
    builtin = set(CEPH_MGR_BUILTINS)
    rank = {p: i for i, p in enumerate(CEPH_MGR_BUILTINS)}
    served = {s.prefix for s in ours}
    firsts: list[tuple[int, dict[str, Any]]] = [(rank[s.prefix], s.to_json()) for s in ours
                                                 if s.prefix in builtin]  # fmt: skip
    modules: list[dict[str, Any]] = []
    for d in mon.mgrmon.map.command_descs:
        if not isinstance(d, dict):
            continue
        d = {**d, "flags": int(d.get("flags", 0)) | Flag.MGR}
        prefix = _prefix_of(d)
        if prefix in builtin:  # the mgr's own (DaemonServer), unless the mon serves it here
            if prefix not in served:
                firsts.append((rank[prefix], d))
        else:
            modules.append(d)
    descs = [d for _, d in sorted(firsts, key=lambda x: x[0])] + modules
    descs += [s.to_json() for s in ours if s.prefix not in builtin]
    return Reply(data=descs)


def _prefix_of(desc: dict[str, Any]) -> str:
    """A published description's literal words (``pg dump`` of ``pg dump name=…``)."""
    cmd = desc.get("cmd")
    words = cmd.split() if isinstance(cmd, str) else []
    return " ".join(w for w in words if "=" not in w and "," not in w)


COMMANDS["get_command_descriptions"] = MonCommand(
    CommandSig.parse(
        "get_command_descriptions",
        help="list commands and their signatures",
        perm="r",
        flags=0,
        module="mon",
    ),
    get_command_descriptions,
)


def _daemon_message(cmd: dict[str, Any]) -> bool:
    """A hidden command stands for one of Ceph's daemon messages (``osd boot`` is
    MOSDBoot, ``osd beacon`` MOSDBeacon …), not an operator's command: it carries
    structures a command map cannot, and only the simulator's daemons send it."""
    prefix = cmd.get("prefix")
    mc = COMMANDS.get(prefix) if isinstance(prefix, str) else None
    return mc is not None and bool(mc.sig.flags & Flag.HIDDEN)


def dispatch(
    mon: MonContext, cmd: dict[str, Any], entity: str = "client.admin"
) -> tuple[MonCommand | None, Reply]:
    """Run a command's handler; returns the command (for commit decisions)."""
    if not isinstance(cmd, dict):
        return None, Reply(-errno.EINVAL, outs=f"not JSON object {cmd!r}")
    bad = None if _daemon_message(cmd) else cmdmap_error(cmd)
    if bad:
        return None, Reply(-errno.EINVAL, outs=bad)
    if "prefix" not in cmd:
        return None, Reply(-errno.EINVAL, outs="command prefix not found")
    prefix = cmd["prefix"]
    if not isinstance(prefix, str):  # Ceph's mon aborts here; we refuse it
        return None, Reply(-errno.EINVAL, outs="bad or missing field 'prefix'")
    mc = COMMANDS.get(prefix)
    if mc is None:
        return None, Reply(-errno.EINVAL, outs="unrecognized command")
    if not allows(service_cap(mon.auth_monitor.caps(entity), "mon"), mc.sig.perm):
        return mc, Reply(-errno.EACCES, outs="access denied")
    bad = None if mc.sig.flags & Flag.HIDDEN else field_error(mc.sig, cmd)
    if bad:
        return mc, Reply(-errno.EINVAL, outs=bad)
    try:
        return mc, mc.handler(mon, cmd)
    except CommandError as exc:
        return mc, Reply(-exc.errno, outs=str(exc))
    except Exception as exc:
        log.exception("command %r failed", prefix)
        return mc, Reply(-errno.EINVAL, outs=f"{exc.__class__.__name__}: {exc}")
