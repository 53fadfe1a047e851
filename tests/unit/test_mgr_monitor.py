"""Unit tests of the pure MgrMonitor (mon/mgr_monitor.py) and MgrMap (mon/mgr_map.py).

No processes, sockets or sleeps: the monitor gets two fake clocks (monotonic and
wall) that the tests advance. A mon commit is simulated the way
``mon/daemon.py`` ``commit()`` does it: ``mon.committed(mon.pending)``.

Expected behaviour: ``shared/reference/ceph_failover_behaviour.md`` §2.4 and
``shared/reference/ceph_mgr_api.md`` §4.2-4.3 (Ceph's MgrMonitor.cc).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from mon.health import HealthCheck, HealthStatus
from mon.mgr_map import ALWAYS_ON, FLAG_DOWN, MGR_FEATURES, MgrMap, Standby
from mon.mgr_monitor import BeaconOutcome, MgrMonitor
from sim import codec
from sim.messages import MgrBeacon
from sim.options import Options, Profile, defaults
from tests.golden import CEPH16

GOLDEN = CEPH16

# Ceph's defaults (profile "ceph"): grace 30 s, mgr tick 2 s, inactive grace 60 s,
# mkfs grace 120 s. The slow-tick threshold is grace - tick = 28 s.
GRACE = 30.0
TICK = 2.0
SLOW_TICK = GRACE - TICK

X, Y, Z = 4100, 4101, 4102  # gids


class FakeClock:
    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


class Clocks:
    """A monotonic and a wall clock that advance together (different origins, so
    mixing them up in the code under test shows)."""

    def __init__(self) -> None:
        self.mono = FakeClock(1000.0)
        self.wall = FakeClock(1_700_000_000.0)

    def advance(self, dt: float) -> None:
        self.mono.now += dt
        self.wall.now += dt


def make_mon(
    clocks: Clocks,
    *,
    created_ago: float = 10_000.0,
    mgrmap: MgrMap | None = None,
    **overrides: Any,
) -> MgrMonitor:
    values = defaults(Profile.CEPH) | overrides
    return MgrMonitor(
        Options(values),
        clocks.mono,
        clocks.wall,
        mgrmap=mgrmap,
        created=clocks.wall() - created_ago,
    )


def beacon(gid: int, name: str, available: bool = False, **kw: Any) -> MgrBeacon:
    return MgrBeacon(gid=gid, name=name, available=available, **kw)


def available_beacon(gid: int, name: str, **kw: Any) -> MgrBeacon:
    kw.setdefault("addr", "127.0.0.1:6800")
    kw.setdefault("nonce", 777)
    kw.setdefault("services", {"dashboard": "http://127.0.0.1:8080/"})
    kw.setdefault("command_descs", [{"cmd": "hello name=person,type=CephString,req=false"}])
    return MgrBeacon(gid=gid, name=name, available=True, **kw)


def commit(mon: MgrMonitor) -> None:
    """What MonDaemon.commit() does after persisting: apply pending."""
    if mon.has_pending():
        mon.committed(mon.pending)


def send(mon: MgrMonitor, b: MgrBeacon) -> BeaconOutcome:
    out = mon.prepare_beacon(b)
    commit(mon)
    return out


def tick(mon: MgrMonitor) -> list[tuple[str, str]]:
    log = mon.tick()
    commit(mon)
    return log


def cluster(clocks: Clocks, *standbys: tuple[int, str], available: bool = True) -> MgrMonitor:
    """x (gid 4100) active (available), then the given standbys, all committed."""
    mon = make_mon(clocks)
    mon.on_restart()
    send(mon, beacon(X, "x"))
    if available:
        send(mon, available_beacon(X, "x"))
    for gid, name in standbys:
        send(mon, beacon(gid, name))
    return mon


def msgs(log: list[tuple[str, str]]) -> list[str]:
    return [m for _, m in log]


# --- beacons ----------------------------------------------------------------------


def test_first_beacon_activates_sender_in_pending_epoch() -> None:
    clocks = Clocks()
    mon = make_mon(clocks)
    mon.on_restart()
    assert mon.pending is None and not mon.has_pending()

    out = mon.prepare_beacon(beacon(X, "x", available_modules=[{"name": "hello"}]))

    assert out.log == [("[INF]", "Activating manager daemon x")]
    assert out.null_map is False
    assert mon.pending is not None
    assert mon.pending.epoch == mon.map.epoch + 1 == 1
    assert (mon.pending.active_gid, mon.pending.active_name) == (X, "x")
    assert mon.pending.available is False
    assert mon.pending.active_change == clocks.wall()
    assert mon.pending.available_modules == [{"name": "hello"}]
    # nothing visible before the commit
    assert (mon.map.epoch, mon.map.active_gid) == (0, 0)

    mon.committed(mon.pending)
    assert (mon.map.epoch, mon.map.active_gid, mon.map.active_name) == (1, X, "x")
    assert mon.pending is None


def test_second_mgr_becomes_standby_with_dbg_log() -> None:
    clocks = Clocks()
    mon = cluster(clocks)
    epoch = mon.map.epoch

    out = mon.prepare_beacon(beacon(Y, "y", available_modules=[{"name": "hello"}]))

    assert out.log == [("[DBG]", "Standby manager daemon y started")]
    assert mon.pending is not None and mon.pending.epoch == epoch + 1
    assert mon.pending.active_gid == X
    assert mon.pending.standbys == {Y: Standby(Y, "y", [{"name": "hello"}])}
    commit(mon)

    # the same standby beaconing again changes nothing and logs nothing
    out = mon.prepare_beacon(beacon(Y, "y", available_modules=[{"name": "hello"}]))
    assert out.log == [] and not mon.has_pending()

    # a changed module list is recorded, silently
    out = mon.prepare_beacon(beacon(Y, "y", available_modules=[{"name": "other"}]))
    assert out.log == []
    assert mon.pending is not None
    assert mon.pending.standbys[Y].available_modules == [{"name": "other"}]


def test_available_beacon_from_active() -> None:
    clocks = Clocks()
    mon = cluster(clocks, available=False)
    descs = [{"cmd": "hello"}]

    out = mon.prepare_beacon(
        available_beacon(X, "x", addr="127.0.0.1:7000", nonce=42, command_descs=descs)
    )

    assert out.log == [("[INF]", "Manager daemon x is now available")]
    assert not out.null_map
    pm = mon.pending
    assert pm is not None
    assert pm.available is True
    assert (pm.active_addr, pm.active_nonce) == ("127.0.0.1:7000", 42)
    assert pm.services == {"dashboard": "http://127.0.0.1:8080/"}
    assert pm.command_descs == descs
    commit(mon)
    d = mon.map.dump()
    assert d["available"] is True
    assert d["active_addrs"] == {"addrvec": [{"type": "v2", "addr": "127.0.0.1:7000", "nonce": 42}]}
    assert d["active_addr"] == "127.0.0.1:7000/42"
    assert mon.map.stat() == {
        "epoch": mon.map.epoch,
        "available": True,
        "active_name": "x",
        "num_standby": 0,
    }

    # the same available beacon again: no new epoch, no second log line
    out = mon.prepare_beacon(
        available_beacon(X, "x", addr="127.0.0.1:7000", nonce=42, command_descs=descs)
    )
    assert out.log == [] and not mon.has_pending()

    # a services change from the active is applied
    mon.prepare_beacon(available_beacon(X, "x", addr="127.0.0.1:7000", nonce=42, services={}))
    assert mon.pending is not None and mon.pending.services == {}


@pytest.mark.parametrize(
    "sender",
    [pytest.param((Y, "y"), id="known-standby"), pytest.param((4999, "q"), id="unknown-gid")],
)
def test_available_beacon_from_non_active_gets_null_map(sender: tuple[int, str]) -> None:
    clocks = Clocks()
    mon = cluster(clocks, (Y, "y"))
    before = mon.map.clone()

    out = mon.prepare_beacon(available_beacon(*sender))

    assert out.null_map is True
    assert out.log == []
    assert mon.pending is None  # not added as a standby, active untouched
    assert mon.map == before


def test_available_beacon_with_active_name_and_new_gid() -> None:
    """Same name as the active, new gid, claiming available: the old active is
    dropped as restarted, and the sender is told it is not active."""
    clocks = Clocks()
    mon = cluster(clocks, (Y, "y"))

    out = send(mon, available_beacon(4999, "x"))

    assert out.null_map is True
    assert msgs(out.log) == ["Active manager daemon x restarted"]
    assert mon.map.active_gid == 0
    clocks.advance(1.0)
    tick(mon)
    assert mon.map.active_gid == Y


def test_available_beacon_from_dropped_active_gets_null_map() -> None:
    clocks = Clocks()
    mon = cluster(clocks, (Y, "y"))
    assert mon.fail("x") == ""
    commit(mon)
    assert mon.map.active_gid == Y

    out = mon.prepare_beacon(available_beacon(X, "x"))

    assert out.null_map is True
    assert not mon.has_pending()
    assert X not in mon.map.standbys


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


# --- same name, new gid ------------------------------------------------------------------


def test_active_restarted_with_new_gid_becomes_active_again() -> None:
    clocks = Clocks()
    mon = cluster(clocks, (Y, "y"))
    clocks.advance(3.0)

    out = mon.prepare_beacon(beacon(4200, "x"))

    assert msgs(out.log) == ["Active manager daemon x restarted", "Activating manager daemon x"]
    pm = mon.pending
    assert pm is not None
    assert (pm.active_gid, pm.active_name, pm.available) == (4200, "x", False)
    assert pm.active_change == clocks.wall()
    assert (pm.active_addr, pm.services) == ("", {})
    assert sorted(pm.standbys) == [Y]  # the standby is NOT promoted
    assert X not in mon.last_beacon
    commit(mon)
    # the old instance, if still alive, is told to respawn
    assert mon.prepare_beacon(available_beacon(X, "x")).null_map is True


def test_standby_restarted_with_new_gid_replaces_old_entry() -> None:
    clocks = Clocks()
    mon = cluster(clocks, (Y, "y"), (Z, "z"))

    out = send(mon, beacon(4201, "y"))

    assert mon.map.active_gid == X
    assert sorted(mon.map.standbys) == [Z, 4201]
    assert mon.map.standbys[4201].name == "y"
    assert Y not in mon.last_beacon
    assert ("[DBG]", "Standby manager daemon y started") in out.log
    # the old gid is gone for good: a later failover cannot pick it
    assert [s.name for s in mon.map.standbys.values()].count("y") == 1


# --- mgr fail ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "active", "standbys"),
    [
        pytest.param(None, "", (Y, "y"), [Z], id="no-arg-fails-active"),
        pytest.param("x", "", (Y, "y"), [Z], id="active-by-name"),
        pytest.param(str(X), "", (Y, "y"), [Z], id="active-by-gid"),
        pytest.param("z", "", (X, "x"), [Y], id="standby-by-name"),
        pytest.param(str(Y), "", (X, "x"), [Z], id="standby-by-gid"),
        pytest.param(
            "q", "Daemon not found 'q', already failed?", (X, "x"), [Y, Z], id="unknown-name"
        ),
        pytest.param(
            "9999", "Daemon not found '9999', already failed?", (X, "x"), [Y, Z], id="unknown-gid"
        ),
    ],
)
def test_fail(who: str | None, status: str, active: tuple[int, str], standbys: list[int]) -> None:
    clocks = Clocks()
    mon = cluster(clocks, (Z, "z"), (Y, "y"))
    before = mon.map.epoch

    assert mon.fail(who) == status
    commit(mon)

    assert (mon.map.active_gid, mon.map.active_name) == active
    assert sorted(mon.map.standbys) == standbys
    if status:
        assert mon.map.epoch == before  # nothing changed
    else:
        assert mon.map.epoch == before + 1
    if active[0] != X:  # the active was failed: promoted mgr starts unavailable
        assert mon.map.available is False
        assert mon.map.services == {}


def test_fail_without_active() -> None:
    clocks = Clocks()
    mon = make_mon(clocks)
    assert mon.fail(None) == "Currently no active mgr"
    assert not mon.has_pending()
    assert mon.fail("x") == "Daemon not found 'x', already failed?"


def test_fail_only_active_leaves_no_active_then_next_beacon_wins() -> None:
    clocks = Clocks()
    mon = cluster(clocks)
    assert mon.fail(None) == ""
    commit(mon)
    assert mon.map.active_gid == 0
    assert mon.fail(None) == "Currently no active mgr"
    # the failed daemon still thinks it is active: told to respawn
    assert mon.prepare_beacon(available_beacon(X, "x")).null_map is True
    # it respawns with a new gid and is selected
    out = send(mon, beacon(4300, "x"))
    assert msgs(out.log) == ["Activating manager daemon x"]
    assert mon.map.active_gid == 4300


def test_failed_standby_comes_back_on_next_beacon() -> None:
    clocks = Clocks()
    mon = cluster(clocks, (Y, "y"))
    assert mon.fail("y") == ""
    commit(mon)
    assert mon.map.standbys == {}
    out = send(mon, beacon(Y, "y"))
    assert out.log == [("[DBG]", "Standby manager daemon y started")]
    assert list(mon.map.standbys) == [Y]


# --- mgr set down ----------------------------------------------------------------------------


def test_set_down_drops_active_and_blocks_promotion() -> None:
    clocks = Clocks()
    mon = cluster(clocks, (Z, "z"), (Y, "y"))

    assert mon.set_down(True) == []
    commit(mon)
    assert mon.map.flags & FLAG_DOWN
    assert mon.map.down_flag
    assert (mon.map.active_gid, mon.map.active_name, mon.map.available) == (0, "", False)
    assert sorted(mon.map.standbys) == [Y, Z]

    # beacons do not select an active while down
    for b in (beacon(Y, "y"), beacon(Z, "z"), beacon(4400, "w")):
        out = send(mon, b)
        assert "Activating" not in " ".join(msgs(out.log))
    assert mon.map.active_gid == 0
    assert sorted(mon.map.standbys) == [Y, Z, 4400]
    # nor does the tick
    for _ in range(3):
        clocks.advance(5.0)
        tick(mon)
    assert mon.map.active_gid == 0
    # there is no active to fail
    assert mon.fail(None) == "Currently no active mgr"

    # setting it again is a no-op
    assert mon.set_down(True) == []
    assert not mon.has_pending()

    log = mon.set_down(False)
    commit(mon)
    assert not mon.map.down_flag
    assert (mon.map.active_gid, mon.map.active_name) == (Y, "y")
    assert msgs(log) == ["Activating manager daemon y"]
    assert sorted(mon.map.standbys) == [Z, 4400]
    # clearing an unset flag is a no-op
    assert mon.set_down(False) == []
    assert not mon.has_pending()


def test_set_down_false_without_standby_lets_next_beacon_win() -> None:
    clocks = Clocks()
    mon = cluster(clocks)
    mon.set_down(True)
    commit(mon)
    assert mon.set_down(False) == []
    commit(mon)
    assert mon.map.active_gid == 0
    out = send(mon, beacon(4500, "x"))
    assert msgs(out.log) == ["Activating manager daemon x"]


def test_fail_while_down_flag_promotes_nobody() -> None:
    clocks = Clocks()
    mon = cluster(clocks, (Y, "y"))
    mon.set_down(True)
    commit(mon)
    send(mon, beacon(X + 1000, "x"))  # x respawned, registers as standby
    assert mon.map.active_gid == 0
    assert mon.fail("y") == ""
    commit(mon)
    assert mon.map.active_gid == 0


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


# --- committed() / pending --------------------------------------------------------------------


def test_pending_accumulates_into_one_epoch() -> None:
    clocks = Clocks()
    mon = make_mon(clocks)
    mon.on_restart()
    mon.prepare_beacon(beacon(X, "x"))
    mon.prepare_beacon(beacon(Y, "y"))
    mon.prepare_beacon(beacon(Z, "z"))
    assert mon.pending is not None and mon.pending.epoch == 1
    assert mon.map.epoch == 0
    pm = mon.pending

    mon.committed(pm)

    assert mon.map is pm
    assert mon.map.epoch == 1 and sorted(mon.map.standbys) == [Y, Z]
    assert mon.pending is None and not mon.has_pending()
    mon.prepare_beacon(beacon(4103, "w"))
    assert mon.pending is not None and mon.pending.epoch == 2
    assert mon.pending is not mon.map
    assert 4103 not in mon.map.standbys  # pending is a copy


def test_metadata_pending_and_committed() -> None:
    clocks = Clocks()
    mon = cluster(clocks, (Y, "y"))
    md = {"hostname": "h1", "ceph_version": "ceph version 16.2.15"}

    mon.prepare_beacon(beacon(Y, "y", metadata=md))

    # metadata alone: no new map epoch, but something to commit
    assert mon.pending is None
    assert mon.has_pending()
    assert mon.pending_metadata == {"y": md}
    assert "y" not in mon.metadata
    mon.committed(None)
    assert mon.metadata["y"] == md
    assert not mon.has_pending()
    # unchanged metadata is not re-written
    mon.prepare_beacon(beacon(Y, "y", metadata=dict(md)))
    assert not mon.has_pending()


def test_committed_tracks_inactive_since() -> None:
    clocks = Clocks()
    mon = make_mon(clocks)
    assert mon.inactive_since == clocks.mono()
    clocks.advance(5.0)
    send(mon, beacon(X, "x"))
    assert mon.inactive_since is None
    clocks.advance(5.0)
    mon.fail(None)
    assert mon.inactive_since is None  # still only pending
    commit(mon)
    assert mon.inactive_since == clocks.mono()


# --- MgrMap encodings -----------------------------------------------------------------------


def sample_map() -> MgrMap:
    m = MgrMap(
        epoch=12,
        active_gid=X,
        active_name="x",
        active_addr="127.0.0.1:6800",
        active_nonce=991,
        active_change=1_700_000_123.25,
        available=True,
        modules=["iostat", "nfs", "restful"],
        available_modules=[
            {"name": "hello", "can_run": True, "error_string": "", "module_options": {}}
        ],
        services={"dashboard": "http://127.0.0.1:8080/"},
        flags=FLAG_DOWN,
        last_failure_osd_epoch=3,
        command_descs=[{"cmd": "hello", "perm": "r"}],
    )
    m.standbys[Z] = Standby(Z, "z", [{"name": "hello"}])
    m.standbys[Y] = Standby(Y, "y", [])
    return m


def test_mgrmap_store_round_trip() -> None:
    m = sample_map()
    assert MgrMap.from_store(m.to_store()) == m
    # through the one codec, as the store does it
    back = MgrMap.from_store(codec.unpack(codec.pack(m.to_store())))
    assert back == m
    assert list(back.standbys) == list(m.standbys)
    assert all(isinstance(g, int) for g in back.standbys)
    assert MgrMap.from_store(MgrMap().to_store()) == MgrMap()


def test_mgrmap_clone_is_deep() -> None:
    m = sample_map()
    c = m.clone()
    c.standbys[Y].available_modules.append({"name": "new"})
    c.services["x"] = "y"
    assert m.standbys[Y].available_modules == []
    assert "x" not in m.services


def test_mgrmap_dump_values() -> None:
    m = sample_map()
    d = m.dump()
    assert d["epoch"] == 12
    assert d["active_gid"] == X and d["active_name"] == "x"
    assert d["active_mgr_features"] == MGR_FEATURES
    assert [s["gid"] for s in d["standbys"]] == [Y, Z]  # gid order
    assert d["standbys"][0] == {
        "gid": Y,
        "name": "y",
        "mgr_features": MGR_FEATURES,
        "available_modules": [],
    }
    assert d["always_on_modules"] == ALWAYS_ON
    assert d["active_clients"] == []
    json.dumps(d)  # JSON-serialisable
    empty = MgrMap().dump()
    assert empty["active_addrs"] == {"addrvec": []}
    assert empty["active_addr"] == "0.0.0.0:0/0"
    assert empty["active_mgr_features"] == 0


def test_mgrmap_queries() -> None:
    m = sample_map()
    assert m.down_flag
    assert m.is_enabled("iostat") and m.is_enabled("balancer") and not m.is_enabled("hello")
    assert m.standby_by_name("z") == m.standbys[Z]
    assert m.standby_by_name("x") is None
    assert m.all_names() == ["x", "z", "y"]
    assert MgrMap().all_names() == []


def _golden(name: str) -> Any:
    path = GOLDEN / name
    return json.loads(path.read_text())


def test_mgrmap_dump_keys_match_ceph() -> None:
    golden = _golden("mgr_dump.json")
    d = sample_map().dump()
    assert list(d) == list(golden)
    assert list(d["standbys"][0]) == list(golden["standbys"][0])
    assert set(d["active_addrs"]) == set(golden["active_addrs"])
    assert set(d["active_addrs"]["addrvec"][0]) == set(golden["active_addrs"]["addrvec"][0])
    assert d["always_on_modules"] == golden["always_on_modules"]
    # types of the scalar fields
    for k, v in golden.items():
        assert type(d[k]) is type(v), k


def test_mgrmap_stat_keys_match_ceph() -> None:
    golden = _golden("mgr_stat.json")
    s = sample_map().stat()
    assert list(s) == list(golden)
    assert {k: type(v) for k, v in s.items()} == {k: type(v) for k, v in golden.items()}
    assert s == {"epoch": 12, "available": True, "active_name": "x", "num_standby": 2}


# --- module enable/disable: changes the MgrMonitor owns -----------------------------------


def test_module_enable_disable_stage_on_the_monitor() -> None:
    from mon.errors import CommandError

    clocks = Clocks()
    mon = make_mon(clocks)
    send(mon, beacon(X, "x"))
    send(mon, available_beacon(X, "x", available_modules=[{"name": "hello"}]))
    assert mon.map.active_gid == X and mon.pending is None
    with pytest.raises(CommandError, match="all mgr daemons do not support module 'nope'"):
        mon.enable_module("nope", force=False)
    assert mon.pending is None  # a refused change stages nothing
    assert mon.enable_module("hello", force=False) == ""
    assert mon.pending is not None and "hello" in mon.pending.modules
    assert mon.enable_module("hello", force=False) == "module 'hello' is already enabled"
    mon.committed(mon.pending)
    assert "hello" in mon.map.modules
    assert mon.disable_module("hello") == ""
    assert mon.disable_module("hello") == "module 'hello' is already disabled"
    always = sorted(mon.map.always_on())[0]
    with pytest.raises(CommandError, match="cannot be disabled"):
        mon.disable_module(always)
