"""OSDMonitor: the OSDMap as a replicated mon service (``osdmap``), and the
active mgr's PG digest (Ceph's MgrStatMonitor, ``pgdigest``).

Theory of operation:

- Changes are staged on ``pending``, a copy of the committed map; everything
  staged between two proposals becomes *one* epoch, so 10,000 OSDs booting
  together make a handful of epochs, not 10,000. The leader's write pump
  calls `encode_pending`; once committed the map is published to subscribers
  (``osdmap``) as its compact wire form (`sim.maps.osdmap`).
- OSDs (the fleet) send, as hidden mon commands: ``osd boot`` (a batch of
  OSDs coming up), ``osd beacon`` (still alive; leader memory only, like
  Ceph's ``last_osd_report``) and ``osd failure`` (their heartbeat peers
  lost them for ``osd_heartbeat_grace``). The tick marks down OSDs whose
  beacons stopped for ``mon_osd_report_timeout`` — the case where nobody is
  left to report, e.g. a whole fleet killed or cut off — and marks out OSDs
  down for ``mon_osd_down_out_interval`` (unless ``noout``).
- The active mgr sends its PG digest (``pg digest``: the ``pgmap`` section of
  ``status``, and PG health checks) every ``mgr_stats_period``; it is
  committed like any change, so every mon answers ``status`` alike and the
  last digest survives the mgr (``ceph -s`` shows it while no mgr is active).
- A new leader starts every up OSD's report clock afresh (no OSD is marked
  down by an election).
"""

from __future__ import annotations

import errno
import time
from collections.abc import Callable
from typing import Any

from mon import pool_quota, pool_settings
from mon.errors import CommandError
from mon.health import HealthCheck, HealthStatus
from mon.pool_settings import PoolLimits
from mon.service import PaxosService, Publish
from mon.store import StoreReader, Transaction
from sim.maps import layout
from sim.maps.osd_dumps import osd_port
from sim.maps.osdmap import EXISTS, MAX_OSD, NEW, UP, WEIGHT_IN, OSDMap
from sim.options import Options

Clog = list[tuple[str, str]]
LOG_EACH_MAX = 16  # per-OSD cluster-log lines per change; beyond, one summary line
HEALTH_DETAIL_MAX = 50  # Ceph's mon_health_max_detail
OSDMAP_EPOCHS_KEPT = 10


def initial_map(fsid: str, created: float, osds: int, mds: int, rgws: int) -> OSDMap:
    """Epoch 1: no OSDs yet, the default pools (the same on every mon); a
    cluster without a fleet has no pools (and so no PGs to be unhealthy)."""
    m = OSDMap(fsid=fsid, epoch=1, created=created, modified=created)
    size = layout.pool_size(osds)
    for spec in layout.default_pools(osds, mds, rgws) if osds else []:
        m.add_pool(spec.name, size, spec.pg_num, spec.application, created)
        m.pools[m.pool_max].last_change = 1
    return m


# The next OSDMap epoch and the newest PG digest (either may be None).
OSDChanges = tuple[OSDMap | None, dict[str, Any] | None]


