"""The pieces of the mgr's built-in command table (Ceph's DaemonServer and
MgrCommands.h): `Cluster` (what a handler reads), `Reply`, `MgrCommand`,
`CommandTable` (the per-file registry) and Ceph's ``TextTable``.

A handler receives the cluster as the mgr knows it — the daemon state as a
`mgr.daemon_view.DaemonView` and the PG statistics built on it
(`mgr.pg_views.PGState`) — and returns a `Reply` with data; `Reply.render`
gives the output buffer in the request's format, with the few byte-level
quirks Ceph's handlers have (the ``pg_ready`` flush newline of ``pg stat``
and ``osd perf``, the newline after ``osd df``'s compact JSON).

Who may import it: the command files of this package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.cmdparse import CommandSig, Flag
from sim.formatting import render

if TYPE_CHECKING:
    from mgr.daemon_view import DaemonView
    from mgr.pg_views import PGState


@dataclass(frozen=True)
class Cluster:
    """What a built-in command reads: the daemon state and its PG statistics."""

    view: DaemonView
    pg: PGState


class CommandError(Exception):
    """A handler's refusal: ``-errno`` and the message for stderr."""

    def __init__(self, errno_: int, message: str) -> None:
        super().__init__(message)
        self.errno = errno_


@dataclass
class Reply:
    retval: int = 0
    data: Any = None  # rendered in the request's format
    outs: str = ""  # the status line (``dumped all``) or the error
    plain: Callable[[Any], str] | None = None
    flush_newline: bool = False  # "pg_ready" replies: a newline before the last "}"
    json_newline: bool = False  # compact JSON ends with "\n" (``osd df``)

    def render(self, fmt: str | None) -> bytes:
        if self.data is None:
            return b""
        json_fmt = fmt in ("json", "json-pretty")
        if not json_fmt and self.plain is not None:
            return self.plain(self.data).encode()
        out = render(self.data, fmt if json_fmt else "json-pretty")
        if self.flush_newline:
            cut = out.rstrip("\n")
            out = cut[:-1] + "\n}" + out[len(cut) :]
        if self.json_newline and fmt == "json":
            out += "\n"
        return out.encode()


Handler = Callable[[Cluster, dict[str, Any]], Reply]


@dataclass(frozen=True)
class MgrCommand:
    sig: CommandSig
    handler: Handler


class CommandTable:
    """The commands one file declares, in declaration order (Ceph's order)."""

    def __init__(self, module: str) -> None:
        self.module = module  # Ceph's "module" field of the description (pg, osd, mgr)
        self._commands: list[MgrCommand] = []

    def command(self, descriptor: str, help: str, perm: str = "r") -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            sig = CommandSig.parse(
                descriptor, help=help, perm=perm, flags=Flag.MGR, module=self.module
            )
            self._commands.append(MgrCommand(sig, fn))
            return fn

        return deco

    def __iter__(self) -> Iterator[MgrCommand]:
        return iter(self._commands)


# --- Ceph's TextTable ------------------------------------------------------------------

L, R = False, True  # alignment: left / right


def text_table(columns: Sequence[tuple[str, bool, bool]], rows: Sequence[Sequence[str]]) -> str:
    """``TextTable``: ``columns`` are (header, header right-aligned, cells
    right-aligned); every cell (the last column's too) is padded to its
    column's width, cells two spaces apart, one line per row."""
    widths = [len(h) for h, _, _ in columns]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(cells: Sequence[str], right: Sequence[bool]) -> str:
        return "  ".join(
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)
        )

    lines = [line([h for h, _, _ in columns], [hr for _, hr, _ in columns])]
    lines += [line(row, [cr for _, _, cr in columns]) for row in rows]
    return "\n".join(lines) + "\n"


def choices(cmd: dict[str, Any], key: str, allowed: Sequence[str]) -> list[str]:
    """A CephChoices argument (one word or a list of them), checked."""
    raw = cmd.get(key)
    if raw is None:
        return []
    words = raw if isinstance(raw, list) else [raw]
    for w in words:
        if not isinstance(w, str) or w not in allowed:
            raise CommandError(22, f"invalid {key} {w!r}: one of {'|'.join(allowed)}")
    return [str(w) for w in words]


def string(cmd: dict[str, Any], key: str) -> str | None:
    raw = cmd.get(key)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise CommandError(22, f"{key} must be a string, not {raw!r}")
    return raw
