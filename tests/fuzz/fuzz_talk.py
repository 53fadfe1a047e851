"""Talking to one daemon during the frame fuzz: the oracle (the test's own `wire.decode`),
DEALER sockets, sprays of frames and bursts of requests whose replies are collected.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import zmq

from sim import wire
from sim.auth import reject
from sim.messages import Admin, Envelope, MsgType
from sim.replay import ReplayGuard
from sim.testing import ConditionTimeout, wait_until

from .fuzz_values import (
    BURST,
    N_MUTATED,
    N_RANDOM,
    N_SIGNED_GARBAGE,
    REPLY_TIMEOUT,
    SEND_TIMEOUT_MS,
    short,
)
from .fuzz_wire import Request, Shot, Wire

# --- talking to one daemon ----------------------------------------------------


def oracle(frames: list[bytes], w: Wire) -> str:
    """What the daemons' decoder makes of these frames (its own code, run here):
    a drop reason, "" if it accepts them, or "!error" if it fails."""
    try:
        wire.decode(frames, w.signer, w.fsid)
    except wire.Dropped as exc:
        return exc.reason
    except Exception as exc:  # the decoder must only ever raise Dropped
        return f"!{exc.__class__.__name__}: {str(exc)[:80]}"
    return ""


@dataclass
class Report:
    """What we sent to one daemon, and what its decoder and its replay guard
    must refuse. ``guard`` is our model of the daemon's `ReplayGuard` (same
    name and floor), fed every frame we send it, in order."""

    guard: ReplayGuard | None = None
    sent: int = 0
    kinds: collections.Counter[str] = field(default_factory=collections.Counter)
    expected_drops: collections.Counter[str] = field(default_factory=collections.Counter)
    decoder_errors: list[str] = field(default_factory=list)

    def verdict(self, frames: list[bytes], w: Wire) -> str:
        """The daemon's verdict on these frames, sent now: the decoder's, then the guard's."""
        verdict = oracle(frames, w)
        if verdict or self.guard is None:
            return verdict
        env = wire.decode(frames, w.signer, w.fsid)
        return self.guard.check(env.sender, env.route, time.time()) if env.route else "malformed"

    def account(self, frames: list[bytes], kind: str, w: Wire) -> str:
        verdict = self.verdict(frames, w)
        if verdict.startswith("!"):
            self.decoder_errors.append(f"{kind}: {verdict[1:]}")
        elif verdict:
            self.expected_drops[verdict] += 1
        self.kinds[kind.split(":")[0]] += 1
        self.sent += 1
        return verdict


def dealer(ctx: zmq.Context[zmq.Socket[bytes]], endpoint: str) -> zmq.Socket[bytes]:
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.setsockopt(zmq.SNDTIMEO, SEND_TIMEOUT_MS)
    s.connect(endpoint)
    return s


def drain(sock: zmq.Socket[bytes]) -> None:
    while sock.poll(0):
        sock.recv_multipart()


def collect_replies(
    sock: zmq.Socket[bytes],
    w: Wire,
    want: dict[int, Request],
    got: dict[int, Envelope],
    problems: list[str],
    who: str,
) -> Callable[[], bool]:
    """A `wait_until` probe: read replies for a while; True once all arrived."""

    def probe() -> bool:
        while sock.poll(50):
            frames = sock.recv_multipart()
            if reject.refused_tid(frames, w.fsid) is not None:
                continue  # a mangled client request refused (EACCES): `sim.auth.reject`
            try:
                env = wire.decode(frames, w.signer, w.fsid)
            except wire.Dropped as exc:
                problems.append(f"{who} sent a reply we cannot decode: {exc}")
                continue
            if env.tid in want and env.tid not in got:
                got[env.tid] = env
        return all(t in got for t in want)

    return probe


def barrier(
    sock: zmq.Socket[bytes], w: Wire, who: str, report: Report, problems: list[str]
) -> bool:
    """Everything sent on ``sock`` before has been read by the daemon once it
    answers this request (one pipe is read in order)."""
    tid = w.unique_tid()
    req = Request(
        w.encode(Admin(cmd={"prefix": "status"}), tid), tid, MsgType.COMMAND_REPLY, "status"
    )
    got: dict[int, Envelope] = {}
    try:
        sock.send_multipart(req.frames)
        report.account(req.frames, "barrier", w)
        wait_until(
            collect_replies(sock, w, {tid: req}, got, problems, who),
            REPLY_TIMEOUT,
            f"{who} to answer after the barrage",
        )
    except (zmq.Again, ConditionTimeout) as exc:
        problems.append(f"{who} stopped answering after the barrage: {exc}")
        return False
    return True


def spray(
    ctx: zmq.Context[zmq.Socket[bytes]],
    endpoint: str,
    w: Wire,
    who: str,
    report: Report,
    problems: list[str],
) -> bool:
    # Each shot is made just before it is sent: its route's seq follows the
    # order of sending, so the replay guard takes those the decoder accepts.
    makers = [w.random_frames] * N_RANDOM + [w.signed_garbage] * N_SIGNED_GARBAGE
    makers += [w.mutated] * N_MUTATED
    w.rng.shuffle(makers)
    with dealer(ctx, endpoint) as sock:
        for i, make in enumerate(makers):
            shot = make()
            try:
                sock.send_multipart(shot.frames)
            except zmq.Again:
                problems.append(f"{who} stopped reading: send blocked after {i} frames")
                return False
            report.account(shot.frames, shot.kind, w)
            if i % 64 == 0:
                drain(sock)  # replies to replayed requests: read them so they never back up
        return barrier(sock, w, who, report, problems)


def hostile(
    ctx: zmq.Context[zmq.Socket[bytes]],
    endpoint: str,
    w: Wire,
    who: str,
    reqs: list[Request],
    shots: list[Shot],
    report: Report,
    problems: list[str],
) -> None:
    with dealer(ctx, endpoint) as sock:
        try:
            for shot in shots:
                sock.send_multipart(shot.frames)
                report.account(shot.frames, shot.kind, w)
            # A request its decoder refuses (nested too deep, say) is only counted.
            answerable = []
            for q in reqs:
                if oracle(q.frames, w) == "":
                    answerable.append(q)
                else:
                    sock.send_multipart(q.frames)
                    report.account(q.frames, f"hostile:{q.what}", w)
            for start in range(0, len(answerable), BURST):
                burst = answerable[start : start + BURST]
                if not request_burst(sock, w, who, burst, report, problems):
                    return  # it answers nothing any more; the checks below tell the rest
        except zmq.Again:
            problems.append(f"{who} stopped reading during the hostile requests")
        drain(sock)


def request_burst(
    sock: zmq.Socket[bytes],
    w: Wire,
    who: str,
    burst: list[Request],
    report: Report,
    problems: list[str],
) -> bool:
    """Send the requests, wait for every reply; False if none came."""
    want = {q.tid: q for q in burst}
    got: dict[int, Envelope] = {}
    for q in burst:
        sock.send_multipart(q.frames)
        report.account(q.frames, "hostile", w)
    try:
        wait_until(
            collect_replies(sock, w, want, got, problems, who), REPLY_TIMEOUT, f"{who} to answer"
        )
    except ConditionTimeout:
        missing = [q.what for t, q in want.items() if t not in got]
        problems.append(
            f"{who} left {len(missing)} of {len(burst)} hostile requests unanswered, e.g. "
            + "; ".join(short(m, 200) for m in missing[:4])
        )
    for t, env in got.items():
        if env.type is not want[t].reply_type:
            problems.append(f"{who} answered {want[t].what} with {env.type.value}")
    return bool(got)
