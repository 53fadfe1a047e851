"""Ceph's option value parsing, as the mon applies it on ``config set``.

`parse_value` is Ceph's ``Option::parse_value``: the type's strict parser
(``strict_si_cast``, ``strict_iecstrtoll``, ``strict_strtod``, ``parse_timespan``
…, with their error texts), then min/max/enum validation, giving the
*normalized* text the mon stores (``1m`` -> ``60`` for secs, ``0.5`` ->
``0.500000`` for floats, ``1`` -> ``true`` for bools). `to_str` is
``Option::to_str``. `module_option` turns a mgr's ModuleInfo option dict into
the same `CephOption` shape, as MgrMonitor does when it loads the MgrMap.
Pure functions only.
"""

from __future__ import annotations

import errno
import math
import re
import uuid
from typing import Any

from sim.options import CEPH_TYPES, FLAG_MGR, CephOption

__all__ = ["ParseError", "module_option", "parse_value", "to_str", "typed_default"]

_WS = "[ \t\n\v\f\r]*"
_INT_RE = re.compile(_WS + r"[+-]?[0-9]+")
_FLOAT_RE = re.compile(
    _WS
    + r"[+-]?(?:"
    + r"0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?"
    + r"|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    + r"|(?i:infinity|inf|nan(?:\([0-9A-Za-z_]*\))?)"
    + r")"
)
_INT64 = (-(1 << 63), (1 << 63) - 1)
_UINT64 = (0, (1 << 64) - 1)
_ZERO_UUID = "00000000-0000-0000-0000-000000000000"


class ParseError(ValueError):
    """A value Ceph's parser rejects: ``errno`` and the parser's message."""

    def __init__(self, err: int, message: str) -> None:
        super().__init__(message)
        self.errno = err


def _fail(message: str, err: int = errno.EINVAL) -> ParseError:
    return ParseError(err, message)


# --- Ceph's strict parsers (common/strtol.cc, common/ceph_time.cc) ----------------


def strict_strtoll(text: str) -> int:
    m = _INT_RE.match(text)
    if m is None or m.end() != len(text):
        raise _fail(f"Expected option value to be integer, got '{text}'")
    value = int(m.group().strip(" \t\n\v\f\r"))
    if not _INT64[0] <= value <= _INT64[1]:
        raise _fail(f"The option value '{text}' seems to be invalid")
    return value


def strict_strtol(text: str) -> int:
    value = strict_strtoll(text)
    if not -(1 << 31) <= value <= (1 << 31) - 1:
        raise _fail(f"The option value '{text}' seems to be invalid")
    return value


def strict_si_cast(text: str, signed: bool) -> int:
    """Integers with an optional SI suffix (``K`` = 10^3 … ``E``; ``B`` = 1)."""
    if not text:
        raise _fail("strict_sistrtoll: value not specified")
    digits, power = text, 0
    if any(c not in "0123456789+-" for c in text):
        power = {"K": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18, "B": 0}.get(text[-1], -1)
        if power >= 0:
            digits = text[:-1]
        else:
            power = 0
    value = strict_strtoll(digits)
    if value < 0 and not signed:
        raise _fail("strict_sistrtoll: value should not be negative")
    lo, hi = _INT64 if signed else _UINT64
    if value < lo / 10**power:
        raise _fail("strict_sistrtoll: value seems to be too small")
    if value > hi / 10**power:
        raise _fail("strict_sistrtoll: value seems to be too large")
    return value * 10**power


def strict_iecstrtoll(text: str) -> int:
    """Sizes with an optional IEC suffix (``K``/``Ki`` = 2^10 … ``E``; ``B`` = 1)."""
    if not text:
        raise _fail("strict_iecstrtoll: value not specified")
    digits, shift = text, 0
    u = next((i for i, c in enumerate(text) if c not in "0123456789-+"), -1)
    if u >= 0:
        digits, unit = text[:u], text[u:]
        if unit.endswith("i") and unit.startswith("B"):
            raise _fail('strict_iecstrtoll: illegal prefix "Bi"')
        if len(unit) > 2:
            raise _fail("strict_iecstrtoll: illegal prefix (length > 2)")
        shifts = {"K": 10, "M": 20, "G": 30, "T": 40, "P": 50, "E": 60, "B": 0}
        if unit[0] not in shifts:
            raise _fail("strict_iecstrtoll: unit prefix not recognized")
        shift = shifts[unit[0]]
    value = strict_strtoll(digits)
    if value < _INT64[0] >> shift:
        raise _fail("strict_iecstrtoll: value seems to be too small")
    if value > _INT64[1] >> shift:
        raise _fail("strict_iecstrtoll: value seems to be too large")
    return value << shift


