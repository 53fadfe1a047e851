"""OSD perf queries on the mgr: what ``add_osd_perf_query`` registers, what the
OSDs are told to count, and what ``get_osd_perf_counters`` answers (Ceph's
``OSDPerfMetricCollector`` in the mgr's ``DaemonServer``).

A pure core: no I/O, no clock. Module threads add, remove and read; the mgr's
event loop feeds the OSDs' reports; one lock keeps them apart.

As in Ceph:

- a query is ``{'key_descriptor': [{'type': T, 'regex': R}, …],
  'performance_counter_descriptors': [C, …], 'limit': {'order_by': C,
  'max_count': N}}`` (``limit`` optional). `parse_query` checks it the way
  Ceph's python binding does and says why it refuses one (the binding logs
  that reason and returns None): a key type outside `OSD_PERF_KEY_TYPES`, a
  regex that does not compile or has no capturing group, a counter outside
  `OSD_PERF_COUNTERS`, a parameter of another name, an empty key or counter
  list, a limit ``order_by`` that is not one of the query's counters;
- ids count from 0 and are never reused; identical queries share what the
  OSDs count (`configure`), each id keeping its own counters;
- the OSDs count each query's keys on their client ops and report what they
  counted since their last report (`process_report`); the mgr adds every
  OSD's counts into each id's counters, pair by pair;
- ``get_osd_perf_counters(id)`` answers ``{'counters': [{'k': [[sub-key…],
  …], 'c': [[a, b], …]}, …]}`` sorted by key, and starts that id's counters
  afresh (each call answers what arrived since the previous one); an unknown
  id answers None;
- a limit is applied by the OSDs, each keeping ``max_count`` of its keys
  (weighted by ``order_by``), and only when every id of that query has one;
  the mgr itself neither sorts nor truncates.

Who may import it: `mgr.daemon_state`, `mgr.host.handle` (the error) and tests.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sim.perf import OSD_PERF_COUNTERS, OSD_PERF_KEY_TYPES

QUERY_KEYS = ("key_descriptor", "performance_counter_descriptors", "limit")
FUNC = "ceph_add_osd_perf_query"  # Ceph's messages start with the binding's name

Key = tuple[tuple[str, ...], ...]  # one tuple of regex groups per key descriptor


class InvalidQuery(ValueError):
    """A query Ceph's ``ceph_add_osd_perf_query`` refuses (it then returns None)."""


@dataclass(frozen=True)
class OSDQuery:
    """What the OSDs count: the key descriptors and the counters (Ceph's
    ``OSDPerfMetricQuery``; a limit belongs to an id, not to the query)."""

    keys: tuple[tuple[str, str], ...]  # (type, regex)
    counters: tuple[str, ...]

    def to_wire(self) -> list[Any]:
        return [[list(k) for k in self.keys], list(self.counters)]

    @classmethod
    def from_wire(cls, raw: Any) -> OSDQuery:
        keys, counters = raw
        return cls(tuple((str(t), str(r)) for t, r in keys), tuple(str(c) for c in counters))


Limit = tuple[str, int]  # (order_by, max_count)


