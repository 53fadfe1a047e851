"""MDSMonitor: the FSMap as a replicated mon service (``fsmap``): MDS
beacons, rank assignment, failover on a missed grace, MDS metadata.

Theory of operation (Ceph 16.2's MDSMonitor, simplified):

- At mkfs a cluster with MDS daemons gets the filesystem ``cephfs`` (fscid
  1, on the pools ``cephfs.cephfs.meta`` / ``cephfs.cephfs.data``, max_mds 1)
  and no daemons: epoch 1.
- The fleet sends ``mds beacon`` (a hidden command, Ceph's MMDSBeacon) for
  every running MDS every ``mds_beacon_interval``. A beacon from an unknown
  gid adds that daemon as a standby (``mds.? ADDRS up:boot``); another gid
  carrying a known name means the daemon restarted: the old gid is failed
  first. Beacon times are leader memory (``last_beacon``); a beacon from a
  laggy daemon clears its ``laggy_since``; a last beacon saying ``down:dne``
  (a clean shutdown) fails the daemon at once.
- On each mon tick: if the gap since the previous tick exceeds grace −
  interval, every beacon time is reset (a slow election fails nobody). A
  rank not held (never assigned, or failed) takes the standby of lowest gid
  (``daemon mds.X assigned to filesystem cephfs as rank 0 (now has 1
  ranks)``, or ``Standby daemon mds.X assigned …`` for a failed rank).
  Daemons silent past ``mds_beacon_grace``: a ranked one is replaced by a
  standby (``[WRN] Replacing daemon mds.a as rank 0 with standby daemon
  mds.b``) or, with none, marked laggy; a standby is dropped (``Standby
  daemon mds.b is not responding, dropping it``). A promoted daemon goes
  straight to ``up:active`` (Ceph walks replay → reconnect → rejoin →
  active on the daemon's own beacons; see docs/behaviour.md).
- Every change is staged on ``pending`` (a copy of the committed map), and
  everything staged between two proposals becomes one epoch; each committed
  epoch logs ``fsmap SUMMARY`` (DBG) and is published to subscribers.
- Health: MDS_ALL_DOWN (a filesystem with no rank up), FS_WITH_FAILED_MDS
  and FS_DEGRADED (failed ranks), MDS_INSUFFICIENT_STANDBY (fewer standbys
  than ``standby_count_wanted``).

Who may import it: the commit path, `mon.context` (for its type), the
command handlers through `MonContext`, and tests.
"""

from __future__ import annotations

import errno
import time
from collections.abc import Callable
from typing import Any

from mon.errors import CommandError
from mon.health import HealthCheck, HealthStatus
from mon.service import PaxosService, Publish
from mon.store import StoreReader, Transaction
from sim.maps.fsmap import STATE_ACTIVE, FSMap, MDSInfo
from sim.options import Options

Clog = list[tuple[str, str]]
FSMAP_EPOCHS_KEPT = 20
FS_NAME = "cephfs"


def initial_fsmap(created: float, num_mds: int, pools: dict[str, int]) -> FSMap:
    """Epoch 1: the filesystem ``cephfs`` when the cluster has MDS daemons (and its pools)."""
    m = FSMap(epoch=1)
    meta, data = pools.get(f"{FS_NAME}.{FS_NAME}.meta"), pools.get(f"{FS_NAME}.{FS_NAME}.data")
    if num_mds and meta is not None and data is not None:
        m.new_filesystem(FS_NAME, meta, [data], created)
    return m


# The next epoch (None: only metadata changed) and the metadata reported since.
FSChanges = tuple[FSMap | None, dict[str, dict[str, Any]]]


