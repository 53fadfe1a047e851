"""Ceph 16.2's output shapes for command replies: formats, ages, stamps and units.

Pure functions (no I/O, no clock reads: every time is passed in).

* `render` is what a daemon puts in a command reply's output buffer for a
  ``-f`` format; `cli_stdout` is what the ``ceph`` CLI then writes to stdout.
* `timespan_str` is Ceph's ``timespan_str``/``utimespan_str`` (the ages of
  ``ceph -s`` and of the ``mgrmap eN: ...`` cluster-log lines).
* `utc_stamp` / `parse_utc_stamp` are ``utime_t``'s UTC text forms.
* `byte_u_t` / `si_u_t` are Ceph's unit printers (``187 KiB``, ``1.50k``).
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "JSON_FORMATS",
    "byte_u_t",
    "ceph_float",
    "cli_stdout",
    "dumps_compact",
    "dumps_pretty",
    "float_span_str",
    "parse_utc_stamp",
    "render",
    "si_u_t",
    "timespan_str",
    "utc_stamp",
]

JSON_FORMATS = ("json", "json-pretty")

# --- JSON ---------------------------------------------------------------------


def ceph_float(value: float) -> str:
    """A double as Ceph's JSONFormatter prints it (``%.17g``: ``-0``, ``1``, ``0.94999998807907104``)."""
    return format(value, ".17g")


def _encode(obj: Any, indent: int | None, level: int) -> str:
    """JSON text with Ceph's conventions (key order kept, ``%.17g`` floats, raw UTF-8)."""
    if obj is None:
        return "null"
    if obj is True:
        return "true"
    if obj is False:
        return "false"
    if isinstance(obj, int):
        return str(int(obj))
    if isinstance(obj, float):
        return ceph_float(obj)
    if isinstance(obj, str):
        return json.dumps(obj, ensure_ascii=False)
    if isinstance(obj, dict):
        items = [
            (json.dumps(k if isinstance(k, str) else str(k), ensure_ascii=False), v)
            for k, v in obj.items()
        ]
        if not items:
            return "{}"
        if indent is None:
            return "{" + ",".join(f"{k}:{_encode(v, None, 0)}" for k, v in items) + "}"
        pad = " " * (indent * (level + 1))
        body = ",\n".join(f"{pad}{k}: {_encode(v, indent, level + 1)}" for k, v in items)
        return "{\n" + body + "\n" + " " * (indent * level) + "}"
    if isinstance(obj, list | tuple | set | frozenset):
        seq = sorted(obj) if isinstance(obj, set | frozenset) else list(obj)
        if not seq:
            return "[]"
        if indent is None:
            return "[" + ",".join(_encode(v, None, 0) for v in seq) + "]"
        pad = " " * (indent * (level + 1))
        body = ",\n".join(pad + _encode(v, indent, level + 1) for v in seq)
        return "[\n" + body + "\n" + " " * (indent * level) + "]"
    raise TypeError(f"cannot encode {type(obj).__name__} as JSON")


def dumps_compact(data: Any) -> str:
    """``-f json``: one line, no blanks, no trailing newline."""
    return _encode(data, None, 0)


def dumps_pretty(data: Any) -> str:
    """``-f json-pretty``: 4-space indent and a trailing newline."""
    return _encode(data, 4, 0) + "\n"


def render(data: Any, fmt: str | None, plain: Callable[[Any], str] | None = None) -> str:
    """A command reply's output buffer for ``data`` in format ``fmt``.

    ``json`` and ``json-pretty`` as Ceph's JSONFormatter; ``yaml`` as PyYAML's
    block style (mgr modules' ``-f yaml``); ``plain``/``None`` (and any other
    name, like Ceph when ``Formatter::create`` finds no formatter) gives
    ``plain(data)`` when a plain formatter exists, else the json-pretty text.
    """
    if fmt == "json":
        return dumps_compact(data)
    if fmt == "json-pretty":
        return dumps_pretty(data)
    if fmt == "yaml":
        import yaml  # only here: keeps the CLI's start-up short

        return yaml.safe_dump(data, default_flow_style=False, sort_keys=False)
    if plain is not None:
        return plain(data)
    return dumps_pretty(data)


def cli_stdout(fmt: str | None, outbuf: str) -> str:
    """What ``ceph ... [-f fmt]`` writes to stdout for a successful reply.

    The CLI writes the reply verbatim, preceded by one newline for ``json*``
    formats (so ``-f json`` output starts with ``\\n`` and has no trailing one).
    """
    if fmt is not None and fmt.startswith("json"):
        return "\n" + outbuf
    return outbuf


# --- ages -----------------------------------------------------------------------


def _float32(value: float) -> float:
    return float(struct.unpack("f", struct.pack("f", value))[0])


def float_span_str(seconds: float) -> str:
    """A short span as Ceph streams ``(float)seconds`` (6 significant digits): ``1.7248s``."""
    return format(_float32(seconds), "g") + "s"


