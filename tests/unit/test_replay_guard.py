"""The anti-replay core (`sim.replay`): the sender's numbering and the
receiver's window, floor and age check, driven without processes."""

from __future__ import annotations

import itertools
import random

import pytest

from sim import replay
from sim.replay import (
    MAX_FRAME_AGE,
    MISDIRECTED,
    REPLAYED,
    SEQ_MAX,
    STALE,
    WINDOW_BITS,
    ReplayGuard,
    Route,
    Sequencer,
)

T0 = 1_800_000_000.0  # the receiver's start time


def guard(name: str = "mon.a", **kw: float) -> ReplayGuard:
    return ReplayGuard(name, Sequencer(itertools.count(100).__next__), T0, **kw)  # type: ignore[arg-type]


def route(seq: int, nonce: int = 7, stamp: float = T0 + 1, dest: str = "mon.a") -> Route:
    return Route(dest, 0, nonce, seq, stamp)


# --- the window -------------------------------------------------------------------


def test_in_order_frames_are_taken_once() -> None:
    g = guard()
    assert [g.check("client.a", route(s), T0 + 1) for s in range(1, 50)] == [""] * 49
    assert [g.check("client.a", route(s), T0 + 1) for s in range(1, 50)] == [REPLAYED] * 49


def test_reordered_within_the_window_is_taken_once() -> None:
    g = guard()
    seqs = list(range(1, WINDOW_BITS + 1))
    random.Random(5).shuffle(seqs)
    assert all(g.check("client.a", route(s), T0 + 1) == "" for s in seqs)
    assert all(g.check("client.a", route(s), T0 + 1) == REPLAYED for s in seqs)


def test_window_edges() -> None:
    g = guard()
    top = 5000
    assert g.check("c", route(top), T0 + 1) == ""
    # the oldest seq the window still covers is taken, one older is not
    assert g.check("c", route(top - (WINDOW_BITS - 1)), T0 + 1) == ""
    assert g.check("c", route(top - WINDOW_BITS), T0 + 1) == REPLAYED
    assert g.check("c", route(top - (WINDOW_BITS - 1)), T0 + 1) == REPLAYED
    # a jump past the whole window forgets the old bitmap but not the top
    assert g.check("c", route(top + WINDOW_BITS + 10), T0 + 1) == ""
    assert g.check("c", route(top), T0 + 1) == REPLAYED
    assert g.check("c", route(top + 11), T0 + 1) == ""  # the oldest the window covers now
    assert g.check("c", route(top + 11), T0 + 1) == REPLAYED


def test_gaps_are_fine_and_filled_once() -> None:
    g = guard()
    for s in (1, 3, 10, 11):
        assert g.check("c", route(s), T0 + 1) == ""
    for s in (2, 9, 4):
        assert g.check("c", route(s), T0 + 1) == ""
    assert [g.check("c", route(s), T0 + 1) for s in (1, 2, 3, 4, 9, 10, 11)] == [REPLAYED] * 7


def test_windows_are_per_sender_and_nonce() -> None:
    g = guard()
    assert g.check("client.a", route(1), T0 + 1) == ""
    assert g.check("client.b", route(1), T0 + 1) == ""  # another sender
    assert g.check("client.a", route(1, nonce=8), T0 + 1) == ""  # a new incarnation
    assert g.check("client.a", route(1), T0 + 1) == REPLAYED


# --- destination ------------------------------------------------------------------


def test_a_frame_for_someone_else_is_misdirected() -> None:
    g = guard("mon.b")
    assert g.check("client.a", route(1, dest="mon.a"), T0 + 1) == MISDIRECTED
    assert g.check("client.a", route(1, dest=""), T0 + 1) == MISDIRECTED
    assert g.check("client.a", route(1, dest="mon.b"), T0 + 1) == ""  # seq 1 not used up


def test_a_reply_to_another_incarnation_is_misdirected() -> None:
    g = guard("client.admin")
    mine = next(iter(g.own.nonces))
    assert g.check("mon.a", Route("client.admin", mine + 1, 7, 1, T0 + 1), T0 + 1) == MISDIRECTED
    assert g.check("mon.a", Route("client.admin", mine, 7, 1, T0 + 1), T0 + 1) == ""
    assert g.check("mon.a", Route("client.admin", 0, 7, 2, T0 + 1), T0 + 1) == ""


# --- age, floor, memory -------------------------------------------------------------


def test_too_old_or_too_far_ahead_is_stale() -> None:
    g = guard()
    now = T0 + 10 * MAX_FRAME_AGE
    assert g.check("c", route(1, stamp=now - MAX_FRAME_AGE - 1), now) == STALE
    assert g.check("c", route(2, stamp=now + MAX_FRAME_AGE + 1), now) == STALE
    assert g.check("c", route(3, stamp=now - MAX_FRAME_AGE + 1), now) == ""


def test_a_frame_sent_before_the_receiver_started_is_stale() -> None:
    """A restarted receiver forgot its windows; what was captured before it
    started cannot be fed to it, even within the age limit."""
    g = guard()
    assert g.check("c", route(1, stamp=T0 - 1), T0 + 1) == STALE
    assert g.check("c", route(1, stamp=T0 + 0.5), T0 + 1) == ""


