"""The fleet's op side without processes: blocking below min_size, waiting on a hung
member, replication to every up OSD, recovery of a returning OSD, re-sent ops, restarts."""

from __future__ import annotations

import errno
from pathlib import Path

from sim.cluster import RunDir
from sim.fleet.pgs import OSDService
from sim.maps.osdmap import UP, OSDMap
from sim.maps.pgmap import object_pg
from sim.messages import OsdOp, OsdOpReply
from tests.librados.test_placement_objops import osdmap


class Harness:
    def __init__(self, path: Path, m: OSDMap) -> None:
        self.running = set(m.osd_ids())
        self.svc = OSDService(RunDir(path), m.osd_ids(), lambda o: o in self.running)
        self.m = m
        self.svc.on_map(m)
        self.replies: dict[str, OsdOpReply] = {}
        self.tid = 0

    def send(self, oid: str, ops: list, reqid: str = "") -> str:
        self.tid += 1
        reqid = reqid or f"client.test/{self.tid}"
        op = OsdOp(pool=1, ps=0, oid=oid, ops=ops, epoch=self.m.epoch, reqid=reqid, mtime=1.0)
        self.svc.submit(op, lambda rep: self.replies.__setitem__(reqid, rep), 0.0)
        return reqid

    def run(self, oid: str, ops: list) -> OsdOpReply:
        rid = self.send(oid, ops)
        assert rid in self.replies, "op blocked"
        return self.replies[rid]

    def new_map(self, down: set[int] = frozenset(), up: set[int] = frozenset()) -> None:
        m = self.m.copy()
        m.epoch += 1
        for o in down:
            m.state[o] &= ~UP
        for o in up:
            m.state[o] |= UP
        self.m = m
        self.svc.on_map(m)

    def copies(self, oid: str) -> dict[int, bytes]:
        out = {}
        for o in self.m.osd_ids():
            st = self.svc.store(o).get(1, "", oid)
            if st.exists:
                out[o] = st.data
        return out


def test_write_lands_on_every_up_osd_and_reads_back(tmp_path: Path) -> None:
    h = Harness(tmp_path, osdmap())
    rep = h.run("a", [["write_full", b"v1"]])
    assert rep.retval == 0 and rep.version == 1
    assert h.copies("a") == {0: b"v1", 1: b"v1", 2: b"v1"}
    assert h.run("a", [["read", 0, 0]]).results == [b"v1"]
    assert h.run("b", [["read", 0, 0]]).retval == -errno.ENOENT
    per_pool, per_osd, per_pg = h.svc.usage()
    assert per_pool == {1: (1, 2)} and per_osd == {0: 2, 1: 2, 2: 2}
    assert per_pg == {(1, object_pg(h.m, 1, "a")[0]): (1, 2)}


def test_op_blocks_below_min_size_and_completes_when_osds_return(tmp_path: Path) -> None:
    h = Harness(tmp_path, osdmap())
    h.running -= {1, 2}
    h.new_map(down={1, 2})  # 1 of 3 up < min_size 2
    rid = h.send("a", [["write_full", b"v1"]])
    assert rid not in h.replies and len(h.svc.waiting) == 1
    h.running.add(1)
    h.svc.retry()  # running again, but the map still says down: still blocked
    assert rid not in h.replies
    h.new_map(up={1})
    assert h.replies[rid].retval == 0
    assert h.copies("a") == {0: b"v1", 1: b"v1"}  # osd.2 is down: it has nothing


def test_op_waits_for_a_hung_member_the_map_still_shows_up(tmp_path: Path) -> None:
    h = Harness(tmp_path, osdmap())
    h.running.discard(2)  # paused: silent, not yet reported
    rid = h.send("a", [["write_full", b"v1"]])
    assert rid not in h.replies
    h.new_map(down={2})  # the mon marks it down: the PG goes on with 2 of 3
    assert h.replies[rid].retval == 0 and 2 not in h.copies("a")