class MDSMonitor(PaxosService[FSChanges]):
    name = "fsmap"
    prefixes = ("fsmap", "mds_metadata")

    def __init__(
        self,
        options: Options,
        initial: Callable[[], FSMap],
        publish: Publish,
        clog: Callable[[str, str], None],
        emit: Callable[..., None],
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.options = options
        self.initial = initial
        self.publish = publish
        self.clog = clog
        self.emit = emit
        self.clock = clock
        self.wall = wall
        self.map = FSMap()
        self.pending: FSMap | None = None
        self.metadata: dict[str, dict[str, Any]] = {}  # mds name -> its metadata
        self.pending_metadata: dict[str, dict[str, Any]] = {}
        self.first_committed = 1
        self.last_beacon: dict[int, float] = {}  # leader memory: gid -> monotonic time
        self.last_tick: float | None = None

    # --- PaxosService -------------------------------------------------------------------

    def load(self, store: StoreReader) -> None:
        last = store.get("fsmap", "last_committed")
        raw = store.get("fsmap", map_key(int(last))) if last else None
        self.map = FSMap.from_wire(raw) if isinstance(raw, dict) else self.initial()
        self.first_committed = int(store.get("fsmap", "first_committed", 1) or 1)
        self.metadata = {str(k): dict(v) for k, v in store.items("mds_metadata")}

    def take_pending(self) -> FSChanges | None:
        pm, md = self.pending, self.pending_metadata
        self.pending, self.pending_metadata = None, {}
        return None if pm is None and not md else (pm, md)

    def drop_pending(self) -> None:
        self.pending, self.pending_metadata = None, {}

    def encode(self, changes: FSChanges, txn: Transaction) -> None:
        pm, metadata = changes
        if pm is not None:
            txn.put("fsmap", map_key(pm.epoch), pm.to_wire()).put(
                "fsmap", "last_committed", pm.epoch
            )
            if pm.epoch > FSMAP_EPOCHS_KEPT:
                first = pm.epoch - FSMAP_EPOCHS_KEPT + 1
                txn.erase("fsmap", map_key(first - 1)).put("fsmap", "first_committed", first)
            self.clog("[DBG]", f"fsmap {pm.summary()}")
        for name, md in metadata.items():
            txn.put("mds_metadata", name, md)

    def commit(self, changes: FSChanges) -> None:
        pm, metadata = changes
        self.metadata.update(metadata)
        if pm is None:
            return
        self.map = pm
        if pm.epoch > FSMAP_EPOCHS_KEPT:
            self.first_committed = pm.epoch - FSMAP_EPOCHS_KEPT + 1
        self.publish(self.name, pm.epoch, pm.to_wire())
        self.emit("fsmap", epoch=pm.epoch, summary=pm.summary())

    def current_map(self) -> tuple[int, dict[str, Any]] | None:
        return self.map.epoch, self.map.to_wire()

    # --- staging ---------------------------------------------------------------------------

    def newest(self) -> FSMap:
        return self.pending if self.pending is not None else self.map

    def staged(self) -> FSMap:
        if self.pending is None:
            self.pending = self.map.copy()
            self.pending.epoch = self.map.epoch + 1
        return self.pending

    def map_at(self, store: StoreReader, epoch: int | None) -> FSMap:
        """The FSMap of ``epoch`` (the current one for None): ``fs dump <epoch>``."""
        if epoch is None or epoch == self.map.epoch:
            return self.map
        raw = store.get("fsmap", map_key(int(epoch)))
        if not isinstance(raw, dict):
            raise CommandError(errno.ENOENT, f"there is no map for epoch {epoch}")
        return FSMap.from_wire(raw)

    # --- beacons ---------------------------------------------------------------------------

    def beacon(self, entries: list[dict[str, Any]]) -> Clog:
        """``mds beacon`` from a fleet: one entry per running MDS."""
        log: Clog = []
        now, wall = self.clock(), self.wall()
        for e in entries:
            try:
                gid, name = int(e["gid"]), str(e["name"])
                port, nonce = int(e.get("port", 0)), int(e.get("nonce", 0))
            except (KeyError, TypeError, ValueError):
                continue  # a malformed entry: that MDS is not heard
            if e.get("state") == "down:dne":  # a clean shutdown: failed at once
                if self.newest().find_gid(gid) is not None:
                    self.staged().erase(gid, wall)
                    self.last_beacon.pop(gid, None)
                continue
            md = e.get("metadata")
            if isinstance(md, dict) and md and self.metadata.get(name) != md:
                self.pending_metadata[name] = {str(k): str(v) for k, v in md.items()}
            self.last_beacon[gid] = now
            found = self.newest().find_gid(gid)
            if found is not None:
                fscid, info = found
                if info.laggy_since:
                    pm = self.staged()
                    again = pm.find_gid(gid)
                    assert again is not None
                    again[1].laggy_since = 0.0
                    pm.touch(fscid, wall)
                continue
            old = self.newest().find_name(name)
            pm = self.staged()
            if old is not None:  # the daemon restarted: its old incarnation is failed
                self.last_beacon.pop(old.gid, None)
                pm.erase(old.gid, wall)
            pm.insert_standby(MDSInfo(gid=gid, name=name, port=port, nonce=nonce))
            addrs = MDSInfo(gid, name, port=port, nonce=nonce).addrvec
            log.append(("[INF]", f"mds.? {addrs} up:boot"))
        return log

    # --- tick (leader) -----------------------------------------------------------------------

    def on_leader(self) -> None:
        """A new term: every daemon's beacon clock restarts now."""
        now = self.clock()
        self.last_beacon = {i.gid: now for _, i in self.map.all_infos()}
        self.last_tick = now

    def tick(self) -> Clog:
        log: Clog = []
        now, wall = self.clock(), self.wall()
        grace = float(self.options.get("mds_beacon_grace", 15.0))
        interval = float(self.options.get("mds_beacon_interval", 4.0))
        if self.last_tick is not None and now - self.last_tick > grace - interval:
            self.last_beacon = {g: now for g in self.last_beacon}
        self.last_tick = now
        cur = self.newest()
        for _, info in cur.all_infos():
            self.last_beacon.setdefault(info.gid, now)
        # a silent daemon is replaced only while some other daemon still gets through
        latest = max(self.last_beacon.values(), default=0.0)
        may_replace = now - latest < max(interval, grace * 0.5)
        for fscid, info in list(cur.all_infos()):
            if now - self.last_beacon.get(info.gid, now) <= grace:
                continue
            log += self._silent(fscid, info, may_replace, wall)
        log += self._fill_ranks(wall)
        gids = {i.gid for _, i in self.newest().all_infos()}
        self.last_beacon = {g: t for g, t in self.last_beacon.items() if g in gids}
        return log

    def _standby(self, exclude: str = "") -> MDSInfo | None:
        """The replacement a rank gets: the non-laggy standby of lowest gid."""
        cands = [i for g, i in sorted(self.newest().standbys.items())
                 if not i.laggy_since and i.name != exclude]  # fmt: skip
        return cands[0] if cands else None

    def _silent(self, fscid: int | None, info: MDSInfo, may_replace: bool, wall: float) -> Clog:
        sb = self._standby(info.name) if fscid is not None and info.rank >= 0 else None
        if sb is not None and may_replace:
            assert fscid is not None
            pm = self.staged()
            rank = info.rank
            pm.erase(info.gid, wall)
            self.last_beacon.pop(info.gid, None)
            pm.promote(sb.gid, fscid, rank, wall)
            return [("[WRN]", f"Replacing {info.human_name()} as rank {rank} "
                              f"with standby {sb.human_name()}")]  # fmt: skip
        if fscid is None and may_replace:
            self.staged().erase(info.gid, wall)
            self.last_beacon.pop(info.gid, None)
            return [("[INF]", f"Standby {info.human_name()} is not responding, dropping it")]
        if not info.laggy_since:
            pm = self.staged()
            found = pm.find_gid(info.gid)
            assert found is not None
            found[1].laggy_since = wall
            pm.touch(fscid, wall)
        return []

    def _fill_ranks(self, wall: float) -> Clog:
        log: Clog = []
        for fscid, m in sorted(self.newest().filesystems.items()):
            for rank in sorted(m.failed):
                sb = self._standby()
                if sb is None:
                    return log
                self.staged().promote(sb.gid, fscid, rank, wall)
                log.append(("[INF]", f"Standby {sb.human_name()} assigned to filesystem "
                                     f"{m.fs_name} as rank {rank}"))  # fmt: skip
            m = self.newest().filesystems[fscid]
            while len(m.in_) < m.max_mds:
                sb = self._standby()
                if sb is None:
                    return log
                rank = next(r for r in range(m.max_mds + 1) if r not in m.in_)
                pm = self.staged()
                pm.promote(sb.gid, fscid, rank, wall)
                m = pm.filesystems[fscid]
                log.append(("[INF]", f"{sb.human_name()} assigned to filesystem {m.fs_name} "
                                     f"as rank {rank} (now has {len(m.in_)} ranks)"))  # fmt: skip
                log.append(("[INF]", f"{sb.human_name()} is now active in filesystem "
                                     f"{m.fs_name} as rank {rank}"))  # fmt: skip
        return log

    # --- operator actions ------------------------------------------------------------------

    def fail(self, who: str) -> str:
        """``mds fail <role_or_gid>``: a role (``0``, ``cephfs:0``), a gid or a name, in
        Ceph's order. Like Ceph, an unknown one is not an error (retval 0)."""
        cur = self.newest()
        info: MDSInfo | None = None
        fs, _, rank = who.rpartition(":")
        if rank.isdigit():
            info = _holder(cur, fs or None, int(rank))
            if info is None and not fs:
                found = cur.find_gid(int(rank))
                info = found[1] if found is not None else None
            if info is None:
                return ""
        else:
            info = cur.find_name(who)
        if info is None:
            return f"MDS named '{who}' does not exist, or is not up"
        self.staged().erase(info.gid, self.wall())
        self.last_beacon.pop(info.gid, None)
        return f"failed mds gid {info.gid}"

    # --- health and reads --------------------------------------------------------------------

    def health_checks(self) -> list[HealthCheck]:
        m = self.map
        checks: list[HealthCheck] = []
        down = [mm.fs_name for _, mm in sorted(m.filesystems.items())
                if not any(mm.info[g].state == STATE_ACTIVE for g in mm.up.values())]  # fmt: skip
        if down:
            n = len(down)
            checks.append(HealthCheck(
                "MDS_ALL_DOWN", HealthStatus.HEALTH_ERR,
                f"{n} filesystem{'s are' if n > 1 else ' is'} offline", n,
                tuple(f"fs {f} is offline because no MDS is active for it." for f in down),
            ))  # fmt: skip
        with_failed = [(mm.fs_name, len(mm.failed)) for _, mm in sorted(m.filesystems.items())
                       if mm.failed]  # fmt: skip
        if with_failed:
            n = len(with_failed)
            checks.append(HealthCheck(
                "FS_WITH_FAILED_MDS", HealthStatus.HEALTH_WARN,
                f"{n} filesystem{'s have' if n > 1 else ' has'} a failed mds daemon", n,
                tuple(f"fs {f} has {k} failed mds{'s' if k > 1 else ''}" for f, k in with_failed),
            ))  # fmt: skip
        degraded = [mm.fs_name for _, mm in sorted(m.filesystems.items()) if mm.is_degraded()]
        if degraded:
            n = len(degraded)
            checks.append(HealthCheck(
                "FS_DEGRADED", HealthStatus.HEALTH_WARN,
                f"{n} filesystem{'s are' if n > 1 else ' is'} degraded", n,
                tuple(f"fs {f} is degraded" for f in degraded),
            ))  # fmt: skip
        wanted = max((mm.standby_count_wanted for mm in m.filesystems.values()), default=0)
        have = len(m.standbys)
        if wanted > have:
            checks.append(HealthCheck(
                "MDS_INSUFFICIENT_STANDBY", HealthStatus.HEALTH_WARN,
                "insufficient standby MDS daemons available", wanted - have,
                (f"have {have}; want {wanted} more",),
            ))  # fmt: skip
        return checks

    def versions(self) -> dict[str, int]:
        """``mds versions``: the daemons of the map by their metadata's ``ceph_version``."""
        out: dict[str, int] = {}
        for _, info in self.map.all_infos():
            v = str(self.metadata.get(info.name, {}).get("ceph_version", "unknown"))
            out[v] = out.get(v, 0) + 1
        return out


def _holder(m: FSMap, fs_name: str | None, rank: int) -> MDSInfo | None:
    for _, mm in sorted(m.filesystems.items()):
        if fs_name is not None and mm.fs_name != fs_name:
            continue
        gid = mm.up.get(rank)
        if gid is not None:
            return mm.info[gid]
    return None


def map_key(epoch: int) -> str:
    return f"e{epoch:010d}"
