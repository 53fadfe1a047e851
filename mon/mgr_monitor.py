"""MgrMonitor: beacons, grace, promotion and `mgr …` commands (pure core).

Theory of operation (Ceph's MgrMonitor, 16.2):

- Every mgr beacons every ``mgr_tick_period``. The leader records the time of
  each gid's last beacon (in memory only: a restarted or newly elected leader
  starts the clock again for every mgr in the map).
- A beacon from a new gid carrying the active's *name* means the active
  restarted: it is dropped, and since there is then no active, the sender is
  selected ("Active manager daemon X restarted").
- With no active (and no ``mgr set down``), the sender of a beacon becomes
  active ("Activating manager daemon X"); otherwise it is a standby.
- The active's beacons carry ``available``, its address, services and module
  list; the first available one logs "Manager daemon X is now available".
- A beacon claiming ``available`` from a gid that is not the active is told
  to respawn (Ceph replies with a null map; tracker 55711).
- On each mon tick: if the gap since the previous tick exceeds grace − tick
  period, every beacon time is reset to now (a slow election must not fail
  mgrs over). Then standbys silent for the grace are dropped, and a silent
  active is replaced by the standby of lowest gid ("Manager daemon X is
  unresponsive, replacing it with standby daemon Y").
- MGR_DOWN: no active, the cluster older than ``mon_mgr_mkfs_grace``; WARN,
  ERR after ``mon_mgr_inactive_grace`` without an active.

Time comes from injected clocks (``clock`` monotonic, ``wall`` for stamps);
no sockets here. Changes go to ``pending`` (the next epoch): every change,
also an operator's (`fail`, `set_down`, `enable_module`, `disable_module`),
is a method here, so nothing else edits ``pending``; `mon.mgr_service`
commits it and calls `committed`.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mon.errors import CommandError
from mon.health import HealthCheck, HealthStatus
from mon.mgr_map import FLAG_DOWN, MgrMap, Standby
from sim.messages import MgrBeacon
from sim.options import Options

Clog = list[tuple[str, str]]  # (priority "[INF]"…, message)


@dataclass
class BeaconOutcome:
    null_map: bool = False  # tell the sender it is not active (it respawns)
    log: Clog = field(default_factory=list)


class MgrMonitor:
    def __init__(
        self,
        options: Options,
        clock: Callable[[], float],
        wall: Callable[[], float],
        mgrmap: MgrMap | None = None,
        metadata: dict[str, dict[str, Any]] | None = None,
        created: float = 0.0,
    ) -> None:
        self.options = options
        self.clock = clock
        self.wall = wall
        self.map = mgrmap or MgrMap()
        self.metadata: dict[str, dict[str, Any]] = dict(metadata or {})
        self.pending: MgrMap | None = None
        self.pending_metadata: dict[str, dict[str, Any]] = {}
        self.created = created  # wall time the cluster (monmap) was created
        self.last_beacon: dict[int, float] = {}
        self.last_tick: float | None = None
        # Checks reported by the active mgr's modules. Like Ceph, they outlive a
        # failover until the new active's first report replaces them.
        self.module_health: dict[str, Any] = {}
        self.inactive_since: float | None = None if self.map.active_gid else clock()

    # --- pending state --------------------------------------------------------

    def pending_map(self) -> MgrMap:
        if self.pending is None:
            self.pending = self.map.clone()
            self.pending.epoch = self.map.epoch + 1
        return self.pending

    def has_pending(self) -> bool:
        return self.pending is not None or bool(self.pending_metadata)

    def committed(self, new_map: MgrMap | None) -> None:
        """The shell committed ``pending`` (and pending metadata)."""
        if new_map is not None:
            was_active = self.map.active_gid
            self.map = new_map
            if self.map.active_gid and not was_active:
                self.inactive_since = None
            elif not self.map.active_gid and self.inactive_since is None:
                self.inactive_since = self.clock()
        self.metadata.update(self.pending_metadata)
        self.pending = None
        self.pending_metadata = {}

    def discard_pending(self) -> None:
        """The staged epoch and metadata will not be committed."""
        self.pending = None
        self.pending_metadata = {}

    def on_restart(self) -> None:
        """New leader / restarted mon: beacon times start now for everyone."""
        now = self.clock()
        self.last_beacon = {gid: now for gid in self._gids(self.map)}
        self.last_tick = now  # restart the clock, as Ceph's on_restart does

    # --- beacons --------------------------------------------------------------

    def prepare_beacon(self, b: MgrBeacon) -> BeaconOutcome:
        out = BeaconOutcome()
        now = self.clock()
        p = self.pending if self.pending is not None else self.map
        if p.active_name == b.name and p.active_gid and p.active_gid != b.gid:
            out.log.append(("[INF]", f"Active manager daemon {b.name} restarted"))
            self._drop_active(self.pending_map())
        old = p.standby_by_name(b.name)
        if old is not None and old.gid != b.gid:
            del self.pending_map().standbys[old.gid]
            self.last_beacon.pop(old.gid, None)
        self.last_beacon[b.gid] = now
        if b.metadata and self.metadata.get(b.name) != b.metadata:
            self.pending_metadata[b.name] = dict(b.metadata)

        p = self.pending if self.pending is not None else self.map
        if p.active_gid == b.gid:
            self._update_active(b, out)
        elif b.available:
            out.null_map = True  # "mgr thinks it is active but it is not, dropping!"
        elif p.active_gid == 0 and not p.down_flag:
            pm = self.pending_map()
            pm.standbys.pop(b.gid, None)
            self._make_active(pm, b.gid, b.name)
            pm.available_modules = list(b.available_modules)
            out.log.append(("[INF]", f"Activating manager daemon {b.name}"))
        else:
            st = p.standbys.get(b.gid)
            if st is None or st.available_modules != b.available_modules:
                new = Standby(b.gid, b.name, list(b.available_modules))
                self.pending_map().standbys[b.gid] = new
                if st is None:
                    out.log.append(("[DBG]", f"Standby manager daemon {b.name} started"))
        return out

    def _update_active(self, b: MgrBeacon, out: BeaconOutcome) -> None:
        p = self.pending if self.pending is not None else self.map
        if b.available:
            self.module_health = dict(b.health_checks)
        changes: dict[str, Any] = {}
        if b.available_modules != p.available_modules:
            changes["available_modules"] = list(b.available_modules)
        if b.available:
            if b.addr != p.active_addr or b.nonce != p.active_nonce:
                changes["active_addr"] = b.addr
                changes["active_nonce"] = b.nonce
            if b.services != p.services:
                changes["services"] = dict(b.services)
            if b.command_descs and b.command_descs != p.command_descs:
                changes["command_descs"] = list(b.command_descs)
            if not p.available:
                changes["available"] = True
                out.log.append(("[INF]", f"Manager daemon {b.name} is now available"))
        if changes:
            pm = self.pending_map()
            for k, v in changes.items():
                setattr(pm, k, v)

    def _make_active(self, pm: MgrMap, gid: int, name: str) -> None:
        """Name a new active (gid 0: none); it is not available until it says so."""
        pm.active_gid = gid
        pm.active_name = name
        pm.active_addr = ""
        pm.active_nonce = 0
        pm.available = False
        pm.services = {}
        pm.command_descs = []
        pm.active_change = self.wall()

    def _drop_active(self, pm: MgrMap) -> None:
        self.last_beacon.pop(pm.active_gid, None)
        self._make_active(pm, 0, "")

    def _promote_standby(self, pm: MgrMap) -> Standby | None:
        if pm.down_flag or not pm.standbys:
            return None
        gid = min(pm.standbys)
        st = pm.standbys.pop(gid)
        self._make_active(pm, gid, st.name)
        pm.available_modules = list(st.available_modules)
        self.last_beacon[gid] = self.clock()
        return st

    # --- tick -----------------------------------------------------------------

    def tick(self) -> Clog:
        log: Clog = []
        now = self.clock()
        grace = float(self.options["mon_mgr_beacon_grace"])
        tick_period = float(self.options["mgr_tick_period"])
        if self.last_tick is not None and now - self.last_tick > grace - tick_period:
            self.last_beacon = {gid: now for gid in self.last_beacon}
        self.last_tick = now
        p = self.pending if self.pending is not None else self.map
        for gid in self._gids(p):
            self.last_beacon.setdefault(gid, now)
        cutoff = now - grace
        for gid, st in list(p.standbys.items()):
            if self.last_beacon.get(gid, now) < cutoff:
                del self.pending_map().standbys[gid]
                self.last_beacon.pop(gid, None)
                log.append(("[DBG]", f"Standby manager daemon {st.name} is unresponsive, dropping"))
        p = self.pending if self.pending is not None else self.map
        if p.active_gid and self.last_beacon.get(p.active_gid, now) < cutoff:
            name = p.active_name
            pm = self.pending_map()
            self._drop_active(pm)
            promoted = self._promote_standby(pm)
            if promoted is not None:
                log.append(
                    (
                        "[INF]",
                        f"Manager daemon {name} is unresponsive, "
                        f"replacing it with standby daemon {promoted.name}",
                    )
                )
            else:
                log.append(
                    (
                        "[INF]",
                        f"Manager daemon {name} is unresponsive.  No standby daemons available.",
                    )
                )
        elif not p.active_gid and p.standbys and not p.down_flag:
            self._promote_standby(self.pending_map())
        return log

    @staticmethod
    def _gids(m: MgrMap) -> list[int]:
        return ([m.active_gid] if m.active_gid else []) + list(m.standbys)

    # --- operator actions (the command handlers call these) -------------------

    def fail(self, who: str | None) -> str:
        """`mgr fail [who]`: returns the status text (always retval 0)."""
        p = self.pending if self.pending is not None else self.map
        if who is None:
            if not p.active_gid:
                return "Currently no active mgr"
            who = p.active_name
        gid = int(who) if who.isdigit() else None
        if p.active_gid and (p.active_name == who or p.active_gid == gid):
            pm = self.pending_map()
            self._drop_active(pm)
            self._promote_standby(pm)
            return ""
        for sgid, st in p.standbys.items():
            if st.name == who or sgid == gid:
                del self.pending_map().standbys[sgid]
                self.last_beacon.pop(sgid, None)
                return ""
        return f"Daemon not found '{who}', already failed?"

    def _reported_by_all(self, module: str) -> bool:
        m = self.map
        reports = [m.available_modules] if m.active_gid else []
        reports += [s.available_modules for s in m.standbys.values()]
        if not reports:
            return False
        return all(any(i.get("name") == module for i in r if isinstance(i, dict)) for r in reports)

    def enable_module(self, module: str, force: bool) -> str:
        """`mgr module enable <module> [--force]`: stage it; returns the status text."""
        m = self.pending if self.pending is not None else self.map
        if module in m.always_on():
            return f"module '{module}' is already enabled (always-on)"
        if not force and not self._reported_by_all(module):
            raise CommandError(
                errno.ENOENT,
                f"all mgr daemons do not support module '{module}', pass --force to force enablement",
            )
        info = next((i for i in m.available_modules if i.get("name") == module), None)
        if not force and info is not None and not info.get("can_run", True):
            raise CommandError(
                errno.ENOENT,
                f"module '{module}' reports that it cannot run on the active manager daemon: "
                f"{info.get('error_string', '')} (pass --force to force enablement)",
            )
        if module in m.modules:
            return f"module '{module}' is already enabled"
        self.pending_map().modules = sorted([*m.modules, module])
        return ""

    def disable_module(self, module: str) -> str:
        """`mgr module disable <module>`: stage it; returns the status text."""
        m = self.pending if self.pending is not None else self.map
        if module in m.always_on():
            raise CommandError(errno.EINVAL, f"module '{module}' cannot be disabled (always-on)")
        if module not in m.modules:
            return f"module '{module}' is already disabled"
        self.pending_map().modules = [x for x in m.modules if x != module]
        return ""

    def set_down(self, down: bool) -> Clog:
        p = self.pending if self.pending is not None else self.map
        log: Clog = []
        if down and not p.down_flag:
            pm = self.pending_map()
            pm.flags |= FLAG_DOWN
            if pm.active_gid:
                self._drop_active(pm)
        elif not down and p.down_flag:
            pm = self.pending_map()
            pm.flags &= ~FLAG_DOWN
            promoted = None if pm.active_gid else self._promote_standby(pm)
            if promoted is not None:
                log.append(("[INF]", f"Activating manager daemon {promoted.name}"))
        return log

    # --- health ---------------------------------------------------------------

    def health_checks(self) -> list[HealthCheck]:
        if self.map.active_gid:
            return []
        if self.wall() - self.created < float(self.options["mon_mgr_mkfs_grace"]):
            return []
        since = self.inactive_since if self.inactive_since is not None else self.clock()
        inactive = self.clock() - since
        severity = (
            HealthStatus.HEALTH_ERR
            if inactive > float(self.options["mon_mgr_inactive_grace"])
            else HealthStatus.HEALTH_WARN
        )
        return [HealthCheck("MGR_DOWN", severity, "no active mgr")]
