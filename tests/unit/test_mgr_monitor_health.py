"""Unit tests of the pure MgrMonitor (mon/mgr_monitor.py): the MGR_DOWN health check.

No processes, sockets or sleeps: the monitor gets two fake clocks (monotonic and
wall) that the tests advance (``mgrmon_fakes.py``).

Expected behaviour: ``shared/reference/ceph_failover_behaviour.md`` §2.4 and
``shared/reference/ceph_mgr_api.md`` §4.2-4.3 (Ceph's MgrMonitor.cc).
"""

from __future__ import annotations

import pytest

from mon.health import HealthCheck, HealthStatus

from .mgrmon_fakes import Clocks, X, Y, beacon, cluster, commit, make_mon, send

# --- MGR_DOWN health ---------------------------------------------------------------------------

WARN = HealthStatus.HEALTH_WARN
ERR = HealthStatus.HEALTH_ERR


@pytest.mark.parametrize(
    ("created_ago", "inactive_for", "expected"),
    [
        pytest.param(10_000.0, 0.0, WARN, id="just-lost"),
        pytest.param(10_000.0, 59.0, WARN, id="inside-inactive-grace"),
        pytest.param(10_000.0, 60.0, WARN, id="at-inactive-grace"),
        pytest.param(10_000.0, 61.0, ERR, id="past-inactive-grace"),
        pytest.param(0.0, 0.0, None, id="new-cluster"),
        pytest.param(0.0, 119.0, None, id="inside-mkfs-grace"),
    ],
)
def test_mgr_down_health(
    created_ago: float, inactive_for: float, expected: HealthStatus | None
) -> None:
    clocks = Clocks()
    mon = make_mon(clocks, created_ago=created_ago)
    mon.on_restart()
    if created_ago:
        send(mon, beacon(X, "x"))
        assert mon.health_checks() == []
        mon.fail(None)
        commit(mon)
    clocks.advance(inactive_for)

    checks = mon.health_checks()

    if expected is None:
        assert checks == []
    else:
        assert checks == [HealthCheck("MGR_DOWN", expected, "no active mgr")]


def test_mgr_down_after_mkfs_grace_on_new_cluster() -> None:
    clocks = Clocks()
    mon = make_mon(clocks, created_ago=0.0)
    clocks.advance(119.0)
    assert mon.health_checks() == []
    clocks.advance(2.0)
    checks = mon.health_checks()
    assert [c.code for c in checks] == ["MGR_DOWN"]
    assert checks[0].summary == "no active mgr"


def test_mgr_down_clears_with_active_and_counts_from_loss() -> None:
    clocks = Clocks()
    mon = cluster(clocks, (Y, "y"))
    clocks.advance(500.0)
    assert mon.health_checks() == []  # an active: fine, however long it has been
    mon.set_down(True)
    commit(mon)
    clocks.advance(30.0)
    assert [c.severity for c in mon.health_checks()] == [WARN]
    clocks.advance(31.0)
    assert [c.severity for c in mon.health_checks()] == [ERR]
    mon.set_down(False)
    commit(mon)
    assert mon.health_checks() == []
    # a second loss starts counting again from that loss
    clocks.advance(100.0)
    mon.fail(None)
    commit(mon)  # promotes nobody: y is active, no standby left
    assert mon.map.active_gid == 0
    clocks.advance(10.0)
    assert [c.severity for c in mon.health_checks()] == [WARN]


def test_mgr_down_uses_committed_map_not_pending() -> None:
    clocks = Clocks()
    mon = cluster(clocks)
    mon.fail(None)  # pending only
    assert mon.health_checks() == []
    commit(mon)
    assert [c.code for c in mon.health_checks()] == ["MGR_DOWN"]
