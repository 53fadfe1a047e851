"""Perf counters the active mgr keeps from daemon reports (Ceph's DaemonPerfCounters).

One `CounterTable` per daemon type holds, for every daemon, the last
`HISTORY` reports in flat `array('d')` slots (rows × schema columns), so
10,000 OSDs' counters cost a few MB and no Python object per value. A row
is a daemon; each report advances that row's ring cursor. ``get_counter``
answers ``{path: [[t, v], …]}`` (``[t, sum, count]`` for long-run averages)
oldest first, ``get_latest_counter`` the newest point.
"""

from __future__ import annotations

from array import array
from typing import Any

from sim.perf import LONGRUNAVG, Schema

HISTORY = 8  # reports kept per daemon


class CounterTable:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.width = schema.width
        self.columns = schema.columns
        self.types = schema.types()
        self.rows: dict[str, int] = {}
        self.slots = [array("d") for _ in range(HISTORY)]
        self.stamps = [array("d") for _ in range(HISTORY)]
        self.cursor = array("B")
        self.filled = array("B")

    def _row(self, daemon_id: str) -> int:
        r = self.rows.get(daemon_id)
        if r is None:
            r = self.rows[daemon_id] = len(self.rows)
            zeros = bytes(8 * self.width)
            for s in self.slots:
                s.frombytes(zeros)
            for st in self.stamps:
                st.append(0.0)
            self.cursor.append(HISTORY - 1)
            self.filled.append(0)
        return r

    def ingest(self, ids: list[Any], values: bytes, stamp: float) -> None:
        """One report: ``values`` holds a row per id, in the schema's column order."""
        w = self.width
        incoming = array("d")
        incoming.frombytes(values[: len(ids) * w * 8])
        if len(incoming) != len(ids) * w:
            raise ValueError("report values do not match its ids and schema")
        slots, stamps, cursor, filled = self.slots, self.stamps, self.cursor, self.filled
        for i, daemon_id in enumerate(ids):
            r = self._row(str(daemon_id))
            slot = (cursor[r] + 1) % HISTORY
            slots[slot][r * w : r * w + w] = incoming[i * w : i * w + w]
            stamps[slot][r] = stamp
            cursor[r] = slot
            if filled[r] < HISTORY:
                filled[r] += 1

    def has(self, daemon_id: str) -> bool:
        r = self.rows.get(daemon_id)
        return r is not None and self.filled[r] > 0

    def last_stamp(self, daemon_id: str) -> float:
        r = self.rows.get(daemon_id)
        return self.stamps[self.cursor[r]][r] if r is not None and self.filled[r] else 0.0

    def _points(self, daemon_id: str, path: str, last_only: bool) -> list[list[Any]]:
        r = self.rows.get(daemon_id)
        col = self.columns.get(path)
        if r is None or col is None:
            return []
        n = self.filled[r]
        if last_only:
            n = min(n, 1)
        avg = bool(self.types[path] & LONGRUNAVG)  # [t, sum, count]; time values are ns
        out = []
        base = r * self.width + col
        for k in range(n - 1, -1, -1):
            slot = (self.cursor[r] - k) % HISTORY
            values = self.slots[slot]
            t = self.stamps[slot][r]
            v = int(values[base])
            out.append([t, v, int(values[base + 1])] if avg else [t, v])
        return out

    def series(self, daemon_id: str, path: str) -> list[list[Any]]:
        return self._points(daemon_id, path, last_only=False)

    def latest(self, daemon_id: str, path: str) -> list[Any]:
        pts = self._points(daemon_id, path, last_only=True)
        return pts[0] if pts else []

    def value(self, daemon_id: str, path: str) -> float:
        """The newest value (0 if none): for sums over many daemons."""
        r = self.rows.get(daemon_id)
        col = self.columns.get(path)
        if r is None or col is None or not self.filled[r]:
            return 0.0
        return self.slots[self.cursor[r]][r * self.width + col]

    def column_latest(self, path: str) -> dict[str, float]:
        """The newest value of ``path`` for every daemon that reported."""
        col = self.columns[path]
        w, cur, slots = self.width, self.cursor, self.slots
        return {d: slots[cur[r]][r * w + col] for d, r in list(self.rows.items()) if self.filled[r]}

    def schema_dump(self) -> dict[str, Any]:
        return {c[0]: self.schema.dump(c[0]) for c in self.schema.counters}
