"""The mgr's built-in commands (Ceph's DaemonServer, MgrCommands.h), one
explicit table built here, and their dispatch point.

These are the commands Ceph's mgr serves itself, not through a Python
module: ``pg stat``, ``pg dump …``, ``osd perf``, ``osd df``, ``device ls``
… Every file of this package declares its commands in its own
`CommandTable`; `COMMANDS` is assembled from those tables in Ceph's order
(`ORDER`, MgrCommands.h), which is the order the active mgr publishes them
in its beacon (before its modules' commands) and the mon publishes them in
``get_command_descriptions``: the CLI's "closest matches" follow it.

`run` checks the caller's caps against the command's perm, runs the
handler on the daemon state (`Cluster`: a `DaemonView` and its PG
statistics) and turns a `CommandError` (or a bug) into ``(-errno, outs)``.
`is_builtin` says whether a command is one of these (else the module host's).

Who may import it: `mgr.daemon` and tests.
"""

from __future__ import annotations

import errno
import logging
from typing import Any

from mgr.commands import device, osd, pg, pg_ls
from mgr.commands.table import Cluster, CommandError, CommandTable, MgrCommand
from sim.caps import ACCESS_DENIED, ALLOW_ALL, allows
from sim.cmdparse.cmdmap import cmdmap_error, field_error
from sim.messages import CommandReply

__all__ = ["COMMANDS", "Cluster", "descriptions", "is_builtin", "precheck", "run"]

log = logging.getLogger(__name__)

TABLES: tuple[CommandTable, ...] = (pg.TABLE, pg_ls.TABLE, osd.TABLE, device.TABLE)

# Ceph 16.2's mgr commands in MgrCommands.h's order (those declared here are published so).
ORDER: tuple[str, ...] = (
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


def _build(tables: tuple[CommandTable, ...]) -> dict[str, MgrCommand]:
    out: dict[str, MgrCommand] = {}
    for table in tables:
        for mc in table:
            if mc.sig.prefix in out:
                raise ValueError(f"mgr command {mc.sig.prefix!r} declared twice")
            if mc.sig.prefix not in ORDER:
                raise ValueError(f"mgr command {mc.sig.prefix!r} is not one of Ceph's")
            out[mc.sig.prefix] = mc
    rank = {p: i for i, p in enumerate(ORDER)}
    return dict(sorted(out.items(), key=lambda kv: rank[kv[0]]))


COMMANDS: dict[str, MgrCommand] = _build(TABLES)
_DESCRIPTIONS = [mc.sig.to_json() for mc in COMMANDS.values()]


def descriptions() -> list[dict[str, Any]]:
    """The built-in commands' descriptions, for the beacon (Ceph's order)."""
    return [dict(d) for d in _DESCRIPTIONS]


def is_builtin(cmd: Any) -> bool:
    """Is ``cmd`` one of the mgr's own commands (else a module's)?"""
    prefix = cmd.get("prefix") if isinstance(cmd, dict) else None
    return isinstance(prefix, str) and prefix in COMMANDS


def precheck(cmd: Any) -> CommandReply | None:
    """What Ceph's DaemonServer refuses before it looks for a handler, for its
    own commands and the modules' alike: a map that is not a command map
    (the mon's texts, `sim.cmdparse.cmdmap`), a ``prefix`` or ``format`` that
    is not a string (``bad or missing field 'format'``). A missing prefix is
    the empty one (``No handler found for ''``). Module commands are not
    checked against their descriptors: a 16.2 mgr passes ``balancer mode
    bogus`` to the module (tests/data/ceph16/mgr_raw_commands.jsonl)."""
    if not isinstance(cmd, dict):
        return CommandReply(-errno.EINVAL, outs=f"not JSON object {cmd!r}")
    bad = cmdmap_error(cmd)
    if bad:
        return CommandReply(-errno.EINVAL, outs=bad)
    for key in ("prefix", "format"):
        if key in cmd and not isinstance(cmd[key], str):
            return CommandReply(-errno.EINVAL, outs=f"bad or missing field '{key}'")
    return None


def run(cluster: Cluster, cmd: dict[str, Any], sender: str, cap: str = ALLOW_ALL) -> CommandReply:
    """Run a built-in command (`is_builtin`); safe off the event loop, as module
    threads are (the daemon state swaps whole objects). ``cap``: the sender's
    mgr cap (`sim.caps.service_cap`)."""
    prefix = cmd.get("prefix") if isinstance(cmd, dict) else None
    mc = COMMANDS.get(prefix) if isinstance(prefix, str) else None
    if mc is None:
        return CommandReply(-errno.EINVAL, outs=f"No handler found for '{prefix}'")
    if not allows(cap, mc.sig.perm):
        return CommandReply(-errno.EACCES, outs=ACCESS_DENIED)
    bad = field_error(mc.sig, cmd)  # the handlers' typed reads (cmd_getval), as the mon's
    if bad:
        return CommandReply(-errno.EINVAL, outs=bad)
    fmt = cmd.get("format")
    try:
        reply = mc.handler(cluster, cmd)
        return CommandReply(reply.retval, reply.render(fmt if isinstance(fmt, str) else None),
                            reply.outs)  # fmt: skip
    except CommandError as exc:
        return CommandReply(-exc.errno, outs=str(exc))
    except Exception as exc:
        log.exception("mgr command %r failed", prefix)
        return CommandReply(-errno.EINVAL, outs=f"{exc.__class__.__name__}: {exc}")
