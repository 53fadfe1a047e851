"""Evolving perf counters and usage for many simulated daemons of one type.

`Population` keeps every daemon's counters in one flat `array('d')` (rows ×
schema columns), so a report of a thousand daemons is a slice of bytes, and
advances them with a seeded random client workload: each daemon has a load
factor, each step adds reads, writes and latencies in proportion to it and
to the time elapsed. Daemons that are not running do not advance (their
counters go stale on the mgr, as a dead daemon's would).

`PoolIO` turns the OSDs' client I/O into per-pool totals (reads and
writes), and takes stored bytes and objects from the OSDs' object stores
(the real RADOS objects): the numbers the mgr's PGMap shows per pool.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Callable, Sequence

from sim.perf import Schema

KIB = 1024
MS = 1_000_000  # ns

# per unit of load and second
OSD_READS, OSD_WRITES, OSD_RMW = 24.0, 12.0, 1.0
OSD_READ_SIZE, OSD_WRITE_SIZE = 16 * KIB, 64 * KIB
MDS_REQUESTS, RGW_REQUESTS = 40.0, 15.0


class Population:
    def __init__(self, daemon_type: str, ids: Sequence[str | int], schema: Schema, seed: int):
        self.type = daemon_type
        self.ids = list(ids)
        self.schema = schema
        self.col = schema.columns
        self.width = schema.width
        self.rng = random.Random(seed)
        self.load = [self.rng.uniform(0.3, 1.7) for _ in self.ids]
        self.values = array("d", bytes(8 * self.width * len(self.ids)))
        self._step: Callable[[int, float, float], None] = getattr(self, f"_step_{daemon_type}")

    def row_bytes(self, start: int, end: int) -> bytes:
        return self.values[start * self.width : end * self.width].tobytes()

    def set_gauge(self, row: int, path: str, value: float) -> None:
        self.values[row * self.width + self.col[path]] = value

    def step(self, dt: float, running: Callable[[int], bool]) -> None:
        rnd = self.rng.random
        for row, load in enumerate(self.load):
            if running(row):
                self._step(row * self.width, load * dt * (0.6 + 0.8 * rnd()), rnd())

    # --- one daemon's step (base = its first column) --------------------------------------

    def _add(self, base: int, path: str, amount: float) -> None:
        self.values[base + self.col[path]] += amount

    def _lat(self, base: int, path: str, count: float, ns_each: float) -> None:
        c = base + self.col[path]
        self.values[c] += count * ns_each
        self.values[c + 1] += count

    def _step_osd(self, base: int, f: float, r: float) -> None:
        reads, writes, rmw = int(OSD_READS * f), int(OSD_WRITES * f), int(OSD_RMW * f)
        rbytes, wbytes = reads * OSD_READ_SIZE, writes * OSD_WRITE_SIZE
        add, lat = self._add, self._lat
        add(base, "osd.op", reads + writes + rmw)
        add(base, "osd.op_r", reads)
        add(base, "osd.op_w", writes)
        add(base, "osd.op_rw", rmw)
        add(base, "osd.op_out_bytes", rbytes)
        add(base, "osd.op_r_out_bytes", rbytes)
        add(base, "osd.op_in_bytes", wbytes)
        add(base, "osd.op_w_in_bytes", wbytes)
        add(base, "osd.op_rw_in_bytes", rmw * 4 * KIB)
        add(base, "osd.op_rw_out_bytes", rmw * 4 * KIB)
        add(base, "osd.subop", writes * 2)
        add(base, "osd.subop_in_bytes", wbytes * 2)
        lat_r, lat_w = (2 + 6 * r) * MS, (4 + 12 * r) * MS
        lat(base, "osd.op_latency", reads + writes, (lat_r + lat_w) / 2)
        lat(base, "osd.op_process_latency", reads + writes, (lat_r + lat_w) / 3)
        lat(base, "osd.op_r_latency", reads, lat_r)
        lat(base, "osd.op_w_latency", writes, lat_w)
        lat(base, "osd.op_rw_latency", rmw, lat_w * 1.5)
        lat(base, "osd.subop_latency", writes * 2, lat_w / 2)
        lat(base, "bluestore.commit_lat", writes, lat_w / 3)
        lat(base, "bluestore.kv_flush_lat", writes, MS / 2)
        self.values[base + self.col["osd.op_wip"]] = int(4 * r * f)

    def _step_mds(self, base: int, f: float, r: float) -> None:
        reqs = int(MDS_REQUESTS * f)
        self._add(base, "mds.request", reqs)
        self._add(base, "mds_server.handle_client_request", reqs)
        self._lat(base, "mds.reply_latency", reqs, (1 + 3 * r) * MS)
        v, c = self.values, self.col
        v[base + c["mds_sessions.session_count"]] = 3 + int(4 * r)
        v[base + c["mds_mem.ino"]] += reqs // 4
        v[base + c["mds_mem.dn"]] += reqs // 4
        v[base + c["mds_mem.dir"]] += reqs // 40
        v[base + c["mds_mem.cap"]] = v[base + c["mds_mem.ino"]] // 2

    def _step_rgw(self, base: int, f: float, r: float) -> None:
        gets, puts = int(RGW_REQUESTS * f), int(RGW_REQUESTS * f / 3)
        self._add(base, "rgw.req", gets + puts)
        self._add(base, "rgw.get", gets)
        self._add(base, "rgw.put", puts)
        self._add(base, "rgw.get_b", gets * 256 * KIB)
        self._add(base, "rgw.put_b", puts * 1024 * KIB)
        self._add(base, "rgw.failed_req", int(r > 0.97))
        self._lat(base, "rgw.get_initial_lat", gets, (3 + 5 * r) * MS)
        self._lat(base, "rgw.put_initial_lat", puts, (8 + 10 * r) * MS)
        self.values[base + self.col["rgw.qlen"]] = int(3 * r)
        self.values[base + self.col["rgw.qactive"]] = int(2 * r)


# pool totals: num_bytes, num_objects, num_read, num_read_kb, num_write, num_write_kb
POOL_FIELDS = ("num_bytes", "num_objects", "num_read", "num_read_kb", "num_write", "num_write_kb")


class PoolIO:
    """Client I/O summed over the OSDs, spread over the pools by their PG counts."""

    def __init__(self) -> None:
        self.totals: dict[int, list[float]] = {}
        self.last: tuple[float, float, float, float] = (0, 0, 0, 0)

    def update(
        self,
        pools: dict[int, tuple[int, int]],
        osd: Population,
        stored: dict[int, tuple[int, int]] | None = None,
    ) -> None:
        """``pools``: pool id -> (pg_num, size); ``stored``: pool id -> (objects, bytes).
        Adds what the OSDs did since the last call."""
        v, w, col = osd.values, osd.width, osd.col
        sums = []
        for path in ("osd.op_r", "osd.op_r_out_bytes", "osd.op_w", "osd.op_w_in_bytes"):
            c = col[path]
            sums.append(sum(v[c::w]))
        delta = [now - before for now, before in zip(sums, self.last, strict=True)]
        self.last = (sums[0], sums[1], sums[2], sums[3])
        weight = sum(pg for pg, _ in pools.values()) or 1
        for pool, (pg_num, size) in pools.items():
            share = pg_num / weight
            t = self.totals.setdefault(pool, [0.0] * len(POOL_FIELDS))
            t[1], t[0] = (stored or {}).get(pool, (0, 0))
            t[2] += delta[0] * share
            t[3] += delta[1] * share / KIB
            t[4] += delta[2] * share / max(size, 1)
            t[5] += delta[3] * share / KIB / max(size, 1)

    def to_wire(self) -> dict[int, list[int]]:
        return {p: [int(x) for x in t] for p, t in self.totals.items()}