def _regex(where: str, value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidQuery(f"{FUNC} {where} contains invalid param regex")
    try:
        compiled = re.compile(value)
    except re.error:
        raise InvalidQuery(f"{FUNC} {where} contains invalid regex {value}") from None
    if compiled.groups == 0:
        raise InvalidQuery(f"{FUNC} {where} regex {value}: no capturing groups")
    return value


def _sub_key(j: int, desc: Any) -> tuple[str, str]:
    where = f"query key_descriptor item {j}"
    if not isinstance(desc, Mapping):
        raise InvalidQuery(f"{FUNC} {where} not a dict")
    kind, regex = "", ""
    for name, value in desc.items():
        if name == "type":
            if not isinstance(value, str):
                raise InvalidQuery(f"{FUNC} {where} contains invalid param type")
            if value not in OSD_PERF_KEY_TYPES:
                raise InvalidQuery(f"{FUNC} {where} contains invalid type ")
            kind = value
        elif name == "regex":
            regex = _regex(where, value)
        else:
            raise InvalidQuery(f"{FUNC} {where} contains invalid param {name}")
    if not kind or not regex:
        raise InvalidQuery(f"{FUNC} {where} invalid")
    return kind, regex


def _limit(value: Any) -> Limit:
    if not isinstance(value, Mapping):
        raise InvalidQuery(f"{FUNC} query limit not a dict")
    order_by, max_count = "", 0  # Ceph's default limit: order by the first type, 0 keys
    for name, v in value.items():
        if name == "order_by":
            if not isinstance(v, str):
                raise InvalidQuery(f"{FUNC} order_by not a string")
            if v not in OSD_PERF_COUNTERS:
                raise InvalidQuery(f"{FUNC} limit order_by not a valid counter type")
            order_by = v
        elif name == "max_count":
            if isinstance(v, bool) or not isinstance(v, int):
                raise InvalidQuery(f"{FUNC} max_count not an int")
            max_count = v % 2**64  # Ceph stores it in a uint64_t: -1 is "no limit"
        else:
            raise InvalidQuery(f"{FUNC} unknown limit param: {name}")
    return order_by or OSD_PERF_COUNTERS[0], max_count


def parse_query(query: Any) -> tuple[OSDQuery, Limit | None]:
    """Check a module's query as Ceph's binding does; `InvalidQuery` says why."""
    if not isinstance(query, Mapping):
        raise InvalidQuery(f"{FUNC} arg not a dict")
    keys: list[tuple[str, str]] = []
    counters: list[str] = []
    limit: Limit | None = None
    for name, value in query.items():
        if name == "key_descriptor":
            if not isinstance(value, list):
                raise InvalidQuery(f"{FUNC} key_descriptor not a list")
            keys.extend(_sub_key(j, d) for j, d in enumerate(value))
        elif name == "performance_counter_descriptors":
            if not isinstance(value, list):
                raise InvalidQuery(f"{FUNC} performance_counter_descriptors not a list")
            for j, c in enumerate(value):
                if not isinstance(c, str):
                    raise InvalidQuery(
                        f"{FUNC} query performance_counter_descriptors item {j} not a string"
                    )
                if c not in OSD_PERF_COUNTERS:
                    raise InvalidQuery(
                        f"{FUNC} query performance_counter_descriptors item {c} is not valid type"
                    )
                counters.append(c)
        elif name == "limit":
            limit = _limit(value)
        else:
            raise InvalidQuery(f"{FUNC} unknown query param: {name}")
    if not keys or not counters:
        raise InvalidQuery(f"{FUNC} invalid query")
    if limit is not None and limit[0] not in counters:
        raise InvalidQuery(
            f"{FUNC} limit order_by {limit[0]} not in performance_counter_descriptors"
        )
    return OSDQuery(tuple(keys), tuple(counters)), limit


class OSDPerfQueries:
    """The registered OSD queries and the counts the OSDs reported for them.

    ``on_change`` is called (outside the lock) whenever what the OSDs must
    count changes: the daemon then sends `configure` to every OSD session."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_id = 0
        self._ids: dict[int, tuple[OSDQuery, Limit | None]] = {}
        self._counters: dict[int, dict[Key, list[list[int]]]] = {}
        self.on_change: Callable[[], None] = lambda: None
        self.reports = 0

    def add(self, query: Any) -> int:
        parsed, limit = parse_query(query)
        with self._lock:
            before = self._configure_locked()
            qid = self._next_id
            self._next_id += 1
            self._ids[qid] = (parsed, limit)
            self._counters[qid] = {}
            changed = self._configure_locked() != before
        if changed:
            self.on_change()
        return qid

    def remove(self, qid: int) -> bool:
        with self._lock:
            if qid not in self._ids:
                return False
            before = self._configure_locked()
            del self._ids[qid]
            self._counters.pop(qid, None)
            changed = self._configure_locked() != before
        if changed:
            self.on_change()
        return True

    def clear(self) -> None:
        """Every query gone (the modules stopped: this mgr is no longer active)."""
        with self._lock:
            had = bool(self._ids)
            self._ids.clear()
            self._counters.clear()
        if had:
            self.on_change()

    def configure(self) -> list[Any]:
        """`MgrConfigure.osd_perf_metric_queries`: each distinct query once, with its
        ids' limits when every id of it has one (else unlimited)."""
        with self._lock:
            return self._configure_locked()

    def _configure_locked(self) -> list[Any]:
        by_query: dict[OSDQuery, list[Limit | None]] = {}
        for query, limit in self._ids.values():
            by_query.setdefault(query, []).append(limit)
        out = []
        for query, limits in by_query.items():
            wire = [] if None in limits else sorted({lim for lim in limits if lim is not None})
            out.append([query.to_wire(), [list(lim) for lim in wire]])
        return sorted(out, key=repr)

    def process_report(self, osd_reports: Mapping[Any, Any]) -> None:
        """Add one `MgrReport.osd_perf_metrics` into the counters of every id of
        each reported query; a query no id asks for any more is ignored, and so
        is a malformed entry."""
        with self._lock:
            for entries in osd_reports.values():
                for raw_query, rows in entries if isinstance(entries, list) else []:
                    try:
                        query = OSDQuery.from_wire(raw_query)
                    except (TypeError, ValueError):
                        continue
                    qids = [q for q, (oq, _lim) in self._ids.items() if oq == query]
                    for row in rows if qids and isinstance(rows, list) else []:
                        key, pairs = _row(row, len(query.counters))
                        if key is None:
                            continue
                        for qid in qids:
                            mine = self._counters[qid].setdefault(
                                key, [[0, 0] for _ in query.counters]
                            )
                            for acc, (a, b) in zip(mine, pairs, strict=True):
                                acc[0] += a
                                acc[1] += b
            self.reports += 1

    def counters(self, qid: int) -> dict[str, Any] | None:
        """``get_osd_perf_counters(qid)``: what arrived since the last call."""
        with self._lock:
            got = self._counters.get(qid)
            if got is None:
                return None
            self._counters[qid] = {}
        rows = [{"k": [list(sub) for sub in key], "c": [list(p) for p in pairs]}
                for key, pairs in sorted(got.items())]  # fmt: skip
        return {"counters": rows}

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {"queries": len(self._ids), "reports": self.reports}


def _row(row: Any, n: int) -> tuple[Key | None, list[tuple[int, int]]]:
    """One reported ``[key, counters]``, checked (None: malformed)."""
    try:
        key, pairs = row
        k = tuple(tuple(str(s) for s in sub) for sub in key)
        p = [(int(a), int(b)) for a, b in pairs]
    except (TypeError, ValueError):
        return None, []
    return (k, p) if len(p) == n else (None, [])
