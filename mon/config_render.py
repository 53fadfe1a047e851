"""How ``ceph config`` prints: ``config dump``/``config get`` tables and JSON,
and ``config help`` (Ceph 16.2's ``Option::dump`` and ``Option::print``).
Pure functions of `mon.config_names.Entry` rows and options.

Who may import it: the command files and tests.
"""

from __future__ import annotations

from typing import Any

from mon.config_names import Entry
from mon.text_table import text_table
from sim.options import (
    FLAG_CLUSTER_CREATE,
    FLAG_CREATE,
    FLAG_NO_MON_UPDATE,
    FLAG_RUNTIME,
    FLAG_STARTUP,
    OptionSpec,
)
from sim.options.values import to_str, typed_default

TABLE_HEADERS = ("WHO", "MASK", "LEVEL", "OPTION", "VALUE", "RO")


def _indent_who(section: str) -> str:
    if section == "global":
        return section
    return ("    " if "." in section else "  ") + section


def dump_json(entries: list[Entry]) -> list[dict[str, Any]]:
    return [
        {
            "section": e.section,
            "name": e.name,
            "value": e.value,
            "level": e.opt.level,
            "can_update_at_runtime": e.opt.can_update_at_runtime,
            "mask": str(e.mask),
            **e.mask.dump(),
        }
        for e in entries
    ]


def dump_plain(entries: list[Entry]) -> str:
    rows = [
        (_indent_who(e.section), str(e.mask), e.opt.level, e.name, e.value, e.ro) for e in entries
    ]
    return text_table(TABLE_HEADERS, rows)


def get_json(entries: list[Entry]) -> dict[str, Any]:
    return {
        e.name: {
            "value": e.value,
            "section": e.section,
            "mask": e.mask.dump(),
            "can_update_at_runtime": e.opt.can_update_at_runtime,
        }
        for e in entries
    }


def get_plain(entries: list[Entry]) -> str:
    rows = [(e.section, str(e.mask), e.opt.level, e.name, e.value, e.ro) for e in entries]
    return text_table(TABLE_HEADERS, rows)


# --- `config help` ----------------------------------------------------------------------


def _dump_value(opt: OptionSpec, value: Any) -> Any:
    if value is None:
        return ""
    if opt.type in ("int", "uint", "float", "bool", "str"):
        return value
    return to_str(opt.type, value)


def help_json(opt: OptionSpec) -> dict[str, Any]:
    """``Option::dump``."""
    flag_names = [
        (FLAG_RUNTIME, "runtime"),
        (FLAG_NO_MON_UPDATE, "no_mon_update"),
        (FLAG_STARTUP, "startup"),
        (FLAG_CLUSTER_CREATE, "cluster_create"),
        (FLAG_CREATE, "create"),
    ]
    d: dict[str, Any] = {
        "name": opt.name,
        "type": opt.type,
        "level": opt.level,
        "desc": opt.desc,
        "long_desc": opt.long_desc,
        "default": _dump_value(opt, typed_default(opt, daemon=False)),
        "daemon_default": _dump_value(opt, opt.daemon_default),
        "tags": list(opt.tags),
        "services": list(opt.services),
        "see_also": list(opt.see_also),
    }
    if opt.type == "str":
        d["enum_values"] = list(opt.enum_values)
    d["min"] = _dump_value(opt, opt.min)
    d["max"] = _dump_value(opt, opt.max)
    d["can_update_at_runtime"] = opt.can_update_at_runtime
    d["flags"] = [n for f, n in flag_names if opt.has_flag(f)]
    return d


def help_plain(opt: OptionSpec) -> str:
    """``Option::print``."""
    out = f"{opt.name} - {opt.desc}\n  ({opt.type}, {opt.level})\n"
    default = to_str(opt.type, typed_default(opt, daemon=False))
    if opt.daemon_default is not None:
        out += f"  Default (non-daemon): {default}\n"
        out += f"  Default (daemon): {to_str(opt.type, opt.daemon_default)}\n"
    else:
        out += f"  Default: {default}\n"
    if opt.enum_values:
        out += "  Possible values: " + "".join(f" {v}" for v in opt.enum_values) + "\n"
    if opt.min is not None:
        out += f"  Minimum: {to_str(opt.type, opt.min)}\n  Maximum: {to_str(opt.type, opt.max)}\n"
    out += f"  Can update at runtime: {'true' if opt.can_update_at_runtime else 'false'}\n"
    if opt.services:
        out += f"  Services: [{','.join(opt.services)}]\n"
    if opt.tags:
        out += f"  Tags: [{','.join(opt.tags)}]\n"
    if opt.see_also:
        out += f"  See also: [{','.join(opt.see_also)}]\n"
    if opt.long_desc:
        out += f"\n{opt.long_desc}\n"
    return out
