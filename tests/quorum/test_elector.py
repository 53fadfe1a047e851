"""The elector's pure state machine, without sockets: several `Elector`s joined
by a fake network (drops, partitions, dead mons) and a fake clock."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from mon.elector import (
    _TABLE,
    Ack,
    Action,
    CallElection,
    ElectionOp,
    ElectionStarted,
    Elector,
    ElectorState,
    Event,
    IllegalEvent,
    LeftQuorum,
    Lost,
    PeerUp,
    Propose,
    QuorumRecord,
    Send,
    Tick,
    Victory,
    Won,
)

TIMEOUT = 1.0


@dataclass
class Clock:
    now: float = 100.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Net:
    """Mons 0..n-1; messages are delivered in order until none are left."""

    n: int
    clock: Clock = field(default_factory=Clock)
    dead: set[int] = field(default_factory=set)
    cut: set[frozenset[int]] = field(default_factory=set)
    electors: list[Elector] = field(default_factory=list)
    queue: list[tuple[int, Send]] = field(default_factory=list)
    log: list[tuple[int, Action]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.electors = [Elector(r, self.n, self.clock, TIMEOUT) for r in range(self.n)]

    def feed(self, rank: int, event: Event) -> None:
        if rank in self.dead:
            return
        for a in self.electors[rank].handle(event):
            self.log.append((rank, a))
            if isinstance(a, Send):
                self.queue.append((rank, a))

    def run(self) -> None:
        while self.queue:
            frm, s = self.queue.pop(0)
            if s.to in self.dead or frozenset((frm, s.to)) in self.cut:
                continue
            if s.op is ElectionOp.PROPOSE:
                ev: Event = Propose(frm, s.epoch)
            elif s.op is ElectionOp.ACK:
                ev = Ack(frm, s.epoch, s.last_quorum)
            else:
                ev = Victory(frm, s.epoch, s.quorum)
            self.feed(s.to, ev)

    def advance(self, dt: float) -> None:
        """Let ``dt`` pass in small steps, ticking every live elector."""
        end = self.clock.now + dt
        while self.clock.now < end:
            self.clock.now = min(end, self.clock.now + TIMEOUT / 4)
            for r in range(self.n):
                self.feed(r, Tick())
            self.run()

    def call(self, rank: int, reason: str = "test") -> None:
        self.feed(rank, CallElection(reason))
        self.run()

    def states(self) -> list[str]:
        return [
            "dead" if r in self.dead else e.state.value[0].upper()
            for r, e in enumerate(self.electors)
        ]

    def quorum_of(self, rank: int) -> tuple[int, ...]:
        return self.electors[rank].quorum

    def actions(self, kind: type) -> list[tuple[int, Action]]:
        return [(r, a) for r, a in self.log if isinstance(a, kind)]


def test_a_single_mon_wins_at_once() -> None:
    net = Net(1)
    net.call(0)
    e = net.electors[0]
    assert e.state is ElectorState.LEADER and e.epoch == 2 and e.quorum == (0,)
    assert net.actions(Won) == [(0, Won(2, (0,), QuorumRecord()))]


def test_three_mons_all_up_the_lowest_rank_leads_without_waiting() -> None:
    net = Net(3)
    for r in (2, 1, 0):
        net.feed(r, CallElection("mon start"))
    net.run()
    assert net.states() == ["L", "P", "P"]
    assert [e.epoch for e in net.electors] == [2, 2, 2]
    assert net.quorum_of(1) == (0, 1, 2)
    assert net.clock.now == 100.0  # every mon acked: no timer needed


def test_epochs_are_odd_while_electing_and_even_when_settled() -> None:
    net = Net(3, dead={2})
    net.call(0)
    assert net.electors[0].epoch % 2 == 1 and net.electors[0].state is ElectorState.ELECTING
    net.advance(TIMEOUT)
    assert net.states() == ["L", "P", "dead"]
    assert net.electors[0].epoch % 2 == 0 and net.quorum_of(0) == (0, 1)


def test_a_mon_that_cannot_reach_a_majority_keeps_trying_and_never_leads() -> None:
    net = Net(3, dead={0, 1})
    net.call(2)
    net.advance(10 * TIMEOUT)
    e = net.electors[2]
    assert e.state is ElectorState.ELECTING and e.epoch % 2 == 1
    starts = [a for _, a in net.actions(ElectionStarted)]
    assert len(starts) > 5
    assert [a.first for a in starts].count(True) == 1  # logged once, retried quietly


def test_leader_death_gives_the_next_rank_the_lead() -> None:
    net = Net(3)
    net.call(0)
    net.dead.add(0)
    net.call(1, "lease timeout")
    net.call(2, "lease timeout")
    net.advance(TIMEOUT)
    assert net.states() == ["dead", "L", "P"]
    assert net.quorum_of(1) == (1, 2)
    won = net.actions(Won)[-1][1]
    assert isinstance(won, Won)
    assert won.previous == QuorumRecord(2, (0, 1, 2))


def test_a_restarted_mon_with_an_old_epoch_is_let_back_in() -> None:
    net = Net(3, dead={2})
    net.call(0)
    net.advance(TIMEOUT)
    assert net.quorum_of(0) == (0, 1)
    net.dead.discard(2)
    net.electors[2] = Elector(2, 3, net.clock, TIMEOUT)  # restarted: epoch 0
    net.call(2, "mon start")
    assert net.states() == ["L", "P", "P"]
    assert net.quorum_of(0) == (0, 1, 2)
    assert len({e.epoch for e in net.electors}) == 1


def test_a_minority_partition_keeps_electing_and_rejoins_after_heal() -> None:
    net = Net(3)
    net.call(0)
    net.cut |= {frozenset((2, 0)), frozenset((2, 1))}
    net.call(0, "lease ack timeout")
    net.call(2, "lease timeout")
    net.advance(3 * TIMEOUT)
    assert net.states() == ["L", "P", "E"]
    # left quorum events for everyone that had been in one
    assert {r for r, _ in net.actions(LeftQuorum)} >= {0, 1, 2}
    net.cut.clear()
    net.advance(3 * TIMEOUT)
    assert net.states() == ["L", "P", "P"]
    assert net.quorum_of(2) == (0, 1, 2)


def test_five_mons_the_lowest_live_rank_leads() -> None:
    net = Net(5, dead={0, 1})
    for r in (2, 3, 4):
        net.call(r)
    net.advance(TIMEOUT)
    assert net.states() == ["dead", "dead", "L", "P", "P"]
    assert net.quorum_of(2) == (2, 3, 4)


def test_five_mons_two_of_them_cannot_form_a_quorum() -> None:
    net = Net(5, dead={2, 3, 4})
    net.call(0)
    net.call(1)
    net.advance(5 * TIMEOUT)
    assert net.states()[:2] == ["E", "E"]


def test_a_propose_from_a_lower_rank_is_deferred_to() -> None:
    clock = Clock()
    e = Elector(1, 3, clock, TIMEOUT, epoch=4)
    out = e.handle(Propose(0, 5))
    assert e.epoch == 5 and e.leader_acked == 0
    assert Send(0, ElectionOp.ACK, 5, last_quorum=QuorumRecord()) in out


def test_a_propose_from_a_higher_rank_makes_us_run() -> None:
    e = Elector(0, 3, Clock(), TIMEOUT, epoch=4)
    out = e.handle(Propose(2, 5))
    assert e.electing_me and e.epoch == 5
    assert Send(1, ElectionOp.PROPOSE, 5) in out and Send(2, ElectionOp.PROPOSE, 5) in out


def test_an_old_propose_from_a_quorum_member_is_ignored() -> None:
    net = Net(3)
    net.call(0)
    assert net.electors[1].handle(Propose(2, 1)) == []


def test_a_victory_from_further_ahead_restarts_the_election() -> None:
    e = Elector(2, 3, Clock(), TIMEOUT, epoch=3)
    out = e.handle(Victory(0, 8, (0, 1, 2)))
    assert e.state is ElectorState.ELECTING and e.epoch == 9 and e.electing_me
    assert any(isinstance(a, ElectionStarted) for a in out)


def test_a_victory_for_our_epoch_makes_us_a_peon() -> None:
    e = Elector(2, 3, Clock(), TIMEOUT, epoch=3)
    out = e.handle(Victory(0, 4, (0, 2)))
    assert e.state is ElectorState.PEON and e.leader == 0
    assert Lost(4, 0, (0, 2)) in out
    assert e.last_quorum == QuorumRecord(4, (0, 2))


def test_peer_up_resends_a_lost_propose_or_ack() -> None:
    e = Elector(0, 3, Clock(), TIMEOUT)
    e.handle(CallElection("start"))
    assert e.handle(PeerUp(1)) == [Send(1, ElectionOp.PROPOSE, 1)]
    f = Elector(2, 3, Clock(), TIMEOUT)
    f.handle(Propose(0, 1))
    assert f.handle(PeerUp(0))[0].op is ElectionOp.ACK
    assert f.handle(PeerUp(1)) == []


def test_messages_from_ourselves_or_unknown_ranks_change_nothing() -> None:
    e = Elector(1, 3, Clock(), TIMEOUT, epoch=2)
    for ev in (Propose(1, 9), Propose(7, 9), Ack(-1, 9), Victory(5, 10, (1,))):
        assert e.handle(ev) == []
    assert e.epoch == 2


@pytest.mark.parametrize("state", list(ElectorState))
def test_every_event_has_a_transition_in_every_state(state: ElectorState) -> None:
    for kind in (CallElection, Propose, Ack, Victory, Tick, PeerUp):
        assert (state, kind) in _TABLE


def test_an_unknown_event_is_an_illegal_transition() -> None:
    e = Elector(0, 1, Clock(), TIMEOUT)
    with pytest.raises(IllegalEvent):
        e.handle(object())  # type: ignore[arg-type]
    assert e.state is ElectorState.ELECTING and e.epoch == 0


def test_random_fault_schedules_never_give_two_followed_leaders_in_one_epoch() -> None:
    import random

    for seed in range(30):
        rng = random.Random(seed)
        n = rng.choice([3, 5])
        net = Net(n)
        for r in range(n):
            net.call(r)
        leaders: dict[int, set[int]] = {}
        for _ in range(40):
            kind = rng.random()
            r = rng.randrange(n)
            if kind < 0.2:
                net.dead ^= {r}
                if r not in net.dead:
                    net.electors[r] = Elector(r, n, net.clock, TIMEOUT, epoch=net.electors[r].epoch)
                    net.call(r, "restart")
            elif kind < 0.4:
                net.cut ^= {frozenset((r, rng.randrange(n)))}
            elif kind < 0.5:
                net.call(r, "lease timeout")
            net.advance(rng.choice([0.1, 0.5, 1.5]) * TIMEOUT)
            for rank, e in enumerate(net.electors):
                if rank in net.dead or e.state is not ElectorState.LEADER:
                    continue
                followers = [
                    p
                    for p in e.quorum
                    if p != rank
                    and p not in net.dead
                    and net.electors[p].leader == rank
                    and net.electors[p].epoch == e.epoch
                ]
                if len(followers) == len(e.quorum) - 1:
                    leaders.setdefault(e.epoch, set()).add(rank)
        # At most one leader per epoch whose whole quorum follows it (Paxos's
        # collect needs every member, so only that one can ever serve).
        assert all(len(v) == 1 for v in leaders.values()), (seed, leaders)
        net.dead.clear()
        net.cut.clear()
        for r in range(n):
            net.call(r, "heal")
        net.advance(4 * TIMEOUT)
        assert net.states() == ["L"] + ["P"] * (n - 1), (seed, net.states())
