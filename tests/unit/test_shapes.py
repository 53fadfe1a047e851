"""Golden tests of Ceph 16.2's output shapes: sim.formatting, mon.health, mon.cluster_log, mon.status.

Every expected text is read from the captured outputs of a real Ceph 16.2.15
cluster (``tests/data/ceph16``); the inputs are built from other
goldens (the JSON of the same state, the mgr dump, the cluster log) plus the
times those captures imply.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml

from mon.cluster_log import ClusterLog, LogEntry, LogPriority
from mon.health import (
    HealthCheck,
    HealthMap,
    HealthStatus,
    clog_summary_messages,
    diff_messages,
)
from mon.status import mgrmap_summary, status_plain, strip_internal
from sim.formatting import (
    byte_u_t,
    cli_stdout,
    parse_utc_stamp,
    render,
    si_u_t,
    timespan_str,
    utc_stamp,
)
from tests.golden import CEPH16

GOLDEN = CEPH16

WARN = HealthStatus.HEALTH_WARN
ERR = HealthStatus.HEALTH_ERR
DAY = "2026-11-22T"


def text(name: str) -> str:
    return (GOLDEN / name).read_text()


def _parse_int(s: str) -> int | float:
    return -0.0 if s == "-0" else int(s)  # Ceph prints the double -0.0 as "-0"


def golden_json(name: str) -> Any:
    body = text(name)
    assert body.startswith("\n"), "json outputs start with the CLI's extra newline"
    return json.loads(body, parse_int=_parse_int)


def stamp(hms: str) -> float:
    return parse_utc_stamp(f"{DAY}{hms}+0000")


LINE = re.compile(r"^(\S+) (\S+) \((\S+)\) (\d+) : (\S+) (\[[A-Z]{3}\]) (.*)$")


def parse_line(line: str) -> LogEntry:
    m = LINE.match(line)
    assert m, line
    st, name, rank, seq, channel, prio, msg = m.groups()
    return LogEntry(name, rank, {}, parse_utc_stamp(st), int(seq), channel, LogPriority(prio), msg)


def log_blocks(name: str) -> list[tuple[str, list[str]]]:
    """The ``# ---- <title>`` blocks of an annotated cluster-log golden."""
    blocks: list[tuple[str, list[str]]] = []
    for line in text(name).splitlines():
        if line.startswith("# ----"):
            blocks.append((line, []))
        elif not line.startswith("#") and blocks:
            blocks[-1][1].append(line)
    return blocks


def log_message(name: str, seq: int, who: str = "mon.a") -> tuple[str, str]:
    """(priority, message) of one line of a golden cluster log."""
    for line in text(name).splitlines():
        if line.startswith("#") or not line.strip():
            continue
        e = parse_line(line)
        if e.name == who and e.seq == seq:
            return e.priority.value, e.message
    raise AssertionError(f"no {who} seq {seq} in {name}")


# --- sim.formatting ---------------------------------------------------------------------

# Not plain JSON documents: osd_status.json is a table (``-f`` ignored); the mgr's
# ``pg stat``/``osd perf`` wrap their reply in {"pg_ready": ...} and print a blank line
# before the last "}" (a quirk of those commands, not of the formatter).
NOT_RENDERED = {"osd_status.json", "pg_stat.json", "osd_perf.json"}
PRETTY_GOLDENS = sorted(
    p.name
    for p in GOLDEN.glob("*.json")
    if not p.name.endswith(".compact.json") and p.name not in NOT_RENDERED
)


@pytest.mark.parametrize("name", PRETTY_GOLDENS)
def test_json_pretty_matches_every_golden(name: str) -> None:
    data = golden_json(name)
    assert cli_stdout("json-pretty", render(data, "json-pretty")) == text(name)


@pytest.mark.parametrize(
    "name", ["health_detail.compact.json", "mgr_dump.compact.json", "mgr_stat.compact.json"]
)
def test_json_compact(name: str) -> None:
    data = golden_json(name)
    assert cli_stdout("json", render(data, "json")) == text(name)


def test_json_compact_status_has_the_mons_newline() -> None:
    # `status` is the one reply whose JSON the mon ends with "\n" (health/mgr ones do not).
    data = golden_json("status_s.compact.json")
    assert cli_stdout("json", render(data, "json") + "\n") == text("status_s.compact.json")


@pytest.mark.parametrize("name", ["mgr_stat", "mgr_dump", "mgr_services", "versions"])
def test_no_plain_formatter_prints_pretty_json(name: str) -> None:
    data = golden_json(f"{name}.json")
    assert cli_stdout(None, render(data, None)) == text(f"{name}.txt")
    assert cli_stdout("plain", render(data, "plain")) == text(f"{name}.txt")


