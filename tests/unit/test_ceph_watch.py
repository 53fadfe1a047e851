"""`ceph -w` without processes: flags → level and channel, the line format,
the follower's cursor (no gap, no duplicate), the mon's ``log-<level>``
subscriptions, and the CLI's argument parsing. Compared with real Ceph 16.2's
captures (``tests/data/ceph16/watch_*``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from mon.log_service import LogService
from mon.store import MonStore, Transaction
from mon.subscriptions import Subscriptions
from sim.ceph_cli import parse_cli
from sim.ceph_watch import LogFollower, WatchSpec, watch_line, watch_spec
from sim.messages import MapUpdate
from tests.golden import golden_text

# --- flags ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "watch, levels, channel, expected",
    [
        (True, [], None, WatchSpec("info", "cluster")),  # -w
        (False, [], "audit", WatchSpec("info", "audit")),  # --watch-channel implies -w
        (False, [], "*", WatchSpec("info", "*")),
        (True, ["debug"], None, WatchSpec("debug", "cluster")),
        (True, ["warn"], None, WatchSpec("warn", "cluster")),
        (True, ["debug", "warn"], None, WatchSpec("warn", "cluster")),  # alphabetical last wins
        (True, ["error", "debug"], None, WatchSpec("error", "cluster")),
        (True, ["sec", "info"], None, WatchSpec("sec", "cluster")),
        (False, ["debug"], "*", WatchSpec("debug", "*")),
        (False, ["warn"], None, WatchSpec("warn", None)),  # level alone: status only (16.2)
        (False, [], None, WatchSpec(None, None)),
    ],
)
def test_watch_spec_follows_ceph_in(
    watch: bool, levels: list[str], channel: str | None, expected: WatchSpec
) -> None:
    assert watch_spec(watch, levels, channel) == expected


def test_watch_spec_refuses_an_unknown_level() -> None:
    with pytest.raises(ValueError):
        watch_spec(True, ["loud"], None)


def test_parse_cli_watch_flags() -> None:
    a = parse_cli(["-w", "--watch-debug", "--watch-warn", "--watch-channel=audit"])
    assert (a.watch, a.watch_levels, a.watch_channel, a.words) == (
        True, {"debug", "warn"}, "audit", [],
    )  # fmt: skip
    b = parse_cli(["-W", "*", "--verbose"])
    assert (b.watching, b.watch_channel, b.verbose, b.words) == (True, "*", True, [])
    assert parse_cli(["--watch"]).watching
    assert parse_cli(["--watch-error"]).watch_levels == {"error"}
    assert not parse_cli(["mgr", "stat"]).watching
    # --admin-daemon keeps its own path: `-w` is not a word, a PATH is not a flag
    c = parse_cli(["--admin-daemon", "/x/run/ceph-mgr.x.asok", "help"])
    assert (c.admin_daemon, c.words, c.watching) == ("/x/run/ceph-mgr.x.asok", ["help"], False)


# --- lines ------------------------------------------------------------------------------

LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000 \S+ \[(DBG|INF|SEC|WRN|ERR)\] .+$")


def entry(
    seq: int, msg: str = "m", prio: str = "[INF]", channel: str = "cluster"
) -> dict[str, Any]:
    return {
        "name": "mon.a",
        "rank": "mon.0",
        "addrs": {"addrvec": []},
        "stamp": f"2026-12-03T10:36:52.{seq:06d}+0000",
        "seq": seq,
        "channel": channel,
        "priority": prio,
        "message": msg,
    }


def test_line_is_ceph_w_s() -> None:
    e = entry(341509, "Manager daemon x is now available")
    golden = golden_text("watch_w.txt").splitlines()
    assert watch_line(e) in golden
    assert LINE.match(watch_line(e))


@pytest.mark.parametrize("name", ["watch_w.txt", "watch_lv_w.txt", "watch_lv_channel_audit.txt"])
def test_golden_stream_shape(name: str) -> None:
    """Ceph's: the status block, one empty line, then only entry lines."""
    text = golden_text(name)
    status, sep, log = text.partition("\n \n\n")
    assert sep and status.startswith("  cluster:\n")
    lines = log.splitlines()
    assert lines and all(LINE.match(line) for line in lines)


# --- the follower: cursor and dedupe ------------------------------------------------------


def test_follower_starts_from_now_and_drops_resends() -> None:
    f = LogFollower("cluster")
    assert f.take(7, {"entries": []}) == []  # the baseline: from seq 7 on
    assert f.cursor == 7
    out = f.take(9, {"entries": [entry(7), entry(8, "a"), entry(9, "b")]})
    assert [line.rsplit(" ", 1)[1] for line in out] == ["a", "b"]
    # resubscribed elsewhere from 9: the mon resends 9, then 10 comes
    out = f.take(10, {"entries": [entry(9, "b"), entry(10, "c")]})
    assert [line.rsplit(" ", 1)[1] for line in out] == ["c"]
    assert f.skipped == 2 and f.cursor == 10


def test_follower_filters_channel_but_counts_every_entry() -> None:
    f = LogFollower("audit")
    f.take(0, {"entries": []})
    out = f.take(3, {"entries": [entry(1), entry(2, "x", channel="audit"), entry(3)]})
    assert len(out) == 1 and out[0].endswith("[INF] x")
    assert f.cursor == 3
    star = LogFollower("*")
    star.take(0, {"entries": []})
    assert len(star.take(2, {"entries": [entry(1), entry(2, channel="audit")]})) == 2
    assert LogFollower(None).take(1, {"entries": [entry(1)]}) == []  # level flag alone


