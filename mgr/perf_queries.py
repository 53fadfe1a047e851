"""MDS perf queries: what ``add_mds_perf_query`` registers and
``get_mds_perf_counters`` answers (Ceph's ``MDSPerfMetricCollector`` in the
mgr's ``DaemonServer``).

A pure core: no I/O, no clock of its own (the caller passes ``now`` and the
MDS report times, both ``time.monotonic()`` of the mgr, the clock the stock
``stats`` module compares them with).

As in Ceph:

- a query is ``{'key_descriptor': [{'type': T, 'regex': R}, …],
  'performance_counter_descriptors': [C, …]}`` (``limit`` optional); a key
  type other than ``mds_rank``/``client_id``, an unknown counter, a regex that
  does not compile or a key of another name makes the query invalid and the
  call returns None (Ceph logs it and returns None);
- ids count from 0 and are never reused;
- ``get_mds_perf_counters(id)`` answers ``{'metrics': [[delayed ranks],
  [counters], [last updated]]}``: the ranks whose metrics reach rank 0 late
  (a comma-separated string, empty when none), one entry per (rank, client)
  key that matches, and when the collector last heard from a rank 0;
  an unknown id answers None.

Counters are per CephFS client. Each rank-0 MDS reports its clients'
metrics every stats period (`MgrReport.mds_metrics`, from the fleet's
simulated clients, `sim.fleet.mds_clients`); a query's keys are evaluated
here against the latest report of each file system's current rank 0 (in
Ceph the MDSs evaluate the queries the mgr sends them; the answer is the
same): a sub-key is the regex's groups, ``mds_rank`` matched against the
rank, ``client_id`` against the client's ``entity_inst_t`` string
(``client.4305 v1:127.0.0.1:0/123``); one ``[a, b]`` pair per counter
descriptor. ``last_updated`` moves with every report from a rank 0 and stops
while none arrives (rank 0 failed, paused or stopped); a rank above 0 whose
MDS does not run is delayed.

Who may import it: `mgr.daemon_state` and tests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.perf import MDS_CLIENT_METRICS

MDS_KEY_TYPES = ("mds_rank", "client_id")
# Ceph 16.2's MDS metric names (MDSPerformanceCounterType), as the stats module sends them
MDS_COUNTERS = MDS_CLIENT_METRICS
QUERY_KEYS = {"key_descriptor", "performance_counter_descriptors", "limit"}


class InvalidQuery(ValueError):
    """A query Ceph's ``ceph_add_mds_perf_query`` refuses (it then returns None)."""


@dataclass(frozen=True)
class MDSQuery:
    keys: tuple[tuple[str, str], ...]  # (type, regex)
    counters: tuple[str, ...]
    limit: tuple[str, int] | None = None  # (order_by, max_count)


def parse_query(query: Any) -> MDSQuery:
    """Check a module's query dict as Ceph does; `InvalidQuery` says why."""
    if not isinstance(query, Mapping):
        raise InvalidQuery("query is not a dict")
    for name in query:
        if name not in QUERY_KEYS:
            raise InvalidQuery(f"unknown query key: {name}")
    keys = []
    for desc in query.get("key_descriptor") or []:
        if not isinstance(desc, Mapping):
            raise InvalidQuery("key_descriptor entry is not a dict")
        kind, regex = desc.get("type"), desc.get("regex")
        if kind not in MDS_KEY_TYPES:
            raise InvalidQuery(f"invalid key_descriptor type: {kind}")
        if not isinstance(regex, str):
            raise InvalidQuery(f"invalid regex for {kind}: {regex!r}")
        try:
            re.compile(regex)
        except re.error as exc:
            raise InvalidQuery(f"invalid regex {regex!r}: {exc}") from None
        keys.append((kind, regex))
    if not keys:
        raise InvalidQuery("empty key_descriptor")
    counters = []
    for c in query.get("performance_counter_descriptors") or []:
        if c not in MDS_COUNTERS:
            raise InvalidQuery(f"invalid performance counter type: {c}")
        counters.append(str(c))
    limit = None
    if query.get("limit") is not None:
        lim = query["limit"]
        if not isinstance(lim, Mapping) or lim.get("order_by") not in MDS_COUNTERS:
            raise InvalidQuery(f"invalid limit: {lim!r}")
        limit = (str(lim["order_by"]), int(lim.get("max_count", 0)))
    return MDSQuery(tuple(keys), tuple(counters), limit)


class MDSPerfQueries:
    """The registered MDS queries and what the MDS reports say of them."""

    def __init__(self) -> None:
        self.queries: dict[int, MDSQuery] = {}
        self._next_id = 0
        self.reregistered = 0

    def add(self, query: Any) -> int:
        parsed = parse_query(query)
        qid = self._next_id
        self._next_id += 1
        self.queries[qid] = parsed
        return qid

    def remove(self, qid: int) -> bool:
        return self.queries.pop(qid, None) is not None

    def reregister(self) -> None:
        """Ceph sends every query to the MDSs again (a new rank 0 has none)."""
        self.reregistered += 1

    def counters(
        self, qid: int, fsmap: Mapping[str, Any], reports: Mapping[str, tuple[float, Any]]
    ) -> dict[str, Any] | None:
        """The answer of ``get_mds_perf_counters(qid)``; ``reports``: MDS name ->
        (when its last metrics report arrived, the report)."""
        query = self.queries.get(qid)
        if query is None:
            return None
        last, delayed = 0.0, set[int]()
        entries: dict[tuple[tuple[str, ...], ...], list[list[int]]] = {}
        for fs in fsmap.get("filesystems", []):
            for info in (fs.get("mdsmap") or {}).get("info", {}).values():
                if info.get("state") != "up:active" or int(info.get("rank", -1)) != 0:
                    continue
                got = reports.get(str(info.get("name")))
                if got is None:
                    continue
                when, report = got
                last = max(last, when)
                delayed.update(int(r) for r in report.get("delayed_ranks", []))
                for inst, pairs in report.get("clients", []):
                    key = _key(query, str(report.get("rank", 0)), str(inst))
                    if key is not None and key not in entries:
                        entries[key] = [list(pairs.get(c, [0, 0])) for c in query.counters]
        rows = list(entries.items())
        if query.limit is not None and query.limit[1] > 0:
            col = query.counters.index(query.limit[0]) if query.limit[0] in query.counters else -1
            if col >= 0:
                rows.sort(key=lambda kv: kv[1][col][0], reverse=True)
            rows = rows[: query.limit[1]]
        counters = [{"k": [list(sub) for sub in key], "c": c} for key, c in rows]
        ranks = ",".join(str(r) for r in sorted(delayed))
        return {"metrics": [[ranks], counters, [last]]}


def _key(query: MDSQuery, rank: str, inst: str) -> tuple[tuple[str, ...], ...] | None:
    """The query's key for one client on one rank (None: a regex does not match)."""
    key = []
    for kind, regex in query.keys:
        m = re.search(regex, rank if kind == "mds_rank" else inst)
        if m is None:
            return None
        key.append(tuple(g or "" for g in m.groups()))
    return tuple(key)
