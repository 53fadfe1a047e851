"""A Jepsen-style history of register operations and its checker.

Each register has one writer that writes 1, 2, 3 … in order, so a value's
size is its place in the register's history. Every operation is recorded
with the (monotonic) time it was invoked and completed and its outcome:
``ok``, ``fail`` (definitely did nothing) or ``info`` (unknown: a timeout may
hide a write that still takes effect).

Anomalies the checker reports:

- stale read: a read returned a value older than one whose write had been
  acknowledged before the read began;
- future read: a value whose write had not even been invoked when the read
  finished, or one never written;
- non-monotonic read: a read returned an older value than a read that had
  finished before it began;
- lost write: at the end a register holds less than its last acknowledged
  value, or a write-once key acknowledged is missing or different.
"""

from __future__ import annotations

import bisect
import threading
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Op:
    process: str
    kind: str  # "write" | "read"
    key: str
    value: int  # write: the value written; read: the value read (0 = absent)
    invoke: float
    complete: float = 0.0
    outcome: str = "info"  # "ok" | "fail" | "info"


@dataclass
class History:
    ops: list[Op] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, op: Op) -> None:
        with self.lock:
            self.ops.append(op)

    def fault(self, kind: str) -> None:
        with self.lock:
            self.faults[kind] += 1

    def counts(self) -> dict[str, int]:
        c = Counter(f"{o.kind}:{o.outcome}" for o in self.ops)
        return dict(sorted(c.items()))


def _prefix_max(points: list[tuple[float, int]]) -> tuple[list[float], list[int]]:
    points.sort()
    times, best, top = [], [], 0
    for t, v in points:
        top = max(top, v)
        times.append(t)
        best.append(top)
    return times, best


def _max_before(index: tuple[list[float], list[int]], t: float) -> int:
    times, best = index
    i = bisect.bisect_left(times, t)
    return best[i - 1] if i else 0


def check_registers(ops: list[Op], final: dict[str, int]) -> list[str]:
    anomalies: list[str] = []
    keys = sorted({o.key for o in ops})
    for key in keys:
        writes = [o for o in ops if o.key == key and o.kind == "write"]
        reads = [o for o in ops if o.key == key and o.kind == "read" and o.outcome == "ok"]
        written = {w.value for w in writes if w.outcome != "fail"}
        acked = _prefix_max([(w.complete, w.value) for w in writes if w.outcome == "ok"])
        invoked = _prefix_max([(w.invoke, w.value) for w in writes])
        seen = _prefix_max([(r.complete, r.value) for r in reads])
        for r in reads:
            floor = _max_before(acked, r.invoke)
            if r.value < floor:
                anomalies.append(
                    f"stale read: {key} = {r.value} by {r.process} at {r.invoke:.3f}, "
                    f"but {floor} was acknowledged before"
                )
            if r.value and (r.value not in written or r.value > _max_before(invoked, r.complete)):
                anomalies.append(f"future read: {key} = {r.value} by {r.process} at {r.invoke:.3f}")
            earlier = _max_before(seen, r.invoke)
            if r.value < earlier:
                anomalies.append(
                    f"non-monotonic read: {key} = {r.value} by {r.process} at {r.invoke:.3f}, "
                    f"after a read of {earlier} had finished"
                )
        last_acked = max((w.value for w in writes if w.outcome == "ok"), default=0)
        got = final.get(key, 0)
        if got < last_acked or (got and got not in written):
            anomalies.append(f"lost write: {key} ends at {got}, last acknowledged {last_acked}")
    return anomalies


def check_write_once(acked: dict[str, str], final: dict[str, str | None]) -> list[str]:
    return [
        f"lost write: {k} should be {v!r}, is {final.get(k)!r}"
        for k, v in sorted(acked.items())
        if final.get(k) != v
    ]
