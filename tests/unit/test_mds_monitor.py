"""Unit tests of the MDSMonitor (mon/mds_monitor.py): beacons, rank assignment,
failover past ``mds_beacon_grace``, the slow-tick rule, health, and the
PaxosService hand-off (pending → committing → committed, one epoch per batch).

No processes or sleeps: the service gets fake clocks that the tests advance.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mon.mds_monitor import FSMAP_EPOCHS_KEPT, MDSMonitor, initial_fsmap, map_key
from mon.store import MonStore, Transaction
from sim.maps.fsmap import STATE_ACTIVE, FSMap
from sim.options import Options, Profile, defaults
from tests.unit.fake_mon import EmptyStore

POOLS = {"cephfs.cephfs.meta": 3, "cephfs.cephfs.data": 4}
GRACE = 3.0  # the fast profile's mds_beacon_grace
STEP = 0.25  # the fast profile's mon tick


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class Harness:
    def __init__(self, num_mds: int = 2) -> None:
        self.clock = Clock()
        self.logged: list[tuple[str, str]] = []
        self.published: list[tuple[str, int, dict[str, Any]]] = []
        opts = Options(defaults(Profile.FAST))
        self.svc = MDSMonitor(
            opts,
            lambda: initial_fsmap(1.7e9, num_mds, POOLS),
            lambda n, e, b: self.published.append((n, e, b)),
            lambda p, m: self.logged.append((p, m)),
            lambda *a, **k: None,
            clock=self.clock,
            wall=lambda: 1.7e9 + self.clock.t,
        )
        self.svc.load(EmptyStore())
        self.txns: list[Transaction] = []

    def commit(self) -> None:
        txn = Transaction()
        self.svc.encode_pending(txn)
        self.svc.on_committed()
        self.txns.append(txn)

    def beacon(self, *names: str) -> list[tuple[str, str]]:
        gids = {"a": 4200, "b": 4201, "c": 4202}
        out = self.svc.beacon(
            [{"gid": gids[n], "name": n, "port": 6900 + 2 * (gids[n] - 4200), "nonce": 7,
              "metadata": {"ceph_version": "ceph version 16.2.15"}} for n in names]
        )  # fmt: skip
        self.logged += out
        return out

    def run(self, seconds: float, *alive: str) -> None:
        """Tick every STEP for ``seconds``; the ``alive`` daemons beacon every tick."""
        end = self.clock.t + seconds
        while self.clock.t < end:
            self.clock.t += STEP
            if alive:
                self.beacon(*alive)
            self.logged += self.svc.tick()
            self.commit()

    def active(self) -> str | None:
        m = self.svc.map.filesystems[1]
        gid = m.up.get(0)
        return m.info[gid].name if gid is not None else None


def test_initial_map_has_the_filesystem_and_no_daemons() -> None:
    h = Harness()
    m = h.svc.map
    assert m.epoch == 1 and list(m.filesystems) == [1]
    fs = m.filesystems[1]
    assert (fs.fs_name, fs.metadata_pool, fs.data_pools, fs.in_, fs.up) == (
        "cephfs",
        3,
        [4],
        [],
        {},
    )
    assert initial_fsmap(0, 0, POOLS).filesystems == {}  # no MDS in the cluster: no filesystem


def test_first_beacons_make_standbys_then_the_tick_assigns_rank_0() -> None:
    h = Harness()
    lines = h.beacon("a", "b")
    assert lines == [
        ("[INF]", "mds.? [v2:127.0.0.1:6900/7,v1:127.0.0.1:6901/7] up:boot"),
        ("[INF]", "mds.? [v2:127.0.0.1:6902/7,v1:127.0.0.1:6903/7] up:boot"),
    ]
    h.commit()
    assert h.svc.map.epoch == 2 and sorted(h.svc.map.standbys) == [4200, 4201]
    h.run(STEP, "a", "b")
    assert h.svc.map.epoch == 3
    assert h.active() == "a"  # the standby of lowest gid
    info = h.svc.map.filesystems[1].info[4200]
    assert (info.state, info.rank, info.incarnation) == (STATE_ACTIVE, 0, 3)
    assert list(h.svc.map.standbys) == [4201]
    assert ("[INF]", "daemon mds.a assigned to filesystem cephfs as rank 0 (now has 1 ranks)") in (
        h.logged
    )
    assert ("[DBG]", "fsmap cephfs:1 {0=a=up:active} 1 up:standby") in h.logged
    assert h.svc.map.summary() == "cephfs:1 {0=a=up:active} 1 up:standby"
    # steady beacons change nothing: no new epoch
    h.run(2.0, "a", "b")
    assert h.svc.map.epoch == 3


def test_one_batch_of_changes_is_one_epoch() -> None:
    h = Harness()
    h.beacon("a", "b")
    h.logged += h.svc.tick()
    h.commit()  # boot of both and the assignment: one epoch
    assert h.svc.map.epoch == 2 and h.active() == "a"
    assert len(h.published) == 1 and h.published[0][:2] == ("fsmap", 2)


def test_silent_active_is_replaced_by_the_standby_after_the_grace() -> None:
    h = Harness()
    h.beacon("a", "b")
    h.run(1.0, "a", "b")
    assert h.active() == "a"
    h.run(GRACE - 0.5, "b")  # a is silent, but not for the grace yet
    assert h.active() == "a"
    h.run(1.0, "b")
    assert h.active() == "b"
    assert ("[WRN]", "Replacing daemon mds.a as rank 0 with standby daemon mds.b") in h.logged
    m = h.svc.map
    assert m.standbys == {} and 4200 not in m.filesystems[1].info
    assert m.filesystems[1].failed == [] and m.filesystems[1].epoch == m.epoch
    assert h.svc.health_checks() == []


def test_silent_active_without_standby_is_marked_laggy() -> None:
    h = Harness(num_mds=1)
    h.beacon("a")
    h.run(1.0, "a")
    epoch = h.svc.map.epoch
    h.run(GRACE + 1.0)  # nobody beacons: no decisive action, a is laggy
    info = h.svc.map.filesystems[1].info[4200]
    assert info.laggy_since and h.active() == "a" and h.svc.map.epoch == epoch + 1
    assert "laggy_since" in info.dump()
    assert h.svc.map.summary() == "cephfs:1 {0=a=up:active(laggy or crashed)}"
    h.run(STEP, "a")  # it is back: no longer laggy
    assert not h.svc.map.filesystems[1].info[4200].laggy_since


def test_silent_standby_is_dropped() -> None:
    h = Harness()
    h.beacon("a", "b")
    h.run(1.0, "a", "b")
    h.run(GRACE + 1.0, "a")
    assert h.svc.map.standbys == {}
    assert ("[INF]", "Standby daemon mds.b is not responding, dropping it") in h.logged


def test_slow_tick_resets_the_beacon_clocks() -> None:
    h = Harness()
    h.beacon("a", "b")
    h.run(1.0, "a", "b")
    h.clock.t += GRACE + 5  # the mon itself was stalled: nobody is failed for it
    h.logged += h.svc.tick()
    h.commit()
    assert h.active() == "a" and list(h.svc.map.standbys) == [4201]


def test_restarted_daemon_fails_its_old_gid_and_the_rank_is_refilled() -> None:
    h = Harness(num_mds=1)
    h.beacon("a")
    h.run(1.0, "a")
    h.svc.beacon([{"gid": 4300, "name": "a", "port": 6900, "nonce": 8}])  # a new incarnation
    h.commit()
    fs = h.svc.map.filesystems[1]
    assert fs.failed == [0] and fs.up == {} and list(h.svc.map.standbys) == [4300]
    checks = {c.code: c for c in h.svc.health_checks()}
    assert set(checks) == {"MDS_ALL_DOWN", "FS_DEGRADED", "FS_WITH_FAILED_MDS"}
    assert checks["FS_WITH_FAILED_MDS"].detail == ("fs cephfs has 1 failed mds",)
    assert checks["MDS_ALL_DOWN"].summary == "1 filesystem is offline"
    assert h.svc.map.summary() == "cephfs:0/1 1 up:standby, 1 failed"
    h.logged += h.svc.tick()
    h.commit()
    assert h.svc.map.filesystems[1].up == {0: 4300}
    assert ("[INF]", "Standby daemon mds.a assigned to filesystem cephfs as rank 0") in h.logged


def test_mds_fail_by_name_rank_and_gid() -> None:
    h = Harness()
    h.beacon("a", "b")
    h.run(1.0, "a", "b")
    assert h.svc.fail("4200") == "failed mds gid 4200"  # a gid
    h.logged += h.svc.tick()
    h.commit()
    assert h.active() == "b"
    assert h.svc.fail("cephfs:0") == "failed mds gid 4201"
    h.commit()
    assert h.svc.map.filesystems[1].failed == [0]
    # unknown ones are not errors in Ceph (retval 0), only a message for a name
    assert h.svc.fail("nobody") == "MDS named 'nobody' does not exist, or is not up"
    assert h.svc.fail("99999") == "" and h.svc.fail("cephfs:3") == ""


def test_wire_round_trip_and_store() -> None:
    h = Harness()
    h.beacon("a", "b")
    h.run(1.0, "a", "b")
    m = h.svc.map
    assert FSMap.from_wire(m.to_wire()) == m
    txn = h.txns[0]
    keys = {(p, k) for p, k, _ in txn.ops}
    assert ("fsmap", "last_committed") in keys and ("mds_metadata", "a") in keys
    assert h.svc.versions() == {"ceph version 16.2.15": 2}


def test_insufficient_standby() -> None:
    h = Harness(num_mds=1)
    h.beacon("a")
    h.run(1.0, "a")
    h.svc.map.filesystems[1].standby_count_wanted = 1
    (check,) = h.svc.health_checks()
    assert check.code == "MDS_INSUFFICIENT_STANDBY"
    assert check.detail == ("have 0; want 1 more",)


def test_a_peon_reading_the_store_has_the_leaders_map(tmp_path: Path) -> None:
    """The committed transactions are all a peon (or a restarted mon) needs: same FSMap,
    same metadata, old epochs trimmed past FSMAP_EPOCHS_KEPT (``mds stat``'s first_committed)."""
    store = MonStore(tmp_path / "store.db")
    h = Harness()
    h.beacon("a", "b")
    h.run(1.0, "a", "b")
    for _ in range(FSMAP_EPOCHS_KEPT + 2):  # many epochs: a laggy flag set and cleared
        h.run(GRACE + 1.0)
        h.run(STEP, "a", "b")
    for txn in h.txns:
        if txn:
            store.apply(txn)
    peon = Harness().svc
    peon.refresh(store)
    assert peon.map == h.svc.map and peon.map.epoch > FSMAP_EPOCHS_KEPT
    assert peon.metadata == h.svc.metadata and set(peon.metadata) == {"a", "b"}
    assert peon.first_committed == h.svc.first_committed == peon.map.epoch - FSMAP_EPOCHS_KEPT + 1
    assert store.get("fsmap", map_key(peon.first_committed - 1)) is None
    assert peon.map_at(store, peon.first_committed).epoch == peon.first_committed
    store.close()
