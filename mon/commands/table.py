"""The pieces of the mon's command table: `Reply`, `MonCommand` and
`CommandTable`, the per-file registry each command file fills.

Each command is declared with Ceph's descriptor grammar (`sim.cmdparse`), a
help line and a permission; the table is what ``get_command_descriptions``
publishes and what the CLI validates against. Handlers receive the mon as a
`mon.context.MonContext` and return a `Reply` with data; the dispatch point
(`mon.commands.dispatch`) renders it in the requested format and converts
exceptions to errno, so handlers never format or catch.

Who may import it: the command files of this package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from mon.context import MonContext
from sim.cmdparse import CommandSig, Flag
from sim.formatting import render


@dataclass
class Reply:
    retval: int = 0
    data: Any = None  # rendered in the request's format
    outs: str = ""
    plain: Callable[[Any], str] | None = None
    text: str | None = None  # already-rendered output (ignores the format)
    json_newline: bool = False  # some of Ceph's handlers end compact JSON with "\n"

    def render(self, fmt: str | None) -> bytes:
        if self.text is not None:
            return self.text.encode()
        if self.data is None:
            return b""
        out = render(self.data, fmt or "plain", self.plain)
        return (out + "\n" if self.json_newline and fmt == "json" else out).encode()


Handler = Callable[[MonContext, dict[str, Any]], Reply]


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


class CommandTable:
    """The commands one file declares, in declaration order. The mon's whole
    table is assembled from these in `mon.commands` (one place)."""

    def __init__(self) -> None:
        self._commands: list[MonCommand] = []

    def command(
        self, descriptor: str, help: str, perm: str = "r", flags: int = 0
    ) -> Callable[[Handler], Handler]:
        """Declare a command: ``@TABLE.command("mgr fail name=who,…", "help", "rw")``."""

        def deco(fn: Handler) -> Handler:
            sig = CommandSig.parse(descriptor, help=help, perm=perm, flags=flags, module="mon")
            self._commands.append(MonCommand(sig, fn))
            return fn

        return deco

    def deprecated(self, descriptor: str, help: str, perm: str) -> Callable[[Handler], Handler]:
        """Declare a command with Ceph's DEPRECATED flag (usable, left out of help)."""

        def deco(fn: Handler) -> Handler:
            sig = CommandSig.parse(descriptor, help=help, perm=perm, flags=Flag.DEPRECATED)
            self._commands.append(MonCommand(sig, fn))
            return fn

        return deco

    def __iter__(self) -> Iterator[MonCommand]:
        return iter(self._commands)
