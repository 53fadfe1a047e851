"""Unit tests of the pure MgrMonitor (mon/mgr_monitor.py): beacons, and a mgr back with a new gid.

No processes, sockets or sleeps: the monitor gets two fake clocks (monotonic and
wall) that the tests advance (``mgrmon_fakes.py``).

Expected behaviour: ``shared/reference/ceph_failover_behaviour.md`` §2.4 and
``shared/reference/ceph_mgr_api.md`` §4.2-4.3 (Ceph's MgrMonitor.cc).
"""

from __future__ import annotations

import pytest

from mon.mgr_map import Standby

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