def test_render_plain_and_yaml() -> None:
    assert render({"a": 1}, "plain", lambda d: f"a={d['a']}\n") == "a=1\n"
    assert render({"a": 1}, None, lambda d: "x") == "x"
    assert render({"a": 1}, "json", lambda d: "x") == '{"a":1}'
    data = {"b": [1, 2], "a": {"c": "d"}}
    out = render(data, "yaml")
    assert yaml.safe_load(out) == data
    assert out.startswith("b:\n- 1\n")  # block style, key order kept
    assert cli_stdout("yaml", out) == out


def test_ceph_floats() -> None:
    assert render([-0.0, 1.0, 0.95], "json") == "[-0,1,0.94999999999999996]"


TIMESPANS = [
    (0.0, "0s"),
    (0.0129465, "0.0129465s"),
    (0.00837064, "0.00837064s"),
    (0.001118785, "0.00111879s"),  # (float)seconds: the double would print 0.00111878
    (0.402283, "0.402283s"),
    (1.04567, "1.04567s"),
    (1.0123, "1.0123s"),
    (1.7248, "1.7248s"),
    (1.99999, "1.99999s"),
    (2.0, "2s"),
    (20.9, "20s"),
    (118.9, "118s"),
    (119.999, "119s"),
    (120.0, "2m"),
    (158.0, "2m"),
    (7199.0, "119m"),
    (7200.0, "2h"),
    (47 * 3600 + 3599, "47h"),
    (48 * 3600, "2d"),
    (13 * 86400 + 86399, "13d"),
    (14 * 86400, "2w"),
    (84 * 86400, "2M"),
    (719 * 86400, "23M"),
    (720 * 86400, "1y"),  # Ceph's rule: 24 months of 30 days fall back to whole years
    (730 * 86400, "2y"),
    (-5.0, "0s"),
]


@pytest.mark.parametrize(("seconds", "expected"), TIMESPANS)
def test_timespan_str(seconds: float, expected: str) -> None:
    assert timespan_str(seconds) == expected


def test_stamps_round_trip_the_goldens() -> None:
    for st in ("2026-11-22T12:46:44.400375+0000", "2026-11-22T12:48:26.828620+0000"):
        assert utc_stamp(parse_utc_stamp(st)) == st
    created = golden_json("mon_dump.json")["created"]
    assert created.endswith("Z")
    assert utc_stamp(parse_utc_stamp(created), zulu=True) == created
    assert utc_stamp(0) == "1970-01-01T00:00:00.000000+0000"


def test_units() -> None:
    assert [byte_u_t(v) for v in (0, 1023, 1024, 1536, 191958, 805114410, 805306368)] == [
        "0 B",
        "1023 B",
        "1 KiB",
        "1.5 KiB",
        "187 KiB",
        "768 MiB",
        "768 MiB",
    ]
    assert [si_u_t(v) for v in (0, 999, 1000, 1500, 12345678)] == [
        "0",
        "999",
        "1k",
        "1.50k",
        "12.35M",
    ]


# --- mon.health -------------------------------------------------------------------------

MGR_DOWN = HealthCheck("MGR_DOWN", WARN, "no active mgr")
MON_DOWN = HealthCheck(
    "MON_DOWN",
    WARN,
    "1/3 mons down, quorum a,b",
    1,
    ("mon.c (rank 2) addr [v2:127.0.0.1:3302/0,v1:127.0.0.1:6791/0] is down (out of quorum)",),
)
HEALTH_CASES = [("", HealthMap()), ("mgr_down_", HealthMap([MGR_DOWN]))]
HEALTH_CASES += [("mgr_down_98s_", HealthMap([MGR_DOWN])), ("mon_down_", HealthMap([MON_DOWN]))]


@pytest.mark.parametrize(("prefix", "health"), HEALTH_CASES)
def test_health_outputs(prefix: str, health: HealthMap) -> None:
    def out(fmt: str | None, detail: bool) -> str:
        return cli_stdout(fmt, render(health.to_json(detail), fmt, lambda _: health.plain(detail)))

    assert out(None, False) == text(f"{prefix}health.txt")
    assert out(None, True) == text(f"{prefix}health_detail.txt")
    assert out("json-pretty", False) == text(f"{prefix}health.json")
    assert out("json-pretty", True) == text(f"{prefix}health_detail.json")
    if prefix == "":
        assert out("json", True) == text("health_detail.compact.json")
    status_name = f"{prefix}status_s.json"
    assert health.to_json(False) == golden_json(status_name)["health"]