def strict_strtod(text: str) -> float:
    m = _FLOAT_RE.match(text)
    if m is None:
        raise _fail(f"strict_strtod: expected double, got: '{text}'")
    literal = m.group().strip(" \t\n\v\f\r")
    body = literal.lstrip("+-").lower()
    if body.startswith("0x"):
        value = float.fromhex(literal)
    elif body.startswith("nan"):
        value = math.nan
    else:
        value = float(literal)
    mantissa = re.split("[ep]", body)[0] if not body.startswith(("inf", "nan")) else ""
    overflow = math.isinf(value) and not body.startswith("inf")
    underflow = value == 0.0 and any(c in "123456789abcdef" for c in mantissa.replace("0x", ""))
    if overflow or underflow:
        raise _fail(f"strict_strtod: floating point overflow or underflow parsing '{text}'")
    if m.end() != len(text):
        raise _fail(f"strict_strtod: garbage at end of string. got: '{text}'")
    return value


_UNITS = {
    **dict.fromkeys(("s", "sec", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "day", "days"), 86400),
    **dict.fromkeys(("w", "wk", "week", "weeks"), 7 * 86400),
    **dict.fromkeys(("mo", "month", "months"), 30 * 86400),
    **dict.fromkeys(("y", "yr", "year", "years"), 365 * 86400),
}


def parse_timespan(text: str) -> int:
    """Ceph's ``parse_timespan``: ``30``, ``1m``, ``1h 30m`` -> whole seconds."""
    total, pos, n = 0, 0, len(text)
    while pos < n:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            break
        start = pos
        while pos < n and "0" <= text[pos] <= "9":
            pos += 1
        if start == pos:
            raise _fail("expected digit")
        value = strict_strtoll(text[start:pos])
        while pos < n and text[pos].isspace():
            pos += 1
        ustart = pos
        while pos < n and text[pos].isascii() and text[pos].isalpha():
            pos += 1
        if ustart != pos:
            unit = text[ustart:pos]
            if unit not in _UNITS:
                raise _fail(f"unrecogized unit '{unit}'")  # sic (Ceph's spelling)
            value *= _UNITS[unit]
        elif pos < n:
            raise _fail(f"unexpected trailing '{text[pos:]}'")
        total += value
    return total


_SCANF_INT = re.compile(_WS + r"([+-]?[0-9]+)")


def _debug_level(text: str) -> str:
    """The validator of the ``debug_*`` options: ``N`` or ``N/M`` with 0 <= N, M <= 99."""
    m = _SCANF_INT.match(text)
    if m is None:
        raise _fail("value must take the form N or N/M, where N and M are integers")
    log = int(m.group(1))
    gather: int | None = None
    if text[m.end() : m.end() + 1] == "/":
        m2 = _SCANF_INT.match(text, m.end() + 1)
        if m2 is not None:
            gather = int(m2.group(1))
    if not 0 <= log <= 99 or (gather is not None and not 0 <= gather <= 99):
        raise _fail("value must be in range [0, 99]", errno.ERANGE)
    return text if gather is not None else f"{log}/{log}"


# --- typed values ------------------------------------------------------------------


def _zero(type_: str) -> Any:
    if type_ in ("int", "uint", "size", "secs"):
        return 0
    if type_ == "float":
        return 0.0
    if type_ == "bool":
        return False
    if type_ == "uuid":
        return _ZERO_UUID
    return ""


def typed_default(opt: CephOption, daemon: bool = True) -> Any:
    """The option's default value (its daemon default for a daemon, if it has one)."""
    if daemon and opt.daemon_default is not None:
        return opt.daemon_default
    return opt.default if opt.default is not None else _zero(opt.type)


