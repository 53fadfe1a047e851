"""Golden tests of Ceph 16.2's output shapes: mon.health (health outputs, the cluster log's
health messages).

Every expected text is read from the captured outputs of a real Ceph 16.2.15
cluster (``tests/data/ceph16``).
"""

from __future__ import annotations

import pytest

from mon.health import HealthCheck, HealthMap, HealthStatus, clog_summary_messages, diff_messages
from sim.formatting import cli_stdout, render

from .shapes_goldens import ERR, WARN, golden_json, log_message, text

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
