"""The cluster a scenario runs: how many of each daemon, modules, options, release.

Read by validation (`schema.ParseContext`) before any step exists, and by the
runtime that starts the cluster; `model.Scenario` holds one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.cluster import mgr_names, mon_names
from sim.options import Profile, defaults


@dataclass
class ClusterConfig:
    mons: int = 1
    mgrs: int = 2
    osds: int = 0
    modules: list[str] = field(default_factory=list)
    module_paths: list[Path] = field(default_factory=list)
    assign_ports: dict[str, str] = field(default_factory=dict)  # module -> port option
    options: dict[str, Any] = field(default_factory=dict)  # overrides of the profile
    profile: Profile = Profile.FAST
    seed: int | None = None  # None: a seed is drawn for the run and printed
    start_timeout: float = 60.0
    ceph_release: str | None = None  # "16.2": the mgrs run that fetched release's Python
    ceph_python: Path | None = None  # or the tree in this folder (with mgr_module.py)
    network: dict[str, float] = field(default_factory=dict)  # sim.links fields, seconds

    def daemon_ids(self, dtype: str) -> list[str]:
        if dtype == "mon":
            return mon_names(self.mons)
        if dtype == "mgr":
            return mgr_names(self.mgrs)
        if dtype == "osd":
            return [str(i) for i in range(self.osds)]
        return []

    def daemons(self) -> list[str]:
        return [f"{t}.{i}" for t in ("mon", "mgr", "osd") for i in self.daemon_ids(t)]

    def effective_options(self) -> dict[str, Any]:
        """The options the cluster runs with: the profile's, then the overrides."""
        return defaults(self.profile) | self.options
