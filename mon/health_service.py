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

import errno
from dataclasses import dataclass, replace
from typing import Any

from mon.errors import CommandError
from mon.health import HealthMap, HealthMute
from mon.service import PaxosService
from mon.store import StoreReader, Transaction
from sim.formatting import utc_stamp
from sim.options.values import ParseError, parse_timespan

FIRST_GLOBAL_ID = 4100
GLOBAL_ID_BLOCK = 100  # ids reserved (committed) at a time by the leader


@dataclass
class HealthChanges:
    """What one commit changes: the checks (with the mgr modules'), the mutes."""

    checks: HealthMap | None = None
    module_health: dict[str, Any] | None = None
    mutes: dict[str, HealthMute] | None = None

    def __bool__(self) -> bool:
        return self.checks is not None or self.mutes is not None


class HealthService(PaxosService[HealthChanges]):
    """The checks the leader last computed, and the operator's mutes (Ceph's
    HealthMonitor ``mutes``: ``health mute``/``unmute``, dropped by `check_mutes`
    when their TTL passes, or, unless sticky, when the check clears or its
    count grows)."""

    name = "health"
    prefixes = ("health",)

    def __init__(self) -> None:
        self.health = HealthMap()
        self.module_health: dict[str, Any] = {}
        self.mutes: dict[str, HealthMute] = {}
        self.pending = HealthChanges()

    def load(self, store: StoreReader) -> None:
        raw = store.get("health", "checks")
        self.health = HealthMap.from_json(raw) if isinstance(raw, dict) else HealthMap()
        mod = store.get("health", "module_checks")
        self.module_health = dict(mod) if isinstance(mod, dict) else {}
        mutes = store.get("health", "mutes")
        self.mutes = {}
        for m in mutes if isinstance(mutes, list) else []:
            try:
                mute = HealthMute.from_json(m)
            except (KeyError, ValueError, TypeError, AttributeError):
                continue
            self.mutes[mute.code] = mute

    @property
    def current(self) -> HealthMap:
        """The committed checks, shown with the committed mutes."""
        return self.health.with_mutes(self.mutes)

    def stage(self, health: HealthMap, module_health: dict[str, Any]) -> bool:
        """Stage ``health`` if it differs from what is committed; True if staged."""
        if (
            health.to_json(detail=True) == self.health.to_json(detail=True)
            and module_health == self.module_health
        ):
            self.pending.checks = self.pending.module_health = None
            return False
        self.pending.checks, self.pending.module_health = health, dict(module_health)
        return True

    # --- mutes ---------------------------------------------------------------------------

    def newest_mutes(self) -> dict[str, HealthMute]:
        return dict(self.pending.mutes if self.pending.mutes is not None else self.mutes)

    def mute(self, code: str, ttl: str | None, sticky: bool, now: float) -> None:
        """``health mute``: a check raised now (any code when sticky), for ``ttl``."""
        if not code:
            raise CommandError(errno.EINVAL, "must specify an alert code to mute")
        until = 0.0
        if ttl is not None:
            try:
                secs = parse_timespan(ttl)
                if secs == 0:
                    raise ParseError(errno.EINVAL, "timespan = 0")
            except ParseError as exc:
                raise CommandError(errno.EINVAL, f"invalid duration: {ttl} ({exc})") from None
            until = now + secs
        summary, count = "", 0
        if not sticky:
            check = self.health.checks.get(code)
            if check is None:
                raise CommandError(errno.ENOENT, f"health alert {code} is not currently raised")
            summary, count = check.summary, check.count
        mutes = self.newest_mutes()
        mutes[code] = HealthMute(code, until, sticky, summary, count)
        self.pending.mutes = mutes

    def unmute(self, code: str | None) -> None:
        """``health unmute [CODE]``: one mute, or all of them (silent either way)."""
        mutes = self.newest_mutes()
        if code is None:
            mutes.clear()
        else:
            mutes.pop(code, None)
        if mutes != self.newest_mutes():
            self.pending.mutes = mutes

    def check_mutes(self, checks: HealthMap, now: float) -> list[tuple[str, str]]:
        """Leader: drop the mutes that no longer hold (Ceph's ``check_mutes``);
        the cluster-log lines saying why."""
        mutes = self.newest_mutes()
        log: list[tuple[str, str]] = []
        for code, m in sorted(mutes.items()):
            check = checks.checks.get(code)
            why = None
            if m.ttl and m.ttl <= now:
                why = f"passed TTL {utc_stamp(m.ttl)}"
            elif not m.sticky and check is None:
                why = "health alert cleared"
            elif not m.sticky and check is not None and m.count and check.count > m.count:
                why = f"count increased from {m.count} to {check.count}"
            elif not m.sticky and check is not None and m.count and check.count < m.count:
                mutes[code] = replace(m, count=check.count)  # ratchet down
                continue
            if why is not None:
                del mutes[code]
                log.append(("[INF]", f"Health alert mute {code} cleared ({why})"))
        if mutes != self.newest_mutes():
            self.pending.mutes = mutes
        return log

    # --- PaxosService ----------------------------------------------------------------------

    def take_pending(self) -> HealthChanges | None:
        staged, self.pending = self.pending, HealthChanges()
        return staged if staged else None

    def drop_pending(self) -> None:
        self.pending = HealthChanges()

    def encode(self, changes: HealthChanges, txn: Transaction) -> None:
        if changes.checks is not None:
            txn.put("health", "checks", changes.checks.to_json(detail=True))
            txn.put("health", "module_checks", changes.module_health or {})
        if changes.mutes is not None:
            txn.put("health", "mutes", [changes.mutes[c].to_json() for c in sorted(changes.mutes)])

    def commit(self, changes: HealthChanges) -> None:
        if changes.checks is not None:
            self.health, self.module_health = changes.checks, dict(changes.module_health or {})
        if changes.mutes is not None:
            self.mutes = dict(changes.mutes)


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
