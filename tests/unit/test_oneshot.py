"""`sim.oneshot.OneShot` against fake mons on real ZeroMQ sockets (oneshot_fakes)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import zmq

from sim.auth.reject import PermissionDenied
from sim.codec import MAX_FRAME_BYTES
from sim.messages import Command, CommandReply, Envelope, Message, Retry
from sim.monc_policy import MGR_RESENDS, MgrCommandLost, MonUnavailable
from sim.oneshot import OneShot
from sim.replay import Route
from sim.wire import FrameTooLarge
from tests.unit.oneshot_fakes import FakeMon, make_run_dir
from tests.unit.oneshot_fakes import FakeMon as FakeMgr


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def ctx() -> Iterator[zmq.Context]:
    c = zmq.Context()
    yield c
    c.destroy(linger=0)


def test_hunt_skips_a_dead_mon_and_one_out_of_quorum(tmp_path: Path, ctx: zmq.Context) -> None:
    mons = [FakeMon(ctx, "mon.b"), FakeMon(ctx, "mon.c")]
    run, signer = make_run_dir(tmp_path, [_dead_port()] + [m.port for m in mons])
    try:
        mons[0].in_quorum = False
        for m in mons:
            m.start(run.spec().fsid, signer)
        shot = OneShot(tmp_path)
        try:
            reply = shot.mon_command({"prefix": "status"}, b"", 1.5)
        finally:
            shot.close()
        assert reply.retval == 0 and reply.outbuf == b"ok mon.c"
        assert mons[0].commands == [] and mons[1].commands == [{"prefix": "status"}]
    finally:
        for m in mons:
            m.stop()


@contextmanager
def _running(tmp_path: Path, *fakes: FakeMon) -> Iterator[OneShot]:
    """The fakes up (with the first's fsid and key), a `OneShot` on the run
    directory; both closed afterwards, whatever happens."""
    started: list[FakeMon] = []
    try:
        for f in fakes:
            f.start(fakes[0].fsid, fakes[0].signer)
            started.append(f)
        shot = OneShot(tmp_path)
        try:
            yield shot
        finally:
            shot.close()
    finally:
        for f in started:
            f.stop()


def _cluster(tmp_path: Path, ctx: zmq.Context, n: int, **options: object) -> list[FakeMon]:
    mons = [FakeMon(ctx, f"mon.{chr(97 + i)}") for i in range(n)]
    run, signer = make_run_dir(tmp_path, [m.port for m in mons], **options)
    for m in mons:
        m.fsid, m.signer = run.spec().fsid, signer
    return mons


def test_a_mon_out_of_quorum_is_asked_again_within_the_round(
    tmp_path: Path, ctx: zmq.Context
) -> None:
    # a round of 5 s (Ceph's default is 3 s), so that the quorum comes within the first
    (mon,) = _cluster(tmp_path, ctx, 1, mon_client_hunt_interval=5.0)
    mon.in_quorum = False
    joins = threading.Timer(
        0.3, lambda: setattr(mon, "in_quorum", True)
    )  # the fault: a late quorum
    failed_rounds: list[float] = []
    with _running(tmp_path, mon) as shot:
        fail = shot.backoff.failed
        shot.backoff.failed = lambda: failed_rounds.append(fail()) or failed_rounds[-1]  # type: ignore[method-assign]
        joins.start()
        try:
            reply = shot.mon_command({"prefix": "health"}, b"", 2.5)
        finally:
            joins.cancel()
    assert reply.retval == 0 and mon.hellos >= 2
    assert failed_rounds == []  # found in the first round: no round failed and paused


def test_retry_is_asked_again_until_answered(tmp_path: Path, ctx: zmq.Context) -> None:
    (mon,) = _cluster(tmp_path, ctx, 1)
    answers: list[Message] = [Retry(reason="electing"), Retry(reason="electing")]
    mon.answer = lambda c: answers.pop(0) if answers else CommandReply(retval=0, outbuf=b"done")
    with _running(tmp_path, mon) as shot:
        reply = shot.mon_command({"prefix": "health"}, b"", 1.5)
    assert reply.outbuf == b"done" and len(mon.commands) == 3


def test_retries_past_the_deadline_time_out_with_the_reason(
    tmp_path: Path, ctx: zmq.Context
) -> None:
    (mon,) = _cluster(tmp_path, ctx, 1)
    mon.answer = lambda c: Retry(reason="paxos is recovering")
    timed_out = pytest.raises(MonUnavailable, match="timed out: paxos is recovering")
    with _running(tmp_path, mon) as shot, timed_out:
        shot.mon_command({"prefix": "health"}, b"", 0.6)
    assert len(mon.commands) >= 2


def test_a_refused_key_is_permission_denied_not_a_timeout(tmp_path: Path, ctx: zmq.Context) -> None:
    (mon,) = _cluster(tmp_path, ctx, 1)
    mon.refuse = True
    with _running(tmp_path, mon) as shot:
        t0 = time.monotonic()
        with pytest.raises(PermissionDenied):
            shot.mon_command({"prefix": "health"}, b"", 5.0)
        assert time.monotonic() - t0 < 2.0
    assert len(mon.commands) == 1


def test_a_replayed_reply_is_ignored(tmp_path: Path, ctx: zmq.Context) -> None:
    (mon,) = _cluster(tmp_path, ctx, 1)
    first: list[Route] = []

    def raw(env: Envelope) -> list[list[bytes]]:
        route = mon.seqs.route(env.sender, 0, time.time())
        if not first:  # the first command: answered, its route kept
            first.append(route)
            return [mon.frames(env, CommandReply(retval=0, outbuf=b"one"), route)]
        # the second: the first's route again (a replay), then a genuine answer
        replayed = mon.frames(env, CommandReply(retval=0, outbuf=b"replayed"), first[0])
        return [replayed, mon.frames(env, CommandReply(retval=0, outbuf=b"two"), route)]

    mon.raw = raw
    with _running(tmp_path, mon) as shot:
        one = shot.mon_command({"prefix": "health"}, b"", 1.5)
        two = shot.mon_command({"prefix": "status"}, b"", 1.5)
    assert (one.outbuf, two.outbuf) == (b"one", b"two")
    assert len(mon.commands) == 2


def test_a_reply_over_the_size_limit_fails_that_call(tmp_path: Path, ctx: zmq.Context) -> None:
    (mon,) = _cluster(tmp_path, ctx, 1)

    def raw(env: Envelope) -> list[list[bytes]]:
        ok = mon.frames(env, CommandReply(retval=0, outbuf=b"x"))
        return [[ok[0], ok[1], b"\0" * (MAX_FRAME_BYTES + 1)]]  # never decoded: too big

    mon.raw = raw
    with _running(tmp_path, mon) as shot:
        t0 = time.monotonic()
        with pytest.raises(FrameTooLarge):
            shot.mon_command({"prefix": "health"}, b"", 5.0)
        assert time.monotonic() - t0 < 2.0
    assert len(mon.commands) == 1


def test_retry_out_of_quorum_hunts_another_mon(tmp_path: Path, ctx: zmq.Context) -> None:
    mons = _cluster(tmp_path, ctx, 2)
    answered: list[str] = []

    def answer_as(mon: FakeMon) -> Callable[[Command], Message | None]:
        def answer(c: Command) -> Message | None:
            if not answered:  # the first mon asked leaves the quorum
                answered.append(mon.name)
                mon.in_quorum = False
                return Retry(reason="out of quorum", in_quorum=False)
            return CommandReply(retval=0, outbuf=mon.name.encode())

        return answer

    for m in mons:
        m.answer = answer_as(m)
    with _running(tmp_path, *mons) as shot:
        reply = shot.mon_command({"prefix": "health"}, b"", 1.8)
    other = next(m for m in mons if m.name != answered[0])
    assert reply.outbuf == other.name.encode()
    assert [len(m.commands) for m in mons] == [1, 1]


def test_a_session_lost_during_a_command_resends_it(tmp_path: Path, ctx: zmq.Context) -> None:
    mons = _cluster(tmp_path, ctx, 2)
    for m in mons:
        m.die_on_command = True
    with _running(tmp_path, *mons) as shot:
        shot._session(time.monotonic() + 1.5)  # noqa: SLF001 - which mon won the hunt
        first = next(m for m in mons if m.name == f"mon.{shot.mon_name}")
        other = next(m for m in mons if m is not first)
        other.die_on_command = False
        reply = shot.mon_command({"prefix": "health"}, b"", 1.8)
    assert reply.outbuf == b"ok " + other.name.encode()
    assert (len(first.commands), len(other.commands)) == (1, 1)


def test_mgr_command_follows_the_mgrmap_to_the_next_active(
    tmp_path: Path, ctx: zmq.Context
) -> None:
    (mon,) = _cluster(tmp_path, ctx, 1)
    x, y = FakeMgr(ctx, "mgr.x"), FakeMgr(ctx, "mgr.y")
    x.die_on_command = True
    x.on_die = lambda: mon.set_mgrmap("y", y.port)
    mon.set_mgrmap("x", x.port)
    with _running(tmp_path, mon, x, y) as shot:
        reply = shot.mgr_command({"prefix": "mgr services"}, b"", 1.8)
    assert reply.outbuf == b"ok mgr.y"
    assert (len(x.commands), len(y.commands), len(mon.commands)) == (1, 1, 0)


def test_mgr_command_lost_past_mgr_resends(tmp_path: Path, ctx: zmq.Context) -> None:
    (mon,) = _cluster(tmp_path, ctx, 1)
    mgrs = [FakeMgr(ctx, f"mgr.{n}") for n in "xyz"]
    for i, m in enumerate(mgrs[:-1]):
        m.die_on_command = True
        m.on_die = lambda i=i: mon.set_mgrmap("xyz"[i + 1], mgrs[i + 1].port)
    mon.set_mgrmap("x", mgrs[0].port)
    with _running(tmp_path, mon, *mgrs) as shot, pytest.raises(MgrCommandLost):
        shot.mgr_command({"prefix": "mgr services"}, b"", 1.8)
    assert MGR_RESENDS == 1  # x, then y once; z never asked
    assert [len(m.commands) for m in mgrs] == [1, 1, 0]
