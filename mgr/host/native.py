"""Ceph's native ("ceph") options as a mgr module sees them.

`get_ceph_option(name)` is typed by the option's Ceph type: int/uint/size
-> int; secs/millisecs/float -> float (so ``mgr_tick_period`` is ``2.0``);
bool -> bool; others -> str. An unknown name raises KeyError. The value is,
in order: the mon's config database for this mgr (``global`` < ``mgr`` <
``mgr.<id>``), the cluster spec's options (``sim up --set``), the default.
Types and defaults come from `NATIVE` below, then from Ceph's option table
(`sim.options.CEPH_OPTIONS`). Our ``mgr_module_path`` default is empty: the
repository's ``modules/`` only (Ceph's is ``/usr/share/ceph/mgr``).
The daemon's own timers keep using the spec's values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from _mgrapi.optvalues import FLOAT_TYPES, INT_TYPES

from sim.options import CEPH_OPTIONS

# name -> (Ceph type, Ceph default)
NATIVE: dict[str, tuple[str, Any]] = {
    "debug_mgr": ("str", "2/5"),
    "log_file": ("str", ""),
    "log_to_file": ("bool", True),
    "fsid": ("uuid", ""),
    "host": ("str", ""),
    "name": ("str", ""),
    "keyring": ("str", ""),
    "mon_host": ("str", ""),
    "public_addr": ("addr", ""),
    "mgr_data": ("str", ""),
    "mgr_tick_period": ("secs", 2.0),
    "mgr_stats_period": ("int", 5),
    "mgr_standby_modules": ("bool", True),
    "mgr_module_path": ("str", ""),
    "mgr_disabled_modules": ("str", ""),
    "mgr_initial_modules": ("str", "restful iostat nfs"),
    "mgr_module_shutdown_timeout": ("secs", 3.0),
    "mgr_module_load_timeout": ("secs", 10.0),
    "mgr_pool": ("bool", True),
    "mgr_service_beacon_grace": ("secs", 60.0),
    "mon_mgr_beacon_grace": ("secs", 30.0),
    "mon_mgr_digest_period": ("int", 5),
    "mon_mgr_inactive_grace": ("int", 60),
    "mon_mgr_mkfs_grace": ("int", 120),
    "mon_tick_interval": ("int", 5),
    "mon_client_hunt_interval": ("float", 3.0),
    "mon_client_ping_interval": ("float", 10.0),
    "mon_client_ping_timeout": ("float", 30.0),
    "mon_allow_pool_delete": ("bool", False),
    "mon_max_pg_per_osd": ("uint", 250),
    "mon_target_pg_per_osd": ("uint", 100),
    "mon_pg_warn_max_object_skew": ("float", 10.0),
    "osd_pool_default_size": ("uint", 3),
    "osd_pool_default_min_size": ("uint", 0),
    "osd_pool_default_pg_num": ("uint", 32),
    "osd_pool_default_pg_autoscale_mode": ("str", "on"),
    "target_max_misplaced_ratio": ("float", 0.05),
    "device_failure_prediction_mode": ("str", "none"),
    "rbd_default_pool": ("str", "rbd"),
    "mds_max_snaps_per_dir": ("uint", 100),
    "ms_type": ("str", "async+posix"),
}


def to_type(type_name: str, value: Any) -> Any:
    if type_name in INT_TYPES:
        return int(float(value)) if isinstance(value, str) else int(value)
    if type_name in FLOAT_TYPES:
        return float(value)
    if type_name == "bool":
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "on")
        return bool(value)
    return str(value)


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
        type_name = type_of(name) or _guess(value)
        try:
            return to_type(type_name, value)
        except (TypeError, ValueError):
            return to_type(type_name, default_of(name))

    def as_strings(self, config: Mapping[str, str]) -> dict[str, str]:
        """``get('config')``: every option's value as a string (``show_config``)."""
        names = set(NATIVE) | set(CEPH_OPTIONS) | set(self.spec) | set(self.fixed)
        names |= {k for k in config if "/" not in k}
        out = {}
        for name in sorted(names):
            v = self.typed(name, config)
            out[name] = str(v).lower() if isinstance(v, bool) else str(v)
        return out


def type_of(name: str) -> str | None:
    if name in NATIVE:
        return NATIVE[name][0]
    opt = CEPH_OPTIONS.get(name)
    return opt.type if opt is not None else None


def default_of(name: str) -> Any:
    """Our default (NATIVE) first, then Ceph's table (`sim.options.CEPH_OPTIONS`)."""
    if name in NATIVE:
        return NATIVE[name][1]
    opt = CEPH_OPTIONS.get(name)
    if opt is None:
        raise KeyError(f"option not found: {name}")
    value = opt.daemon_default if opt.daemon_default is not None else opt.default
    if value is None:
        return {"str": "", "bool": False, "float": 0.0}.get(opt.type, 0)
    return value


def schema() -> list[dict[str, Any]]:
    """``get('config_options')``: Ceph's option schema dicts."""
    out = []
    for name in sorted(set(NATIVE) | set(CEPH_OPTIONS)):
        opt = CEPH_OPTIONS.get(name)
        out.append(
            {
                "name": name,
                "type": type_of(name),
                "level": opt.level if opt else "advanced",
                "default": default_of(name),
                "desc": opt.desc if opt else "",
            }
        )
    return out


def _guess(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "str"
