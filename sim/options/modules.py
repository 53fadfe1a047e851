"""Mgr module options: the schema a module declares, as the mgr publishes it and the mon rebuilds it.

- `schema_entry` is one ``module_options`` entry of a ModuleInfo (the MgrMap
  JSON shape ``ceph mgr module ls`` prints) from a module's ``Option`` dict:
  what the mgr host publishes in its beacons (Ceph: PyModule.cc).
- `module_option` is the `OptionSpec` ``mgr/<module>/<name>`` built from such
  an entry, as MgrMonitor does when it loads the MgrMap: the mon's
  ``config set`` and the mgr's ``set_module_option`` both validate a value
  against it with `sim.options.values.parse_value` (one validator).
- `module_spec` is the two together, for the mgr host.
- `module_value` is a stored value as the module gets it (PyUtil.cc, by the
  one parser); `module_value_problem` is why the mgr refuses a value before
  asking the mon (the one validator; an out-of-range maximum in the mgr's
  own words, ``is above maximum``, as the simulator's mgr has always said).
  The mgr host (`mgr.host.handle`, `mgr.host.writes`) and the module API's
  test host (``mgr_testing.FakeHost``, through the native seam
  ``_simnative.options``) use these two.

Pure functions only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.options.spec import OptionSpec
from sim.options.types import ALL_TYPES, CEPH_TYPES, FLAG_MGR, FLAG_RUNTIME
from sim.options.values import ParseError, parse_value, python_value

__all__ = [
    "module_option",
    "module_spec",
    "module_value",
    "module_value_problem",
    "option_type",
    "schema_entry",
]

_LEVELS = ("basic", "advanced", "dev")
_LEVEL_NAMES = {0: "basic", 1: "advanced", 2: "dev", 3: "unknown"}


def option_type(opt: Mapping[str, Any]) -> str:
    """A declared option's Ceph type name (``str`` when missing or unknown)."""
    t = str(opt.get("type", "str"))
    return t if t in ALL_TYPES else "str"


def _str_or_empty(v: Any) -> str:
    return "" if v is None else str(v)


def schema_entry(opt: Mapping[str, Any]) -> dict[str, Any]:
    """One ModuleInfo ``module_options`` value (MgrMap JSON shape)."""
    level = opt.get("level", 1)
    return {
        "name": str(opt["name"]),
        "type": option_type(opt),
        "level": _LEVEL_NAMES.get(int(level), "advanced") if isinstance(level, int) else str(level),
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


def module_option(module: str, info: Mapping[str, Any]) -> OptionSpec:
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
    probe = OptionSpec(name, type_, level)
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

    return OptionSpec(
        name=f"mgr/{module}/{name}",
        type=type_,
        level=level,
        default=default,
        flags=flags,
        min=lo,
        max=hi,
        enum_values=strs("enum_allowed"),
        services=("mgr",),
        desc=str(info.get("desc", "") or ""),
        long_desc=str(info.get("long_desc", "") or ""),
        see_also=strs("see_also"),
        tags=strs("tags"),
    )


def module_spec(module: str, opt: Mapping[str, Any]) -> OptionSpec:
    """The spec of a module's declared ``Option`` dict, as the mon will see it."""
    return module_option(module, schema_entry(opt))


def module_value(module: str, opt: Mapping[str, Any], text: str) -> Any:
    """A stored ``mgr/<module>/<key>`` string as the module gets it (PyUtil.cc), typed
    by the spec the mon builds; a string the parser refuses comes back as stored."""
    try:
        return python_value(module_spec(module, opt), text)
    except ValueError:
        return text


def module_value_problem(module: str, opt: Mapping[str, Any], text: str) -> str | None:
    """Why the mgr refuses ``text`` for a declared option before asking the mon
    (None: the mon will accept it): the mon's validator on the mon's spec."""
    try:
        parse_value(module_spec(module, opt), text)
    except ParseError as exc:
        if exc.bound == "max":
            return f"Value '{text}' is above maximum {exc.limit}"
        return str(exc) if exc.bound else f"error parsing value: {exc}"
    return None
