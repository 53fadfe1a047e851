"""The PGMap-backed ``get()`` answers (``pg_summary``, ``pg_status``, ``pg_dump``,
``pg_stats``, ``pool_stats``, ``osd_stats``, ``df``, ``io_rate`` …) and the
PG digest the active mgr sends to the mon, in Ceph 16.2's shapes.

Backing (`PGState`): PG placement and states from the OSDMap
(`sim.maps.pgmap`, recomputed only when the map or the set of reporting
OSDs changes), OSD usage from the OSDs' perf counters (``osd.stat_bytes*``),
pool contents and client I/O from the fleet's pool totals (two samples per
fleet: the newest and the one before, for rates).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sim.maps import clusterdata, pgmap
from sim.maps.osd_dumps import no_gc, stamp
from sim.maps.pgmap import PoolPGs

if TYPE_CHECKING:
    from mgr.daemon_view import DaemonView

KB = 1024
FULL_RATIO = 0.95
DETAIL_MAX = 50
POOL_FIELDS = ("num_bytes", "num_objects", "num_read", "num_read_kb", "num_write", "num_write_kb")


def client_io_rate(delta: Sequence[float], span: float) -> dict[str, int]:
    """Ceph's client IO rate (PGMap's ``client_io_rate_summary``) of a `POOL_FIELDS` delta
    over ``span`` seconds: none without ops; with any, ops per second both ways, and bytes
    per second for a direction that moved bytes (``status``, ``osd pool stats``)."""
    rd, rd_kb, wr, wr_kb = delta[2:6]
    if span <= 0 or not (rd or wr):
        return {}
    out = {}
    if rd_kb:
        out["read_bytes_sec"] = int(rd_kb * KB / span)
    if wr_kb:
        out["write_bytes_sec"] = int(wr_kb * KB / span)
    return out | {"read_op_per_sec": int(rd / span), "write_op_per_sec": int(wr / span)}


PG_STATS_SUM: dict[str, Any] = clusterdata.pg_data("pg_dump")["pg_stats_sum"]  # type: ignore[index]
OSD_STATS_SUM: dict[str, Any] = clusterdata.pg_data("pg_dump")["osd_stats_sum"]  # type: ignore[index]


def fresh(v: Any) -> Any:
    """A copy of a JSON-like template (much faster than `copy.deepcopy`)."""
    if type(v) is dict:
        return {k: fresh(x) for k, x in v.items()}
    if type(v) is list:
        return [fresh(x) for x in v]
    return v


def _plural(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def pgid(pool: int, ps: int) -> str:
    return f"{pool}.{ps:x}"


class PGState:
    def __init__(self, ds: DaemonView) -> None:
        self.ds = ds
        self._lock = threading.Lock()
        self._place_key: Any = None
        self._state_key: Any = None
        self._pgs: dict[int, PoolPGs] = {}
        self._counts: Counter[str] = Counter()
        self._derived: dict[str, Any] = {}
        self._derived_key: Any = None

    # --- backing ---------------------------------------------------------------------

    def pgs(self) -> tuple[dict[int, PoolPGs], Counter[str]]:
        m = self.ds.osdmap
        table = self.ds.tables.get("osd")
        rows = len(table.rows) if table is not None else 0
        with self._lock:
            key = pgmap.in_set_key(m)
            if key != self._place_key:
                self._pgs, self._place_key, self._state_key = pgmap.place(m), key, None
            if (m.epoch, rows) != self._state_key:
                reported = {int(i) for i in list(table.rows) if table.has(i)} if table else set()
                pgs = {k: PoolPGs(v.pool, v.pg_num, v.size, v.min_size, v.acting)
                       for k, v in self._pgs.items()}  # fmt: skip
                pgmap.compute_states(pgs, m, reported.__contains__)
                self._pgs, self._counts, self._state_key = pgs, pgmap.counts(pgs), (m.epoch, rows)
            return self._pgs, self._counts

    def pool_totals(self) -> tuple[dict[int, list[int]], dict[int, list[int]], float]:
        """(totals, deltas since the previous sample, seconds between them) over every fleet."""
        totals: dict[int, list[int]] = {}
        deltas: dict[int, list[int]] = {}
        span = 0.0
        for samples in list(self.ds.pools.values()):
            t_new, new = samples[-1]
            for pool, vals in new.items():
                acc = totals.setdefault(pool, [0] * len(POOL_FIELDS))
                for i, v in enumerate(vals[: len(POOL_FIELDS)]):
                    acc[i] += int(v)
            if len(samples) > 1:
                t_old, old = samples[0]
                span = max(span, t_new - t_old)
                for pool, vals in new.items():
                    before = old.get(pool, [0] * len(POOL_FIELDS))
                    acc = deltas.setdefault(pool, [0] * len(POOL_FIELDS))
                    for i in range(len(POOL_FIELDS)):
                        acc[i] += int(vals[i]) - int(before[i])
        return totals, deltas, span

    def osd_usage(self) -> dict[int, tuple[int, int, int]]:
        """osd -> (bytes, used, avail) from the newest reports."""
        table = self.ds.tables.get("osd")
        if table is None:
            return {}
        size = table.column_latest("osd.stat_bytes")
        used = table.column_latest("osd.stat_bytes_used")
        avail = table.column_latest("osd.stat_bytes_avail")
        return {int(i): (int(size[i]), int(used[i]), int(avail[i])) for i in size}

    # --- pieces ----------------------------------------------------------------------------

    def _stat_sum(self, vals: list[int], copies: int = 1, degraded: int = 0) -> dict[str, Any]:
        s = fresh(PG_STATS_SUM)
        ss = s["stat_sum"]
        for name, v in zip(POOL_FIELDS, vals, strict=False):
            ss[name] = int(v)
        ss["num_object_copies"] = ss["num_objects"] * copies
        ss["num_objects_degraded"] = degraded
        return s

    def _osd_stat(self, osd: int, usage: tuple[int, int, int], num_pgs: int) -> dict[str, Any]:
        total, used, avail = usage
        st = {"osd": osd, **fresh(OSD_STATS_SUM)}  # Ceph's key order: osd first
        m = self.ds.osdmap
        st.update(
            osd=osd, up_from=m.up_from[osd] if osd < m.max_osd else 0, seq=0, num_pgs=num_pgs,
            num_osds=1, num_per_pool_osds=1, num_per_pool_omap_osds=1, kb=total // KB,
            kb_used=used // KB, kb_used_data=max(0, used - (1 << 30)) // KB,
            kb_used_meta=min(used, 1 << 30) // KB, kb_avail=avail // KB,
        )  # fmt: skip
        st["statfs"].update(total=total, available=avail, allocated=used, data_stored=used)
        table = self.ds.tables.get("osd")
        pts = table.series(str(osd), "bluestore.commit_lat") if table else []
        if len(pts) >= 2 and pts[-1][2] > pts[-2][2]:
            ns = (pts[-1][1] - pts[-2][1]) / (pts[-1][2] - pts[-2][2])
            st["perf_stat"] = {"commit_latency_ms": int(ns / 1e6), "apply_latency_ms": int(ns / 1e6),
                               "commit_latency_ns": int(ns), "apply_latency_ns": int(ns)}  # fmt: skip
        return st

    def osd_stats(self) -> list[dict[str, Any]]:
        per_osd = self.derived()["pgs_per_osd"]
        usage = sorted(self.osd_usage().items())
        with no_gc():
            return [self._osd_stat(o, u, per_osd.get(o, 0)) for o, u in usage]

    def derived(self) -> dict[str, Any]:
        """Per-OSD and per-pool PG tallies of the current states (computed once per states)."""
        pgs, _ = self.pgs()
        with self._lock:
            if self._derived_key != self._state_key:
                self._derived = {
                    "pgs_per_osd": pgmap.pgs_per_osd(pgs),
                    "by_osd": {str(o): dict(c) for o, c in sorted(pgmap.by_osd(pgs).items())},
                    "by_pool": {str(pool): dict(Counter(pgmap.STATES[s] for s in pp.states))
                                for pool, pp in pgs.items()},
                }  # fmt: skip
                self._derived_key = self._state_key
            return self._derived

    def _usage_totals(self) -> tuple[int, int, int, int]:
        usage = self.osd_usage()
        total = sum(u[0] for u in usage.values())
        used = sum(u[1] for u in usage.values())
        avail = sum(u[2] for u in usage.values())
        return total, used, avail, len(usage)

    def pg_objects(self) -> dict[tuple[int, int], tuple[int, int]]:
        """(pool, ps) -> (objects, bytes) of the RADOS objects, over every fleet."""
        out: dict[tuple[int, int], tuple[int, int]] = {}
        for per_pg in list(self.ds.pg_objects.values()):
            out.update(per_pg)
        return out

    def _pg_entry(
        self, pp: PoolPGs, ps: int, vals: list[int],
        objects: dict[tuple[int, int], tuple[int, int]] | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        m = self.ds.osdmap
        size = pp.size
        acting = [o for o in pp.acting[ps * size : ps * size + size] if o >= 0]
        up = [o for o in acting if m.is_up(o)]
        state = pgmap.STATES[pp.states[ps]]
        now = stamp(m.modified)
        per = [v // pp.pg_num for v in vals]  # I/O spread over the PGs
        if objects is not None:  # the PG's own objects and bytes
            n, b = objects.get((pp.pool, ps), (0, 0))
            per[0], per[1] = b, n
        missing = (size - len(up)) * per[1] if up else 0
        return {
            "pgid": pgid(pp.pool, ps), "version": "0'0", "reported_seq": m.epoch,
            "reported_epoch": m.epoch, "state": state, "last_fresh": now, "last_change": now,
            "last_active": now, "last_peered": now, "last_clean": now,
            "last_became_active": now, "last_became_peered": now, "last_unstale": now,
            "last_undegraded": now, "last_fullsized": now, "mapping_epoch": m.epoch,
            "log_start": "0'0", "ondisk_log_start": "0'0", "created": 1,
            "last_epoch_clean": m.epoch, "parent": "0.0", "parent_split_bits": 0,
            "last_scrub": "0'0", "last_scrub_stamp": stamp(m.created), "last_deep_scrub": "0'0",
            "last_deep_scrub_stamp": stamp(m.created), "last_clean_scrub_stamp": stamp(m.created),
            "log_size": 0, "ondisk_log_size": 0, "stats_invalid": False,
            "dirty_stats_invalid": False, "omap_stats_invalid": False,
            "hitset_stats_invalid": False, "hitset_bytes_stats_invalid": False,
            "pin_stats_invalid": False, "manifest_stats_invalid": False, "snaptrimq_len": 0,
            "stat_sum": self._stat_sum(per, size, missing)["stat_sum"],
            "up": up, "acting": acting, "avail_no_missing": [], "object_location_counts": [],
            "blocked_by": [], "up_primary": up[0] if up else -1,
            "acting_primary": up[0] if up else -1, "purged_snaps": [],
        }  # fmt: skip

    def pg_stats(self) -> list[dict[str, Any]]:
        pgs, _ = self.pgs()
        totals, _, _ = self.pool_totals()
        objects = self.pg_objects() if self.ds.pg_objects else None
        with no_gc():
            return [
                self._pg_entry(pp, ps, totals.get(pool, [0] * len(POOL_FIELDS)), objects)
                for pool, pp in pgs.items() for ps in range(pp.pg_num)
            ]  # fmt: skip

    def pool_stats(self) -> list[dict[str, Any]]:
        pgs, _ = self.pgs()
        totals, _, _ = self.pool_totals()
        out = []
        for pool, pp in pgs.items():
            s = self._stat_sum(totals.get(pool, [0] * len(POOL_FIELDS)), pp.size)
            out.append({"poolid": pool, "num_pg": pp.pg_num, **s})
        return out

    def degraded(self, pgs: dict[int, PoolPGs]) -> tuple[int, int]:
        """(degraded object copies, all object copies)."""
        totals, _, _ = self.pool_totals()
        m = self.ds.osdmap
        deg = total = 0
        for pool, pp in pgs.items():
            objs = totals.get(pool, [0, 0])[1]
            per = objs // max(pp.pg_num, 1)
            total += objs * pp.size
            for ps, st in enumerate(pp.states):
                if st in (1, 2):
                    up = sum(1 for o in pp.acting[ps * pp.size : ps * pp.size + pp.size]
                             if o >= 0 and m.is_up(o))  # fmt: skip
                    deg += per * (pp.size - up)
        return deg, total

    # --- get() -----------------------------------------------------------------------------

    def pg_status(self) -> dict[str, Any]:
        pgs, counts = self.pgs()
        totals, deltas, span = self.pool_totals()
        total, used, avail, _ = self._usage_totals()
        num_pgs = sum(counts.values())
        out: dict[str, Any] = {
            "pgs_by_state": pgmap.pgs_by_state(counts),
            "num_pgs": num_pgs,
            "num_pools": len(self.ds.osdmap.pools),
            "num_objects": sum(v[1] for v in totals.values()),
            "data_bytes": sum(v[0] for v in totals.values()),
            "bytes_used": used,
            "bytes_avail": avail,
            "bytes_total": total,
        }
        if num_pgs:
            inactive = sum(counts.get(s, 0) for s in pgmap.INACTIVE)
            if counts.get(pgmap.UNKNOWN):
                out["unknown_pgs_ratio"] = counts[pgmap.UNKNOWN] / num_pgs
            if inactive - counts.get(pgmap.UNKNOWN, 0):
                out["inactive_pgs_ratio"] = (inactive - counts.get(pgmap.UNKNOWN, 0)) / num_pgs
        deg, copies = self.degraded(pgs)
        if deg and copies:
            out |= {
                "degraded_objects": deg,
                "degraded_total": copies,
                "degraded_ratio": deg / copies,
            }
        d = [sum(v[i] for v in deltas.values()) for i in range(len(POOL_FIELDS))]
        return out | client_io_rate(d, span)

    def io_rate(self) -> dict[str, Any]:
        _, deltas, span = self.pool_totals()
        d = [sum(v[i] for v in deltas.values()) for i in range(len(POOL_FIELDS))]
        return {"pg_stats_delta": self._stat_sum(d) | {"stamp_delta": f"{span:.6f}"}}

    def df(self) -> dict[str, Any]:
        pgs, _ = self.pgs()
        totals, _, _ = self.pool_totals()
        total, used, avail, n = self._usage_totals()
        ratio = used / total if total else 0
        stats = {"total_bytes": total, "total_avail_bytes": avail, "total_used_bytes": used,
                 "total_used_raw_bytes": used, "total_used_raw_ratio": ratio}  # fmt: skip
        pools = []
        for p in self.ds.osdmap.pools.values():
            stored, objects, rd, rd_kb, wr, wr_kb = (totals.get(p.pool) or [0] * 6)[:6]
            used_p = stored * p.size
            raw_avail = int(avail * FULL_RATIO)
            max_avail = raw_avail // max(p.size, 1)
            pools.append({"name": p.name, "id": p.pool, "stats": {
                "stored": stored, "stored_data": stored, "stored_omap": 0, "objects": objects,
                "kb_used": used_p // KB, "bytes_used": used_p, "data_bytes_used": used_p,
                "omap_bytes_used": 0, "percent_used": used_p / (used_p + max_avail) if used_p + max_avail else 0,
                "max_avail": max_avail,
                # Ceph's verbose fields (get('df'), ``df detail``; ``df`` drops them)
                # dirty: 0 outside cache tiers (none here), as a 16.2 memstore pool shows
                "quota_objects": p.quota_max_objects, "quota_bytes": p.quota_max_bytes, "dirty": 0, "rd": rd,
                "rd_bytes": rd_kb * KB, "wr": wr, "wr_bytes": wr_kb * KB,
                "compress_bytes_used": 0, "compress_under_bytes": 0,
                "stored_raw": used_p, "avail_raw": raw_avail}})  # fmt: skip
        return {
            "stats": stats | {"num_osds": n, "num_per_pool_osds": n, "num_per_pool_omap_osds": n},
            "stats_by_class": {"hdd": dict(stats)} if n else {},
            "pools": pools,
        }

    def pg_summary(self) -> dict[str, Any]:
        _, counts = self.pgs()
        totals, _, _ = self.pool_totals()
        derived = self.derived()
        by_pool = {k: dict(v) for k, v in derived["by_pool"].items()}
        by_osd = {k: dict(v) for k, v in derived["by_osd"].items()}
        sums = [sum(v[i] for v in totals.values()) for i in range(len(POOL_FIELDS))]
        return {"by_osd": by_osd, "by_pool": by_pool, "all": dict(counts),
                "pg_stats_sum": self._stat_sum(sums)}  # fmt: skip

    def get(self, name: str) -> Any:
        if name == "pg_summary":
            return self.pg_summary()
        if name == "pg_status":
            return self.pg_status()
        if name == "pg_stats":
            return {"pg_stats": self.pg_stats()}
        if name == "pool_stats":
            return {"pool_stats": self.pool_stats()}
        if name == "osd_stats":
            return {"osd_stats": self.osd_stats(), "pool_statfs": []}
        if name == "df":
            return self.df()
        if name == "io_rate":
            return self.io_rate()
        if name == "pg_dump":
            return self.pg_dump()
        if name == "osd_pool_stats":
            return {"pool_stats": self.osd_pool_stats()}
        if name == "active_clean_pgs":
            stats = [{"pgid": s["pgid"], "state": s["state"], "reported_epoch": s["reported_epoch"]}
                     for s in self.pg_stats() if s["state"] == pgmap.CLEAN]  # fmt: skip
            return {"pg_stats": stats, "total_num_pgs": sum(self.pgs()[1].values())}
        return None

    def pg_dump(self) -> dict[str, Any]:
        totals, deltas, span = self.pool_totals()
        sums = [sum(v[i] for v in totals.values()) for i in range(len(POOL_FIELDS))]
        d = [sum(v[i] for v in deltas.values()) for i in range(len(POOL_FIELDS))]
        osd_stats = self.osd_stats()
        osum = fresh(OSD_STATS_SUM)
        for key in ("kb", "kb_used", "kb_used_data", "kb_used_meta", "kb_avail", "num_pgs"):
            osum[key] = sum(s[key] for s in osd_stats)
        osum["num_osds"] = len(osd_stats)
        return {
            "version": self.ds.reports, "stamp": stamp(self.ds.osdmap.modified),
            "last_osdmap_epoch": self.ds.osdmap.epoch, "last_pg_scan": self.ds.osdmap.epoch,
            "pg_stats_sum": self._stat_sum(sums), "osd_stats_sum": osum,
            "pg_stats_delta": self._stat_sum(d) | {"stamp_delta": f"{span:.6f}"},
            "pg_stats": self.pg_stats(), "pool_stats": self.pool_stats(),
            "osd_stats": osd_stats, "pool_statfs": [],
        }  # fmt: skip

    def osd_pool_stats(self) -> list[dict[str, Any]]:
        _, deltas, span = self.pool_totals()
        out = []
        for p in self.ds.osdmap.pools.values():
            rate = client_io_rate(deltas.get(p.pool) or [0] * len(POOL_FIELDS), span)
            out.append({"pool_name": p.name, "pool_id": p.pool, "recovery": {},
                        "recovery_rate": {}, "client_io_rate": rate})  # fmt: skip
        return out

    # --- the digest to the mon --------------------------------------------------------------

    def digest(self) -> dict[str, Any]:
        """``status``'s ``pgmap`` section and the PG health checks."""
        pgs, counts = self.pgs()
        return {
            "pgmap": self.pg_status(),
            "checks": self.health_checks(pgs, counts),
            "df": self.df(),  # ``ceph df`` on the mon
        }

    def health_checks(self, pgs: dict[int, PoolPGs], counts: Counter[str]) -> dict[str, Any]:
        checks: dict[str, Any] = {}
        inactive = [(pool, ps, st) for pool, pp in pgs.items() for ps, st in enumerate(pp.states)
                    if pgmap.STATES[st] in pgmap.INACTIVE]  # fmt: skip
        if inactive:
            parts = [_plural(len(inactive), "pg") + " inactive"]
            if counts.get(pgmap.STALE):
                parts.append(_plural(counts[pgmap.STALE], "pg") + " stale")
            checks["PG_AVAILABILITY"] = self._check(
                "Reduced data availability: " + ", ".join(parts), len(inactive), pgs, inactive
            )
        degraded = [(pool, ps, st) for pool, pp in pgs.items() for ps, st in enumerate(pp.states)
                    if st in (1, 2, 3)]  # fmt: skip
        if degraded:
            deg, total = self.degraded(pgs)
            head = (
                f"{deg}/{total} objects degraded ({100.0 * deg / total:.3f}%), "
                if deg and total
                else ""
            )
            n = len(degraded)
            checks["PG_DEGRADED"] = self._check(
                f"Degraded data redundancy: {head}{_plural(n, 'pg')} degraded, "
                f"{_plural(n, 'pg')} undersized", n, pgs, degraded,
            )  # fmt: skip
        return checks

    @staticmethod
    def _check(summary: str, count: int, pgs: dict[int, PoolPGs],
               items: list[tuple[int, int, int]]) -> dict[str, Any]:  # fmt: skip
        detail = []
        for pool, ps, st in items[:DETAIL_MAX]:
            pp = pgs[pool]
            acting = [o for o in pp.acting[ps * pp.size : ps * pp.size + pp.size] if o >= 0]
            detail.append({"message": f"pg {pgid(pool, ps)} is {pgmap.STATES[st]}, acting "
                                      f"[{','.join(map(str, acting))}]"})  # fmt: skip
        return {"severity": "HEALTH_WARN", "summary": {"message": summary, "count": count},
                "detail": detail, "muted": False}  # fmt: skip
