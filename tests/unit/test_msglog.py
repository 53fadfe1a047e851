"""`sim.msglog`: bounded per period, the rest counted; the observer left out."""

from __future__ import annotations

from sim.msglog import MessageLog


def test_records_up_to_the_limit_then_counts() -> None:
    t = [10.0]
    log = MessageLog(clock=lambda: t[0], limit=3)
    for i in range(5):
        log.note("send", "mgr_beacon", "mon.a", tid=i, epoch=2, size=100)
    log.note("recv", "map", "mon.a")
    t[0] = 10.25
    batch = log.flush()
    assert batch is not None
    assert [r[4] for r in batch["records"]] == [0, 1, 2]
    assert batch["records"][0] == [10.0, "send", "mgr_beacon", "mon.a", 0, 2, 100, ""]
    assert batch["aggregated"] == [
        {"dir": "recv", "type": "map", "peer": "mon.a", "count": 1},
        {"dir": "send", "type": "mgr_beacon", "peer": "mon.a", "count": 2},
    ]
    assert (batch["since"], batch["until"]) == (10.0, 10.25)
    assert log.flush() is None  # nothing since


def test_the_observer_is_not_recorded() -> None:
    log = MessageLog()
    log.note("send", "event", "sim.supervisor")
    log.note("recv", "admin", "client.scenario")
    log.note("recv", "command", "client.scenario")
    log.note("send", "ping", "mon.b")
    assert log.flush() is None
    log.note("recv", "command", "client.admin")  # an operator's command is part of the story
    batch = log.flush()
    assert batch is not None and len(batch["records"]) == 1
