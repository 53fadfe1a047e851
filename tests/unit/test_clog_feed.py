"""The mgr's feed of new cluster-log entries (for modules' ``clog`` notify)."""

from __future__ import annotations

from mgr.host.clog_feed import ClogFeed


def entry(seq: int, priority: str = "[INF]", message: str = "m") -> dict:
    return {"seq": seq, "priority": priority, "message": message, "channel": "cluster"}


def test_first_map_is_history_then_only_new_non_debug_entries_once() -> None:
    feed = ClogFeed()
    assert feed.new_entries({"entries": [entry(1), entry(2)]}) == []
    got = feed.new_entries({"entries": [entry(2), entry(3), entry(4, "[DBG]"), entry(5, "[WRN]")]})
    assert [e["seq"] for e in got] == [3, 5]
    # the same snapshot again (a resubscription): nothing twice
    assert feed.new_entries({"entries": [entry(3), entry(5)]}) == []
    assert [e["seq"] for e in feed.new_entries({"entries": [entry(6, "[ERR]")]})] == [6]


def test_malformed_entries_are_ignored() -> None:
    feed = ClogFeed()
    feed.new_entries({"entries": []})
    body = {"entries": ["x", {"seq": "7"}, {"seq": True}, entry(8), None]}
    assert [e["seq"] for e in feed.new_entries(body)] == [8]
