"""The freshness observables of the mgr's admin status (``daemon_state``):
the OSDMap's view (``osds_up``) next to the daemons actually reporting
(``fresh``, ``last_report_age``), as `stale_state` watches them. No processes."""

from __future__ import annotations

import time

from mgr.daemon_state import DaemonState
from tests.fleet.test_daemon_state import Fleet, N, osdmap_wire


def test_fresh_counts_follow_report_stamps_and_the_map_stays_as_it_was() -> None:
    ds = DaemonState("fsid", 1.0)
    ds.listener = lambda kind, ident: None
    st = ds.status(now=100.0)
    assert (st["osds_up"], st["fresh"], st["last_report_age"]) == (0, {}, None)
    ds.on_osdmap(2, osdmap_wire())
    fleet = Fleet()
    for msg in fleet.opens():
        ds.on_open(msg)
    for msg in fleet.reports(100.0):
        ds.on_report("fleet.0", msg)
    st = ds.status(now=100.5)
    assert st["osdmap_epoch"] == 2 and st["osds_up"] == N
    assert st["fresh"] == {"osd": N, "mds": 2, "rgw": 0}
    assert abs(time.time() - (100.5 - st["last_report_age"])) < 5  # taken on arrival
    # osd.3 dies: the next reports leave its row out; the map (no mon) still says up
    later = fleet.reports(101.0)
    osd = later[0]
    w = len(osd.values) // 8 // N
    later[0] = type(osd)(
        stamp=102.5,
        daemon_type="osd",
        ids=[o for o in range(N) if o != 3],
        values=osd.values[: 3 * w * 8] + osd.values[4 * w * 8 :],
    )
    ds.on_report("fleet.0", later[0])
    st = ds.status(now=103.0)
    assert st["fresh"]["osd"] == N - 1 and st["osds_up"] == N and st["osdmap_epoch"] == 2
    # the mon returns and publishes osd.3 down: the map catches up
    m = osdmap_wire(up=N - 1)
    ds.on_osdmap(2, m)
    assert ds.status(now=103.0)["osds_up"] == N  # an epoch seen already is ignored
    m["epoch"] = 3
    ds.on_osdmap(3, m)
    st = ds.status(now=103.0)
    assert (st["osdmap_epoch"], st["osds_up"]) == (3, N - 1)
    assert ds.status(now=110.0)["fresh"] == {"osd": 0, "mds": 0, "rgw": 0}