class OSDMonitor(PaxosService[OSDChanges]):
    name = "osdmap"
    prefixes = ("osdmap", "pgdigest")

    def __init__(
        self,
        options: Options,
        initial: Callable[[], OSDMap],
        publish: Publish,
        emit: Callable[..., None],
    ) -> None:
        self.options = options
        self.initial = initial
        self.publish = publish
        self.emit = emit
        self.map = OSDMap()
        self.pending: OSDMap | None = None
        self.digest: dict[str, Any] = {}
        self.pending_digest: dict[str, Any] | None = None
        self.last_report: dict[int, float] = {}  # leader memory: osd -> monotonic time
        self.auto_out: set[int] = set()
        self._wire: dict[str, Any] | None = None  # the committed map's wire form (cached)

    # --- PaxosService -----------------------------------------------------------------

    def load(self, store: StoreReader) -> None:
        last = store.get("osdmap", "last_committed")
        raw = store.get("osdmap", map_key(int(last))) if last else None
        self.map = OSDMap.from_wire(raw) if isinstance(raw, dict) else self.initial()
        self._wire = None
        digest = store.get("pgdigest", "latest")
        self.digest = dict(digest) if isinstance(digest, dict) else {}

    def take_pending(self) -> OSDChanges | None:
        pm, d = self.pending, self.pending_digest
        self.pending = self.pending_digest = None
        return None if pm is None and d is None else (pm, d)

    def drop_pending(self) -> None:
        self.pending = self.pending_digest = None

    def encode(self, changes: OSDChanges, txn: Transaction) -> None:
        pm, d = changes
        if pm is not None:
            pm.modified = time.time()
            wire = pm.to_wire()
            txn.put("osdmap", map_key(pm.epoch), wire).put("osdmap", "last_committed", pm.epoch)
            if pm.epoch > OSDMAP_EPOCHS_KEPT:
                txn.erase("osdmap", map_key(pm.epoch - OSDMAP_EPOCHS_KEPT))
        if d is not None:
            txn.put("pgdigest", "latest", d)

    def commit(self, changes: OSDChanges) -> None:
        pm, d = changes
        if pm is not None:
            self.map = pm
            self._wire = None
            n, up, inn = pm.counts()
            self.emit("osdmap", epoch=pm.epoch, num_osds=n, num_up_osds=up, num_in_osds=inn)
            self.publish(self.name, pm.epoch, self.wire())
        if d is not None:
            self.digest = d

    def current_map(self) -> tuple[int, dict[str, Any]] | None:
        return self.map.epoch, self.wire()

    def wire(self) -> dict[str, Any]:
        if self._wire is None:
            self._wire = self.map.to_wire()
        return self._wire

    # --- staging ------------------------------------------------------------------------

    def staged(self) -> OSDMap:
        """The pending map (created on first change)."""
        if self.pending is None:
            self.pending = self.map.copy()
            self.pending.epoch = self.map.epoch + 1
        return self.pending

    def map_at(self, store: StoreReader, epoch: int | None) -> OSDMap:
        """The OSDMap of ``epoch`` (the current one for None; the last
        OSDMAP_EPOCHS_KEPT are kept): ``osd dump <epoch>`` and the like."""
        m = self.map
        if epoch is None or epoch == m.epoch:
            return m
        raw = store.get("osdmap", map_key(int(epoch)))
        if raw is None:
            raise CommandError(errno.ENOENT, f"there is no map for epoch {epoch}")
        return OSDMap.from_wire(raw)

    def newest(self) -> OSDMap:
        return self.pending if self.pending is not None else self.map

    def boot(self, entries: list[dict[str, Any]], now: float) -> Clog:
        """``osd boot`` from a fleet: create unknown OSDs, mark them up (and in)."""
        booted: list[int] = []
        mono = time.monotonic()
        for e in entries:
            osd, nonce = int(e["osd"]), int(e.get("nonce", 0))
            if not 0 <= osd < MAX_OSD:
                continue
            self.last_report[osd] = mono
            cur = self.newest()
            if cur.is_up(osd) and cur.nonce[osd] == nonce:
                continue  # already up (a repeated boot)
            pm = self.staged()
            try:
                pm.create_osd(
                    osd, str(e["uuid"]), str(e.get("host", "")), float(e.get("weight", 1))
                )
            except (ValueError, TypeError):
                continue  # a malformed entry: that OSD does not boot
            if "noup" in pm.flags:
                continue
            pm.state[osd] = (pm.state[osd] | UP) & ~NEW
            pm.nonce[osd] = nonce
            pm.up_from[osd] = pm.up_thru[osd] = pm.epoch
            pm.last_up_change = now
            if pm.weight[osd] == 0 and osd in self.auto_out and "noin" not in pm.flags:
                pm.weight[osd] = WEIGHT_IN
                pm.last_in_change = now
            self.auto_out.discard(osd)
            booted.append(osd)
        m = self.newest()
        return _each(booted, "[INF]", lambda i: f"osd.{i} {_addrs(m, i)} boot", "osds boot")

    def beacon(self, osds: list[int]) -> None:
        mono = time.monotonic()
        for osd in osds:
            self.last_report[int(osd)] = mono

    def mark_down(
        self, osds: list[int], now: float, why: Callable[[int], str]
    ) -> tuple[list[int], Clog]:
        pm = self.newest()
        targets = [o for o in osds if pm.is_up(o)]
        if not targets or "nodown" in pm.flags:
            return [], []
        pm = self.staged()
        for o in targets:
            pm.state[o] &= ~UP
            pm.down_at[o] = pm.epoch
            pm.down_stamp[o] = now
        pm.last_up_change = now
        return targets, _each(targets, "[INF]", why, "osds marked down")

    def mark_out(self, osds: list[int], now: float) -> list[int]:
        targets = [o for o in osds if self.newest().is_in(o)]
        if targets:
            pm = self.staged()
            for o in targets:
                pm.weight[o] = 0
            pm.last_in_change = now
        return targets

    def mark_in(self, osds: list[int], now: float) -> list[int]:
        pm0 = self.newest()
        targets = [o for o in osds if pm0.exists(o) and not pm0.weight[o]]
        if targets:
            pm = self.staged()
            for o in targets:
                pm.weight[o] = WEIGHT_IN
                self.auto_out.discard(o)
            pm.last_in_change = now
        return targets

    def set_flag(self, flag: str, on: bool) -> bool:
        if (flag in self.newest().flags) == on:
            return False
        flags = self.staged().flags
        if on:
            flags.add(flag)
        else:
            flags.discard(flag)
        return True

    def pool_set(self, name: str, var: str, val: str, sure: bool, limits: PoolLimits) -> str:
        """``osd pool set``: change a pool of the pending map (a new epoch once
        committed); the status line, or `CommandError` with Ceph's message."""
        current = self.newest().pool_by_name(name)
        if current is None:
            raise CommandError(errno.ENOENT, f"unrecognized pool '{name}'")
        trial = self.newest().copy()  # a refused change leaves nothing staged
        trial.epoch = self.map.epoch + 1
        pool = trial.pools[current.pool]
        line = pool_settings.pool_set(trial, pool, var, val, sure, limits)
        if pool != current:
            self.staged().pools[pool.pool] = pool
        return line

    def pool_set_quota(self, name: str, field: str, val: str) -> str:
        """``osd pool set-quota``: staged like `pool_set`; Ceph's status line."""
        current = self.newest().pool_by_name(name)
        if current is None:
            raise CommandError(errno.ENOENT, f"unrecognized pool '{name}'")
        pool = current.copy()
        try:
            line = pool_quota.set_quota(pool, field, val)
        except pool_quota.QuotaValueError as exc:
            raise CommandError(errno.EINVAL, f"error parsing value '{val}': {exc}") from None
        if pool != current:
            pool.last_change = self.map.epoch + 1
            self.staged().pools[pool.pool] = pool
        return line

    def pool_usage(self) -> dict[int, pool_quota.PoolUsage]:
        """Each pool's objects and stored bytes in the last committed PG digest."""
        df = self.digest.get("df")
        out: dict[int, pool_quota.PoolUsage] = {}
        for p in df.get("pools", []) if isinstance(df, dict) else []:
            try:
                st = p["stats"]
                out[int(p["id"])] = pool_quota.PoolUsage(int(st["objects"]), int(st["stored"]))
            except (KeyError, TypeError, ValueError):
                continue
        return out

    def reweight(self, osd: int, weight: float) -> int:
        """``osd reweight``: the OSD's override weight (16.16 fixed point, Ceph's
        ``CEPH_OSD_IN`` is 1.0), staged; returns the new raw weight."""
        if not self.newest().exists(osd):
            raise CommandError(errno.ENOENT, f"osd.{osd} does not exist")
        raw = int(weight * WEIGHT_IN)
        if self.newest().weight[osd] != raw:
            pm = self.staged()
            pm.weight[osd] = raw
            if raw:
                self.auto_out.discard(osd)
        return raw

    def stage_digest(self, digest: dict[str, Any]) -> None:
        if digest != self.digest:
            self.pending_digest = digest

    # --- tick (leader) ---------------------------------------------------------------------

    def tick(self, now: float) -> Clog:
        mono = time.monotonic()
        m = self.newest()
        timeout = float(self.options.get("mon_osd_report_timeout", 900.0))
        out_after = float(self.options.get("mon_osd_down_out_interval", 600.0))
        silent: list[tuple[int, float]] = []
        to_out: list[int] = []
        state, weight, down_stamp = m.state, m.weight, m.down_stamp
        for osd in range(m.max_osd):
            s = state[osd]
            if s & UP:
                last = self.last_report.setdefault(osd, mono)
                if mono - last > timeout:
                    silent.append((osd, mono - last))
            elif (
                s & EXISTS
                and weight[osd]
                and down_stamp[osd]
                and now - down_stamp[osd] >= out_after
            ):
                to_out.append(osd)
        log: Clog = []
        changed, quota_log = pool_quota.update_pools_status(m, self.pool_usage())
        for pool in changed:  # Ceph's update_pools_status, on the leader's tick
            pool.last_change = self.map.epoch + 1
            self.staged().pools[pool.pool] = pool
        log += quota_log
        if silent:
            ages = dict(silent)
            _, lines = self.mark_down(
                [o for o, _ in silent], now,
                lambda o: f"osd.{o} marked down after no beacon for {ages[o]:.6f} seconds",
            )  # fmt: skip
            log += lines
        if to_out and out_after > 0 and "noout" not in m.flags:
            outs = self.mark_out(to_out, now)
            self.auto_out.update(outs)
            log += _each(
                outs, "[INF]",
                lambda o: f"Marking osd.{o} out (has been down for {int(now - down_stamp[o])} seconds)",
                "osds marked out",
            )  # fmt: skip
        return log

    def on_leader(self) -> None:
        """A new term: every up OSD's report clock restarts now."""
        self.last_report.clear()

    # --- health and status -------------------------------------------------------------------

    def health_checks(self) -> list[HealthCheck]:
        m = self.map
        checks: list[HealthCheck] = []
        down = [
            o for o in m.osd_ids() if not m.state[o] & UP and m.weight[o] and not m.state[o] & NEW
        ]
        if down:
            members = m.host_members()
            down_set = set(down)
            hosts_down = [h for h, ids in enumerate(members) if ids and set(ids) <= down_set]
            if hosts_down:
                n_osds = sum(len(members[h]) for h in hosts_down)
                checks.append(HealthCheck(
                    "OSD_HOST_DOWN", HealthStatus.HEALTH_WARN,
                    f"{len(hosts_down)} host{'s' if len(hosts_down) > 1 else ''} ({n_osds} osds) down",
                    len(hosts_down),
                    tuple(f"host {m.hosts[h]} (root=default) ({len(members[h])} osds) is down"
                          for h in hosts_down[:HEALTH_DETAIL_MAX]),
                ))  # fmt: skip
            checks.append(HealthCheck(
                "OSD_DOWN", HealthStatus.HEALTH_WARN, f"{len(down)} osds down", len(down),
                tuple(f"osd.{o} (root=default,host={m.hostname(o)}) is down"
                      for o in down[:HEALTH_DETAIL_MAX]),
            ))  # fmt: skip
        full = pool_quota.full_pools(m)
        if full:
            checks.append(HealthCheck("POOL_FULL", HealthStatus.HEALTH_WARN,
                                      f"{len(full)} pool(s) full", len(full), tuple(full)))  # fmt: skip
        if m.flags:
            flags = ",".join(sorted(m.flags))
            # Ceph's count is the length of the flag string ("noout": 5)
            checks.append(HealthCheck("OSDMAP_FLAGS", HealthStatus.HEALTH_WARN,
                                      f"{flags} flag(s) set", len(flags)))  # fmt: skip
        for code, data in sorted(self.digest.get("checks", {}).items()):
            try:
                checks.append(HealthCheck.from_json(str(code), data))
            except (KeyError, ValueError, TypeError, AttributeError):
                continue
        return checks

    def pgmap_status(self) -> dict[str, Any]:
        """The ``pgmap`` section of ``status`` (from the last committed mgr digest)."""
        d = self.digest
        pools = len(self.map.pools)
        base = {
            "pgs_by_state": [], "num_pgs": 0, "num_pools": pools, "num_objects": 0,
            "data_bytes": 0, "bytes_used": 0, "bytes_avail": 0, "bytes_total": 0,
        }  # fmt: skip
        pgmap = d.get("pgmap")
        if isinstance(pgmap, dict):
            base.update(pgmap)
            base["num_pools"] = pools
        return base


def map_key(epoch: int) -> str:
    """The store key of a full map (the last OSDMAP_EPOCHS_KEPT are kept)."""
    return f"e{epoch:010d}"


def _addrs(m: OSDMap, osd: int) -> str:
    port, nonce = osd_port(osd), m.nonce[osd]
    return f"[v2:127.0.0.1:{port}/{nonce},v1:127.0.0.1:{port + 1}/{nonce}]"


def _each(osds: list[int], prio: str, line: Callable[[int], str], many: str) -> Clog:
    out = [(prio, line(o)) for o in osds[:LOG_EACH_MAX]]
    if len(osds) > LOG_EACH_MAX:
        out.append((prio, f"... and {len(osds) - LOG_EACH_MAX} more {many}"))
    return out
