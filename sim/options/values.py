"""The one option parser and validator (Ceph's ``Option::parse_value``), and the readings built on it.

- `parse_value` is Ceph's ``Option::parse_value``: the type's strict parser
  (``strict_si_cast``, ``strict_iecstrtoll``, ``strict_strtod``,
  ``parse_timespan`` …, with their error texts), then min/max/enum
  validation, giving the *normalized* text the mon stores (``1m`` -> ``60``
  for secs, ``0.5`` -> ``0.500000`` for floats, ``1`` -> ``true`` for
  bools). It is the validator of the mon's ``config set`` and of the mgr's
  ``set_module_option`` (one error text for both), and parses defaults and
  bounds loaded from a release's table. `to_str` is ``Option::to_str``.
- `python_value` is what a mgr module gets for a value (Ceph's PyUtil.cc:
  int/uint/size -> int, secs/millisecs/float -> float, bool, else str).
- `OptionSpec.parse` (`sim.options.spec`) reads a start-up setting
  (``--set``, scenario options, the mon's own options) with the same
  `parse_typed` and `check_bounds`.

Pure functions only; imports nothing of the simulator but `sim.options.types`. They
take any object with an option's facts (`Facts`: `sim.options.spec.OptionSpec`).
"""

from __future__ import annotations

import errno
import math
import re
import uuid
from typing import Any, Protocol

from sim.options.types import python_type

__all__ = [
    "ParseError",
    "parse_value",
    "python_value",
    "to_str",
    "typed_default",
]

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


class Facts(Protocol):
    """What the parser and validator read of an option (`OptionSpec` has them all)."""

    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def default(self) -> Any: ...
    @property
    def daemon_default(self) -> Any: ...
    @property
    def min(self) -> Any: ...
    @property
    def max(self) -> Any: ...
    @property
    def enum_values(self) -> tuple[str, ...]: ...
    @property
    def subsys(self) -> bool: ...


class ParseError(ValueError):
    """A value Ceph's parser rejects: ``errno`` and the parser's message. A value
    out of bounds also says which bound (``bound``: ``min``, ``max`` or ``enum``;
    empty for a value that does not parse) and the limit's text (``limit``)."""

    def __init__(self, err: int, message: str, bound: str = "", limit: str = "") -> None:
        super().__init__(message)
        self.errno = err
        self.bound = bound
        self.limit = limit


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


def typed_default(opt: Facts, daemon: bool = True) -> Any:
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


def parse_typed(type_: str, text: str) -> Any:
    """``text`` by the strict parser of Ceph type ``type_`` (no bounds); raises `ParseError`."""
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
    if type_ == "millisecs":
        return strict_strtoll(text)
    if type_ == "uuid":
        try:
            return str(uuid.UUID(text.strip()))
        except ValueError:
            raise _fail("") from None
    return text  # str, addr, addrvec (addresses are not checked)


def parse_value(opt: Facts, raw: str) -> tuple[Any, str]:
    """(typed value, normalized text) of ``raw`` for ``opt``; raises `ParseError`."""
    text = _debug_level(raw) if opt.subsys else raw
    value = parse_typed(opt.type, text)
    check_bounds(opt, value)
    return value, to_str(opt.type, value)


def check_bounds(opt: Facts, value: Any) -> None:
    """Ceph's min/max/enum validation of a parsed value; raises `ParseError`."""
    if opt.min is not None and value < opt.min:
        lo = to_str(opt.type, opt.min)
        raise ParseError(
            errno.EINVAL, f"Value '{to_str(opt.type, value)}' is below minimum {lo}", "min", lo
        )
    if opt.max is not None and value > opt.max:
        hi = to_str(opt.type, opt.max)
        raise ParseError(
            errno.EINVAL, f"Value '{to_str(opt.type, value)}' exceeds maximum {hi}", "max", hi
        )
    if opt.enum_values and opt.type == "str" and value not in opt.enum_values:
        allowed = ", ".join(opt.enum_values)
        raise ParseError(
            errno.EINVAL,
            f"'{value}' is not one of the permitted values: {allowed}",
            "enum",
            allowed,
        )


# --- readings -------------------------------------------------------------------------


def python_value(opt: Facts, value: Any) -> Any:
    """``value`` (a stored string or a typed value) as a mgr module gets it (PyUtil.cc).
    A string is parsed by the option's parser first; raises `ParseError`/`ValueError`."""
    kind = python_type(opt.type)
    if isinstance(value, str) and kind is not str:  # str, uuid, addr: as stored
        value = parse_value(opt, value)[0]
    if kind is str and isinstance(value, bool):
        return "true" if value else "false"
    return kind(value)


WHOLE_TYPES = ("int", "uint", "size", "secs", "millisecs")
# Ceph's validator stores rbd_default_features as its bit mask (shown as "61")
RBD_FEATURES = {"layering": 1, "striping": 2, "exclusive-lock": 4, "object-map": 8,
                "fast-diff": 16, "deep-flatten": 32, "journaling": 64, "data-pool": 128,
                "operations": 256, "migrating": 512, "non-primary": 1024}  # fmt: skip


def shown(opt: Facts, value: Any) -> str:
    """A running value as ``config show`` prints it: `to_str`, a whole number of a
    whole-number type without decimals (``secs`` 1, not 1.000000: the daemons
    read some as floats), and the values Ceph's validators normalise."""
    if opt.type in WHOLE_TYPES and isinstance(value, float) and value.is_integer():
        value = int(value)
    if opt.name == "rbd_default_features" and isinstance(value, str) and not value.isdigit():
        names = [w.strip() for w in value.split(",") if w.strip()]
        if all(w in RBD_FEATURES for w in names):
            return str(sum(RBD_FEATURES[w] for w in names))
    return to_str(opt.type, value)
