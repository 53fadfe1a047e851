"""The mgr's daemon health metrics -> SLOW_OPS, in Ceph 16.2's words."""

from __future__ import annotations

from mgr.daemon_health import SLOW_OPS, DaemonHealth, checks


def summary(metrics: DaemonHealth, since: float = 0.0) -> str:
    return str(checks(metrics.current(since))[SLOW_OPS]["summary"]["message"])


def test_several_daemons_are_listed_in_ceph_order_with_the_total_and_the_oldest() -> None:
    h = DaemonHealth()
    h.on_report("osd", [0, 1, 2, 10], {"0": [["SLOW_OPS", 3, 31]], "10": [["SLOW_OPS", 2, 45]],
                                       "2": [["SLOW_OPS", 1, 33]]}, 100.0)  # fmt: skip
    assert summary(h) == (
        "6 slow ops, oldest one blocked for 45 sec, daemons [osd.0,osd.10,osd.2] have slow ops."
    )
    c = checks(h.current(0.0))[SLOW_OPS]
    assert c["severity"] == "HEALTH_WARN" and c["detail"] == [] and c["summary"]["count"] == 1


def test_one_daemon_has_slow_ops_without_a_full_stop() -> None:
    h = DaemonHealth()
    h.on_report("osd", [0, 1], {"1": [["SLOW_OPS", 1, 2]]}, 100.0)
    assert summary(h) == "1 slow ops, oldest one blocked for 2 sec, osd.1 has slow ops"


def test_more_than_ten_daemons_are_cut_after_ten() -> None:
    h = DaemonHealth()
    h.on_report("osd", list(range(12)), {str(i): [["SLOW_OPS", 1, 40]] for i in range(12)}, 1.0)
    names = ",".join(f"osd.{i}" for i in sorted(range(12), key=str)[:10])
    assert (
        summary(h)
        == f"12 slow ops, oldest one blocked for 40 sec, daemons [{names}]... have slow ops."
    )


def test_a_report_without_metrics_clears_them_and_silent_daemons_drop_out() -> None:
    h = DaemonHealth()
    h.on_report("osd", [0, 1], {"0": [["SLOW_OPS", 1, 31]], "1": [["SLOW_OPS", 1, 31]]}, 100.0)
    h.on_report("osd", [0], {}, 101.0)  # osd.0's ops completed
    assert summary(h) == "1 slow ops, oldest one blocked for 31 sec, osd.1 has slow ops"
    assert checks(h.current(100.5)) == {}  # osd.1 stopped reporting (no session)
    assert h.as_module_dict(0.0) == {"osd.1": [{"type": "SLOW_OPS", "value": 1}]}
    assert h.as_module_dict(0.0, ["0", "1"]) == {  # a reporting OSD without slow ops: 0
        "osd.0": [{"type": "SLOW_OPS", "value": 0}],
        "osd.1": [{"type": "SLOW_OPS", "value": 1}],
    }


def test_malformed_metrics_are_ignored() -> None:
    h = DaemonHealth()
    h.on_report(
        "osd", [0, 1, 2], {"0": "x", "1": [["SLOW_OPS", "1", 2]], "2": [["NOPE", 1, 1]]}, 1.0
    )
    assert checks(h.current(0.0)) == {}
