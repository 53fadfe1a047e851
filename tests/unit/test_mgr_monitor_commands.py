"""Unit tests of the pure MgrMonitor (mon/mgr_monitor.py): the changes commands make
(``mgr fail``, ``mgr set down``, module enable/disable).

No processes, sockets or sleeps: the monitor gets two fake clocks (monotonic and
wall) that the tests advance (``mgrmon_fakes.py``).

Expected behaviour: ``shared/reference/ceph_failover_behaviour.md`` §2.4 and
``shared/reference/ceph_mgr_api.md`` §4.2-4.3 (Ceph's MgrMonitor.cc).
"""

from __future__ import annotations

import pytest

from mon.mgr_map import FLAG_DOWN

from .mgrmon_fakes import (
    Clocks,
    X,
    Y,
    Z,
    available_beacon,
    beacon,
    cluster,
    commit,
    make_mon,
    msgs,
    send,
    tick,
)

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
