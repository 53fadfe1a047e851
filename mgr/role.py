"""The mgr's role: standby, active, or fenced (pure state machine).

Theory of operation (Ceph's MgrStandby::handle_mgr_map, plus fencing):

- A mgr boots without a gid; with a mon session it has one and is STANDBY.
- A MgrMap naming its gid active -> ACTIVATING (modules start); when the module
  host reports them started -> ACTIVE (beacons now say ``available``).
- A MgrMap or beacon ack saying it is no longer active while it was
  ACTIVATING/ACTIVE -> RESPAWN: the process re-executes itself and comes back
  as a standby with a new gid. Same when the set of enabled modules changes.
- Lease: the active's claim to be active is valid only until ``grace`` after
  the send time of the last beacon the mon acknowledged as the active's. The
  mon fails an active only after ``grace`` without a beacon *received*, so two
  valid claims never overlap — also when the active is cut off from every mon
  (it keeps its role and modules, as Ceph does, but stops claiming).
- Fencing: if the process itself stalled (SIGSTOP, a long GC, an overloaded
  host) for longer than ``stall_after`` while active, it may have been
  replaced meanwhile. It stops claiming ACTIVE (CONFIRMING) until a beacon ack
  from the mon confirms it is still the active gid; a denial means RESPAWN.
  So at no instant do two mgrs both claim to be active.

Events in, actions out, time injected; the daemon shell performs the actions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class Role(str, enum.Enum):
    BOOTING = "booting"  # no mon session yet, no gid
    STANDBY = "standby"
    ACTIVATING = "activating"  # named active; modules starting
    ACTIVE = "active"
    CONFIRMING = "confirming"  # active, but stalled: waiting for the mon to confirm
    RESPAWNING = "respawning"


class Action(str, enum.Enum):
    START_ACTIVE = "start_active"
    START_STANDBY_MODULES = "start_standby_modules"
    STOP_STANDBY_MODULES = "stop_standby_modules"
    SEND_BEACON = "send_beacon"
    RESPAWN = "respawn"


@dataclass(frozen=True)
class Decision:
    actions: tuple[Action, ...] = ()
    reason: str = ""


NOTHING = Decision()


class MgrRole:
    def __init__(
        self, name: str, stall_after: float, standby_modules: bool = True, lease_span: float = 0.0
    ) -> None:
        self.name = name
        self.stall_after = stall_after
        self.lease_span = lease_span
        self.lease_until = float("-inf")
        self.standby_modules = standby_modules
        self.role = Role.BOOTING
        self.gid = 0
        self.mgrmap_epoch = 0
        self.active_name = ""
        self.modules: list[str] | None = None
        self.standby_modules_running = False
        self.activated = False  # the module host finished starting the active modules
        self.confirming_since = float("-inf")  # when the last stall was noticed
        self.last_seen: float | None = None

    @property
    def claims_active(self) -> bool:
        return self.role is Role.ACTIVE

    def holds_lease(self, now: float) -> bool:
        """Active, and the mon confirmed it within the lease span."""
        return self.claims_active and now < self.lease_until

    @property
    def is_active_role(self) -> bool:
        return self.role in (Role.ACTIVATING, Role.ACTIVE, Role.CONFIRMING)

    def _respawn(self, reason: str) -> Decision:
        self.role = Role.RESPAWNING
        return Decision((Action.RESPAWN,), reason)

    # --- events ---------------------------------------------------------------

    def on_session(self, gid: int) -> Decision:
        if self.gid and gid != self.gid:
            return self._respawn("mon gave a different global id")
        self.gid = gid
        if self.role is Role.BOOTING:
            self.role = Role.STANDBY
        return Decision((Action.SEND_BEACON,))

    def on_mgrmap(self, m: dict[str, Any]) -> Decision:
        if self.role is Role.RESPAWNING:
            return NOTHING
        epoch = int(m.get("epoch", 0))
        if epoch <= self.mgrmap_epoch:
            return NOTHING
        self.mgrmap_epoch = epoch
        self.active_name = str(m.get("active_name", ""))
        modules = sorted(m.get("modules", []))
        old_modules, self.modules = self.modules, modules
        if old_modules is not None and old_modules != modules:
            return self._respawn("respawning because set of enabled modules changed")
        if self.gid == 0:
            return NOTHING
        named = m.get("active_gid") == self.gid
        if self.is_active_role:
            if not named:
                return self._respawn("I was active but no longer am")
            if self.role is Role.CONFIRMING:
                self._confirmed()
            return NOTHING
        if named:
            self.role = Role.ACTIVATING
            acts = [Action.START_ACTIVE]
            if self.standby_modules_running:
                self.standby_modules_running = False
                acts.insert(0, Action.STOP_STANDBY_MODULES)
            return Decision(tuple(acts), "activating")
        if m.get("active_gid") and self.standby_modules and not self.standby_modules_running:
            self.standby_modules_running = True
            return Decision((Action.START_STANDBY_MODULES,))
        return NOTHING

    def _confirmed(self) -> None:
        self.role = Role.ACTIVE if self.activated else Role.ACTIVATING

    def on_activated(self) -> Decision:
        """The module host finished starting the active modules."""
        self.activated = True
        if self.role is Role.ACTIVATING:
            self.role = Role.ACTIVE
            return Decision((Action.SEND_BEACON,), "available")
        return NOTHING

    def on_beacon_ack(
        self, active: bool, null_map: bool, epoch: int, sent_at: float | None = None
    ) -> Decision:
        """The mon's answer to a beacon sent at ``sent_at`` (monotonic)."""
        if self.role is Role.RESPAWNING:
            return NOTHING
        if active and not null_map and sent_at is not None:
            self.lease_until = max(self.lease_until, sent_at + self.lease_span)
        if null_map:
            return self._respawn("mon says I am not active")
        if self.is_active_role and not active and epoch >= self.mgrmap_epoch:
            return self._respawn("I was active but no longer am")
        if self.role is Role.CONFIRMING and active:
            # Only a beacon sent after the stall was noticed can confirm: an ack
            # for one sent before it speaks of the time before the stall.
            if sent_at is not None and sent_at < self.confirming_since:
                return NOTHING
            self._confirmed()
            return Decision(reason="confirmed active after stall")
        return NOTHING

    def observe(self, now: float) -> Decision:
        """Call often (every loop turn / request): detects our own stalls."""
        last, self.last_seen = self.last_seen, now
        if last is None or now - last <= self.stall_after:
            return NOTHING
        if self.role in (Role.ACTIVE, Role.ACTIVATING):
            self.role = Role.CONFIRMING
            self.confirming_since = now
            return Decision((Action.SEND_BEACON,), f"stalled {now - last:.1f}s; confirming")
        return NOTHING
