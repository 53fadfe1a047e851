"""Paxos (with the elector, through `QuorumCore`) on a fake network: commits,
recovery, catch-up, leases and the randomized safety checks, no sockets."""

from __future__ import annotations

import random

import pytest

from mon import paxos as px
from mon.elector import ElectorState
from tests.quorum.fakenet import TIMING, FakeCluster, MemStorage


def settled(n: int) -> FakeCluster:
    c = FakeCluster(n)
    c.start_all()
    c.settle(0.2)
    return c


def test_one_mon_commits_at_once() -> None:
    c = settled(1)
    m = c.mons[0]
    assert m.core.writeable() and m.core.readable()
    token = c.propose("k", 1)
    assert c.acked[token] == 1 and m.storage.data == {"k": 1}


def test_three_mons_commit_on_every_member_and_peons_read_under_lease() -> None:
    c = settled(3)
    assert c.states() == ["leader", "peon", "peon"]
    token = c.propose("k", "v1")
    c.deliver()
    assert c.acked[token] == 1
    assert [m.storage.data for m in c.mons] == [{"k": "v1"}] * 3
    assert all(m.core.readable() for m in c.mons)


def test_a_commit_needs_every_quorum_member() -> None:
    c = settled(3)
    c.pause(2)
    token = c.propose("k", "v")
    c.deliver()
    assert token not in c.acked  # mon 2 has not accepted
    assert not c.mons[1].core.readable()  # it accepted: no reads until the commit


def test_a_peon_that_accepted_does_not_serve_reads_until_the_commit() -> None:
    c = settled(3)
    c.propose("k", "v")
    c.deliver(limit=2)  # the two BEGINs
    assert any(m.core.paxos.phase is px.Phase.UPDATING for m in c.mons[1:])
    for m in c.mons[1:]:
        if m.core.paxos.phase is px.Phase.UPDATING:
            assert not m.core.readable()
    c.deliver()
    assert all(m.core.readable() for m in c.mons)


def test_leases_run_out_and_a_lonely_peon_stops_serving() -> None:
    c = settled(3)
    c.partition(2, 0)
    c.partition(2, 1)
    c.advance(TIMING.lease + TIMING.renew + 0.05)
    assert not c.mons[2].core.readable()
    c.advance(2.0)
    assert c.states() == ["leader", "peon", "electing"]


def test_a_new_leader_waits_out_old_leases_unless_everyone_is_in_the_quorum() -> None:
    c = settled(3)
    c.kill(0)
    c.advance(1.2)  # lease timeout + election
    leader = c.mons[1]
    assert leader.core.state is ElectorState.LEADER
    assert leader.core.readable() and not leader.core.writeable()
    c.advance(TIMING.old_lease_wait)
    assert leader.core.writeable()
    c.restart(0)
    c.deliver()
    c.advance(0.05)
    assert c.mons[0].core.writeable()  # all three: no wait


def test_an_acked_value_survives_the_leader_and_an_unacked_one_is_finished() -> None:
    c = settled(3)
    t1 = c.propose("a", 1)
    c.deliver()
    assert c.acked[t1] == 1
    c.propose("b", 2)
    c.deliver(limit=4)  # BEGINs and ACCEPTs, the leader commits...
    c.kill(0)  # ...but dies before anyone hears the COMMIT
    c.advance(3.0)
    assert c.mons[1].core.writeable()
    for m in c.mons[1:]:
        assert m.storage.data == {"a": 1, "b": 2}
        assert m.storage.lc == 2


def test_a_lagging_mon_catches_up_by_values_or_snapshot() -> None:
    c = settled(3)
    c.kill(2)
    c.advance(3.0)
    for i in range(5):
        c.propose(f"k{i}", i)
        c.deliver()
    c.restart(2)
    c.settle(1.0)
    assert c.mons[2].storage.data == c.mons[0].storage.data
    # far behind: more versions than the store keeps -> a snapshot
    c.kill(2)
    c.advance(3.0)
    for i in range(60):
        c.propose(f"x{i}", i)
        c.deliver()
    assert c.mons[0].storage.fc > c.mons[2].storage.lc + 1
    c.restart(2)
    c.settle(1.0)
    assert c.mons[2].storage.data == c.mons[0].storage.data
    assert c.mons[2].storage.lc == c.mons[0].storage.lc


def test_a_restarted_leader_behind_its_peons_learns_from_them() -> None:
    c = settled(3)
    c.kill(0)
    c.advance(3.0)
    for i in range(3):
        c.propose(f"k{i}", i)
        c.deliver()
    c.restart(0)  # lowest rank: it leads again, with the oldest store
    c.settle(1.0)
    assert c.mons[0].core.state is ElectorState.LEADER
    assert c.mons[0].storage.data == c.mons[1].storage.data
    token = c.propose("after", 1)
    c.deliver()
    assert token in c.acked


def test_a_higher_promise_makes_the_leader_collect_again() -> None:
    s = MemStorage()
    s.pn = 1_000_002
    c = FakeCluster(3)
    c.mons[1].storage.pn = 1_000_002
    c.start_all()
    c.settle(0.5)
    assert c.mons[0].core.writeable()
    assert c.mons[0].core.paxos.pn > 1_000_002