def test_health_from_json_round_trip() -> None:
    data = golden_json("mon_down_health_detail.json")
    assert HealthMap.from_json(data) == HealthMap([MON_DOWN])
    assert HealthMap.from_json(data).to_json(True) == data


def test_health_several_checks() -> None:
    hm = HealthMap(
        [
            HealthCheck("MON_DOWN", WARN, "1/3 mons down"),
            HealthCheck("A_ERR", ERR, "bad", 2, ("x",)),
        ]
    )
    assert hm.status is ERR
    assert hm.plain(False) == "HEALTH_ERR bad; 1/3 mons down\n"
    assert hm.plain(True) == (
        "HEALTH_ERR bad; 1/3 mons down\n[ERR] A_ERR: bad\n    x\n[WRN] MON_DOWN: 1/3 mons down\n"
    )
    assert list(hm.to_json(False)["checks"]) == ["A_ERR", "MON_DOWN"]


def test_health_status_order_and_merge() -> None:
    assert HealthStatus.HEALTH_OK < WARN < ERR
    assert max([WARN, ERR, HealthStatus.HEALTH_OK]) is ERR
    assert HealthStatus.worst([]) is HealthStatus.HEALTH_OK
    merged = HealthMap.merge(
        HealthMap([HealthCheck("X", WARN, "s", 1, ("a",))]),
        HealthMap([HealthCheck("X", ERR, "t", 2, ("b",)), MGR_DOWN]),
    )
    assert merged.checks["X"] == HealthCheck("X", WARN, "s", 3, ("a", "b"))
    assert "MGR_DOWN" in merged and len(merged) == 2


def test_from_module_checks() -> None:
    hm = HealthMap.from_module_checks(
        {
            "MOD_WARN": {"severity": "warning", "summary": "w", "count": 2, "detail": ["d1", 3]},
            "MOD_ERR": {"severity": "error", "summary": "e", "detail": "not a list"},
            "MOD_ODD": {"severity": "critical", "summary": 5, "count": "x"},
            7: {"severity": "error", "summary": "bad code"},
            "NOT_DICT": "x",
        }
    )
    assert hm.checks == {
        "MOD_WARN": HealthCheck("MOD_WARN", WARN, "w", 2, ("d1",)),
        "MOD_ERR": HealthCheck("MOD_ERR", ERR, "e"),
        "MOD_ODD": HealthCheck("MOD_ODD", HealthStatus.HEALTH_OK, ""),
    }
    assert hm.status is ERR
    assert HealthMap.from_module_checks({}) == HealthMap()


def test_diff_messages_match_the_cluster_log() -> None:
    none, mgr_down, mon_down = HealthMap(), HealthMap([MGR_DOWN]), HealthMap([MON_DOWN])
    assert diff_messages(none, mgr_down) == [log_message("log_last_20.txt", 208)]
    assert diff_messages(mgr_down, none) == [
        log_message("log_last_20.txt", 241),
        log_message("log_last_20.txt", 242),
    ]
    assert diff_messages(none, mon_down) == [log_message("cluster_log_mon.txt", 151)]
    assert diff_messages(mon_down, none) == [
        log_message("cluster_log_mon.txt", 170),
        log_message("cluster_log_mon.txt", 171),
    ]
    assert diff_messages(mgr_down, mgr_down) == []
    assert diff_messages(mgr_down, none, others_have_checks=True) == [
        log_message("log_last_20.txt", 241)
    ]


def test_diff_messages_error_and_update() -> None:
    err = HealthMap([HealthCheck("MGR_DOWN", ERR, "no active mgr")])
    assert diff_messages(HealthMap(), err) == [
        ("[ERR]", "Health check failed: no active mgr (MGR_DOWN)")
    ]
    assert diff_messages(HealthMap([MGR_DOWN]), err) == [
        ("[ERR]", "Health check update: no active mgr (MGR_DOWN)")
    ]
    two = HealthMap([HealthCheck("MON_DOWN", WARN, "2/3 mons down, quorum a")])
    assert diff_messages(HealthMap([MON_DOWN]), two) == [
        ("[WRN]", "Health check update: 2/3 mons down, quorum a (MON_DOWN)")
    ]


def test_clog_summary_matches_the_cluster_log() -> None:
    mon_down = HealthMap([MON_DOWN])
    expected = [log_message("cluster_log_mon.txt", seq) for seq in (152, 153, 154)]
    assert clog_summary_messages(mon_down, HealthMap()) == expected
    assert clog_summary_messages(HealthMap(), mon_down) == [log_message("cluster_log_mon.txt", 172)]
    assert clog_summary_messages(mon_down, mon_down) == []


