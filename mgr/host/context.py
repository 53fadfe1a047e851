"""`HostContext`: what the module host needs from the mgr daemon around it.

The daemon builds one; tests can build one around a fake mon client. The
host never reaches into the daemon otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mgr.host.apipath import module_paths


@dataclass
class HostContext:
    mgr_id: str
    fsid: str
    created: float  # cluster creation time (stamps in empty maps)
    ceph_version: str
    options: dict[str, Any]  # the cluster spec's options
    log_dir: Path
    monc: Any  # sim.monc.MonClient: have_session, command(), send()
    emit: Callable[..., None] = lambda kind, **data: None
    request_beacon: Callable[[], None] = lambda: None
    extra: dict[str, Any] = field(default_factory=dict)
    daemon_state: Any = None  # mgr.daemon_state.DaemonState: OSDMap, PGs, daemon reports
    ceph_release: str = "pacific"  # the release of the mgr Python in use (its tree's)
    embedded_api: bool = True  # the mgrs host mgr/api (no release tree)

    def fixed_options(self) -> dict[str, Any]:
        """Native options that are facts about this daemon."""
        return {
            "fsid": self.fsid,
            "name": f"mgr.{self.mgr_id}",
            "log_file": str(self.log_dir / f"mgr.{self.mgr_id}.log"),
            "mgr_data": str(self.log_dir.parent / f"mgr.{self.mgr_id}"),
            **self.extra,
        }

    def module_paths(self, from_config: str | None = None) -> list[Path]:
        """The repository's modules, then the spec's and the config's folders."""
        parts = [self.options.get("mgr_module_path"), from_config]
        return module_paths(":".join(str(p) for p in parts if p))
