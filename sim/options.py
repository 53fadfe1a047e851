"""Ceph options the simulator honours, with Ceph's names and two profiles.

``ceph`` gives Ceph's own defaults; ``fast`` (the default) scales timings down
so that failover happens in seconds, for tests and teaching. Any option can be
overridden per cluster with ``python -m sim up --set NAME=VALUE``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class Profile(str, enum.Enum):
    FAST = "fast"
    CEPH = "ceph"


@dataclass(frozen=True)
class OptionSpec:
    name: str
    type: type
    ceph_default: Any
    fast_default: Any
    desc: str

    def parse(self, text: str) -> Any:
        if self.type is bool:
            low = text.strip().lower()
            if low in ("true", "1", "yes", "on"):
                return True
            if low in ("false", "0", "no", "off"):
                return False
            raise ValueError(f"{self.name}: expected a boolean, got {text!r}")
        try:
            return self.type(text)
        except ValueError:
            raise ValueError(
                f"{self.name}: expected {self.type.__name__}, got {text!r}"
            ) from None


_SPECS = [
    OptionSpec("mgr_tick_period", float, 2.0, 0.25, "mgr beacon period (s)"),
    OptionSpec("mon_mgr_beacon_grace", float, 30.0, 3.0, "missed-beacon time before failover (s)"),
    OptionSpec("mon_tick_interval", float, 5.0, 0.25, "mon tick: beacon checks, health (s)"),
    OptionSpec("mon_mgr_inactive_grace", float, 60.0, 10.0, "MGR_DOWN turns ERR after (s)"),
    OptionSpec("mon_mgr_mkfs_grace", float, 120.0, 0.0, "no MGR_DOWN on a new cluster for (s)"),
    OptionSpec("mon_client_hunt_interval", float, 3.0, 0.3, "client re-hunt for a mon (s)"),
    OptionSpec("mon_client_ping_interval", float, 10.0, 0.5, "client keepalive to its mon (s)"),
    OptionSpec("mon_client_ping_timeout", float, 30.0, 2.0, "keepalive timeout (s)"),
    OptionSpec("mgr_standby_modules", bool, True, True, "run standby modules on standbys"),
    OptionSpec("mgr_stats_period", float, 5.0, 1.0, "daemon -> mgr report period (s)"),
    OptionSpec("mon_cluster_log_keep", int, 50, 50, "cluster log entries kept per channel"),
]

OPTIONS: dict[str, OptionSpec] = {s.name: s for s in _SPECS}


def defaults(profile: Profile = Profile.FAST) -> dict[str, Any]:
    attr = "fast_default" if profile is Profile.FAST else "ceph_default"
    return {s.name: getattr(s, attr) for s in _SPECS}


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """``["mgr_tick_period=1", …]`` -> typed values; unknown names are errors."""
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().replace("-", "_").replace(" ", "_")
        if not sep:
            raise ValueError(f"expected OPTION=VALUE, got {pair!r}")
        spec = OPTIONS.get(name)
        if spec is None:
            raise ValueError(f"unrecognized config option '{name}'")
        out[name] = spec.parse(value)
    return out


class Options:
    """A daemon's view of its options (read-mostly; later updated from the mon)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = dict(values)

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self._values.get(name, default)

    def update(self, values: dict[str, Any]) -> None:
        self._values.update(values)

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)