# --- mon.cluster_log --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["log_last_20", "log_last_20_debug", "mon_down_log_last_20"])
def test_log_entries(name: str) -> None:
    entries = [LogEntry.from_json(e) for e in golden_json(f"{name}.json")]
    plain = "".join(e.plain() + "\n" for e in entries)
    assert cli_stdout(None, plain) == text(f"{name}.txt")
    assert cli_stdout("json-pretty", render([e.to_json() for e in entries], "json-pretty")) == text(
        f"{name}.json"
    )


def _block(name: str, title: str) -> list[LogEntry]:
    for head, lines in log_blocks(name):
        if title in head:
            return [parse_line(line) for line in lines]
    raise AssertionError(f"no block {title!r} in {name}")


@pytest.mark.parametrize(
    ("name", "debug_title", "info_title", "info_cmd"),
    [
        ("cluster_log_mon.txt", "same moment", "after the revival", (50, "info")),
        ("cluster_log_failover.txt", "same moment", "after x active", (50, "info")),
    ],
)
def test_log_last_filters_the_kept_tail(
    name: str, debug_title: str, info_title: str, info_cmd: tuple[int, str]
) -> None:
    debug = _block(name, debug_title)
    info = _block(name, info_title)
    log = ClusterLog(keep=50)
    log.extend(debug)
    assert log.last(50, "debug") == debug
    assert log.last(*info_cmd) == info


def test_log_last_counts_like_the_mon() -> None:
    log = ClusterLog()
    entries = [
        LogEntry("mgr.x", "mgr.1", {}, 1000.0 + i, i, "audit", LogPriority.DEBUG, f"m{i}")
        for i in range(60)
    ]
    log.extend(entries)
    assert len(log.entries("audit")) == 50
    assert log.last(30, "debug", "audit") == entries[-31:]  # "log last 30 debug audit": 31 lines
    assert log.last(20, "info", "audit") == []
    assert log.last(0, "debug", "audit") == entries[-1:]
    assert log.last(5, "debug", "cluster") == []
    with pytest.raises(ValueError, match="Invalid severity 'loud'"):
        log.last(5, "loud")


def test_cluster_log_channels_dedup_and_persistence() -> None:
    log = ClusterLog(keep=3)
    mk = lambda seq, ch, prio: LogEntry(  # noqa: E731
        "mon.a", "mon.0", {"addrvec": []}, 10.5 + seq, seq, ch, prio, f"m{seq}"
    )
    a, b, c = (
        mk(1, "cluster", LogPriority.WARN),
        mk(2, "audit", LogPriority.INFO),
        mk(3, "cluster", LogPriority.ERROR),
    )
    assert log.append(a) and log.append(b) and log.append(c)
    assert not log.append(a)
    assert log.entries("*") == [a, b, c]
    assert log.last(10, "warning", "*") == [a, c]
    assert log.channels() == ["audit", "cluster"]
    again = ClusterLog.from_dict(json.loads(json.dumps(log.to_dict())))
    assert again.entries("*") == [a, b, c]
    assert again.keep == 3
    assert LogPriority.from_level("ERR") is LogPriority.ERROR
    assert [p.level_name for p in LogPriority] == ["debug", "info", "sec", "warn", "error"]


# --- mon.status -------------------------------------------------------------------------


def _mgr_dump(name: str) -> dict[str, Any]:
    dump = golden_json(name)
    return {
        "_mgr_active_name": dump["active_name"],
        "_mgr_active_change": parse_utc_stamp(dump["active_change"]),
        "_mgr_standbys": [s["name"] for s in dump["standbys"]],
    }


def _leader_stamp(name: str, quorum: str) -> float:
    """When the mon leader announced ``quorum`` (the quorum's age starts there)."""
    for line in text(name).splitlines():
        if f"is new leader, mons {quorum} in quorum" in line:
            return parse_line(line).stamp
    raise AssertionError(quorum)


