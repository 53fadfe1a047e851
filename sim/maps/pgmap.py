"""Placement groups: where each PG lives and what state it is in.

Placement is CRUSH-like and deterministic from the OSDMap: a PG's replicas
go to ``size`` distinct hosts chosen by a hash of (pool, ps), one *in* OSD
per host, so an OSD marked out moves its PGs elsewhere and a host's OSDs
never hold two copies of one PG. It is recomputed only when the set of in
OSDs or the pools change.

A PG's state follows from how many of its replicas are up (Ceph's names):
``active+clean`` (all), ``active+undersized+degraded`` (at least
``min_size``), ``undersized+degraded+peered`` (fewer: inactive) and
``stale+undersized+degraded+peered`` (none: nobody reports it). A PG whose
primary has not reported to this mgr yet is ``unknown`` — the state a
freshly promoted mgr shows until the daemons have opened their sessions
with it. Recovery is instant: once an OSD is marked out, its PGs are clean
again on their new OSDs.

`pg_acting` is the one placement function: `place` (every PG, for the
PGMap views) and `object_pg` (one object, for the RADOS client and the
fleet's OSDs) both go through it.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sim.maps.hashing import object_ps
from sim.maps.osdmap import UP, OSDMap

CLEAN = "active+clean"
DEGRADED = "active+undersized+degraded"
PEERED = "undersized+degraded+peered"
STALE = "stale+undersized+degraded+peered"
UNKNOWN = "unknown"
INACTIVE = (PEERED, STALE, UNKNOWN)
STATES = (CLEAN, DEGRADED, PEERED, STALE, UNKNOWN)


def _mix(x: int) -> int:
    x = ((x >> 16) ^ x) * 0x45D9F3B & 0xFFFFFFFF
    x = ((x >> 16) ^ x) * 0x45D9F3B & 0xFFFFFFFF
    return (x >> 16) ^ x


@dataclass
class PoolPGs:
    pool: int
    pg_num: int
    size: int
    min_size: int
    acting: array[int]  # pg_num × size OSD ids, -1 where no OSD could be chosen
    states: list[int] = field(default_factory=list)  # index into STATES, per PG


def placement_hosts(m: OSDMap) -> list[list[int]]:
    """The in OSDs of each non-empty host: what placement chooses from."""
    hosts = [[o for o in ids if m.weight[o]] for ids in m.host_members()]
    return [ids for ids in hosts if ids]


def pg_acting(hosts: list[list[int]], pool: int, ps: int, size: int) -> list[int]:
    """The one placement function: PG ``pool.ps``'s OSDs (``size`` or fewer, one per host)."""
    n_hosts = len(hosts)
    if not n_hosts:
        return []
    h = _mix(pool * 1_000_003 + ps)
    out = []
    for r in range(min(size, n_hosts)):
        ids = hosts[(h + r) % n_hosts]
        out.append(ids[(h >> 7) % len(ids)])
    return out


def place(m: OSDMap) -> dict[int, PoolPGs]:
    """Every pool's PGs on the map's in OSDs."""
    hosts = placement_hosts(m)
    out: dict[int, PoolPGs] = {}
    for p in m.pools.values():
        acting = array("i", [-1]) * (p.pg_num * p.size)
        for ps in range(p.pg_num):
            base = ps * p.size
            for r, osd in enumerate(pg_acting(hosts, p.pool, ps, p.size)):
                acting[base + r] = osd
        out[p.pool] = PoolPGs(p.pool, p.pg_num, p.size, p.min_size, acting)
    return out


def object_pg(m: OSDMap, pool: int, oid: str, nspace: str = "") -> tuple[int, list[int]]:
    """Object → (ps, acting OSDs) in pool ``pool`` (KeyError: no such pool).

    The hosts list is kept in the map's cache (built once per received map)."""
    p = m.pools[pool]
    hosts = m.cache.get("placement_hosts")
    if hosts is None:
        hosts = m.cache["placement_hosts"] = placement_hosts(m)
    ps = object_ps(oid, nspace, p.pg_num)
    return ps, pg_acting(hosts, pool, ps, p.size)


def up_acting(m: OSDMap, acting: list[int]) -> list[int]:
    """The members of ``acting`` the map shows up (the first one is the primary)."""
    return [o for o in acting if m.is_up(o)]


def in_set_key(m: OSDMap) -> tuple[bytes, bytes, tuple[tuple[int, int, int], ...]]:
    """What placement depends on: who is in, where, and the pools."""
    ins = bytes(1 if w else 0 for w in m.weight)
    return ins, m.host.tobytes(), tuple((p.pool, p.pg_num, p.size) for p in m.pools.values())


def compute_states(pgs: dict[int, PoolPGs], m: OSDMap, reported: Callable[[int], bool]) -> None:
    """Fill in every PG's state from who is up and who has reported."""
    state = m.state
    max_osd = m.max_osd
    for pp in pgs.values():
        size, min_size, acting = pp.size, pp.min_size, pp.acting
        out = [0] * pp.pg_num
        for ps in range(pp.pg_num):
            base = ps * size
            up = 0
            primary = -1
            for r in range(size):
                o = acting[base + r]
                if 0 <= o < max_osd and state[o] & UP:
                    up += 1
                    if primary < 0:
                        primary = o
            if up == 0:
                out[ps] = 3
            elif not reported(primary):
                out[ps] = 4
            elif up >= size:
                out[ps] = 0
            elif up >= min_size:
                out[ps] = 1
            else:
                out[ps] = 2
        pp.states = out


def counts(pgs: dict[int, PoolPGs]) -> Counter[str]:
    c: Counter[str] = Counter()
    for pp in pgs.values():
        for i, n in Counter(pp.states).items():
            c[STATES[i]] += n
    return c


def by_osd(pgs: dict[int, PoolPGs]) -> dict[int, Counter[str]]:
    """PG states per acting OSD (``pg_summary``'s ``by_osd``)."""
    out: dict[int, Counter[str]] = {}
    for pp in pgs.values():
        size, acting = pp.size, pp.acting
        for ps, st in enumerate(pp.states):
            name = STATES[st]
            for r in range(size):
                o = acting[ps * size + r]
                if o >= 0:
                    out.setdefault(o, Counter())[name] += 1
    return out


def pgs_per_osd(pgs: dict[int, PoolPGs]) -> Counter[int]:
    c: Counter[int] = Counter()
    for pp in pgs.values():
        c.update(o for o in pp.acting if o >= 0)
    return c


def pgs_by_state(c: Counter[str]) -> list[dict[str, object]]:
    """``pgs_by_state`` as ``status`` lists it (largest count first)."""
    return [{"state_name": s, "count": n} for s, n in sorted(c.items(), key=lambda kv: -kv[1])]