def test_lost_messages_lead_to_an_election_not_to_divergence() -> None:
    c = settled(3)
    c.propose("k", 1)
    # drop the COMMIT to mon 2
    c.deliver(limit=4)
    c.links[(0, 2)].clear()
    c.deliver()
    c.advance(3.0)
    assert len({m.storage.lc for m in c.mons}) == 1
    assert all(m.storage.data == {"k": 1} for m in c.mons)


def test_propose_when_not_writeable_is_a_named_error() -> None:
    c = FakeCluster(3)
    with pytest.raises(px.NotWriteable):
        c.mons[0].core.propose([("k", 1)], object())


@pytest.mark.parametrize("n", [3, 5])
def test_random_faults_keep_agreement_and_reads_never_go_back(n: int) -> None:
    """Kills, restarts, pauses, partitions and message reordering; checked after
    every step: one value per version on every mon; every acknowledged value is
    in the store of every mon that serves reads; the majority always recovers."""
    for seed in range(12):
        rng = random.Random(seed)
        history: dict[int, object] = {}
        c = FakeCluster(n, rng=rng, partial=True, checker=lambda c, h=history: _check(c, h))
        c.start_all()
        minority = (n - 1) // 2
        for step in range(150):
            r = rng.randrange(n)
            x = rng.random()
            faulty = [m.rank for m in c.mons if not c.up(m.rank)] + [
                i for pair in c.cut for i in pair
            ]
            if x < 0.05 and len(set(faulty) | {r}) <= minority:
                c.kill(r)
            elif x < 0.1:
                if not c.mons[r].alive:
                    c.restart(r)
                elif c.mons[r].paused:
                    c.resume(r)
            elif x < 0.15 and len(set(faulty) | {r}) <= minority:
                c.pause(r)
            elif x < 0.2 and len(set(faulty) | {r}) <= minority:
                c.partition(r, rng.randrange(n))
            elif x < 0.25:
                c.heal()
            elif x < 0.65:
                c.propose(f"k{step % 4}", step)
            if rng.random() < 0.7:
                c.deliver(limit=rng.randrange(1, 12))
            c.advance(rng.choice([0.01, 0.05, 0.2]))
        c.partial = False
        for m in c.mons:
            if not m.alive:
                c.restart(m.rank)
            m.paused = False
        c.heal()
        c.settle(4.0)
        assert c.leader() is not None, (seed, c.states())
        assert len({m.storage.lc for m in c.mons}) == 1, seed


def _check(c: FakeCluster, history: dict[int, object]) -> None:
    for m in c.mons:
        for v, value in m.storage.vals.items():
            prev = history.setdefault(v, value)
            assert prev == value, f"two values for v{v}"
    newest_acked = max(c.acked.values(), default=0)
    for m in c.mons:
        if c.up(m.rank) and m.core.readable():
            assert m.storage.lc >= newest_acked, (m.rank, m.storage.lc, newest_acked)


def test_a_cut_off_peon_with_a_running_lease_never_sees_a_newer_commit() -> None:
    """A mon coming back makes the majority re-elect at once, while a peon cut
    off from everyone still holds its lease: the new leader must not commit
    before that lease has run out (else the cut-off peon serves stale reads)."""
    history: dict[int, object] = {}
    c = FakeCluster(5, checker=lambda c, h=history: _check(c, h))
    c.kill(3)
    c.kill(4)
    c.start_all()
    c.settle(2.0)
    assert c.states()[:3] == ["leader", "peon", "peon"]
    assert c.propose("k", 1) is not None
    c.deliver()
    lease_round = c.mons[0].core.paxos.lease_round
    while c.mons[0].core.paxos.lease_round == lease_round:
        c.advance(0.01, step=0.01)  # until a fresh lease round went out and was acked
    for other in (0, 1, 3, 4):
        c.partition(2, other)
    c.restart(3)  # proposes: 0 and 1 call a new election at once
    tokens = []
    for _ in range(150):
        c.advance(0.01, step=0.01)
        t = c.propose("k", len(tokens) + 2)
        if t is not None:
            tokens.append(t)
    assert any(t in c.acked for t in tokens)


def test_a_mon_cut_off_from_the_leader_only_does_not_make_the_quorum_flap() -> None:
    """Mon 2 reaches mon 1 but not the leader: the peon does not follow its
    proposals while it hears the leader, so {0, 1} stays up and writeable."""
    from mon.elector import ElectionStarted, Won

    c = settled(3)
    c.partition(0, 2)
    c.advance(3.0)
    assert c.states() == ["leader", "peon", "electing"]
    wins = len([a for _, a in c.events if isinstance(a, Won)])
    c.advance(5.0)
    assert len([a for _, a in c.events if isinstance(a, Won)]) == wins  # stable
    assert c.mons[0].core.writeable()
    token = c.propose("k", "v")
    c.deliver()
    assert token in c.acked
    c.heal()
    c.advance(2.0)
    assert c.states() == ["leader", "peon", "peon"]
    assert c.mons[2].storage.data == {"k": "v"}
    assert any(isinstance(a, ElectionStarted) for r, a in c.events if r == 0)
