"""Module option values: typing, validation and the published schema.

Shared by the real host and the fake host (both play Ceph's C++ side here):

- `typed_value` converts a stored string by the declared type (PyUtil.cc):
  int/uint/size -> ``int(v, 0)``; secs/millisecs/float -> float; bool -> True
  for 1/true/True/on/yes; everything else (and unknown types) -> str.
- `check_value` is what the mon's ``config set`` refuses (type, min/max,
  enum), with messages in Ceph's words; None means acceptable.
- `schema_entry` is one ``module_options`` entry of a ModuleInfo, the shape
  ``ceph mgr module ls`` prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

INT_TYPES = ("int", "uint", "size")
FLOAT_TYPES = ("secs", "millisecs", "float")
KNOWN_TYPES = (*INT_TYPES, *FLOAT_TYPES, "str", "bool", "addr", "addrvec", "uuid")
_TRUE = ("1", "true", "True", "on", "yes")
_LEVELS = {0: "basic", 1: "advanced", 2: "dev", 3: "unknown"}
FLAG_RUNTIME = 1


def option_type(opt: Mapping[str, Any]) -> str:
    t = str(opt.get("type", "str"))
    return t if t in KNOWN_TYPES else "str"


def typed_value(type_name: str, value: str) -> Any:
    """A stored option string as the module sees it."""
    if type_name in INT_TYPES:
        try:
            return int(value, 0)
        except ValueError:
            return int(float(value))
    if type_name in FLOAT_TYPES:
        return float(value)
    if type_name == "bool":
        return value in _TRUE
    return value


def _parse_bool(value: str) -> bool | None:
    low = value.strip().lower()
    if low in ("true", "yes", "on", "1"):
        return True
    if low in ("false", "no", "off", "0"):
        return False
    return None


def _number(type_name: str, value: str) -> float | int | None:
    try:
        if type_name in INT_TYPES:
            return int(value, 0)
        return float(value)
    except ValueError:
        return None


def check_value(opt: Mapping[str, Any], value: str) -> str | None:
    """Why the mon would refuse ``value`` for ``opt`` (None: it is fine)."""
    t = option_type(opt)
    if t == "bool":
        if _parse_bool(value) is None:
            return f"error parsing value: Expected option value to be boolean, got '{value}'"
        return None
    if t in INT_TYPES or t in FLOAT_TYPES:
        n = _number(t, value)
        kind = "integer" if t in INT_TYPES else "a number"
        if n is None:
            return f"error parsing value: Expected option value to be {kind}, got '{value}'"
        if t == "uint" and n < 0:
            return f"error parsing value: Expected option value to be unsigned, got '{value}'"
        lo, hi = opt.get("min"), opt.get("max")
        if lo not in (None, "") and n < float(lo):
            return f"Value '{value}' is below minimum {lo}"
        if hi not in (None, "") and n > float(hi):
            return f"Value '{value}' is above maximum {hi}"
    allowed = opt.get("enum_allowed") or []
    if allowed and value not in [str(a) for a in allowed]:
        return f"'{value}' is not one of the permitted values: {', '.join(map(str, allowed))}"
    return None


def _str_or_empty(v: Any) -> str:
    return "" if v is None else str(v)


def schema_entry(opt: Mapping[str, Any]) -> dict[str, Any]:
    """One ModuleInfo ``module_options`` value (MgrMap JSON shape)."""
    level = opt.get("level", 1)
    return {
        "name": str(opt["name"]),
        "type": option_type(opt),
        "level": _LEVELS.get(int(level), "advanced") if isinstance(level, int) else str(level),
        "flags": FLAG_RUNTIME if opt.get("runtime") else 0,
        "default_value": _str_or_empty(opt.get("default")),
        "min": _str_or_empty(opt.get("min")),
        "max": _str_or_empty(opt.get("max")),
        "enum_allowed": sorted(str(a) for a in (opt.get("enum_allowed") or [])),
        "desc": _str_or_empty(opt.get("desc")),
        "long_desc": _str_or_empty(opt.get("long_desc")),
        "tags": [str(t) for t in (opt.get("tags") or [])],
        "see_also": [str(s) for s in (opt.get("see_also") or [])],
    }


def find_option(options: list[Mapping[str, Any]], key: str) -> Mapping[str, Any] | None:
    """The declared option for ``key``, ignoring a localized ``<mgr_id>/`` prefix."""
    name = key.rsplit("/", 1)[-1]
    return next((o for o in options if o.get("name") == name), None)
