"""The fleet's OSDs serving RADOS ops: placement, blocking, replication, recovery.

Theory of operation. Every `OsdOp` is placed again on the fleet's current
OSDMap (`sim.maps.pgmap.object_pg`, the one placement function) and served
by its PG's primary (the first up OSD of the acting set) once the PG can
serve it:

- the fleet has the client's map epoch (else it waits for that map);
- the client's address is not on the map's blocklist (else ``-EBLOCKLISTED``);
- at least ``min_size`` OSDs of the acting set are up in the map (else the
  op *blocks*: Ceph's ``peered``/``down`` PG; it is retried whenever the map
  or an OSD's run state changes);
- a write to a pool flagged ``full`` (its quota is reached: `mon.pool_quota`)
  waits, like Ceph's paused writes, until a map lifts the flag; removing an
  object is let through (librados sends removes with FULL_FORCE);
- every OSD the map shows up in the acting set is running here: a killed or
  paused OSD stores and answers nothing, so the op waits until it returns or
  the mon marks it down (``osd_heartbeat_grace``), as a Ceph primary waits on
  a replica;
- the PG has *peered* with this up set: whenever the up set of a PG changes,
  its OSDs first copy every object whose newest version (by PG version, from
  any running OSD of the fleet that holds the PG, strays included) they lack
  (`objops.plan_recovery`): a returning OSD serves nothing stale.

A write gets the PG's next version, is applied by `objops.apply` to the
primary's copy and written to every up OSD of the acting set (one SQLite
transaction each) before the reply goes out: acknowledged means on every up
replica. A re-sent op (same ``reqid``) is answered from a small table of
recent replies and not applied twice; one re-sent while its first copy still
waits takes that copy's place (one op in flight, as old as the first copy).

Who may import it: `sim.fleet.daemon` and tests.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sim.cluster import RunDir
from sim.fleet import objops
from sim.fleet.objstore import ObjectStore, split_key
from sim.fleet.osd_perf_stats import DynamicPerfStats, OpFacts, op_bytes
from sim.maps.osdmap import OSDMap
from sim.maps.pgmap import object_pg, pg_acting, placement_hosts, up_acting
from sim.messages import OsdOp, OsdOpReply

log = logging.getLogger(__name__)

EBLOCKLISTED = errno.ESHUTDOWN  # 108, what Ceph answers a blocklisted client
DUPS_KEPT = 4096  # recent replies kept for re-sent ops (Ceph's pg log dups)
PG = tuple[int, int]


@dataclass
class Waiting:
    op: OsdOp
    reply: Callable[[OsdOpReply], None]
    since: float


class OSDService:
    """The object side of every OSD of one fleet."""

    def __init__(self, run: RunDir, osds: list[int], running: Callable[[int], bool]) -> None:
        self.run = run
        self.osds = osds
        self.running = running  # osd id -> may store and answer now
        self.stores: dict[int, ObjectStore] = {}
        self.osdmap = OSDMap()
        self.waiting: list[Waiting] = []
        self.peered: dict[PG, tuple[int, ...]] = {}
        self.pg_version: dict[PG, int] = {}
        self.dups: OrderedDict[str, OsdOpReply] = OrderedDict()
        self.perf = DynamicPerfStats()  # the active mgr's OSD perf queries, counted
        self.ops_done = self.recovered = self.failed = 0
        # OSDs with a store on disk: only those are opened to read (10,000 OSDs with no
        # objects open no file at all)
        self.has_data = {o for o in osds if run.osd_data(o).exists()}

    def store(self, osd: int) -> ObjectStore:
        st = self.stores.get(osd)
        if st is None:
            st = self.stores[osd] = ObjectStore(self.run.osd_data(osd))
            self.has_data.add(osd)
        return st

    def _holders(self) -> list[int]:
        """Running OSDs that hold objects (the sources of recovery and listing)."""
        return [o for o in self.osds if o in self.has_data and self.running(o)]

    def close(self) -> None:
        for st in self.stores.values():
            st.close()
        self.stores.clear()

    # --- events -------------------------------------------------------------------------

    def on_map(self, m: OSDMap) -> None:
        self.osdmap = m
        if m.epoch and m.pools:
            keep = set(m.pools)
            for osd in self._holders():
                self.store(osd).drop_pools(keep)
        self.retry()

    def retry(self, now: float = 0.0) -> None:
        """Serve what can be served now (after a map or run-state change)."""
        waiting, self.waiting = self.waiting, []
        for w in waiting:
            rep = self._try(w.op, w.since)
            if rep is None:
                self.waiting.append(w)
            else:
                w.reply(rep)

    def submit(self, op: OsdOp, reply: Callable[[OsdOpReply], None], now: float) -> None:
        if op.reqid and op.reqid in self.dups:
            reply(self.dups[op.reqid])
            return
        rep = self._try(op, now)
        if rep is not None:
            reply(rep)
            return
        for w in self.waiting:
            if op.reqid and w.op.reqid == op.reqid:
                # the client re-sent an op that waits here: still one op, as old as the
                # first copy, answered on the newest copy's route (the client has given
                # up on the older ones)
                w.op, w.reply = op, reply
                return
        self.waiting.append(Waiting(op, reply, now))

    def blocked(self, now: float, older_than: float) -> int:
        return sum(1 for w in self.waiting if now - w.since >= older_than)

    def slow_ops(self, now: float, complaint: float) -> dict[int, tuple[int, int]]:
        """Per OSD: (ops in flight longer than ``complaint`` s, the oldest one's age in
        whole seconds) — what a Ceph OSD's op tracker reports as its ``SLOW_OPS``
        health metric. A waiting op is held by its PG's primary (the first up OSD of
        the acting set) if that OSD is running; an op whose PG has no up OSD is held
        by no OSD (in Ceph the client keeps it), so it is nobody's slow op."""
        out: dict[int, tuple[int, int]] = {}
        for w in self.waiting:
            age = now - w.since
            if age < complaint:
                continue
            holder = self._holder(w.op)
            if holder is None:
                continue
            n, oldest = out.get(holder, (0, 0))
            out[holder] = (n + 1, max(oldest, int(age)))
        return out

    def held_by(self, osd: int) -> list[Waiting]:
        """The waiting ops ``osd`` holds (it is their PG's running primary), oldest first."""
        return sorted((w for w in self.waiting if self._holder(w.op) == osd), key=lambda w: w.since)

    def _holder(self, op: OsdOp) -> int | None:
        m = self.osdmap
        pool = m.pools.get(op.pool)
        if pool is None:
            return None
        if op.oid:
            _ps, acting = object_pg(m, op.pool, op.oid, op.nspace)
        else:
            hosts = m.cache.get("placement_hosts") or placement_hosts(m)
            acting = pg_acting(hosts, op.pool, op.ps, pool.size)
        up = up_acting(m, acting)
        return up[0] if up and self.running(up[0]) else None

    # --- one op --------------------------------------------------------------------------

    def _target(self, op: OsdOp) -> tuple[PG, list[int]] | OsdOpReply | None:
        m = self.osdmap
        if op.epoch > m.epoch:
            return None
        if op.addr and m.blocklist and m.is_blocklisted(op.addr, time.time()):
            return OsdOpReply(-EBLOCKLISTED, epoch=m.epoch)
        pool = m.pools.get(op.pool)
        if pool is None:
            return OsdOpReply(-errno.ENOENT, epoch=m.epoch)
        if pool.has_flag("full") and objops.is_write(op.ops) and not _only_removes(op.ops):
            return None  # a full pool (quota): writes wait for a map that lifts it, as in Ceph
        if op.oid:
            ps, acting = object_pg(m, op.pool, op.oid, op.nspace)
        else:  # a PG op (pgls)
            if not 0 <= op.ps < pool.pg_num:
                return OsdOpReply(-errno.EINVAL, epoch=m.epoch)
            ps = op.ps
            hosts = m.cache.get("placement_hosts") or placement_hosts(m)
            acting = pg_acting(hosts, op.pool, ps, pool.size)
        up = up_acting(m, acting)
        if len(up) < pool.min_size or not all(self.running(o) for o in up):
            return None
        return (op.pool, ps), up

    def _try(self, op: OsdOp, since: float) -> OsdOpReply | None:
        """Serve ``op`` if its PG can (``since``: when it arrived, `time.monotonic`)."""
        if op.reqid and op.reqid in self.dups:  # a re-sent copy that waited here too
            return self.dups[op.reqid]
        target = self._target(op)
        if target is None or isinstance(target, OsdOpReply):
            return target
        pg, up = target
        try:
            if self.peered.get(pg) != tuple(up):
                self._recover(pg, up)
            rep = self._execute(op, pg, up)
        except sqlite3.Error as exc:  # a store that cannot be read or written: EIO, not silence
            log.error("pg %d.%x: store error: %s", pg[0], pg[1], exc)
            self.failed += 1
            return OsdOpReply(-errno.EIO, epoch=self.osdmap.epoch)
        self.ops_done += 1
        if self.perf.enabled and op.oid and rep.retval >= 0:  # PrimaryLogPG::log_op_stats
            self._count(op, pg, up[0], rep, since)
        if op.reqid and objops.is_write(op.ops):
            self.dups[op.reqid] = rep
            while len(self.dups) > DUPS_KEPT:
                self.dups.popitem(last=False)
        return rep

    def _count(self, op: OsdOp, pg: PG, primary: int, rep: OsdOpReply, since: float) -> None:
        writes = objops.is_write(op.ops)
        reads = objops.is_read(op.ops)
        inb, outb = op_bytes(op.ops, rep.results)
        latency = max(0, int((time.monotonic() - since) * 1e9))
        self.perf.add(OpFacts(primary, pg[0], pg[1], op.nspace, op.oid, op.client, op.addr,
                              reads, writes, inb, outb, latency))  # fmt: skip

    def _execute(self, op: OsdOp, pg: PG, up: list[int]) -> OsdOpReply:
        primary = self.store(up[0])
        epoch = self.osdmap.epoch
        if not op.oid:
            return self._pgls(op, pg, primary, epoch)
        obj = primary.get(op.pool, op.nspace, op.oid)
        version = self.pg_version.get(pg, 0) + 1
        out = objops.apply(obj, op.ops, version, op.mtime)
        if out.retval or not out.wrote:
            return OsdOpReply(out.retval, out.results, obj.version, epoch)
        for osd in up:
            st = self.store(osd)
            st.put(op.pool, pg[1], op.nspace, op.oid, out.state)
        self.pg_version[pg] = version
        return OsdOpReply(0, out.results, version, epoch)

    def _pgls(self, op: OsdOp, pg: PG, primary: ObjectStore, epoch: int) -> OsdOpReply:
        """``[["pgls", nspace]]``: the PG's live objects (``nspace`` None: every namespace)."""
        ok = len(op.ops) == 1 and isinstance(op.ops[0], list) and len(op.ops[0]) == 2
        nspace = op.ops[0][1] if ok else 0
        if not ok or op.ops[0][0] != "pgls" or not (nspace is None or isinstance(nspace, str)):
            return OsdOpReply(-errno.EINVAL, epoch=epoch)
        items = primary.list_pg(pg[0], pg[1], nspace)
        return OsdOpReply(0, [[[ns, oid] for ns, oid in items]], 0, epoch)

    # --- peering and recovery -----------------------------------------------------------

    def _recover(self, pg: PG, up: list[int]) -> None:
        """Bring every OSD of ``up`` to the newest version of each of the PG's objects."""
        pool, ps = pg
        sources = self._holders()
        versions = {o: self.store(o).versions(pool, ps) for o in sources}
        plan = objops.plan_recovery(versions, up)
        for osd, todo in plan.items():
            st = self.store(osd)
            st.begin()
            for key, src in todo:
                nspace, oid = split_key(key)
                st.put(pool, ps, nspace, oid, self.store(src).get(pool, nspace, oid))
            st.commit()
            self.recovered += len(todo)
            log.info("pg %d.%x: osd.%d recovered %d objects", pool, ps, osd, len(todo))
        self.pg_version[pg] = max((max(v.values(), default=0) for v in versions.values()),
                                  default=0)  # fmt: skip
        self.peered[pg] = tuple(up)

    def recover_all(self) -> None:
        """Peer every PG that holds objects and can serve (eagerly, after map changes)."""
        m = self.osdmap
        if not m.epoch:
            return
        pgs: set[PG] = set()
        for osd in self._holders():
            pgs.update(self.store(osd).pgs())
        hosts = placement_hosts(m)
        for pool_id, ps in sorted(pgs):
            pool = m.pools.get(pool_id)
            if pool is None or ps >= pool.pg_num:
                continue
            up = up_acting(m, pg_acting(hosts, pool_id, ps, pool.size))
            if (len(up) >= pool.min_size and all(self.running(o) for o in up)
                    and self.peered.get((pool_id, ps)) != tuple(up)):  # fmt: skip
                self._recover((pool_id, ps), up)

    # --- statistics ---------------------------------------------------------------------

    def usage(
        self,
    ) -> tuple[dict[int, tuple[int, int]], dict[int, int], dict[PG, tuple[int, int]]]:
        """(per pool (objects, bytes) counted once per PG, per OSD bytes stored, per PG)."""
        m = self.osdmap
        hosts = placement_hosts(m) if m.epoch else []
        per_pg: dict[PG, tuple[int, int]] = {}
        per_osd: dict[int, int] = {}
        for osd in sorted(self.has_data):
            for pg, (n, b) in self.store(osd).pg_usage().items():
                per_osd[osd] = per_osd.get(osd, 0) + b
                pool = m.pools.get(pg[0])
                primary = (up_acting(m, pg_acting(hosts, pg[0], pg[1], pool.size))[:1]
                           if pool else [])  # fmt: skip
                if pg not in per_pg or primary == [osd]:
                    per_pg[pg] = (n, b)
        per_pg = {pg: v for pg, v in per_pg.items() if pg[0] in m.pools}
        per_pool: dict[int, tuple[int, int]] = {}
        for (pool_id, _ps), (n, b) in per_pg.items():
            on, ob = per_pool.get(pool_id, (0, 0))
            per_pool[pool_id] = (on + n, ob + b)
        return per_pool, per_osd, per_pg


def _only_removes(ops: list[Any]) -> bool:
    return all(isinstance(o, list) and o and o[0] == "remove" for o in ops)