def test_a_returning_osd_recovers_before_it_serves(tmp_path: Path) -> None:
    m = osdmap()
    h = Harness(tmp_path, m)
    assert h.run("a", [["write_full", b"v1"]]).retval == 0
    assert h.run("gone", [["write_full", b"x"]]).retval == 0
    h.running.discard(0)
    h.new_map(down={0})
    assert h.run("a", [["write_full", b"v2"]]).retval == 0
    assert h.run("gone", [["remove"]]).retval == 0
    assert h.copies("a")[0] == b"v1"  # stale while away
    # every other OSD dies; only the stale one and one fresh one come back
    h.running -= {1, 2}
    h.new_map(down={1, 2})
    h.running |= {0, 1}
    h.new_map(up={0, 1})
    assert h.run("a", [["read", 0, 0]]).results == [b"v2"]
    assert h.copies("a")[0] == b"v2"
    assert h.run("gone", [["stat"]]).retval == -errno.ENOENT  # the tombstone won
    assert h.svc.recovered >= 2


def test_a_resent_op_is_applied_once(tmp_path: Path) -> None:
    h = Harness(tmp_path, osdmap())
    h.send("a", [["append", b"x"]], reqid="client.t/1")
    h.send("a", [["append", b"x"]], reqid="client.t/1")
    assert h.run("a", [["read", 0, 0]]).results == [b"x"]


def test_objects_survive_a_restart_of_the_stores(tmp_path: Path) -> None:
    m = osdmap()
    h = Harness(tmp_path, m)
    h.run("a", [["write_full", b"kept"], ["omap_set", {"k": b"v"}]])
    h.svc.close()
    h2 = Harness(tmp_path, m)
    assert h2.run("a", [["read", 0, 0], ["omap_get_vals_by_keys", ["k"]]]).results == [
        b"kept", [[["k", b"v"]], False]]  # fmt: skip
    # the next write gets a newer version than anything stored before the restart
    assert h2.run("a", [["write_full", b"new"]]).version == 2


def test_listing_a_pg_and_a_deleted_pool(tmp_path: Path) -> None:
    h = Harness(tmp_path, osdmap(pg_num=1))
    for i in range(3):
        h.run(f"o{i}", [["write_full", b"."]])
    ps, _ = object_pg(h.m, 1, "o0")
    rep = OsdOp(pool=1, ps=ps, oid="", ops=[["pgls", None]], epoch=h.m.epoch)
    got: list[OsdOpReply] = []
    h.svc.submit(rep, got.append, 0.0)
    assert got[0].results == [[["", "o0"], ["", "o1"], ["", "o2"]]]
    m = h.m.copy()
    m.epoch += 1
    m.add_pool("other", 3, 8, "", 0.0)
    m.remove_pool(1)
    h.m = m
    h.svc.on_map(m)
    assert h.copies("o0") == {} and h.run("o0", [["stat"]]).retval == -errno.ENOENT


def test_malformed_ops_get_an_error_and_change_nothing(tmp_path: Path) -> None:
    h = Harness(tmp_path, osdmap())
    h.run("a", [["write_full", b"ok"]])
    bad: list = [
        [[["nested"], 1]], [[None]], [[]], ["write_full"], [["write_full", 5]],
        [["write", -1, b"x"]], [["omap_set", ["not", "a", "map"]]], [["omap_set", {1: b"x"}]],
        [["read", 0]], [["setxattr", 3, b"x"]], [["write_full", b"x"], ["bogus"]],
    ]  # fmt: skip
    for ops in bad:
        rep = h.run("a", ops)
        assert rep.retval == -errno.EINVAL, ops
    assert h.copies("a") == {0: b"ok", 1: b"ok", 2: b"ok"}
    got: list[OsdOpReply] = []
    h.svc.submit(OsdOp(pool=9, ps=0, oid="a", ops=[["stat"]], epoch=1), got.append, 0.0)
    h.svc.submit(OsdOp(pool=1, ps=99, oid="", ops=[["pgls", None]], epoch=1), got.append, 0.0)
    h.svc.submit(OsdOp(pool=1, ps=0, oid="", ops=[["pgls", 7]], epoch=1), got.append, 0.0)
    assert [r.retval for r in got] == [-errno.ENOENT, -errno.EINVAL, -errno.EINVAL]
