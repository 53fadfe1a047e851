"""The mon's command table: one registered function per command.

Each command is declared with Ceph's descriptor grammar (`sim.cmdparse`), a
help line and a permission; the docstring-free table is what
``get_command_descriptions`` publishes and what the CLI validates against.
Handlers return a `Reply` with data; the dispatch point renders it in the
requested format and converts exceptions to errno, so handlers never format
or catch.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mon.errors import CommandError
from sim.caps import allows, caps_for
from sim.cmdparse import CommandSig, Flag
from sim.formatting import render

if TYPE_CHECKING:
    from mon.daemon import MonDaemon

__all__ = ["CommandError", "MonCommand", "Reply", "command", "dispatch", "signatures"]

log = logging.getLogger(__name__)


@dataclass
class Reply:
    retval: int = 0
    data: Any = None  # rendered in the request's format
    outs: str = ""
    plain: Callable[[Any], str] | None = None
    text: str | None = None  # already-rendered output (ignores the format)

    def render(self, fmt: str | None) -> bytes:
        if self.text is not None:
            return self.text.encode()
        if self.data is None:
            return b""
        return render(self.data, fmt or "plain", self.plain).encode()


Handler = Callable[["MonDaemon", dict[str, Any]], Reply]


@dataclass(frozen=True)
class MonCommand:
    sig: CommandSig
    handler: Handler

    @property
    def writes(self) -> bool:
        return "w" in self.sig.perm

    @property
    def audited(self) -> bool:
        """Operators' writes go to the audit log; daemons' hidden ones (``osd beacon``) do not."""
        return self.writes and not self.sig.flags & Flag.HIDDEN


COMMANDS: dict[str, MonCommand] = {}


def command(
    descriptor: str, help: str, perm: str = "r", flags: int = 0
) -> Callable[[Handler], Handler]:
    """Register a mon command: ``@command("mgr fail name=who,…", "help", "rw")``."""

    def deco(fn: Handler) -> Handler:
        sig = CommandSig.parse(descriptor, help=help, perm=perm, flags=flags, module="mon")
        COMMANDS[sig.prefix] = MonCommand(sig, fn)
        return fn

    return deco


def signatures() -> list[CommandSig]:
    return [c.sig for c in COMMANDS.values()]


def dispatch(
    mon: MonDaemon, cmd: dict[str, Any], entity: str = "client.admin"
) -> tuple[MonCommand | None, Reply]:
    """Run a command's handler; returns the command (for commit decisions)."""
    prefix = cmd.get("prefix")
    if not isinstance(prefix, str):
        return None, Reply(-errno.EINVAL, outs="command has no prefix")
    mc = COMMANDS.get(prefix)
    if mc is None:
        return None, Reply(-errno.EINVAL, outs="unrecognized command")
    if not allows(caps_for(entity), mc.sig.perm):
        return mc, Reply(-errno.EACCES, outs="access denied")
    try:
        return mc, mc.handler(mon, cmd)
    except CommandError as exc:
        return mc, Reply(-exc.errno, outs=str(exc))
    except Exception as exc:
        log.exception("command %r failed", prefix)
        return mc, Reply(-errno.EINVAL, outs=f"{exc.__class__.__name__}: {exc}")
