"""OSDMonitor, the OSDMap model and PG placement, without processes.

The service is driven as the mon's write pump drives it: changes staged,
`encode_pending` into one transaction, the store applies it, `on_committed`.
Time-dependent rules (report timeout, down -> out) are driven by setting the
clocks they compare against, never by sleeping.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from mon.osd_monitor import OSDMonitor, initial_map
from mon.store import MonStore, Transaction
from sim.maps import layout, osd_dumps, pgmap
from sim.maps.osdmap import OSDMap
from sim.options import Options, Profile, defaults

N = 24


def boot_entry(osd: int, n: int = N, nonce: int = 7) -> dict[str, Any]:
    return {"osd": osd, "uuid": str(uuid.uuid4()), "host": layout.host_of(osd, n), "nonce": nonce}


class Harness:
    def __init__(self, path: Path, **opts: Any) -> None:
        self.store = MonStore(path / "store.db")
        self.published: list[tuple[str, int]] = []
        options = Options(defaults(Profile.FAST) | opts)
        self.svc = OSDMonitor(
            options,
            lambda: initial_map("fsid-1", 1000.0, N, 1, 1),
            lambda name, epoch, body: self.published.append((name, epoch)),
            lambda kind, **data: None,
        )
        self.svc.load(self.store)

    def commit(self) -> None:
        txn = Transaction()
        self.svc.encode_pending(txn)
        if txn:
            self.store.apply(txn)
        self.svc.on_committed()


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return Harness(tmp_path)


def test_initial_map_has_the_default_pools_sized_for_the_hosts(h: Harness) -> None:
    m = h.svc.map
    assert m.epoch == 1 and m.max_osd == 0
    names = [p.name for p in m.pools.values()]
    assert names[:2] == ["device_health_metrics", "rbd"]
    assert {"cephfs.cephfs.meta", "cephfs.cephfs.data", ".rgw.root"} <= set(names)
    assert {p.size for p in m.pools.values()} == {3}  # 24 osds, 6 hosts
    assert layout.pool_size(3) == 1  # one host: size 1, so a tiny cluster is clean


def test_a_batch_of_boots_is_one_epoch_and_is_published(h: Harness) -> None:
    log = h.svc.boot([boot_entry(o) for o in range(N)], time.time())
    h.commit()
    m = h.svc.map
    assert m.epoch == 2 and h.published == [("osdmap", 2)]
    assert m.counts() == (N, N, N)
    assert m.hosts == [layout.hostname(i) for i in range(N // 4)]
    assert [p for p, _ in log][-1] == "[INF]" and log[-1][1] == "... and 8 more osds boot"
    # a repeated boot (same incarnation) changes nothing; a new incarnation re-boots
    h.svc.boot([boot_entry(0)], time.time())
    assert h.svc.pending is None
    h.svc.boot([boot_entry(0, nonce=8)], time.time())
    h.commit()
    assert h.svc.map.epoch == 3 and h.svc.map.up_from[0] == 3


def test_the_store_holds_what_was_committed(h: Harness, tmp_path: Path) -> None:
    h.svc.boot([boot_entry(o) for o in range(N)], time.time())
    h.commit()
    again = Harness(tmp_path)
    assert again.svc.map.to_wire() == h.svc.map.to_wire()
    assert OSDMap.from_wire(h.svc.wire()).uuid(5) == h.svc.map.uuid(5)


def test_silent_osds_are_marked_down_after_the_report_timeout(h: Harness) -> None:
    h.svc.boot([boot_entry(o) for o in range(N)], time.time())
    h.commit()
    timeout = float(h.svc.options["mon_osd_report_timeout"])
    for osd in (3, 4):
        h.svc.last_report[osd] = time.monotonic() - timeout - 1
    log = h.svc.tick(time.time())
    h.commit()
    assert [o for o in range(N) if not h.svc.map.is_up(o)] == [3, 4]
    assert "marked down after no beacon for" in log[0][1]
    h.svc.beacon(list(range(N)))
    assert h.svc.tick(time.time()) == []


def test_failure_reports_and_health(h: Harness) -> None:
    h.svc.boot([boot_entry(o) for o in range(N)], time.time())
    h.commit()
    done, _ = h.svc.mark_down([0, 1, 2, 3, 9], time.time(), lambda o: f"osd.{o} failed")
    h.commit()
    assert done == [0, 1, 2, 3, 9]
    checks = {c.code: c for c in h.svc.health_checks()}
    assert checks["OSD_DOWN"].summary == "5 osds down"
    assert checks["OSD_DOWN"].detail[0] == "osd.0 (root=default,host=node00) is down"
    assert checks["OSD_HOST_DOWN"].summary == "1 host (4 osds) down"
    assert h.svc.set_flag("nodown", True)
    h.commit()
    assert h.svc.mark_down([5], time.time(), str) == ([], [])
    assert "OSDMAP_FLAGS" in {c.code for c in h.svc.health_checks()}


def test_down_osds_are_marked_out_unless_noout_and_come_back_in_on_boot(h: Harness) -> None:
    h.svc.boot([boot_entry(o) for o in range(N)], time.time())
    h.commit()
    h.svc.mark_down([7], time.time(), str)
    h.commit()
    later = time.time() + float(h.svc.options["mon_osd_down_out_interval"]) + 1
    h.svc.set_flag("noout", True)
    h.commit()
    assert h.svc.tick(later) == [] and h.svc.map.is_in(7)
    h.svc.set_flag("noout", False)
    log = h.svc.tick(later)
    h.commit()
    assert not h.svc.map.is_in(7) and log[0][1].startswith("Marking osd.7 out (has been down for")
    h.svc.boot([boot_entry(7, nonce=9)], time.time())
    h.commit()
    assert h.svc.map.is_in(7) and h.svc.map.is_up(7)


def test_the_digest_feeds_status_and_health(h: Harness) -> None:
    check = {"severity": "HEALTH_WARN", "summary": {"message": "Degraded", "count": 1}}
    h.svc.stage_digest(
        {"pgmap": {"num_pgs": 10, "pgs_by_state": []}, "checks": {"PG_DEGRADED": check}}
    )
    h.commit()
    assert h.svc.pgmap_status()["num_pgs"] == 10
    assert h.svc.pgmap_status()["num_pools"] == len(h.svc.map.pools)
    assert "PG_DEGRADED" in {c.code for c in h.svc.health_checks()}


def test_placement_and_pg_states() -> None:
    m = initial_map("f", 1.0, N, 0, 0)
    for o in range(N):
        m.create_osd(o, str(uuid.uuid4()), layout.host_of(o, N), 1.0)
        m.state[o] |= 2
    pgs = pgmap.place(m)
    rbd = pgs[2]
    for ps in range(rbd.pg_num):
        acting = list(rbd.acting[ps * 3 : ps * 3 + 3])
        assert len({m.host[o] for o in acting}) == 3  # one copy per host
    pgmap.compute_states(pgs, m, lambda o: True)
    assert set(pgmap.counts(pgs)) == {pgmap.CLEAN}
    for o in m.host_members()[0]:
        m.state[o] &= ~2
    pgmap.compute_states(pgs, m, lambda o: True)
    assert set(pgmap.counts(pgs)) == {pgmap.CLEAN, pgmap.DEGRADED}
    pgmap.compute_states(pgs, m, lambda o: False)
    assert set(pgmap.counts(pgs)) == {pgmap.UNKNOWN}
    m.weight[0] = 0  # out: nothing maps to it any more
    assert all(0 not in pp.acting for pp in pgmap.place(m).values())


def test_plain_dumps() -> None:
    m = initial_map("f", 1.0, 3, 0, 0)
    for o in range(3):
        m.create_osd(o, str(uuid.uuid4()), "node00", 1.0)
        m.state[o] = 3
    tree = osd_dumps.osd_tree_plain(m).splitlines()
    assert tree[0].split() == [
        "ID",
        "CLASS",
        "WEIGHT",
        "TYPE",
        "NAME",
        "STATUS",
        "REWEIGHT",
        "PRI-AFF",
    ]
    assert tree[1].startswith("-1         3.00000  root default")
    assert tree[3].split() == ["0", "hdd", "1.00000", "osd.0", "up", "1.00000", "1.00000"]
    dump = osd_dumps.osd_dump_plain(m)
    assert "pool 2 'rbd' replicated size 1 min_size 1 crush_rule 0" in dump
    assert (
        "\nosd.0 up   in  weight 1 up_from 0 up_thru 0 down_at 0 last_clean_interval [0,0) " in dump
    )
