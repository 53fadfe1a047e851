"""Profiles, start-up overrides and a daemon's option view (the launcher's side of the table).

``ceph`` gives Ceph's own defaults; ``fast`` (the default) scales timings
down so that failover happens in seconds, for tests and teaching. Any option
of the table can be overridden per cluster with ``python -m sim up --set
NAME=VALUE``, parsed and checked by the table's one parser
(`OptionSpec.parse`).
"""

from __future__ import annotations

import enum
from typing import Any

from sim.options.table import option_table
from sim.options.values import typed_default
from sim.options.view import Options

__all__ = ["Options", "Profile", "defaults", "parse_overrides"]


class Profile(str, enum.Enum):
    FAST = "fast"
    CEPH = "ceph"


def defaults(profile: Profile = Profile.FAST) -> dict[str, Any]:
    """The honoured options' values in ``profile``, typed as the daemons read them."""
    out = {}
    for name, spec in option_table().honoured().items():
        value = spec.fast if profile is Profile.FAST and spec.fast is not None else None
        if value is None:
            value = typed_default(spec)
        out[name] = spec.reads(value)
    return out


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """``["mgr_tick_period=1", …]`` -> typed values; unknown names are errors."""
    table = option_table()
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().replace("-", "_").replace(" ", "_")
        if not sep:
            raise ValueError(f"expected OPTION=VALUE, got {pair!r}")
        spec = table.get(name)
        if spec is None:
            raise ValueError(f"unrecognized config option '{name}'")
        out[name] = spec.parse(value)
    return out
