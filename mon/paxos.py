"""Replication of the mon store: Ceph's Paxos, as a pure state machine.

Theory of operation (Ceph's ``Paxos.cc``, one value at a time):

- Every change is a *value* (a store transaction) committed as version
  ``last_committed + 1``. A value is committed only once every member of the
  quorum (a majority of the monmap) has persisted it; then the leader applies
  it, tells the peons (COMMIT) and the client is answered.
- After every election the leader recovers first (COLLECT/LAST): it takes a
  proposal number ``pn`` above any promised before, and every peon answers
  with what it has: its committed versions beyond the leader's (the leader
  commits them too), or a whole-store snapshot if the leader is too far
  behind, and its accepted-but-uncommitted value. A peon that promised a
  higher ``pn`` makes the leader pick a higher one and collect again. Once
  every peon answered, the leader ships lagging peons the versions (or a
  snapshot) they miss, and re-proposes the uncommitted value of highest ``pn``
  for the next version, if any — so nothing acknowledged is lost and nothing
  half-done survives as a different value.
- BEGIN/ACCEPT/COMMIT: the leader persists the value as accepted, sends it;
  a peon persists it if it has not promised a higher ``pn`` and answers
  ACCEPT; with all accepts the leader commits. One proposal at a time.
- Leases keep reads honest. The leader renews a lease every ``renew``
  seconds, valid until ``m + lease + renew`` where ``m`` is the send time of
  the newest round a majority of the monmap acknowledged (at first, when the
  recovery collect went out). A peon serves reads while its lease runs and it
  holds no accepted-but-uncommitted value (a write acknowledged to a client
  was accepted by every quorum member first, so it waits for that COMMIT);
  the leader serves reads until ``m + lease + renew`` as well. Any later
  quorum needs one of that majority, which left us after ``m``; so a new
  leader that waits ``lease + renew`` after its victory before committing
  anything (new values, or an uncommitted one it recovered) knows every older
  lease has run out. It skips the wait when every mon of the monmap is in its
  quorum (all of them stopped serving when they joined the election).
- Timeouts call elections: the leader's collect or accept not answered by
  every member within ``accept_timeout``, lease acks missing for
  ``ack_timeout``; a peon without a lease renewal for ``ack_timeout``, or
  finding a gap in the versions.

Messages carry the election epoch; anything from another epoch, or from a
mon that is not our leader or quorum member, changes nothing. Handlers are a
table keyed by (role, op). The store is reached through the injected
`Storage`; time through the injected clock. No sockets here. What a lagging
member is sent, and how it takes it, is `mon.paxos_catchup`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from mon.paxos_catchup import catch_up, last_reply, learn
from mon.paxos_defs import (
    Action,
    CallElection,
    Committed,
    Installed,
    PaxosMsg,
    PaxosOp,
    Phase,
    Readable,
    Role,
    Send,
    Snapshot,
    Storage,
    Timing,
    Uncommitted,
    Value,
    Writeable,
)

__all__ = [
    "Action",
    "CallElection",
    "Committed",
    "Installed",
    "NotWriteable",
    "Paxos",
    "PaxosMsg",
    "PaxosOp",
    "Phase",
    "Readable",
    "Role",
    "Send",
    "Snapshot",
    "Storage",
    "Timing",
    "Uncommitted",
    "Value",
    "Writeable",
]


class NotWriteable(RuntimeError):
    """`Paxos.propose` called when the leader cannot propose (a bug in the shell)."""


@dataclass
class _Proposal:
    version: int
    value: Value
    token: object | None
    accepted: set[int]
    deadline: float


@dataclass
class Paxos:
    rank: int
    size: int
    storage: Storage
    clock: Callable[[], float]
    timing: Timing
    role: Role = Role.NONE
    phase: Phase = Phase.RECOVERING
    epoch: int = 0
    quorum: frozenset[int] = frozenset()
    leader: int | None = None
    # leader
    pn: int = 0
    lasts: dict[int, int] = field(default_factory=dict)
    candidates: list[Uncommitted] = field(default_factory=list)
    collect_sent: float = 0.0
    collect_deadline: float | None = None
    proposal: _Proposal | None = None
    deferred: Uncommitted | None = None
    recovered: bool = False
    wait_until: float = 0.0
    writeable_told: bool = False
    majority_time: float = 0.0
    rounds: dict[int, tuple[float, set[int]]] = field(default_factory=dict)
    lease_round: int = 0
    next_renew: float | None = None
    last_full_ack: float = 0.0
    # peon
    lease_until: float = 0.0
    has_lease: bool = False
    lease_timeout_at: float | None = None

    # --- life cycle -----------------------------------------------------------------------

    @property
    def peons(self) -> frozenset[int]:
        return self.quorum - {self.rank}

    @property
    def majority(self) -> int:
        return self.size // 2 + 1

    def reset(self) -> None:
        """The election is open again: forget the term (the store keeps what it has)."""
        self.role = Role.NONE
        self.phase = Phase.RECOVERING
        self.quorum = frozenset()
        self.leader = None
        self.lasts, self.candidates, self.rounds = {}, [], {}
        self.collect_deadline = self.next_renew = self.lease_timeout_at = None
        self.proposal = self.deferred = None
        self.recovered = self.writeable_told = self.has_lease = False
        self.lease_until = 0.0

    def leader_init(self, epoch: int, quorum: tuple[int, ...], wait_until: float) -> list[Action]:
        self.reset()
        now = self.clock()
        self.role, self.epoch, self.leader = Role.LEADER, epoch, self.rank
        self.quorum = frozenset(quorum) | {self.rank}
        self.wait_until = wait_until
        self.pn = self._new_pn(max(self.storage.accepted_pn(), self.pn))
        self.storage.promise(self.pn)
        own = self.storage.uncommitted()
        self.candidates = [own] if own is not None else []
        return self._collect(now)

    def peon_init(self, epoch: int, leader: int) -> list[Action]:
        self.reset()
        self.role, self.epoch, self.leader = Role.PEON, epoch, leader
        t = self.timing
        self.lease_timeout_at = self.clock() + t.ack_timeout + t.accept_timeout
        return []

    # --- queries --------------------------------------------------------------------------

    def readable(self) -> bool:
        now = self.clock()
        if self.role is Role.LEADER:
            return self.recovered and (
                self.size == 1 or now < self.majority_time + self.timing.old_lease_wait
            )
        if self.role is Role.PEON:
            return self.has_lease and self.phase is Phase.ACTIVE and now < self.lease_until
        return False

    def leader_alive(self) -> bool:
        """A peon whose leader was heard within the lease timeout (or is recovering it)."""
        return (
            self.role is Role.PEON
            and self.lease_timeout_at is not None
            and self.clock() < self.lease_timeout_at
        )

    def writeable(self) -> bool:
        return (
            self.role is Role.LEADER
            and self.phase is Phase.ACTIVE
            and self.clock() >= self.wait_until
            and self.readable()
        )

    def deadline(self) -> float | None:
        times: list[float] = []
        if self.role is Role.LEADER:
            if self.collect_deadline is not None:
                times.append(self.collect_deadline)
            if self.proposal is not None:
                times.append(self.proposal.deadline)
            if self.deferred is not None or (self.recovered and not self.writeable_told):
                times.append(self.wait_until)
            if self.next_renew is not None:
                times.append(self.next_renew)
            if self.recovered and self.peons:
                times.append(self.last_full_ack + self.timing.ack_timeout)
        elif self.role is Role.PEON and self.lease_timeout_at is not None:
            times.append(self.lease_timeout_at)
        return min(times) if times else None

    # --- inputs ---------------------------------------------------------------------------

    def handle(self, frm: int, msg: PaxosMsg) -> list[Action]:
        if msg.epoch != self.epoch or frm == self.rank:
            return []
        if self.role is Role.LEADER and frm not in self.peons:
            return []
        if self.role is Role.PEON and frm != self.leader:
            return []
        fn = _TABLE.get((self.role, msg.op))
        if fn is None:
            return []  # not for this role (e.g. a stale LAST after we became a peon)
        out: list[Action] = []
        fn(self, frm, msg, out)
        return out

    def propose(self, value: Value, token: object) -> list[Action]:
        if not self.writeable() or self.proposal is not None:
            raise NotWriteable(f"role {self.role.value}, phase {self.phase.value}")
        out: list[Action] = []
        self._begin(value, token, out)
        return out

    def tick(self) -> list[Action]:
        now = self.clock()
        out: list[Action] = []
        if self.role is Role.LEADER:
            if self.collect_deadline is not None and now >= self.collect_deadline:
                return [CallElection("collect timeout")]
            if self.proposal is not None and now >= self.proposal.deadline:
                return [CallElection("accept timeout")]
            if (
                self.recovered
                and self.peons
                and now >= self.last_full_ack + self.timing.ack_timeout
            ):
                return [CallElection("lease ack timeout")]
            if self.deferred is not None and now >= self.wait_until:
                best, self.deferred = self.deferred, None
                self._begin(best.value, None, out)
            if self.next_renew is not None and now >= self.next_renew:
                self._extend_lease(out)
            self._maybe_writeable(out)
        elif (
            self.role is Role.PEON
            and self.lease_timeout_at is not None
            and now >= self.lease_timeout_at
        ):
            return [CallElection("lease timeout")]
        return out

    # --- leader -----------------------------------------------------------------------------

    def _new_pn(self, above: int) -> int:
        return (above // 100 + 1) * 100 + self.rank

    def _collect(self, now: float) -> list[Action]:
        out: list[Action] = []
        self.lasts = {}
        self.collect_sent = now
        s = self.storage
        if not self.peons:
            self._finish_collect(out)
            return out
        self.collect_deadline = now + self.timing.accept_timeout
        msg = PaxosMsg(
            PaxosOp.COLLECT,
            self.epoch,
            pn=self.pn,
            first_committed=s.first_committed(),
            last_committed=s.last_committed(),
        )
        out.extend(Send(p, msg) for p in sorted(self.peons))
        return out

    def _on_last(self, frm: int, msg: PaxosMsg, out: list[Action]) -> None:
        if self.phase is not Phase.RECOVERING or self.collect_deadline is None:
            return
        if msg.pn > self.pn:
            # That peon promised someone else more: collect again, higher.
            self.pn = self._new_pn(msg.pn)
            self.storage.promise(self.pn)
            out.extend(self._collect(self.clock()))
            return
        if msg.pn < self.pn:
            return  # an answer to an older collect
        learn(self.storage, msg, out)
        self.lasts[frm] = msg.last_committed
        if msg.uncommitted is not None:
            self.candidates.append(msg.uncommitted)
        if set(self.lasts) >= self.peons:
            self._finish_collect(out)

    def _finish_collect(self, out: list[Action]) -> None:
        self.collect_deadline = None
        s = self.storage
        lc = s.last_committed()
        for peon, their_lc in sorted(self.lasts.items()):
            if their_lc < lc:
                out.append(Send(peon, self._share(their_lc)))
        self.majority_time = self.collect_sent
        self.last_full_ack = self.collect_sent
        best = max(
            (u for u in self.candidates if u.version == lc + 1),
            key=lambda u: u.pn,
            default=None,
        )
        self.candidates = []
        if best is None:
            self._recovered(out)
        elif self.clock() < self.wait_until:
            self.deferred = best  # committed only once older leases have run out
        else:
            self._begin(best.value, None, out)  # finish what an earlier term started

    def _share(self, their_lc: int) -> PaxosMsg:
        return catch_up(self.storage, PaxosMsg(PaxosOp.SHARE, self.epoch), their_lc)

    def _recovered(self, out: list[Action]) -> None:
        first = not self.recovered
        self.recovered = True
        self.phase = Phase.ACTIVE
        if first:
            out.append(Readable())
            self._extend_lease(out)
        self._maybe_writeable(out)

    def _maybe_writeable(self, out: list[Action]) -> None:
        if not self.writeable_told and self.writeable():
            self.writeable_told = True
            out.append(Writeable())

    def _begin(self, value: Value, token: object | None, out: list[Action]) -> None:
        s = self.storage
        version = s.last_committed() + 1
        now = self.clock()
        self.phase = Phase.UPDATING
        self.proposal = _Proposal(
            version, value, token, {self.rank}, now + self.timing.accept_timeout
        )
        if not self.peons:
            self._commit(out)  # a quorum of one: nobody else to agree
            return
        s.accept(version, self.pn, value)
        msg = PaxosMsg(
            PaxosOp.BEGIN, self.epoch, pn=self.pn, version=version, values=((version, value),)
        )
        out.extend(Send(p, msg) for p in sorted(self.peons))

    def _on_accept(self, frm: int, msg: PaxosMsg, out: list[Action]) -> None:
        p = self.proposal
        if p is None or msg.pn != self.pn or msg.version != p.version:
            return
        p.accepted.add(frm)
        if p.accepted >= self.quorum:
            self._commit(out)

    def _commit(self, out: list[Action]) -> None:
        p = self.proposal
        assert p is not None
        self.storage.commit(p.version, p.value)
        self.proposal = None
        msg = PaxosMsg(
            PaxosOp.COMMIT, self.epoch, version=p.version, values=((p.version, p.value),)
        )
        out.extend(Send(peon, msg) for peon in sorted(self.peons))
        out.append(Committed(p.version, p.value, p.token))
        self._recovered(out)

    def _extend_lease(self, out: list[Action]) -> None:
        now = self.clock()
        if not self.peons:
            self.majority_time = now
            self.next_renew = None if self.size == 1 else now + self.timing.renew
            return
        self.lease_round += 1
        self.rounds[self.lease_round] = (now, {self.rank})
        for old in [r for r in self.rounds if r < self.lease_round - 8]:
            del self.rounds[old]
        self.next_renew = now + self.timing.renew
        msg = PaxosMsg(
            PaxosOp.LEASE,
            self.epoch,
            last_committed=self.storage.last_committed(),
            lease_until=self.majority_time + self.timing.old_lease_wait,
            round=self.lease_round,
        )
        out.extend(Send(p, msg) for p in sorted(self.peons))

    def _on_lease_ack(self, frm: int, msg: PaxosMsg, out: list[Action]) -> None:
        entry = self.rounds.get(msg.round)
        if entry is None:
            return
        sent, acks = entry
        acks.add(frm)
        if len(acks) >= self.majority:
            self.majority_time = max(self.majority_time, sent)
        if acks >= self.quorum:
            self.last_full_ack = max(self.last_full_ack, sent)

    # --- peon -------------------------------------------------------------------------------

    def _on_collect(self, frm: int, msg: PaxosMsg, out: list[Action]) -> None:
        s = self.storage
        if msg.pn > s.accepted_pn():
            s.promise(msg.pn)
        self.phase, self.has_lease = Phase.RECOVERING, False
        self.lease_timeout_at = self.clock() + self.timing.ack_timeout + self.timing.accept_timeout
        out.append(Send(frm, last_reply(s, self.epoch, msg.last_committed)))

    def _on_share(self, frm: int, msg: PaxosMsg, out: list[Action]) -> None:
        learn(self.storage, msg, out)

    def _on_begin(self, frm: int, msg: PaxosMsg, out: list[Action]) -> None:
        s = self.storage
        if msg.pn < s.accepted_pn() or not msg.values:
            return
        if msg.version != s.last_committed() + 1:
            out.append(CallElection(f"begin of v{msg.version} but we are at v{s.last_committed()}"))
            return
        s.accept(msg.version, msg.pn, msg.values[0][1])
        self.phase = Phase.UPDATING
        out.append(Send(frm, PaxosMsg(PaxosOp.ACCEPT, self.epoch, pn=msg.pn, version=msg.version)))

    def _on_commit(self, frm: int, msg: PaxosMsg, out: list[Action]) -> None:
        s = self.storage
        if msg.version <= s.last_committed() or not msg.values:
            return
        if msg.version != s.last_committed() + 1:
            out.append(
                CallElection(f"commit of v{msg.version} but we are at v{s.last_committed()}")
            )
            return
        s.commit(msg.version, msg.values[0][1])
        out.append(Committed(msg.version, msg.values[0][1], None))
        if self.phase is Phase.UPDATING:
            self.phase = Phase.ACTIVE if self.has_lease else Phase.RECOVERING

    def _on_lease(self, frm: int, msg: PaxosMsg, out: list[Action]) -> None:
        s = self.storage
        if msg.last_committed != s.last_committed():
            out.append(
                CallElection(f"lease at v{msg.last_committed} but we are at v{s.last_committed()}")
            )
            return
        now = self.clock()
        first = not self.has_lease
        self.has_lease = True
        self.lease_until = max(self.lease_until, msg.lease_until)
        self.lease_timeout_at = now + self.timing.ack_timeout
        if self.phase is Phase.RECOVERING:
            self.phase = Phase.ACTIVE
        ack = PaxosMsg(
            PaxosOp.LEASE_ACK, self.epoch, round=msg.round, last_committed=msg.last_committed
        )
        out.append(Send(frm, ack))
        if first:
            out.append(Readable())


_Handler = Callable[[Paxos, int, PaxosMsg, list[Action]], None]
_L, _P = Role.LEADER, Role.PEON
_TABLE: dict[tuple[Role, PaxosOp], _Handler] = {
    (_L, PaxosOp.LAST): Paxos._on_last,
    (_L, PaxosOp.ACCEPT): Paxos._on_accept,
    (_L, PaxosOp.LEASE_ACK): Paxos._on_lease_ack,
    (_P, PaxosOp.COLLECT): Paxos._on_collect,
    (_P, PaxosOp.SHARE): Paxos._on_share,
    (_P, PaxosOp.BEGIN): Paxos._on_begin,
    (_P, PaxosOp.COMMIT): Paxos._on_commit,
    (_P, PaxosOp.LEASE): Paxos._on_lease,
}