def to_str(type_: str, value: Any) -> str:
    """``Option::to_str``: floats as ``%f`` (``0.500000``), bools as ``true``/``false``."""
    if value is None:
        return ""
    if type_ == "bool" or isinstance(value, bool):
        return "true" if value else "false"
    if type_ == "float" or isinstance(value, float):
        v = float(value)
        return "nan" if math.isnan(v) else f"{v:f}"
    return str(value)


def _parse_typed(type_: str, text: str) -> Any:
    if type_ == "int":
        return strict_si_cast(text, signed=True)
    if type_ == "uint":
        return strict_si_cast(text, signed=False)
    if type_ == "float":
        return strict_strtod(text)
    if type_ == "bool":
        low = text.lower()
        if low == "false":
            return False
        if low == "true":
            return True
        return bool(strict_strtol(text))
    if type_ == "size":
        return strict_iecstrtoll(text) % (1 << 64)
    if type_ == "secs":
        return parse_timespan(text)
    if type_ == "uuid":
        try:
            return str(uuid.UUID(text.strip()))
        except ValueError:
            raise _fail("") from None
    return text  # str, addr, addrvec (addresses are not checked)


def parse_value(opt: CephOption, raw: str) -> tuple[Any, str]:
    """(typed value, normalized text) of ``raw`` for ``opt``; raises `ParseError`."""
    text = _debug_level(raw) if opt.subsys else raw
    value = _parse_typed(opt.type, text)
    if opt.min is not None and value < opt.min:
        raise _fail(
            f"Value '{to_str(opt.type, value)}' is below minimum {to_str(opt.type, opt.min)}"
        )
    if opt.max is not None and value > opt.max:
        raise _fail(
            f"Value '{to_str(opt.type, value)}' exceeds maximum {to_str(opt.type, opt.max)}"
        )
    if opt.enum_allowed and opt.type == "str" and value not in opt.enum_allowed:
        raise _fail(f"'{value}' is not one of the permitted values: {', '.join(opt.enum_allowed)}")
    return value, to_str(opt.type, value)


# --- mgr module options ---------------------------------------------------------------

_LEVELS = ("basic", "advanced", "dev")


def module_option(module: str, info: dict[str, Any]) -> CephOption:
    """The option ``mgr/<module>/<name>`` as the mon builds it from a ModuleInfo option
    (type, level, flags | FLAG_MGR, typed default, min/max only when both parse, enums)."""
    name = str(info.get("name", ""))
    t = info.get("type", "str")
    type_ = CEPH_TYPES[t] if isinstance(t, int) and 0 <= t < len(CEPH_TYPES) else str(t)
    if type_ not in CEPH_TYPES:
        type_ = "str"
    lv = info.get("level", "advanced")
    level = _LEVELS[lv] if isinstance(lv, int) and 0 <= lv < len(_LEVELS) else str(lv)
    flags = info.get("flags", 0)
    flags = (flags if isinstance(flags, int) and not isinstance(flags, bool) else 0) | FLAG_MGR
    probe = CephOption(name, type_, level)
    default: Any = None
    dv = info.get("default_value", "")
    if isinstance(dv, str) and dv:
        try:
            default = parse_value(probe, dv)[0]
        except ParseError:
            default = None
    lo = hi = None
    mn, mx = info.get("min", ""), info.get("max", "")
    if isinstance(mn, str) and isinstance(mx, str) and mn and mx:
        try:
            lo, hi = parse_value(probe, mn)[0], parse_value(probe, mx)[0]
        except ParseError:
            lo = hi = None

    def strs(key: str) -> tuple[str, ...]:
        v = info.get(key)
        return tuple(str(x) for x in v) if isinstance(v, list | tuple) else ()

    return CephOption(
        name=f"mgr/{module}/{name}",
        type=type_,
        level=level,
        default=default,
        flags=flags,
        min=lo,
        max=hi,
        enum_allowed=strs("enum_allowed"),
        services=("mgr",),
        desc=str(info.get("desc", "") or ""),
        long_desc=str(info.get("long_desc", "") or ""),
        see_also=strs("see_also"),
        tags=strs("tags"),
    )
