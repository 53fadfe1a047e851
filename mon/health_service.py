"""Health and global ids as replicated mon services.

`HealthService` keeps the cluster's health checks in the store, so every mon
answers ``health``/``status`` alike and a new leader starts from the checks
its predecessor reported (also the active mgr's module checks, which would
otherwise be gone until its next beacon). The leader recomputes health and
stages a change; peons only read.

`AuthService` keeps ``max_global_id``: global ids are handed out by the
leader from blocks it has committed, so no two sessions ever share one, even
across leaders.
"""

from __future__ import annotations

from typing import Any

from mon.health import HealthMap
from mon.service import PaxosService
from mon.store import StoreReader, Transaction

FIRST_GLOBAL_ID = 4100
GLOBAL_ID_BLOCK = 100  # ids reserved (committed) at a time by the leader


HealthChanges = tuple[HealthMap, dict[str, Any]]


class HealthService(PaxosService[HealthChanges]):
    name = "health"
    prefixes = ("health",)

    def __init__(self) -> None:
        self.health = HealthMap()
        self.module_health: dict[str, Any] = {}
        self.pending: HealthChanges | None = None

    def load(self, store: StoreReader) -> None:
        raw = store.get("health", "checks")
        self.health = HealthMap.from_json(raw) if isinstance(raw, dict) else HealthMap()
        mod = store.get("health", "module_checks")
        self.module_health = dict(mod) if isinstance(mod, dict) else {}

    def stage(self, health: HealthMap, module_health: dict[str, Any]) -> bool:
        """Stage ``health`` if it differs from what is committed; True if staged."""
        if (
            health.to_json(detail=True) == self.health.to_json(detail=True)
            and module_health == self.module_health
        ):
            self.pending = None
            return False
        self.pending = (health, dict(module_health))
        return True

    def take_pending(self) -> HealthChanges | None:
        staged, self.pending = self.pending, None
        return staged

    def drop_pending(self) -> None:
        self.pending = None

    def encode(self, changes: HealthChanges, txn: Transaction) -> None:
        health, module = changes
        txn.put("health", "checks", health.to_json(detail=True))
        txn.put("health", "module_checks", module)

    def commit(self, changes: HealthChanges) -> None:
        self.health, self.module_health = changes


class AuthService(PaxosService[int]):
    name = "auth"
    prefixes = ("auth",)

    def __init__(self) -> None:
        self.max_global_id = FIRST_GLOBAL_ID
        self.pending: int | None = None
        self.next_global_id = 0  # leader memory: the next id to hand out

    def load(self, store: StoreReader) -> None:
        self.max_global_id = int(store.get("auth", "max_global_id", FIRST_GLOBAL_ID))

    def start_term(self) -> None:
        """A new leader hands out ids after every block committed so far."""
        self.next_global_id = self.max_global_id + 1

    def assign_global_id(self) -> int:
        """Leader: the next id, reserving a new block when it passes the last one."""
        gid = self.next_global_id
        self.next_global_id += 1
        if gid > max(self.max_global_id, self.pending or 0):
            self.reserve(gid + GLOBAL_ID_BLOCK)
        return gid

    def reserve(self, upto: int) -> None:
        """Stage a new block: ids up to ``upto`` are ours to hand out once committed."""
        self.pending = max(upto, self.pending or 0)

    def take_pending(self) -> int | None:
        staged, self.pending = self.pending, None
        return staged

    def drop_pending(self) -> None:
        self.pending = None

    def encode(self, changes: int, txn: Transaction) -> None:
        txn.put("auth", "max_global_id", changes)

    def commit(self, changes: int) -> None:
        self.max_global_id = max(self.max_global_id, changes)
