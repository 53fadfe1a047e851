"""``ceph --help``-style usage listing of command descriptions (pure).

`render_help` is ceph.in's ``format_help``: every command that has help
text and is not obsolete, deprecated or hidden, sorted by its concise
signature, in two columns (signature wrapped at 40 characters, help at 39,
continuation lines indented by one space), optionally only the commands
whose signature starts with ``partial`` (``ceph osd --help``).
`help_sections` adds the "Monitor commands" banner that ``ceph --help``
prints above that list (module commands are part of it, as in Ceph).

For the CLI: fetch ``get_command_descriptions`` from the mon as usual, then
``print(help_sections(descs, partial))``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sim.cmdparse.descriptor import CommandSig, Flag
from sim.cmdparse.errors import DescriptorError

SIG_WIDTH = 40
HELP_WIDTH = 39
SKIP = Flag.OBSOLETE | Flag.DEPRECATED | Flag.HIDDEN


def wrap(text: str, width: int, indent: int = 1) -> list[str]:
    """Split ``text`` into lines of at most ``width`` (later lines indented)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        limit = width if not lines else width - indent
        if len(candidate) <= limit or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return [lines[0]] + [" " * indent + ln for ln in lines[1:]]


def _sigs(descs: Iterable[Mapping[str, Any]]) -> list[CommandSig]:
    out = []
    for d in descs:
        try:
            out.append(CommandSig.from_json(d, module=str(d.get("module", "mon"))))
        except DescriptorError:
            continue
    return out


def render_help(descs: Iterable[Mapping[str, Any]], partial: str | None = None) -> str:
    rows = []
    for sig in _sigs(descs):
        if not sig.help or sig.flags & SKIP:
            continue
        concise = sig.usage()
        if partial and not concise.startswith(partial):
            continue
        rows.append((concise, sig.help))
    out = []
    for concise, text in sorted(rows):
        left, right = wrap(concise, SIG_WIDTH), wrap(text, HELP_WIDTH)
        n = max(len(left), len(right))
        left += [""] * (n - len(left))
        right += [""] * (n - len(right))
        out += [f"{a:<{SIG_WIDTH}} {b}".rstrip() for a, b in zip(left, right, strict=True)]
    return "".join(line + "\n" for line in out)


def help_sections(descs: Iterable[Mapping[str, Any]], partial: str | None = None) -> str:
    title = " Monitor commands: "
    return f"\n{title}\n {'=' * (len(title) - 2)}\n" + render_help(descs, partial)


def help_wrap(text: str, width: int = 40) -> list[str]:
    """A help text as ``ceph tell WHO help`` wraps it: at the last space within
    ``width`` characters, the space kept at the end of the line."""
    lines = []
    while len(text) > width:
        cut = text.rfind(" ", 0, width)
        cut = width - 1 if cut < 0 else cut
        lines.append(text[: cut + 1])
        text = text[cut + 1 :]
    lines.append(text)
    return lines


def tell_help(descs: Iterable[Mapping[str, Any]], daemon_type: str) -> str:
    """``ceph tell WHO help`` (the captured ``tell_*_help.txt``): a banner, then
    the daemon's commands sorted by signature, the signature hard-wrapped at
    39 characters (``textwrap``), the help at 40, continuation lines shifted
    by one space."""
    import textwrap

    title = f" Tell {daemon_type} commands "
    out = [f"\n{title}\n {'=' * (len(title) - 2)}\n"]
    rows = sorted(
        (sig.usage(), sig.help) for sig in _sigs(descs) if sig.help and not sig.flags & SKIP
    )
    for concise, text in rows:
        left, right = textwrap.wrap(concise, 39) or [""], help_wrap(text)
        n = max(len(left), len(right))
        left += [""] * (n - len(left))
        right += [""] * (n - len(right))
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            out.append(f"{' ' if i else ''}{a:<39} {b}\n")
    return "".join(out)
