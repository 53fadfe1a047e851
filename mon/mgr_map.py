"""The MgrMap: which mgr is active, the standbys, modules and services.

`dump()` gives the JSON shape of Ceph 16.2's ``ceph mgr dump`` (and of
``get('mgr_map')`` in modules); `to_store`/`from_store` is our own encoding.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import Any

from mon.status import mgrmap_summary
from sim.formatting import utc_stamp

MGR_FEATURES = 4540138314316775423
FLAG_DOWN = 1

# Ceph 16.2's always-on table (MgrMonitor.cc), as `ceph mgr dump` prints it.
ALWAYS_ON = {
    "nautilus": [
        "balancer", "crash", "devicehealth", "orchestrator_cli", "progress",
        "rbd_support", "status", "volumes",
    ],
    "octopus": [
        "balancer", "crash", "devicehealth", "orchestrator", "pg_autoscaler",
        "progress", "rbd_support", "status", "telemetry", "volumes",
    ],
    "pacific": [
        "balancer", "crash", "devicehealth", "orchestrator", "pg_autoscaler",
        "progress", "rbd_support", "status", "telemetry", "volumes",
    ],
}  # fmt: skip
RELEASE = "pacific"


@dataclass
class Standby:
    gid: int
    name: str
    available_modules: list[dict[str, Any]] = field(default_factory=list)

    def dump(self) -> dict[str, Any]:
        return {
            "gid": self.gid,
            "name": self.name,
            "mgr_features": MGR_FEATURES,
            "available_modules": self.available_modules,
        }


@dataclass
class MgrMap:
    epoch: int = 0
    active_gid: int = 0
    active_name: str = ""
    active_addr: str = ""  # host:port of the active's server, once available
    active_nonce: int = 0
    active_change: float = 0.0
    available: bool = False
    standbys: dict[int, Standby] = field(default_factory=dict)
    modules: list[str] = field(default_factory=list)
    available_modules: list[dict[str, Any]] = field(default_factory=list)
    services: dict[str, str] = field(default_factory=dict)
    flags: int = 0
    last_failure_osd_epoch: int = 0
    command_descs: list[dict[str, Any]] = field(default_factory=list)

    # --- queries ------------------------------------------------------------

    @property
    def down_flag(self) -> bool:
        return bool(self.flags & FLAG_DOWN)

    def always_on(self) -> list[str]:
        return list(ALWAYS_ON[RELEASE])

    def is_enabled(self, module: str) -> bool:
        return module in self.modules or module in self.always_on()

    def standby_by_name(self, name: str) -> Standby | None:
        for s in self.standbys.values():
            if s.name == name:
                return s
        return None

    def standby_names(self) -> list[str]:
        """The standbys' names in gid order, as Ceph lists them."""
        return [self.standbys[g].name for g in sorted(self.standbys)]

    def summary_line(self, now: float) -> str:
        """The cluster log's ``mgrmap e7: x(active, since 20s), standbys: y``."""
        return mgrmap_summary(
            self.active_name,
            self.available,
            self.active_change,
            self.standby_names(),
            now,
            epoch=self.epoch,
        )

    def all_names(self) -> list[str]:
        names = [s.name for s in self.standbys.values()]
        return ([self.active_name] if self.active_gid else []) + names

    # --- encodings ----------------------------------------------------------

    def clone(self) -> MgrMap:
        return copy.deepcopy(self)

    def to_store(self) -> dict[str, Any]:
        d = asdict(self)
        d["standbys"] = [asdict(s) for s in self.standbys.values()]
        return d

    @classmethod
    def from_store(cls, d: dict[str, Any]) -> MgrMap:
        d = dict(d)
        standbys = {int(s["gid"]): Standby(**s) for s in d.pop("standbys", [])}
        return cls(standbys=standbys, **d)

    def addrvec(self) -> dict[str, Any]:
        if not self.active_addr:
            return {"addrvec": []}
        return {"addrvec": [{"type": "v2", "addr": self.active_addr, "nonce": self.active_nonce}]}

    def legacy_addr(self) -> str:
        return f"{self.active_addr or '0.0.0.0:0'}/{self.active_nonce}"

    def dump(self) -> dict[str, Any]:
        return {
            "epoch": self.epoch,
            "active_gid": self.active_gid,
            "active_name": self.active_name,
            "active_addrs": self.addrvec(),
            "active_addr": self.legacy_addr(),
            "active_change": utc_stamp(self.active_change),
            "active_mgr_features": MGR_FEATURES if self.active_gid else 0,
            "available": self.available,
            "standbys": [self.standbys[g].dump() for g in sorted(self.standbys)],
            "modules": list(self.modules),
            "available_modules": self.available_modules,
            "services": dict(self.services),
            "always_on_modules": {k: list(v) for k, v in ALWAYS_ON.items()},
            "last_failure_osd_epoch": self.last_failure_osd_epoch,
            "active_clients": [],
        }

    def stat(self) -> dict[str, Any]:
        return {
            "epoch": self.epoch,
            "available": self.available,
            "active_name": self.active_name,
            "num_standby": len(self.standbys),
        }