def test_follower_ignores_entries_without_a_number() -> None:
    f = LogFollower("cluster")
    f.take(0, {"entries": []})
    assert f.take(1, {"entries": [{"message": "junk"}, entry(1)]}) != []


# --- the mon side ---------------------------------------------------------------------


def log_service(n: int) -> LogService:
    svc = LogService(50, lambda *a, **k: None)
    for i in range(1, n + 1):
        prio = "[DBG]" if i % 2 else "[INF]"
        svc.add("mon.a", "mon.0", {"addrvec": []}, prio, f"e{i}", channel="cluster")
    svc.encode_pending(_Txn())
    svc.on_committed()
    return svc


class _Txn:
    def put(self, *a: Any) -> None: ...

    def erase(self, *a: Any) -> None: ...


def test_watch_map_since_cursor_and_level() -> None:
    svc = log_service(6)
    assert svc.watch_map("log-info", 0) == (6, {"entries": []})  # from now
    epoch, body = svc.watch_map("log-info", 3) or (0, {})
    assert epoch == 6 and [e["seq"] for e in body["entries"]] == [4, 6]
    _, dbg = svc.watch_map("log-debug", 5) or (0, {})
    assert [e["seq"] for e in dbg["entries"]] == [5, 6]
    assert svc.watch_map("log-info", 7) is None  # nothing that new yet
    assert svc.watch_map("log-loud", 1) is None
    assert svc.watch_map("mgrmap", 1) is None


def test_watch_map_does_not_show_pending_entries() -> None:
    svc = log_service(2)
    svc.add("mon.a", "mon.0", {"addrvec": []}, "[WRN]", "not yet", channel="cluster")
    assert svc.watch_map("log-debug", 0) == (2, {"entries": []})  # committed only


class FakeServer:
    def __init__(self) -> None:
        self.sent: list[MapUpdate] = []

    def send(self, ident: bytes, peer: str, msg: MapUpdate, epoch: int = 0) -> None:
        self.sent.append(msg)


def test_subscription_pushes_each_entry_once_and_resumes_from_a_cursor() -> None:
    svc = log_service(2)
    server = FakeServer()
    subs = Subscriptions(server, lambda name: None, svc.watch_map)  # type: ignore[arg-type]
    subs.subscribe(b"c", "client.admin", {"log-info": 0}, send_now=True)
    assert [(m.name, m.epoch, m.map["entries"]) for m in server.sent] == [("log-info", 2, [])]
    for i in (3, 4):
        svc.add("mon.a", "mon.0", {"addrvec": []}, "[INF]", f"e{i}")
        svc.encode_pending(_Txn())
        svc.on_committed()
        subs.publish("log", *(svc.current_map() or (0, {})))
    assert [[e["seq"] for e in m.map["entries"]] for m in server.sent[1:]] == [[3], [4]]
    # a debug entry the info watcher does not want: no push, only the cursor moves
    svc.add("mon.a", "mon.0", {"addrvec": []}, "[DBG]", "quiet")
    svc.encode_pending(_Txn())
    svc.on_committed()
    subs.publish("log", *(svc.current_map() or (0, {})))
    assert len(server.sent) == 3 and subs.sessions[b"c"][1]["log-info"] == 6
    # another client comes back from cursor 3 (it saw 3): it gets 3 and 4 (3 is its to drop)
    subs.subscribe(b"d", "client.admin", {"log-info": 3}, send_now=True)
    assert [e["seq"] for e in server.sent[-1].map["entries"]] == [3, 4]


def test_from_now_is_fixed_at_subscribe_time_on_a_mon_not_yet_readable() -> None:
    svc = log_service(2)
    server = FakeServer()
    subs = Subscriptions(server, lambda name: None, svc.watch_map)  # type: ignore[arg-type]
    subs.subscribe(b"c", "client.admin", {"log-info": 0}, send_now=False)
    assert server.sent == [] and subs.sessions[b"c"][1]["log-info"] == 3
    svc.add("mon.a", "mon.0", {"addrvec": []}, "[INF]", "after the subscription")
    svc.encode_pending(_Txn())
    svc.on_committed()
    subs.publish("log", *(svc.current_map() or (0, {})))
    assert [e["message"] for e in server.sent[-1].map["entries"]] == ["after the subscription"]


def test_a_watcher_further_behind_than_the_tails_gets_the_rest_from_the_store(
    tmp_path: Path,
) -> None:
    store = MonStore(tmp_path / "store.db")
    svc = LogService(3, lambda *a, **k: None)  # 3 entries kept per channel in memory
    svc.load(store)
    for i in range(1, 11):
        svc.add("mon.a", "mon.0", {"addrvec": []}, "[INF]", f"e{i}")
        txn = Transaction()
        svc.encode_pending(txn)
        store.apply(txn)
        svc.on_committed()
    assert [e.seq for e in svc.clog.entries("cluster")] == [8, 9, 10]
    _, body = svc.watch_map("log-info", 5) or (0, {})
    assert [e["seq"] for e in body["entries"]] == [5, 6, 7, 8, 9, 10]
    assert [e["message"] for e in body["entries"]][:2] == ["e5", "e6"]
    store.close()