def timespan_str(seconds: float) -> str:
    """Ceph's ``timespan_str``: ``0.0129465s``, ``1.7248s``, ``118s``, ``2m``, ``5h``, ``3d``, …

    Under 2 s the (single-precision) float of seconds with 6 significant
    digits; then whole seconds below 120 s, minutes below 120 m, hours below
    48 h, days below 14 d, weeks below 12 w, months (30 d) below 24, years
    (365 d). Every unit is truncated. Negative spans count as 0.
    """
    if not math.isfinite(seconds) or seconds <= 0:
        return "0s"
    nsec = int(seconds * 1_000_000_000)
    if nsec < 2_000_000_000:
        return float_span_str(nsec / 1_000_000_000)
    sec = nsec // 1_000_000_000
    if sec < 120:
        return f"{sec}s"
    minutes = sec // 60
    if minutes < 120:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if days < 14:
        return f"{days}d"
    weeks = days // 7
    if weeks < 12:
        return f"{weeks}w"
    months = days // 30
    if months < 24:
        return f"{months}M"
    return f"{days // 365}y"


# --- stamps ---------------------------------------------------------------------


def utc_stamp(epoch_seconds: float, zulu: bool = False) -> str:
    """``utime_t`` in UTC: ``2026-11-22T12:46:44.400375+0000`` (``...Z`` with ``zulu``).

    The ``+0000`` form is the cluster log's, ``mgr dump``'s ``active_change``
    and ``mon dump``'s plain text; the ``Z`` form is the monmap's
    ``created``/``modified`` in JSON (``mon dump``, ``quorum_status``).
    Microseconds are rounded so that a parsed stamp prints back unchanged.
    """
    usec_total = round(epoch_seconds * 1_000_000)
    sec, usec = divmod(usec_total, 1_000_000)
    when = datetime.fromtimestamp(sec, UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S") + f".{usec:06d}" + ("Z" if zulu else "+0000")


def parse_utc_stamp(text: str) -> float:
    """Epoch seconds of a `utc_stamp` text (either form)."""
    base, _, frac = text.partition(".")
    digits = "".join(ch for ch in frac if ch.isdigit())
    when = datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    usec = int((digits + "000000")[:6]) if digits else 0
    return (int(when.timestamp()) * 1_000_000 + usec) / 1_000_000


# --- units ----------------------------------------------------------------------


def _format_u(value: int, n: int, index: int, mult: int, unit: str) -> str:
    if index == 0 or value % mult == 0:
        return f"{n}{unit}"
    text = ""
    for precision in (2, 1, 0):
        text = f"{value / mult:.{precision}f}{unit}"
        if len(text) <= 7:
            break
    return text


def byte_u_t(value: int) -> str:
    """Ceph's ``byte_u_t``: ``0 B``, ``187 KiB``, ``768 MiB``, ``1.5 KiB``."""
    units = (" B", " KiB", " MiB", " GiB", " TiB", " PiB", " EiB")
    value = max(int(value), 0)
    n, index = value, 0
    while n >= 1024 and index < len(units) - 1:
        n //= 1024
        index += 1
    return _format_u(value, n, index, 1 << (10 * index), units[index])


def si_u_t(value: int) -> str:
    """Ceph's ``si_u_t`` (decimal, no unit): ``0``, ``999``, ``1.50k``, ``12M``."""
    units = ("", "k", "M", "G", "T", "P", "E")
    value = max(int(value), 0)
    n, index, mult = value, 0, 1
    while n >= 1000 and index < len(units) - 1:
        n //= 1000
        index += 1
        mult *= 1000
    return _format_u(value, n, index, mult, units[index])


# --- PGMapDigest's summaries: `status` (mon/status.py) and `osd pool stats` (the mgr) ---


def recovery_summary(stats: Mapping[str, Any]) -> list[str]:
    """``X/Y objects degraded (Z%)``, then misplaced, then unfound: those that have any."""
    items: list[str] = []
    for kind in ("degraded", "misplaced", "unfound"):
        num = int(stats.get(f"{kind}_objects", 0) or 0)
        total = int(stats.get(f"{kind}_total", 0) or 0)
        if num and total:
            items.append(f"{num}/{total} objects {kind} ({num / total * 100.0:.3f}%)")
    return items


def client_io_rate_summary(rate: Mapping[str, Any]) -> str:
    """``6.9 MiB/s rd, 3.1 MiB/s wr, 1.77k op/s rd, 793 op/s wr`` ("" without ops); a
    byte rate only where the rate has one."""
    if "read_op_per_sec" not in rate and "write_op_per_sec" not in rate:
        return ""
    text = ""
    if "read_bytes_sec" in rate:
        text += byte_u_t(rate["read_bytes_sec"]) + "/s rd, "
    if "write_bytes_sec" in rate:
        text += byte_u_t(rate["write_bytes_sec"]) + "/s wr, "
    return text + (
        f"{si_u_t(rate.get('read_op_per_sec', 0))} op/s rd, "
        f"{si_u_t(rate.get('write_op_per_sec', 0))} op/s wr"
    )


def recovery_rate_summary(rate: Mapping[str, Any]) -> str:
    """``63 KiB/s, 15 objects/s`` (keys/s between them when keys were recovered); ""
    when nothing is recovering."""
    if "recovering_objects_per_sec" not in rate:
        return ""
    text = byte_u_t(rate.get("recovering_bytes_per_sec", 0)) + "/s"
    if rate.get("num_keys_recovered"):
        text += f", {si_u_t(rate.get('recovering_keys_per_sec', 0))} keys/s"
    return text + f", {si_u_t(rate['recovering_objects_per_sec'])} objects/s"
