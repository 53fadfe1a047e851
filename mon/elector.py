"""Mon elections: Ceph's classic elector as a pure, table-driven state machine.

Theory of operation (Ceph's ``ElectionLogic``, classic strategy):

- Every mon has a rank (its place in the monmap). The reachable mon of lowest
  rank that gathers acks from a majority of the monmap becomes the leader; the
  mons that acked it are the quorum (peons).
- The election epoch is odd while an election runs and even once a quorum
  stands. It only grows, and is persisted, so a restarted mon never reuses one.
- `start` (calling an election): bump the epoch to odd if it is even, ack
  ourselves, send PROPOSE to every other mon and arm the election timer.
- A peon that still hears its leader (its lease is being renewed) ignores
  proposals from mons outside its quorum: the leader is the one that lets a
  returning mon in. Not in Ceph's classic elector, whose peons join such
  elections, which makes a quorum flap forever when one mon can reach a peon
  but not the leader (Ceph 16 added the connectivity strategy for that).
- PROPOSE from a mon with a higher epoch: adopt its epoch (leaving any quorum:
  we now serve nothing as current) and go on as below. From an older epoch:
  ignored, unless we stand in a quorum that does not include the sender — a
  mon has come back, so we call a new election to let it in. Same epoch: if we
  would win over the sender (lower rank) we start our own election unless we
  already deferred to someone lower; if the sender would win over us and over
  whoever we deferred to, we defer to it (ACK) and re-arm the timer.
- ACK (same epoch) while electing ourselves: recorded; acks from every mon
  win at once, otherwise the timer decides.
- Timer: electing ourselves with a majority of acks → victory; anything else
  (not enough acks, or the mon we deferred to never declared victory) →
  start again. A mon that cannot reach a majority therefore keeps trying.
- Victory: epoch + 1 (even); VICTORY to the quorum; we lead. A VICTORY for
  our epoch + 1 makes us a peon of the sender; one from further ahead means
  we missed something: adopt its epoch and start again.

Each ack carries the acker's *last quorum* (epoch and ranks), so a new leader
learns the newest quorum that ever stood (by majority intersection some acker
was in it); the shell reports it when the new quorum forms.

Inputs are frozen event dataclasses handed to `Elector.handle`; outputs are
action dataclasses the shell carries out (send, persist, log, become leader
or peon). Transitions are a table keyed by (state, event type). Time comes
from an injected clock; no sockets here.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class ElectorState(str, enum.Enum):
    ELECTING = "electing"
    LEADER = "leader"
    PEON = "peon"


class ElectionOp(str, enum.Enum):
    PROPOSE = "propose"
    ACK = "ack"
    VICTORY = "victory"


class IllegalEvent(RuntimeError):
    """An event with no transition in the table (a bug in the caller)."""


@dataclass(frozen=True)
class QuorumRecord:
    """A quorum a mon was part of: its election epoch and ranks."""

    epoch: int = 0
    ranks: tuple[int, ...] = ()


# --- events (inputs) ------------------------------------------------------------------


@dataclass(frozen=True)
class CallElection:
    """Something outside the elector wants a new election (start-up, lease or
    accept timeout, a gap in the commits)."""

    reason: str


@dataclass(frozen=True)
class Propose:
    frm: int
    epoch: int


@dataclass(frozen=True)
class Ack:
    frm: int
    epoch: int
    last_quorum: QuorumRecord = QuorumRecord()


@dataclass(frozen=True)
class Victory:
    frm: int
    epoch: int
    quorum: tuple[int, ...]


@dataclass(frozen=True)
class Tick:
    """Time passed (the shell calls this at `Elector.deadline`)."""


@dataclass(frozen=True)
class PeerUp:
    """The transport reached mon ``rank`` (again): resend what it may have missed."""

    rank: int


Event = CallElection | Propose | Ack | Victory | Tick | PeerUp


# --- actions (outputs) ----------------------------------------------------------------


@dataclass(frozen=True)
class Send:
    to: int
    op: ElectionOp
    epoch: int
    quorum: tuple[int, ...] = ()
    last_quorum: QuorumRecord = QuorumRecord()


@dataclass(frozen=True)
class PersistEpoch:
    epoch: int
    last_quorum: QuorumRecord


@dataclass(frozen=True)
class ElectionStarted:
    """We called an election (``first``: not a retry at the same epoch)."""

    epoch: int
    reason: str
    first: bool


@dataclass(frozen=True)
class LeftQuorum:
    """We were leader or peon and no longer are: stop serving anything as current."""

    epoch: int


@dataclass(frozen=True)
class Won:
    """We lead ``quorum``; ``previous`` is the newest quorum any member had been in."""

    epoch: int
    quorum: tuple[int, ...]
    previous: QuorumRecord


@dataclass(frozen=True)
class Lost:
    """We are a peon of ``leader``."""

    epoch: int
    leader: int
    quorum: tuple[int, ...]


Action = Send | PersistEpoch | ElectionStarted | LeftQuorum | Won | Lost


@dataclass
class Elector:
    rank: int
    size: int
    clock: Callable[[], float]
    timeout: float
    epoch: int = 0
    last_quorum: QuorumRecord = QuorumRecord()
    state: ElectorState = ElectorState.ELECTING
    electing_me: bool = False
    acked_me: dict[int, QuorumRecord] = field(default_factory=dict)
    leader_acked: int | None = None
    leader: int | None = None
    quorum: tuple[int, ...] = ()
    expire_at: float | None = None
    # For a peon: has it heard its leader lately (a lease)? Set by the owner.
    leader_alive: Callable[[], bool] = field(default=lambda: False, repr=False)

    # --- public -----------------------------------------------------------------------

    def handle(self, event: Event) -> list[Action]:
        fn = _TABLE.get((self.state, type(event)))
        if fn is None:
            raise IllegalEvent(f"{type(event).__name__} in state {self.state.value}")
        out: list[Action] = []
        fn(self, event, out)
        return out

    def deadline(self) -> float | None:
        return self.expire_at

    @property
    def majority(self) -> int:
        return self.size // 2 + 1

    def in_quorum(self) -> bool:
        return self.state is not ElectorState.ELECTING

    # --- transitions ----------------------------------------------------------------------

    def _call(self, ev: CallElection, out: list[Action]) -> None:
        self._start(ev.reason, out)

    def _propose(self, ev: Propose, out: list[Action]) -> None:
        if ev.frm == self.rank or not 0 <= ev.frm < self.size:
            return
        if self.state is ElectorState.PEON and ev.frm not in self.quorum and self.leader_alive():
            return  # the leader lets outsiders in; a peon does not break a working quorum
        if ev.epoch > self.epoch:
            self._bump(ev.epoch, out)
        elif ev.epoch < self.epoch:
            if self.epoch % 2 == 0 and ev.frm not in self.quorum:
                self._start(f"mon rank {ev.frm} is outside the quorum", out)
            return
        if self.epoch % 2 == 0:
            return  # a propose never carries an even epoch
        if self.rank < ev.frm:
            if self.leader_acked is not None:
                return  # we already deferred to someone who wins over both of us
            if not self.electing_me:
                self._start(f"mon rank {ev.frm} proposed", out)
            elif ev.frm not in self.acked_me:
                out.append(Send(ev.frm, ElectionOp.PROPOSE, self.epoch))
        elif self.leader_acked is None or self.leader_acked >= ev.frm:
            self._defer(ev.frm, out)

    def _ack(self, ev: Ack, out: list[Action]) -> None:
        if ev.frm == self.rank or not 0 <= ev.frm < self.size:
            return
        if ev.epoch > self.epoch:
            self._bump(ev.epoch, out)
            self._start("ack from a newer election", out)
            return
        if ev.epoch < self.epoch or not self.electing_me:
            return
        self.acked_me[ev.frm] = ev.last_quorum
        if len(self.acked_me) == self.size:
            self._victory(out)

    def _victory_msg(self, ev: Victory, out: list[Action]) -> None:
        if ev.frm == self.rank or not 0 <= ev.frm < self.size or self.rank not in ev.quorum:
            return
        if ev.epoch == self.epoch and self.in_quorum() and ev.frm != self.leader:
            # Two mons won the same epoch (a mon acked both): settle it again.
            self._start("two leaders claimed the same epoch", out)
            return
        if ev.epoch <= self.epoch:
            return  # stale
        if self.epoch % 2 == 1 and ev.epoch == self.epoch + 1:
            self._lose(ev, out)
            return
        self._bump(ev.epoch, out)
        self._start("missed an election", out)

    def _tick(self, ev: Tick, out: list[Action]) -> None:
        if self.expire_at is None or self.clock() < self.expire_at:
            return
        if self.electing_me and len(self.acked_me) >= self.majority:
            self._victory(out)
        else:
            self._start("election timeout", out)

    def _peer_up(self, ev: PeerUp, out: list[Action]) -> None:
        if self.electing_me and ev.rank not in self.acked_me:
            out.append(Send(ev.rank, ElectionOp.PROPOSE, self.epoch))
        elif self.leader_acked == ev.rank:
            out.append(Send(ev.rank, ElectionOp.ACK, self.epoch, last_quorum=self.last_quorum))

    def _ignore(self, ev: Any, out: list[Action]) -> None:
        return

    # --- helpers ----------------------------------------------------------------------------

    def _leave_quorum(self, out: list[Action]) -> None:
        if self.state is not ElectorState.ELECTING:
            out.append(LeftQuorum(self.epoch))
        self.state = ElectorState.ELECTING
        self.leader = None
        self.quorum = ()

    def _bump(self, epoch: int, out: list[Action]) -> None:
        """Join a newer election: we stop being anyone's leader or peon."""
        self._leave_quorum(out)
        self.epoch = epoch
        self.electing_me = False
        self.acked_me = {}
        self.leader_acked = None
        self.expire_at = self.clock() + self.timeout
        out.append(PersistEpoch(self.epoch, self.last_quorum))

    def _start(self, reason: str, out: list[Action]) -> None:
        self._leave_quorum(out)
        first = True
        if self.epoch % 2 == 0:
            self.epoch += 1
            out.append(PersistEpoch(self.epoch, self.last_quorum))
        elif self.electing_me:
            first = False  # retrying at the same epoch
        self.electing_me = True
        self.acked_me = {self.rank: self.last_quorum}
        self.leader_acked = None
        self.expire_at = self.clock() + self.timeout
        out.append(ElectionStarted(self.epoch, reason, first))
        out.extend(
            Send(r, ElectionOp.PROPOSE, self.epoch) for r in range(self.size) if r != self.rank
        )
        if len(self.acked_me) == self.size:
            self._victory(out)

    def _defer(self, frm: int, out: list[Action]) -> None:
        self.electing_me = False
        self.acked_me = {}
        self.leader_acked = frm
        self.expire_at = self.clock() + self.timeout
        out.append(Send(frm, ElectionOp.ACK, self.epoch, last_quorum=self.last_quorum))

    def _victory(self, out: list[Action]) -> None:
        previous = max(self.acked_me.values(), key=lambda q: q.epoch)
        self.epoch += 1
        self.state = ElectorState.LEADER
        self.leader = self.rank
        self.quorum = tuple(sorted(self.acked_me))
        self.last_quorum = QuorumRecord(self.epoch, self.quorum)
        self.electing_me = False
        self.acked_me = {}
        self.expire_at = None
        out.append(PersistEpoch(self.epoch, self.last_quorum))
        out.extend(
            Send(r, ElectionOp.VICTORY, self.epoch, quorum=self.quorum)
            for r in self.quorum
            if r != self.rank
        )
        out.append(Won(self.epoch, self.quorum, previous))

    def _lose(self, ev: Victory, out: list[Action]) -> None:
        self.epoch = ev.epoch
        self.state = ElectorState.PEON
        self.leader = ev.frm
        self.quorum = tuple(sorted(ev.quorum))
        self.last_quorum = QuorumRecord(self.epoch, self.quorum)
        self.electing_me = False
        self.acked_me = {}
        self.leader_acked = None
        self.expire_at = None
        out.append(PersistEpoch(self.epoch, self.last_quorum))
        out.append(Lost(self.epoch, ev.frm, self.quorum))


_E, _L, _P = ElectorState.ELECTING, ElectorState.LEADER, ElectorState.PEON
_Handler = Callable[[Elector, Any, list[Action]], None]
_TABLE: dict[tuple[ElectorState, type], _Handler] = {
    (_E, CallElection): Elector._call,
    (_L, CallElection): Elector._call,
    (_P, CallElection): Elector._call,
    (_E, Propose): Elector._propose,
    (_L, Propose): Elector._propose,
    (_P, Propose): Elector._propose,
    (_E, Ack): Elector._ack,
    (_L, Ack): Elector._ack,  # late acks (odd epoch < ours) fall through as stale
    (_P, Ack): Elector._ack,
    (_E, Victory): Elector._victory_msg,
    (_L, Victory): Elector._victory_msg,
    (_P, Victory): Elector._victory_msg,
    (_E, Tick): Elector._tick,
    (_L, Tick): Elector._ignore,
    (_P, Tick): Elector._ignore,
    (_E, PeerUp): Elector._peer_up,
    (_L, PeerUp): Elector._ignore,
    (_P, PeerUp): Elector._ignore,
}
