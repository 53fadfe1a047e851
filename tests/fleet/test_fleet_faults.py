"""Faults on the fleet with real processes: an OSD killed goes down within the
grace and modules are notified; a paused fleet goes stale, then down; after a
mgr failover OSD metadata is back within two stats periods (and is missing
for a moment before)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.testing import TestCluster, wait_until

from .helpers import FAST, active_name, enable, fleet_cluster, mgr_json, module_state, osd_up

pytestmark = pytest.mark.integration
GRACE = FAST["osd_heartbeat_grace"]
HB = FAST["osd_heartbeat_interval"]
STATS = FAST["mgr_stats_period"]
REPORT_TIMEOUT = FAST["mon_osd_report_timeout"]


@pytest.fixture
def c(tmp_path: Path) -> Iterator[TestCluster]:
    with fleet_cluster(tmp_path / "c", osds=8) as cl:
        enable(cl, "fleet_probe")
        yield cl


def test_killed_osd_is_marked_down_within_the_grace_and_modules_are_notified(c):
    assert c.json("osd stat")["num_up_osds"] == 8
    t0 = time.monotonic()
    c.supervisor({"prefix": "kill", "daemon": "osd.3"})
    wait_until(lambda: not osd_up(c, 3), GRACE + HB + 5, "osd.3 down")
    took = time.monotonic() - t0
    assert took + 0.1 >= GRACE and took <= GRACE + HB + 1.5, took
    epoch = c.json("osd stat")["epoch"]
    assert "OSD_DOWN" in c.json("health")["checks"]

    def notified() -> bool:
        seen = mgr_json(c, "fleet probe notifies")["osd_map"]
        return any(e >= epoch for e, _t in seen)

    wait_until(notified, 5.0, f"an osd_map notify for epoch {epoch}")
    c.supervisor({"prefix": "restart", "daemon": "osd.3"})
    wait_until(lambda: osd_up(c, 3), 5.0, "osd.3 up again")
    dump = c.json("osd dump")
    osd3 = next(o for o in dump["osds"] if o["osd"] == 3)
    assert osd3["up_from"] > osd3["down_at"] > 0


def test_a_stopped_osd_marks_itself_down_at_once(c):
    c.supervisor({"prefix": "stop", "daemon": "osd.5"})
    wait_until(lambda: not osd_up(c, 5), 2.0, "osd.5 down")
    log = c.json("log last", num=20)
    assert any(e["message"] == "osd.5 marked itself down and dead" for e in log)


def test_a_paused_fleet_goes_stale_while_the_map_says_up_then_down(c):
    latest = {"prefix": "fleet probe latest", "daemon_type": "osd", "daemon_id": "0",
              "path": "osd.op_r"}  # fmt: skip

    def stamp() -> float:
        point = mgr_json(c, **latest)["osd.op_r"]
        return float(point[0]) if point else 0.0

    wait_until(lambda: stamp() > 0, 5.0, "counters from osd.0")
    c.supervisor({"prefix": "pause", "daemon": "fleet.0"})
    paused_at = time.time()
    try:
        assert c.json("osd stat")["num_up_osds"] == 8  # the maps still say up
        wait_until(lambda: c.json("osd stat")["num_up_osds"] == 0, REPORT_TIMEOUT + 5,
                   "all osds down after mon_osd_report_timeout")  # fmt: skip
        assert time.time() - paused_at >= REPORT_TIMEOUT - 0.5
        assert stamp() <= paused_at + 0.1  # nothing new since the pause: stale
    finally:
        c.supervisor({"prefix": "resume", "daemon": "fleet.0"})
    wait_until(lambda: c.json("osd stat")["num_up_osds"] == 8, 10.0, "osds back up")
    wait_until(lambda: stamp() > paused_at + REPORT_TIMEOUT, 10.0, "fresh counters")


def test_after_a_failover_metadata_is_back_within_two_stats_periods(c):
    old = active_name(c)
    assert old is not None
    rc, _, err = c.mon_command({"prefix": "mgr fail", "who": old})
    assert rc == 0, err
    wait_until(lambda: (n := active_name(c)) not in (None, old) and n, 10.0, "a new active")
    wait_until(lambda: module_state(c, "fleet_probe") == "running", 10.0, "probe on the new active")
    wait_until(lambda: mgr_json(c, "fleet probe coverage")["complete_after"] is not None,
               5.0, "every OSD's metadata on the new active")  # fmt: skip
    cov = mgr_json(c, "fleet probe coverage")
    t, in_map, have = cov["first"]
    assert in_map == 8 and have < 8, cov  # the gap: in the map, no metadata yet
    assert cov["complete_after"] <= 2 * STATS, cov
