"""The history checker itself: it must see each kind of anomaly, and accept
the behaviours a correct system may show (indeterminate writes observed or
not, concurrent reads and writes in either order)."""

from __future__ import annotations

from tests.quorum.history import Op, check_registers, check_write_once


def w(v: int, t0: float, t1: float, outcome: str = "ok", key: str = "k") -> Op:
    return Op("w", "write", key, v, t0, t1, outcome)


def r(v: int, t0: float, t1: float, who: str = "r", key: str = "k") -> Op:
    return Op(who, "read", key, v, t0, t1, "ok")


def test_a_correct_history_has_no_anomaly() -> None:
    ops = [
        w(1, 0, 1),
        r(0, 0.5, 0.6),  # concurrent with the write: either value is fine
        r(1, 0.7, 0.8),
        w(2, 2, 3),
        r(1, 2.1, 2.2),
        r(2, 2.5, 2.6),
        r(2, 4, 5),
    ]
    assert check_registers(ops, {"k": 2}) == []


def test_a_stale_read_is_found() -> None:
    ops = [w(1, 0, 1), w(2, 2, 3), r(1, 4, 5)]
    (a,) = check_registers(ops, {"k": 2})
    assert a.startswith("stale read: k = 1")


def test_a_read_of_the_future_or_of_nothing_written_is_found() -> None:
    assert check_registers([w(1, 5, 6), r(1, 0, 1)], {"k": 1})[0].startswith("future read")
    assert check_registers([w(1, 0, 1), r(7, 2, 3)], {"k": 1})[0].startswith("future read")


def test_reads_going_back_in_time_are_found() -> None:
    ops = [w(1, 0, 10), r(1, 1, 2, "a"), r(0, 3, 4, "b")]
    (a,) = check_registers(ops, {"k": 1})
    assert a.startswith("non-monotonic read")


def test_an_indeterminate_write_may_or_may_not_show() -> None:
    ops = [w(1, 0, 1), w(2, 2, 7, "info"), r(2, 3, 4), r(2, 8, 9)]
    assert check_registers(ops, {"k": 2}) == []
    assert check_registers([w(1, 0, 1), w(2, 2, 7, "info"), r(1, 8, 9)], {"k": 1}) == []


def test_a_lost_acknowledged_write_is_found() -> None:
    (a,) = check_registers([w(1, 0, 1), w(2, 2, 3)], {"k": 1})
    assert a.startswith("lost write: k ends at 1")
    assert check_write_once({"once/1": "1"}, {"once/1": None})[0].startswith("lost write")
    assert check_write_once({"once/1": "1"}, {"once/1": "1"}) == []
