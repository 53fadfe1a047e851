"""Ceph's native ("ceph") options as a mgr module sees them.

`get_ceph_option(name)` is typed by the option's Ceph type, as Ceph's
PyUtil.cc does (`sim.options.values.python_value`): int/uint/size -> int;
secs/millisecs/float -> float (so ``mgr_tick_period`` is ``2.0``); bool ->
bool; others -> str. An unknown name raises KeyError. The value is, in
order: the mon's config database for this mgr (``global`` < ``mgr`` <
``mgr.<id>``), this daemon's facts (fsid, name, log file …), the cluster
spec's options (``sim up --set``), the default. Types and defaults come from
the one option table (`sim.options.option_table`); `LOCAL_DEFAULTS` are the
defaults where this mgr differs from Ceph's table. The daemon's own timers
keep using the spec's values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.options import option_table
from sim.options.spec import OptionSpec
from sim.options.values import python_value, typed_default

# Where this mgr's defaults differ from Ceph's table:
LOCAL_DEFAULTS: dict[str, Any] = {
    # the repository's ``modules/`` only (Ceph's is /usr/share/ceph/mgr;
    # ``--set mgr_module_path=…`` adds folders)
    "mgr_module_path": "",
    # facts the daemon fills in (`HostContext.fixed_options`); empty until then
    "name": "",  # not an option of Ceph's table, but ``config show`` has it
    "fsid": "",
    "log_file": "",
    "mgr_data": "",
    # a simulated mgr has no keyring and no address of its own
    "keyring": "",
    "public_addr": "",
}


class NativeOptions:
    """Typed native option values for one mgr."""

    def __init__(self, spec: Mapping[str, Any], fixed: Mapping[str, Any]) -> None:
        self.spec = dict(spec)
        self.fixed = dict(fixed)  # per-daemon facts: fsid, name, log_file …

    def raw(self, name: str, config: Mapping[str, str]) -> Any:
        if name in config:
            return config[name]
        if name in self.fixed:
            return self.fixed[name]
        if name in self.spec:
            return self.spec[name]
        return default_of(name)

    def typed(self, name: str, config: Mapping[str, str]) -> Any:
        value = self.raw(name, config)
        opt = option_table().get(name) or _guess(name, value)
        try:
            return python_value(opt, value)
        except (TypeError, ValueError):
            return python_value(opt, default_of(name))

    def as_strings(self, config: Mapping[str, str]) -> dict[str, str]:
        """``get('config')``: every option's value as a string (``show_config``)."""
        names = set(option_table()) | set(LOCAL_DEFAULTS) | set(self.spec) | set(self.fixed)
        names |= {k for k in config if "/" not in k}
        out = {}
        for name in sorted(names):
            v = self.typed(name, config)
            out[name] = str(v).lower() if isinstance(v, bool) else str(v)
        return out


def default_of(name: str) -> Any:
    """This mgr's default (`LOCAL_DEFAULTS`), else the table's daemon default."""
    if name in LOCAL_DEFAULTS:
        return LOCAL_DEFAULTS[name]
    opt = option_table().get(name)
    if opt is None:
        raise KeyError(f"option not found: {name}")
    return typed_default(opt)


def schema() -> list[dict[str, Any]]:
    """``get('config_options')``: Ceph's option schema dicts."""
    table = option_table()
    out = []
    for name in sorted(set(table) | set(LOCAL_DEFAULTS)):
        opt = table.get(name) or OptionSpec(name, "str", "advanced")
        out.append(
            {
                "name": name,
                "type": opt.type,
                "level": opt.level,
                "default": python_value(opt, default_of(name)),
                "desc": opt.desc,
            }
        )
    return out


def _guess(name: str, value: Any) -> OptionSpec:
    """A spec for a name outside the table (a daemon fact, a spec-only value)."""
    if isinstance(value, bool):
        kind = "bool"
    elif isinstance(value, int):
        kind = "int"
    elif isinstance(value, float):
        kind = "float"
    else:
        kind = "str"
    return OptionSpec(name, kind, "unknown")
