"""The frame fuzz's replay stage: correctly signed frames sent again, twice in
a row, out of order, to the wrong daemon or incarnation, or stamped too old
or too far ahead, at one daemon (`sim.replay`).

Every frame is an ``Admin status`` request with its own tid, so the daemon's
answers say which frames it took: it must answer each tid exactly as many
times as the model of its replay guard (`Report.guard`) takes the frames
carrying it, and the model must refuse each attack for the reason the attack
was made for (the test checks its own oracle). The daemon's drop counters are
compared with the model's afterwards (`test_fuzz_frames.check_drops`).
"""

from __future__ import annotations

import collections
import time
from dataclasses import dataclass
from typing import Any

import zmq

from sim import wire
from sim.messages import Admin
from sim.replay import MAX_FRAME_AGE, MISDIRECTED, REPLAYED, STALE, WINDOW_BITS, Route, new_nonce
from sim.testing import ConditionTimeout, wait_until

from .fuzz_talk import Report, dealer
from .fuzz_values import REPLY_TIMEOUT
from .fuzz_wire import Wire

IN_ORDER = 24  # requests of the first burst, sent shuffled (reordered within the window)


@dataclass
class Frame:
    frames: list[bytes]
    tid: int
    expect: str  # the verdict the frame was made for: "" (taken) or a drop reason
    what: str


def status_request(w: Wire, route: Route, expect: str, what: str) -> Frame:
    tid = next(w.tids)
    return Frame(w.encode(Admin(cmd={"prefix": "status"}), tid, route), tid, expect, what)


def routed(w: Wire, **change: Any) -> Route:
    """The next route of the fuzz incarnation with some fields changed."""
    return w.route()._replace(**change)


def legitimate(w: Wire) -> tuple[list[Frame], list[Frame]]:
    """Frames the daemon must take: a burst sent shuffled, then a second
    incarnation that jumps far ahead and one of its frames that arrives late."""
    burst = [status_request(w, w.route(), "", "in order") for _ in range(IN_ORDER)]
    w.rng.shuffle(burst)
    nonce2, now = new_nonce(), time.time()
    top = WINDOW_BITS + 100
    late = [
        status_request(w, Route(w.dest, 0, nonce2, top, now), "", "far ahead"),
        status_request(w, Route(w.dest, 0, nonce2, top - 7, now), "", "late, within the window"),
    ]
    behind = [
        status_request(w, Route(w.dest, 0, nonce2, seq, now), REPLAYED, "behind the window")
        for seq in (1, 2, top - WINDOW_BITS)
    ]
    return burst + late, behind


def attacks(
    w: Wire, taken: list[Frame], behind: list[Frame], others: list[str], floor: float
) -> list[Frame]:
    """Frames the daemon must refuse, in the order they are sent."""
    r = w.rng
    out = [Frame(f.frames, f.tid, REPLAYED, f"replay of {f.what}") for f in reversed(taken)]
    for _ in range(6):  # duplicated: a fresh frame twice in a row (taken once)
        f = status_request(w, w.route(), "", "fresh")
        out += [f, Frame(f.frames, f.tid, REPLAYED, "its duplicate")]
    out += behind
    for other in others:  # a frame for another daemon sent to this one
        out.append(status_request(w, w.route(other), MISDIRECTED, f"for {other}"))
    for _ in range(3):  # for an incarnation of this daemon that never was
        out.append(
            status_request(
                w, routed(w, dest_nonce=new_nonce()), MISDIRECTED, "for another incarnation"
            )
        )
    now = time.time()
    for stamp, what in [
        (now - 2 * MAX_FRAME_AGE, "sent long ago"),
        (now + 2 * MAX_FRAME_AGE, "stamped far ahead"),
        (floor - 5.0, "sent before the daemon started"),
    ]:
        out.append(status_request(w, routed(w, stamp=stamp), STALE, what))
        out.append(
            status_request(
                w, routed(w, nonce=new_nonce(), stamp=stamp), STALE, what + ", new incarnation"
            )
        )
    # finally every refused frame once more, reordered
    again = [Frame(f.frames, f.tid, f.expect or REPLAYED, f"again: {f.what}") for f in out]
    r.shuffle(again)
    return out + again


def replay_stage(
    ctx: zmq.Context[zmq.Socket[bytes]],
    endpoint: str,
    w: Wire,
    who: str,
    others: list[str],
    report: Report,
    problems: list[str],
) -> None:
    """Send the legitimate frames, wait for their answers, then the attacks and
    a last legitimate frame; every tid answered as often as the model takes it."""
    assert report.guard is not None
    w.dest = who
    taken, behind = legitimate(w)
    answers: collections.Counter[int] = collections.Counter()
    owed: collections.Counter[int] = collections.Counter()

    def send(sock: zmq.Socket[bytes], fs: list[Frame]) -> None:
        for f in fs:
            sock.send_multipart(f.frames)
            verdict = report.account(f.frames, f"replay:{f.expect or 'taken'}", w)
            if verdict != f.expect:
                problems.append(
                    f"{who}: the oracle says {verdict!r} of {f.what!r}, made for {f.expect!r}"
                )
            if not verdict:
                owed[f.tid] += 1

    def answered() -> bool:
        while sock.poll(50):
            try:
                env = wire.decode(sock.recv_multipart(), w.signer, w.fsid)
            except wire.Dropped as exc:
                problems.append(f"{who} sent a reply we cannot decode: {exc}")
                continue
            answers[env.tid] += 1
        return all(answers[t] >= n for t, n in owed.items())

    with dealer(ctx, endpoint) as sock:
        try:
            send(sock, taken)
            wait_until(answered, REPLY_TIMEOUT, f"{who} to answer reordered frames")
            send(sock, attacks(w, taken, behind, others, report.guard.floor))
            send(sock, [status_request(w, w.route(), "", "the last, fresh")])  # a barrier
            wait_until(answered, REPLY_TIMEOUT, f"{who} to answer after the replays")
        except (zmq.Again, ConditionTimeout) as exc:
            problems.append(f"{who} stopped answering during the replays: {exc}")
            return
    extra = {t: (answers[t], owed[t]) for t in answers if answers[t] > owed[t]}
    if extra:
        problems.append(f"{who} took replayed frames: tid -> (answers, frames taken) {extra}")
    print(f"{who}: replay stage, {sum(owed.values())} frames taken, {dict(report.kinds)}")
