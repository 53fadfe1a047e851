"""A fake cluster of pure `QuorumCore`s for unit tests: in-memory storage, a
shared fake clock, and a network of per-link FIFO queues that can be cut,
with mons that can be killed (state kept, like a store on disk), restarted
and paused (no messages, no ticks)."""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mon import elector as el
from mon import paxos as px
from mon.quorum_core import Out, QuorumCore

ELECTION_TIMEOUT = 0.3
TIMING = px.Timing(lease=0.5, renew=0.3, ack_timeout=1.0, accept_timeout=1.0)


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


class MemStorage:
    """`mon.paxos_store.PaxosStore`'s contract in memory; ``data`` is the
    replicated state (key -> value) the committed values build up."""

    def __init__(self, keep: int = 20) -> None:
        self.keep = keep
        self.lc, self.fc, self.pn = 0, 1, 0
        self.unc: px.Uncommitted | None = None
        self.vals: dict[int, px.Value] = {}
        self.data: dict[str, Any] = {}
        self.epoch, self.last_quorum = 0, el.QuorumRecord()

    def last_committed(self) -> int:
        return self.lc

    def first_committed(self) -> int:
        return self.fc

    def accepted_pn(self) -> int:
        return self.pn

    def uncommitted(self) -> px.Uncommitted | None:
        return self.unc

    def promise(self, pn: int) -> None:
        self.pn = max(self.pn, pn)

    def accept(self, version: int, pn: int, value: px.Value) -> None:
        self.pn = max(self.pn, pn)
        self.unc = px.Uncommitted(version, pn, value)

    def commit(self, version: int, value: px.Value) -> None:
        assert version == self.lc + 1, (version, self.lc)
        for k, v in value:
            self.data[k] = v
        self.lc = version
        self.vals[version] = value
        while self.lc - self.fc >= self.keep:
            self.vals.pop(self.fc, None)
            self.fc += 1
        if self.unc is not None and self.unc.version <= version:
            self.unc = None

    def values(self, first: int, last: int) -> list[tuple[int, px.Value]]:
        return [(v, self.vals[v]) for v in range(max(first, self.fc), last + 1)]

    def snapshot(self) -> px.Snapshot:
        return px.Snapshot(self.lc, self.lc + 1, sorted(self.data.items()))

    def install(self, snap: px.Snapshot) -> None:
        self.data = dict(snap.rows)
        self.lc, self.fc, self.vals, self.unc = (
            snap.last_committed,
            snap.last_committed + 1,
            {},
            None,
        )

    def election_state(self) -> tuple[int, el.QuorumRecord]:
        return self.epoch, self.last_quorum

    def persist_election(self, epoch: int, last_quorum: el.QuorumRecord) -> None:
        self.epoch, self.last_quorum = epoch, last_quorum


@dataclass
class Mon:
    rank: int
    storage: MemStorage
    core: QuorumCore
    alive: bool = True
    paused: bool = False


@dataclass
class FakeCluster:
    n: int
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    clock: Clock = field(default_factory=Clock)
    mons: list[Mon] = field(default_factory=list)
    links: dict[tuple[int, int], deque[Any]] = field(default_factory=dict)
    cut: set[frozenset[int]] = field(default_factory=set)
    acked: dict[object, int] = field(default_factory=dict)  # token -> version
    events: list[tuple[int, Out]] = field(default_factory=list)
    partial: bool = False  # advance() delivers only some messages per step
    checker: Callable[[FakeCluster], None] | None = None  # run after every event

    def __post_init__(self) -> None:
        for r in range(self.n):
            s = MemStorage()
            self.mons.append(Mon(r, s, self._core(r, s)))

    def _core(self, rank: int, s: MemStorage) -> QuorumCore:
        return QuorumCore(rank, self.n, s, self.clock, ELECTION_TIMEOUT, TIMING)

    # --- driving --------------------------------------------------------------------------

    def up(self, rank: int) -> bool:
        m = self.mons[rank]
        return m.alive and not m.paused

    def apply(self, rank: int, out: list[Out]) -> None:
        for a in out:
            self.events.append((rank, a))
            if isinstance(a, el.Send | px.Send):
                self.links.setdefault((rank, a.to), deque()).append(a)
            elif isinstance(a, px.Committed) and a.token is not None:
                self.acked[a.token] = a.version

    def start_all(self) -> None:
        for m in self.mons:
            self.apply(m.rank, m.core.start())
        self.deliver()

    def deliver(self, limit: int | None = None) -> None:
        """Deliver queued messages (per-link FIFO, links in random order)."""
        done = 0
        while limit is None or done < limit:
            ready = [k for k, q in self.links.items() if q and self.up(k[1])]
            if not ready:
                return
            frm, to = self.rng.choice(sorted(ready))
            a = self.links[(frm, to)].popleft()
            done += 1
            if not self.up(frm) and not self.mons[frm].paused:
                continue  # a dead mon's socket buffer is gone
            if frozenset((frm, to)) in self.cut:
                continue
            core = self.mons[to].core
            if isinstance(a, px.Send):
                self.apply(to, core.on_paxos(frm, a.msg))
            else:
                self.apply(to, core.on_election(_election_event(frm, a)))
            if self.checker is not None:
                self.checker(self)

    def advance(self, dt: float, step: float = 0.05) -> None:
        end = self.clock.now + dt
        while self.clock.now < end:
            self.clock.now = min(end, self.clock.now + step)
            for m in self.mons:
                if self.up(m.rank):
                    self.apply(m.rank, m.core.tick())
            if self.checker is not None:
                self.checker(self)
            self.deliver(self.rng.randrange(0, 6) if self.partial else None)

    def settle(self, dt: float = 3.0) -> None:
        self.deliver()
        self.advance(dt)

    # --- faults ---------------------------------------------------------------------------

    def kill(self, rank: int) -> None:
        self.mons[rank].alive = False
        for k in list(self.links):
            if rank in k:
                self.links[k].clear()

    def restart(self, rank: int) -> None:
        m = self.mons[rank]
        m.alive, m.paused = True, False
        m.core = self._core(rank, m.storage)
        self.apply(rank, m.core.start())

    def pause(self, rank: int) -> None:
        self.mons[rank].paused = True

    def resume(self, rank: int) -> None:
        self.mons[rank].paused = False

    def partition(self, a: int, b: int) -> None:
        self.cut.add(frozenset((a, b)))

    def heal(self) -> None:
        self.cut.clear()

    # --- queries --------------------------------------------------------------------------

    def leader(self) -> Mon | None:
        for m in self.mons:
            if self.up(m.rank) and m.core.writeable():
                return m
        return None

    def propose(self, key: str, value: Any) -> object | None:
        m = self.leader()
        if m is None or m.core.paxos.proposal is not None:
            return None
        token = object()
        self.apply(m.rank, m.core.propose([(key, value)], token))
        return token

    def states(self) -> list[str]:
        return [
            "dead" if not m.alive else "paused" if m.paused else m.core.state.value
            for m in self.mons
        ]


def _election_event(frm: int, s: el.Send) -> el.Event:
    if s.op is el.ElectionOp.PROPOSE:
        return el.Propose(frm, s.epoch)
    if s.op is el.ElectionOp.ACK:
        return el.Ack(frm, s.epoch, s.last_quorum)
    return el.Victory(frm, s.epoch, s.quorum)