def test_an_idle_window_is_forgotten_and_its_frames_stay_refused() -> None:
    g = guard(max_age=10, idle=20)
    for s in range(1, 6):
        assert g.check("c", route(s, stamp=T0 + s), T0 + s) == ""
    # another sender keeps talking long after c went quiet
    later = T0 + 100
    assert g.check("d", route(1, stamp=later), later) == ""
    assert ("c", 7) not in g.windows and g.floor == T0 + 5
    # c's old frames: stale by age; with their stamps rewritten they would not verify
    assert g.check("c", route(3, stamp=T0 + 3), later) == STALE
    # c itself may go on under the same nonce
    assert g.check("c", route(6, stamp=later), later) == ""


def test_a_forced_eviction_keeps_a_floor() -> None:
    """With more live windows than the limit, the least recently heard is
    forgotten; a frame it had taken, replayed within the age, is still refused."""
    g = guard(max_windows=3)
    for i, who in enumerate("abcd"):
        assert g.check(who, route(1, stamp=T0 + 1 + i), T0 + 5) == ""
    assert len(g.windows) == 3 and ("a", 7) not in g.windows
    assert g.check("a", route(1, stamp=T0 + 1), T0 + 5) == STALE  # replayed after eviction
    # a sender whose window was forgotten goes on with newer frames
    assert g.check("a", route(2, stamp=T0 + 6), T0 + 6) == ""
    # and its window remembers the floor for its older frames
    assert g.check("a", route(1, stamp=T0 + 1), T0 + 6) == STALE


def test_memory_is_bounded() -> None:
    g = guard(max_windows=50)
    for i in range(2000):
        g.check(f"client.{i}", route(1, nonce=i + 1, stamp=T0 + 1 + i * 1e-3), T0 + 3)
    assert len(g.windows) == 50


def test_a_window_must_outlive_the_age_it_guards() -> None:
    with pytest.raises(ValueError):
        guard(max_age=10, idle=5)


# --- the sender ---------------------------------------------------------------------


def test_seq_counts_per_destination_from_one() -> None:
    s = Sequencer(lambda: 9)
    assert [s.route("mon.a", 0, T0).seq for _ in range(3)] == [1, 2, 3]
    first_b = s.route("mon.b", 0, T0).seq
    assert first_b > 3  # a new counter starts above every seq given so far
    assert s.route("mon.b", 0, T0).seq == first_b + 1
    assert s.route("mon.a", 0, T0).seq == 4


def test_a_forgotten_counter_restarts_above_what_it_gave() -> None:
    s = Sequencer(lambda: 9, limit=2)
    g = ReplayGuard("mon.a", Sequencer(), T0)
    seen = [s.route("mon.a", 0, T0 + 1) for _ in range(5)]
    for i in range(10):
        s.route(f"osd.{i}", 0, T0 + 1)  # pushes mon.a's counter out
    again = s.route("mon.a", 0, T0 + 1)
    assert again.seq > max(r.seq for r in seen)
    for r in [*seen, again]:
        assert g.check("mgr.x", r, T0 + 1) == ""


def test_wrap_draws_a_new_nonce() -> None:
    nonces = iter([11, 12, 13])
    s = Sequencer(lambda: next(nonces), seq_max=3)
    g = ReplayGuard("mon.a", Sequencer(), T0)
    routes = [s.route("mon.a", 0, T0 + 1) for _ in range(7)]
    assert [(r.nonce, r.seq) for r in routes] == [
        (11, 1), (11, 2), (11, 3), (12, 1), (12, 2), (12, 3), (13, 1),
    ]  # fmt: skip
    assert s.nonces == {11, 12, 13}
    assert all(g.check("mgr.x", r, T0 + 1) == "" for r in routes)
    assert all(g.check("mgr.x", r, T0 + 1) == REPLAYED for r in routes)


def test_the_widest_seq_is_accepted() -> None:
    g = guard()
    assert g.check("c", route(SEQ_MAX), T0 + 1) == ""
    assert g.check("c", route(SEQ_MAX), T0 + 1) == REPLAYED
    assert g.check("c", route(SEQ_MAX - WINDOW_BITS + 1), T0 + 1) == ""


def test_route_fields_round_trip_and_are_checked() -> None:
    r = Route("mon.a", 5, 7, 9, T0)
    assert Route.from_fields(r.fields()) == r
    for bad in (
        [1, 0, 7, 9, T0], ["m", -1, 7, 9, T0], ["m", 0, 0, 9, T0], ["m", 0, 7, 0, T0],
        ["m", 0, 7, 2**64, T0], ["m", 0, 7, 9, "now"], ["m", 0, 7, 9, float("inf")],
        ["m", 0, 7, True, T0], ["m", 0, 7, 9, None],
    ):  # fmt: skip
        with pytest.raises(ValueError):
            Route.from_fields(bad)


def test_a_nonce_is_random_and_non_zero() -> None:
    assert len({replay.new_nonce() for _ in range(100)}) == 100


def test_drops_are_logged_at_most_once_a_second_per_reason() -> None:
    g = guard()
    logged = [g.should_log(REPLAYED, T0 + t / 10) for t in range(25)]
    assert logged.count(True) == 3 and logged[0] and logged[10] and logged[20]
    assert g.should_log(STALE, T0 + 0.05)  # another reason has its own interval
