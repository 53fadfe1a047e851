"""Unit tests of the pure MgrMonitor (mon/mgr_monitor.py): the tick's failover, the slow-tick
rule and on_restart.

No processes, sockets or sleeps: the monitor gets two fake clocks (monotonic and
wall) that the tests advance (``mgrmon_fakes.py``).

Expected behaviour: ``shared/reference/ceph_failover_behaviour.md`` §2.4 and
``shared/reference/ceph_mgr_api.md`` §4.2-4.3 (Ceph's MgrMonitor.cc).
"""

from __future__ import annotations

import pytest

from mon.mgr_map import FLAG_DOWN, MgrMap, Standby

from .mgrmon_fakes import (
    GRACE,
    SLOW_TICK,
    Clocks,
    X,
    Y,
    Z,
    available_beacon,
    beacon,
    cluster,
    make_mon,
    msgs,
    send,
    tick,
)

# --- tick: failover ------------------------------------------------------------------


def test_silent_active_replaced_by_lowest_gid_standby() -> None:
    clocks = Clocks()
    # registered out of gid order: promotion must take the lowest gid, not the first
    mon = cluster(clocks, (4105, "w"), (Z, "z"), (4110, "v"))
    mon.tick()
    t0 = clocks.mono()
    logs: list[str] = []
    while clocks.mono() - t0 <= GRACE:  # standbys keep beaconing, x is silent
        clocks.advance(5.0)
        for gid, name in ((4105, "w"), (Z, "z"), (4110, "v")):
            send(mon, beacon(gid, name))
        if clocks.mono() - t0 <= GRACE:
            assert tick(mon) == [], f"failed over after only {clocks.mono() - t0}s"
            assert mon.map.active_gid == X
    logs = msgs(tick(mon))

    assert logs == ["Manager daemon x is unresponsive, replacing it with standby daemon z"]
    assert (mon.map.active_gid, mon.map.active_name) == (Z, "z")
    assert mon.map.available is False
    assert (mon.map.active_addr, mon.map.services, mon.map.command_descs) == ("", {}, [])
    assert mon.map.active_change == clocks.wall()
    assert sorted(mon.map.standbys) == [4105, 4110]
    # the promoted standby's old beacon time does not make it look laggy at once
    clocks.advance(5.0)
    send(mon, beacon(4105, "w"))
    send(mon, beacon(4110, "v"))
    assert tick(mon) == []
    assert mon.map.active_gid == Z


def test_exactly_grace_is_not_yet_laggy() -> None:
    clocks = Clocks()
    mon = cluster(clocks, (Y, "y"))
    mon.tick()
    for _ in range(6):  # 6 x 5 s = exactly the grace since x's last beacon
        clocks.advance(5.0)
        send(mon, beacon(Y, "y"))
        assert tick(mon) == []
    clocks.advance(0.5)
    send(mon, beacon(Y, "y"))
    assert msgs(tick(mon)) == [
        "Manager daemon x is unresponsive, replacing it with standby daemon y"
    ]


def test_silent_active_without_standby() -> None:
    clocks = Clocks()
    mon = cluster(clocks)
    mon.tick()
    for _ in range(7):
        clocks.advance(5.0)
        log = tick(mon)

    assert msgs(log) == ["Manager daemon x is unresponsive.  No standby daemons available."]
    assert log[0][0] == "[INF]"
    assert (mon.map.active_gid, mon.map.active_name, mon.map.available) == (0, "", False)
    # a later tick does not log again
    clocks.advance(5.0)
    assert tick(mon) == []
    # the next mgr to beacon becomes active
    out = send(mon, beacon(Y, "y"))
    assert msgs(out.log) == ["Activating manager daemon y"]
    assert mon.map.active_gid == Y


def test_silent_standby_dropped_active_kept() -> None:
    clocks = Clocks()
    mon = cluster(clocks, (Y, "y"), (Z, "z"))
    mon.tick()
    for _ in range(7):  # x and z keep beaconing, y is silent
        clocks.advance(5.0)
        send(mon, available_beacon(X, "x"))
        send(mon, beacon(Z, "z"))
        tick(mon)

    assert mon.map.active_gid == X
    assert sorted(mon.map.standbys) == [Z]
    assert Y not in mon.last_beacon
    # it re-adds itself when it beacons again
    out = send(mon, beacon(Y, "y"))
    assert out.log == [("[DBG]", "Standby manager daemon y started")]
    assert sorted(mon.map.standbys) == [Y, Z]


def test_silent_standbys_culled_before_active_so_no_laggy_promotion() -> None:
    clocks = Clocks()
    mon = cluster(clocks, (Y, "y"))
    mon.tick()
    for _ in range(7):
        clocks.advance(5.0)
        log = tick(mon)
    # both silent: the standby is dropped first, so nothing can replace x
    assert "Manager daemon x is unresponsive.  No standby daemons available." in msgs(log)
    assert mon.map.active_gid == 0 and mon.map.standbys == {}


@pytest.mark.parametrize(("flags", "promoted"), [(0, Y), (FLAG_DOWN, 0)])
def test_no_active_tick_promotes_lowest_standby(flags: int, promoted: int) -> None:
    clocks = Clocks()
    m = MgrMap(epoch=5, flags=flags)
    m.standbys[Z] = Standby(Z, "z")
    m.standbys[Y] = Standby(Y, "y")
    mon = make_mon(clocks, mgrmap=m)
    mon.on_restart()
    clocks.advance(1.0)

    tick(mon)

    assert mon.map.active_gid == promoted
    if promoted:
        assert (mon.map.active_name, mon.map.available) == ("y", False)
        assert list(mon.map.standbys) == [Z]
        assert mon.map.epoch == 6
    else:
        assert mon.map.epoch == 5


