"""The OSDs' side of OSD perf queries: counting client ops per query key
(Ceph's ``DynamicPerfStats``, fed by ``PrimaryLogPG::log_op_stats``).

A pure core: the caller passes each op's facts and its latency; a random
source is injected (the limits' sampling).

Theory of operation. The active mgr sends its queries (`MgrConfigure`,
`set_queries`); from then on every client op a PG's primary completes
successfully is counted on that OSD (`add`): for each query, each key
descriptor's regex is searched in the op's value of that type —
``client_id`` ``client.<global id>``, ``client_address`` the client's
address, ``pool_id``, ``namespace``, ``osd_id`` (the primary), ``pg_id``
(``1.1f``), ``object_name``, ``snap_id`` (``head``: the simulator has no
snapshots) — and the sub-key is the regex's groups (a group that took no
part is ``""``); a descriptor whose regex does not match leaves the op out
of that query. The counters, as Ceph's pairs:

- ``ops`` ``[ops, 0]``, ``write_ops``/``read_ops`` ``[ops, 0]`` of ops that
  may write / may read (a compound op that does both counts in both);
- ``bytes`` ``[in + out, 0]``, ``write_bytes`` ``[in, 0]`` of writing ops,
  ``read_bytes`` ``[out, 0]`` of reading ops (in: the data an op writes,
  out: the data it returns);
- ``latency``/``write_latency``/``read_latency`` ``[sum of ns, ops]``, from
  the op's arrival at the fleet to its reply.

Every report (`take_reports`) carries and forgets what each OSD counted
since the previous one. A query whose ids all have a limit is cut per OSD
to ``max_count`` keys by weighted random sampling on ``order_by`` (Ceph's
algorithm A-Chao), but only when the OSD has more keys than every limit. A
limit of 0 keys (a ``limit`` without ``max_count``) reports no key of that
query: a Ceph 16.2.15 OSD crashes there (measured; docs/behaviour.md).

Who may import it: `sim.fleet.pgs`, `sim.fleet.daemon` and tests.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.perf import OSD_PERF_COUNTERS, OSD_PERF_KEY_TYPES

Key = tuple[tuple[str, ...], ...]
Counters = list[list[int]]


@dataclass(frozen=True)
class OpFacts:
    """What the queries may look at of one completed client op."""

    osd: int  # the primary that served it
    pool: int
    ps: int
    nspace: str
    oid: str
    client: str  # client.<global id>
    addr: str  # the client's address
    reads: bool
    writes: bool
    inb: int
    outb: int
    latency_ns: int

    def value(self, kind: str) -> str:
        if kind == "client_id":
            return self.client
        if kind == "client_address":
            return self.addr
        if kind == "pool_id":
            return str(self.pool)
        if kind == "namespace":
            return self.nspace
        if kind == "osd_id":
            return str(self.osd)
        if kind == "pg_id":
            return f"{self.pool}.{self.ps:x}"
        if kind == "object_name":
            return self.oid
        return "head"  # snap_id: every op is on the head object


@dataclass(frozen=True)
class Query:
    raw: list[Any]  # the wire form, echoed in reports
    keys: tuple[tuple[str, re.Pattern[str]], ...]
    counters: tuple[str, ...]
    limits: tuple[tuple[int, int], ...]  # (counter index, max_count)


def parse_queries(raw: Any) -> list[Query]:
    """`MgrConfigure.osd_perf_metric_queries`, checked (a malformed query is skipped,
    as Ceph's OSD drops a descriptor it cannot decode)."""
    out = []
    for item in raw if isinstance(raw, list) else []:
        try:
            (keys, counters), limits = item
            kd = tuple((str(t), re.compile(str(r))) for t, r in keys)
            cs = tuple(str(c) for c in counters)
            lim = tuple((cs.index(str(o)), int(n)) for o, n in limits)
        except (TypeError, ValueError, re.error):
            continue
        if (
            kd
            and cs
            and all(t in OSD_PERF_KEY_TYPES and p.groups for t, p in kd)
            and all(c in OSD_PERF_COUNTERS for c in cs)
        ):
            out.append(Query([[list(k) for k in keys], list(counters)], kd, cs, lim))
    return out


def op_bytes(ops: list[Any], results: list[Any]) -> tuple[int, int]:
    """(bytes an op writes, bytes it returns): the data of ``write``,
    ``write_full``, ``append``, ``setxattr`` and ``omap_set`` in; the results
    of ``read``, ``getxattr`` and the omap reads out."""
    inb = outb = 0
    for i, op in enumerate(ops):
        if not (isinstance(op, list) and op and isinstance(op[0], str)):
            continue
        name, args = op[0], op[1:]
        if name in ("write", "write_full", "append", "setxattr") and args:
            data = args[-1]
            inb += len(data) if isinstance(data, (bytes, str)) else 0
        elif name == "omap_set" and args and isinstance(args[0], Mapping):
            inb += sum(len(k) + len(v) for k, v in args[0].items())
        res = results[i] if i < len(results) else None
        if name in ("read", "getxattr") and isinstance(res, bytes):
            outb += len(res)
        elif name.startswith("omap_get") and isinstance(res, list) and res:
            outb += sum(len(k) + len(v) for k, v in res[0])
    return inb, outb


def _count(name: str, f: OpFacts, c: list[int]) -> None:
    if name == "ops":
        c[0] += 1
    elif name == "write_ops":
        c[0] += f.writes
    elif name == "read_ops":
        c[0] += f.reads
    elif name == "bytes":
        c[0] += f.inb + f.outb
    elif name == "write_bytes":
        c[0] += f.inb if f.writes else 0
    elif name == "read_bytes":
        c[0] += f.outb if f.reads else 0
    elif (
        name == "latency"
        or (name == "write_latency" and f.writes)
        or (name == "read_latency" and f.reads)
    ):
        c[0] += f.latency_ns
        c[1] += 1


class DynamicPerfStats:
    """Every OSD's counts for the active mgr's queries."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self.rng = rng or random.Random()
        self.queries: list[Query] = []
        self.data: dict[int, list[dict[Key, Counters]]] = {}  # osd -> per query
        self.counted = 0

    @property
    def enabled(self) -> bool:
        return bool(self.queries)

    def set_queries(self, raw: Any) -> None:
        """The mgr's new queries; the counts of a query kept are kept."""
        new = parse_queries(raw)
        old = {repr(q.raw): i for i, q in enumerate(self.queries)}
        data: dict[int, list[dict[Key, Counters]]] = {}
        for osd, per_query in self.data.items():
            data[osd] = [per_query[old[repr(q.raw)]] if repr(q.raw) in old else {} for q in new]
        self.queries, self.data = new, data

    def add(self, f: OpFacts) -> None:
        if not self.queries:
            return
        per_query = self.data.setdefault(f.osd, [{} for _ in self.queries])
        for q, counts in zip(self.queries, per_query, strict=True):
            key = _key(q, f)
            if key is None:
                continue
            c = counts.setdefault(key, [[0, 0] for _ in q.counters])
            for name, pair in zip(q.counters, c, strict=True):
                _count(name, f, pair)
        self.counted += 1

    def take_reports(self) -> dict[str, list[Any]]:
        """`MgrReport.osd_perf_metrics` (what each OSD counted since the last call)."""
        out: dict[str, list[Any]] = {}
        for osd, per_query in sorted(self.data.items()):
            entries = []
            for q, counts in zip(self.queries, per_query, strict=True):
                kept = self._limited(q, counts)
                entries.append([q.raw, [[[list(s) for s in k], c] for k, c in kept.items()]])
            out[str(osd)] = entries
        self.data = {}
        return out

    def _limited(self, q: Query, counts: dict[Key, Counters]) -> dict[Key, Counters]:
        if not q.limits or any(n >= len(counts) for _i, n in q.limits):
            return counts
        keys = sorted(counts)  # Ceph walks its std::map, in key order
        kept: dict[Key, Counters] = {}
        for index, n in q.limits:
            chosen = keys[:n]
            wsum = sum(counts[k][index][0] for k in chosen)
            for k in keys[n:]:
                w = counts[k][index][0]
                wsum += w
                if n and self.rng.randint(0, wsum) <= w:
                    chosen[self.rng.randint(0, n - 1)] = k
            for k in chosen:
                kept.setdefault(k, counts[k])
        return kept


def _key(q: Query, f: OpFacts) -> Key | None:
    key = []
    for kind, pattern in q.keys:
        m = pattern.search(f.value(kind))
        if m is None:
            return None
        key.append(tuple(g or "" for g in m.groups()))
    return tuple(key)
