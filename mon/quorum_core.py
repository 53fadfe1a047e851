"""One mon's quorum logic: the elector and Paxos wired together, still pure.

Theory of operation:

- The elector decides who leads; Paxos replicates under that leader. The
  glue between them is protocol, so it lives here and not in the daemon:
  winning an election starts Paxos as leader (with the wait for older leases
  unless every mon of the monmap is in the quorum), losing one starts it as a
  peon, leaving a quorum resets it, and every Paxos timeout or gap calls an
  election.
- Inputs: `start`, a peer's election or Paxos message, a peer (re)connected,
  `tick` at `deadline`, `propose`. Outputs: the elector's and Paxos's actions
  except Paxos's election calls, which are fed back to the elector here.
- The elector's epoch and last quorum are persisted through the storage.

No sockets and no wall clock: the clock is injected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from mon import elector as el
from mon import paxos as px


class QuorumStorage(px.Storage, Protocol):
    def election_state(self) -> tuple[int, el.QuorumRecord]: ...
    def persist_election(self, epoch: int, last_quorum: el.QuorumRecord) -> None: ...


Out = el.Action | px.Action


class QuorumCore:
    def __init__(
        self,
        rank: int,
        size: int,
        storage: QuorumStorage,
        clock: Callable[[], float],
        election_timeout: float,
        timing: px.Timing,
    ) -> None:
        epoch, last_quorum = storage.election_state()
        self.rank, self.size = rank, size
        self.storage = storage
        self.clock = clock
        self.elector = el.Elector(
            rank, size, clock, election_timeout, epoch=epoch, last_quorum=last_quorum
        )
        self.paxos = px.Paxos(rank, size, storage, clock, timing)
        self.elector.leader_alive = self.paxos.leader_alive
        self.quorum_since = 0.0  # clock() when the current quorum formed

    # --- inputs ---------------------------------------------------------------------------

    def start(self) -> list[Out]:
        return self.call_election("mon start")

    def call_election(self, reason: str) -> list[Out]:
        return self._elector(el.CallElection(reason))

    def on_election(self, event: el.Event) -> list[Out]:
        return self._elector(event)

    def on_paxos(self, frm: int, msg: px.PaxosMsg) -> list[Out]:
        return self._paxos(self.paxos.handle(frm, msg))

    def on_peer_up(self, rank: int) -> list[Out]:
        return self._elector(el.PeerUp(rank))

    def tick(self) -> list[Out]:
        out = self._elector(el.Tick())
        return out + self._paxos(self.paxos.tick())

    def propose(self, value: px.Value, token: object) -> list[Out]:
        return self._paxos(self.paxos.propose(value, token))

    def set_timing(self, election_timeout: float, timing: px.Timing) -> None:
        """New option values (taken at the next election and the next lease)."""
        self.elector.timeout = election_timeout
        self.paxos.timing = timing

    # --- queries --------------------------------------------------------------------------

    def deadline(self) -> float | None:
        times = [t for t in (self.elector.deadline(), self.paxos.deadline()) if t is not None]
        return min(times) if times else None

    @property
    def state(self) -> el.ElectorState:
        return self.elector.state

    def in_quorum(self) -> bool:
        return self.elector.in_quorum()

    def readable(self) -> bool:
        return self.in_quorum() and self.paxos.readable()

    def writeable(self) -> bool:
        return self.elector.state is el.ElectorState.LEADER and self.paxos.writeable()

    # --- glue -----------------------------------------------------------------------------

    def _elector(self, event: el.Event) -> list[Out]:
        out: list[Out] = []
        for a in self.elector.handle(event):
            if isinstance(a, el.PersistEpoch):
                self.storage.persist_election(a.epoch, a.last_quorum)
                continue
            out.append(a)
            if isinstance(a, el.LeftQuorum):
                self.paxos.reset()
            elif isinstance(a, el.Won):
                self.quorum_since = self.clock()
                everyone = set(a.quorum) == set(range(self.size))
                wait = 0.0 if everyone else self.paxos.timing.old_lease_wait
                out += self._paxos(self.paxos.leader_init(a.epoch, a.quorum, self.clock() + wait))
            elif isinstance(a, el.Lost):
                self.quorum_since = self.clock()
                out += self._paxos(self.paxos.peon_init(a.epoch, a.leader))
        return out

    def _paxos(self, actions: list[px.Action]) -> list[Out]:
        out: list[Out] = []
        for a in actions:
            if isinstance(a, px.CallElection):
                out += self._elector(el.CallElection(a.reason))
            else:
                out.append(a)
        return out
