"""Unit tests of the pure MgrMonitor (mon/mgr_monitor.py): pending changes and committed().

No processes, sockets or sleeps: the monitor gets two fake clocks (monotonic and
wall) that the tests advance (``mgrmon_fakes.py``).
"""

from __future__ import annotations

from .mgrmon_fakes import Clocks, X, Y, Z, beacon, cluster, commit, make_mon, send

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