# --- the slow-tick rule --------------------------------------------------------------


@pytest.mark.parametrize(
    ("gap", "fails_over"),
    [
        pytest.param(19.0, False, id="normal-gap-beacon-29s-old"),
        pytest.param(21.0, True, id="normal-gap-beacon-31s-old"),
        pytest.param(SLOW_TICK, True, id="gap-equal-threshold-no-reset"),
        pytest.param(SLOW_TICK + 0.5, False, id="gap-over-threshold-resets"),
        pytest.param(100.0, False, id="long-stall-resets"),
    ],
)
def test_slow_tick_resets_beacon_times(gap: float, fails_over: bool) -> None:
    clocks = Clocks()
    mon = cluster(clocks, (Y, "y"))  # x and y beaconed at t0
    clocks.advance(10.0)
    send(mon, beacon(Y, "y"))
    assert tick(mon) == []  # previous tick at t0+10
    clocks.advance(gap)
    send(mon, beacon(Y, "y"))  # y is alive; x has been silent for 10 + gap

    log = tick(mon)

    if fails_over:
        assert msgs(log) == ["Manager daemon x is unresponsive, replacing it with standby daemon y"]
        assert mon.map.active_gid == Y
    else:
        assert log == []
        assert mon.map.active_gid == X


def test_slow_tick_reset_sets_beacon_times_to_now() -> None:
    clocks = Clocks()
    mon = cluster(clocks, (Y, "y"))
    assert tick(mon) == []
    clocks.advance(100.0)  # stalled mon: everyone looks 100 s silent
    assert tick(mon) == []
    assert mon.last_beacon == {X: clocks.mono(), Y: clocks.mono()}
    clocks.advance(20.0)
    send(mon, beacon(Y, "y"))
    assert tick(mon) == []  # x: 20 s since the reset
    clocks.advance(15.0)
    send(mon, beacon(Y, "y"))
    # x: 35 s since the reset, and a normal gap: now it is laggy
    assert msgs(tick(mon)) == [
        "Manager daemon x is unresponsive, replacing it with standby daemon y"
    ]


def test_slow_tick_threshold_follows_options() -> None:
    clocks = Clocks()
    mon = make_mon(clocks, mon_mgr_beacon_grace=10.0, mgr_tick_period=1.0)
    mon.on_restart()
    send(mon, beacon(X, "x"))
    send(mon, beacon(Y, "y"))
    tick(mon)
    clocks.advance(9.5)  # > 10 - 1: reset
    send(mon, beacon(Y, "y"))
    assert tick(mon) == []
    clocks.advance(8.0)  # normal gap; x silent 8 s since the reset
    send(mon, beacon(Y, "y"))
    assert tick(mon) == []
    clocks.advance(3.0)  # x silent 11 s > 10
    send(mon, beacon(Y, "y"))
    assert msgs(tick(mon)) == [
        "Manager daemon x is unresponsive, replacing it with standby daemon y"
    ]


# --- on_restart -------------------------------------------------------------------------


def test_on_restart_gives_everyone_a_fresh_beacon_time() -> None:
    clocks = Clocks()
    mon = cluster(clocks, (Y, "y"))
    tick(mon)
    clocks.advance(25.0)
    tick(mon)
    clocks.advance(10.0)  # 35 s of silence, normal tick gap: would fail over

    mon.on_restart()  # e.g. a new leader
    assert mon.last_beacon == {X: clocks.mono(), Y: clocks.mono()}
    assert tick(mon) == []
    assert mon.map.active_gid == X and Y in mon.map.standbys

    for _ in range(7):
        clocks.advance(5.0)
        log = tick(mon)
    assert "Manager daemon x is unresponsive.  No standby daemons available." in msgs(log)


def test_on_restart_for_map_loaded_from_store() -> None:
    clocks = Clocks()
    m = MgrMap(epoch=7, active_gid=X, active_name="x", available=True)
    m.standbys[Y] = Standby(Y, "y")
    mon = make_mon(clocks, mgrmap=m)
    mon.on_restart()
    assert mon.last_beacon == {X: clocks.mono(), Y: clocks.mono()}
    clocks.advance(5.0)
    assert tick(mon) == []
    assert mon.map.epoch == 7


def test_first_tick_long_after_on_restart_does_not_fail_over() -> None:
    """Ceph's on_restart() sets ``last_tick = now`` ("restarts the clock"), so a first
    tick that comes more than grace - tick period after a leader change resets the
    beacon times instead of failing every mgr over. Here the new leader's first tick
    comes 40 s after on_restart (e.g. a slow store load or election)."""
    clocks = Clocks()
    m = MgrMap(epoch=7, active_gid=X, active_name="x", available=True)
    m.standbys[Y] = Standby(Y, "y")
    mon = make_mon(clocks, mgrmap=m)
    mon.on_restart()
    clocks.advance(40.0)

    log = tick(mon)

    assert log == [], "spurious failover on the first tick after a leader change"
    assert mon.map.active_gid == X
    assert Y in mon.map.standbys