def _status_case(case: str) -> tuple[dict[str, Any], float]:
    """A status dict (golden JSON + internal fields) and the `now` of the .txt capture."""
    mons = {"_mon_names": ["a", "b", "c"]}
    if case in ("status_s", "status"):
        extra = {**mons, **_mgr_dump("mgr_dump.json")}
        now = stamp("12:48:47.5" if case == "status_s" else "12:48:48.5")
    elif case == "mgr_down_status_s":
        extra = {**mons, **_mgr_dump("mgr_down_mgr_dump.json")}
        now = extra["_mgr_active_change"] + 1.7248  # the golden's "since 1.7248s"
        extra["_quorum_since"] = now - 36.5
    elif case == "mgr_down_98s_status_s":
        extra = {**mons, **_mgr_dump("mgr_down_mgr_dump.json")}
        now = stamp("12:48:22.5")
    elif case == "after_mgr_kill9_status_s":
        replaced = "Manager daemon x is unresponsive, replacing it with standby daemon y"
        change = next(
            parse_line(ln).stamp
            for ln in text("cluster_log_failover.txt").splitlines()
            if replaced in ln
        )
        extra = {**mons, "_mgr_active_name": "y", "_mgr_active_change": change, "_mgr_standbys": []}
        extra["_quorum_since"] = _leader_stamp("cluster_log_mon.txt", "a,b,c")
        now = stamp("12:46:25.5")
    elif case == "mon_down_status_s":
        # "mgrmap e6: x(active, since 110s)" at 12:46:03.04 and "since 117s" at 12:46:09.30
        # put x's active_change between 12:44:12.04 and 12:44:12.30.
        extra = {**mons, "_mgr_active_name": "x", "_mgr_active_change": stamp("12:44:12.2")}
        extra["_mgr_standbys"] = ["y"]
        extra["_quorum_since"] = _leader_stamp("cluster_log_mon.txt", "a,b")
        now = stamp("12:46:06.5")
    elif case == "noosd_status_s":
        now = stamp("12:44:21.5")
        extra = {**mons, "_mgr_active_name": "x", "_mgr_active_change": now - 9.5}
        extra["_mgr_standbys"] = ["y"]
    else:
        raise AssertionError(case)
    return {**golden_json(f"{case}.json"), **extra}, now


STATUS_CASES = [
    "status_s",
    "status",
    "mgr_down_status_s",
    "mgr_down_98s_status_s",
    "after_mgr_kill9_status_s",
    "mon_down_status_s",
    "noosd_status_s",
]


@pytest.mark.parametrize("case", STATUS_CASES)
def test_status_plain(case: str) -> None:
    status, now = _status_case(case)
    assert cli_stdout(None, status_plain(status, now)) == text(f"{case}.txt")
    assert strip_internal(status) == golden_json(f"{case}.json")


def test_status_plain_extras() -> None:
    status, now = _status_case("status_s")
    status["pgmap"] = {
        **status["pgmap"],
        "pgs_by_state": [
            {"state_name": "active+clean", "count": 30},
            {"state_name": "peering", "count": 3},
        ],
        "inactive_pgs_ratio": 0.090909093618392944,
        "read_op_per_sec": 0,
        "write_op_per_sec": 1500,
        "write_bytes_sec": 2048,
    }
    status["osdmap"] = {**status["osdmap"], "num_remapped_pgs": 2}
    status["_osd_flags"] = "noout"
    out = status_plain(status, now)
    assert (
        "    osd: 3 osds: 3 up (since 4m), 3 in (since 4m); 2 remapped pgs\n         flags noout\n"
        in out
    )
    assert (
        "    pgs:     9.091% pgs not active\n             30 active+clean\n             3  peering\n"
        in out
    )
    assert out.endswith(" \n  io:\n    client:   2 KiB/s wr, 0 op/s rd, 1.50k op/s wr\n \n")


MGRMAP_LINE = re.compile(r"^mgrmap e(\d+): (.*)$")
SUMMARY = re.compile(
    r"^(?:(?P<name>\w+)\(active(?P<starting>, starting)?, since (?P<since>[\d.]+)s?(?P<unit>m?)\)"
    r"|no daemons active \(since (?P<nsince>[\d.]+)s\))(?:, standbys: (?P<standbys>.*))?$"
)


def test_mgrmap_summary_matches_the_cluster_log() -> None:
    seen = 0
    for line in text("cluster_log_failover.txt").splitlines():
        if line.startswith("#") or "mgrmap e" not in line:
            continue
        entry = parse_line(line)
        m = MGRMAP_LINE.match(entry.message)
        assert m, entry.message
        s = SUMMARY.match(m.group(2))
        assert s, m.group(2)
        since_txt = s.group("since") or s.group("nsince")
        # integer ages were truncated: take the middle of the second
        since = float(since_txt) + (0.5 if "." not in since_txt else 0.0)
        now = 5000.0
        got = mgrmap_summary(
            s.group("name") or "",
            not s.group("starting"),
            now - since,
            s.group("standbys").split(", ") if s.group("standbys") else [],
            now,
            epoch=int(m.group(1)),
        )
        assert got == entry.message
        seen += 1
    assert seen >= 10
    assert mgrmap_summary("x", True, 0, [], 100.0) == "x(active)"
    assert mgrmap_summary("", False, None, ["x", "y"], 1.0) == "no daemons active, standbys: x, y"
