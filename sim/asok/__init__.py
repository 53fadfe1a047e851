"""Ceph's admin socket ("asok") commands, for every simulated daemon.

What ``ceph daemon NAME CMD``, ``ceph --admin-daemon PATH CMD`` and ``ceph
tell NAME CMD`` reach: a table of commands declared in Ceph's descriptor
grammar (`AsokTable`, one per file: `sim.asok.common` for what every daemon
has, each daemon adds its own), and `AdminSocket`, the one dispatch point,
which renders a handler's data as Ceph's admin socket does — 4-space JSON for
plain and ``json-pretty``, compact JSON for ``json`` — and turns `AsokError`
into ``(-errno, outs)``.

The daemon shells reach it through their admin endpoint (`sim.daemon`,
admin prefix ``asok``); `docs/cli.md` says how the CLI finds that endpoint.
Handlers receive the daemon as an `AsokHost` and never import a daemon.

Who may import it: the daemon shells (`sim.daemon`, mon, mgr, fleet) and tests.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from sim.asok.running_config import RunningConfig
from sim.cmdparse import CommandSig
from sim.formatting import render
from sim.messages import CommandReply

log = logging.getLogger(__name__)

__all__ = ["AdminSocket", "AsokError", "AsokHost", "AsokTable", "RunningConfig", "Text"]


class AsokHost(Protocol):
    """One daemon as its admin socket sees it."""

    @property
    def name(self) -> str: ...
    @property
    def config(self) -> RunningConfig: ...
    def perf_dump(self) -> dict[str, Any]: ...
    def perf_schema(self) -> dict[str, Any]: ...
    def mempools(self) -> dict[str, tuple[int, int]]: ...  # pool -> (items, bytes)
    @property
    def asok(self) -> AdminSocket: ...


class AsokError(Exception):
    """A command refused: becomes ``(-errno, message)`` at the dispatch point."""

    def __init__(self, err: int, message: str) -> None:
        super().__init__(message)
        self.errno = err


@dataclass(frozen=True)
class Text:
    """Output already rendered (it ignores the format), as some hooks print."""

    text: str


Handler = Callable[[Any, dict[str, Any]], Any]


@dataclass(frozen=True)
class AsokCommand:
    sig: CommandSig
    handler: Handler


class AsokTable:
    """The admin socket commands one file declares, in declaration order."""

    def __init__(self) -> None:
        self._commands: list[AsokCommand] = []

    def command(self, descriptor: str, help: str) -> Callable[[Handler], Handler]:
        """Declare a command: ``@TABLE.command("config get name=var,type=CephString", "…")``."""

        def deco(fn: Handler) -> Handler:
            sig = CommandSig.parse(descriptor, help=help, perm="r", flags=0, module="asok")
            self._commands.append(AsokCommand(sig, fn))
            return fn

        return deco

    def __iter__(self) -> Iterator[AsokCommand]:
        return iter(self._commands)


class AdminSocket:
    """One daemon's admin socket: its tables, merged (a later table's command
    replaces an earlier one of the same prefix), and the dispatch point."""

    def __init__(self, host: Any, tables: Iterable[AsokTable]) -> None:
        self.host = host
        self.commands: dict[str, AsokCommand] = {}
        for table in tables:
            for c in table:
                self.commands[c.sig.prefix] = c

    def signatures(self) -> list[CommandSig]:
        return [self.commands[p].sig for p in sorted(self.commands)]

    def call(self, cmd: dict[str, Any]) -> CommandReply:
        """Run one command map (``prefix`` and its arguments, ``format``)."""
        prefix = cmd.get("prefix")
        fmt = cmd.get("format")
        c = self.commands.get(prefix) if isinstance(prefix, str) else None
        if c is None:
            return CommandReply(-errno.EINVAL, outs="invalid command")
        try:
            data = c.handler(self.host, cmd)
        except AsokError as exc:
            return CommandReply(-exc.errno, outs=str(exc))
        except Exception as exc:
            log.exception("admin socket command %r failed", prefix)
            return CommandReply(-errno.EINVAL, outs=f"{exc.__class__.__name__}: {exc}")
        return CommandReply(0, outbuf=render_asok(data, fmt).encode())


def render_asok(data: Any, fmt: Any) -> str:
    """What Ceph's admin socket prints: pretty JSON unless ``json`` (compact)."""
    if isinstance(data, Text):
        return data.text
    return render(data, "json" if fmt == "json" else "json-pretty")
