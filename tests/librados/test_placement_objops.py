"""Pure parts of RADOS: the object hash and placement, the object ops, the recovery plan."""

from __future__ import annotations

import errno
import uuid

import pytest

from sim.fleet import objops
from sim.fleet.objops import ObjectState, apply, plan_recovery
from sim.maps.hashing import object_ps, pg_num_mask, stable_mod, str_hash_rjenkins
from sim.maps.osdmap import UP, OSDMap
from sim.maps.pgmap import object_pg, place


def osdmap(n_osds: int = 3, hosts: int = 3, pg_num: int = 32, size: int = 3) -> OSDMap:
    m = OSDMap(fsid=str(uuid.uuid4()), epoch=1)
    for o in range(n_osds):
        m.create_osd(o, str(uuid.uuid4()), f"node{o % hosts:02d}", 1.0)
        m.state[o] |= UP
    m.add_pool("rbd", size, pg_num, "rbd", 0.0)
    return m


def test_rjenkins_matches_ceph() -> None:
    # `ceph osd map rbd foo` names pg <pool>.7fc1f406 on any Ceph cluster
    assert str_hash_rjenkins(b"foo") == 0x7FC1F406
    # long names go through the 12-byte rounds; the hash stays 32 bits and stable
    h = str_hash_rjenkins(b"a" * 100)
    assert 0 <= h < 1 << 32 and h == str_hash_rjenkins(b"a" * 100)


def test_stable_mod_folds_onto_pg_num_and_splits_stably() -> None:
    assert pg_num_mask(32) == 31 and pg_num_mask(12) == 15 and pg_num_mask(1) == 0
    assert stable_mod(0x7FC1F406, 32, 31) == 6
    for x in range(2000):
        ps12 = stable_mod(x, 12, 15)
        assert 0 <= ps12 < 12
        # doubling 12 -> 24 PGs: an object stays or moves to its "child" ps + 12·k
        assert stable_mod(x, 24, 31) in (ps12, ps12 + 8, ps12 + 16)


def test_namespace_changes_the_hash() -> None:
    assert object_ps("foo", "", 32) == 6
    assert {object_ps("foo", f"ns{i}", 1024) for i in range(20)} != {6}


def test_object_placement_is_the_pgmap_placement() -> None:
    m = osdmap(n_osds=6, hosts=3)
    pgs = place(m)[1]
    for i in range(200):
        ps, acting = object_pg(m, 1, f"obj{i}")
        assert acting == list(pgs.acting[ps * 3 : ps * 3 + 3])
        assert len({m.hostname(o) for o in acting}) == 3  # one copy per host


def test_ops_read_write_and_errors() -> None:
    o = ObjectState()
    assert apply(o, [["read", 0, 10]], 1, 0.0).retval == -errno.ENOENT
    out = apply(o, [["write", 4, b"abc"], ["setxattr", "k", b"v"]], 7, 5.0)
    assert out.retval == 0 and out.wrote and out.state.version == 7
    o = out.state
    assert o.data == b"\0\0\0\0abc" and o.mtime == 5.0
    assert apply(o, [["read", 2, 100]], 8, 0).results == [b"\0\0abc"]
    assert apply(o, [["stat"]], 8, 0).results == [[7, 5.0]]
    assert apply(o, [["getxattr", "nope"]], 8, 0).retval == -errno.ENODATA
    assert apply(o, [["create", True]], 8, 0).retval == -errno.EEXIST
    # all or nothing: a failing op leaves the object as it was
    bad = apply(o, [["write_full", b"zzz"], ["rmxattr", "nope"]], 8, 0)
    assert bad.retval == -errno.ENODATA and not bad.wrote and bad.state.data == o.data
    assert apply(o, [["frobnicate"]], 8, 0).retval == -errno.EINVAL
    assert apply(o, [["read", -1, 2]], 8, 0).retval == -errno.EINVAL


def test_omap_ops() -> None:
    o = apply(ObjectState(), [["omap_set", {"b": b"2", "a": b"1", "c": b"3"}]], 1, 0).state
    vals = apply(o, [["omap_get_vals", "a", "", 1]], 2, 0).results[0]
    assert vals == [[["b", b"2"]], True]
    assert apply(o, [["omap_get_keys", "", 10]], 2, 0).results[0][0] == [
        ["a", b""], ["b", b""], ["c", b""]]  # fmt: skip
    assert apply(o, [["omap_get_vals_by_keys", ["c", "x"]]], 2, 0).results[0] == [
        [["c", b"3"]], False]  # fmt: skip
    o = apply(o, [["omap_rm_keys", ["a"]]], 2, 0).state
    assert sorted(o.omap) == ["b", "c"]
    assert apply(o, [["omap_clear"]], 3, 0).state.omap == {}


def test_remove_leaves_a_tombstone_with_its_version() -> None:
    o = apply(ObjectState(), [["write_full", b"x"]], 3, 0).state
    gone = apply(o, [["remove"]], 4, 0)
    assert gone.wrote and not gone.state.exists and gone.state.version == 4
    assert apply(gone.state, [["stat"]], 5, 0).retval == -errno.ENOENT
    assert objops.is_write([["remove"]]) and not objops.is_write([["read", 0, 1]])


def test_recovery_plan_takes_the_newest_version_tombstones_included() -> None:
    versions = {
        0: {"a": 5, "b": 2},
        1: {"a": 5, "b": 3, "c": 1},  # b newer here (perhaps a tombstone)
        2: {"a": 4},  # came back stale
        7: {"d": 9},  # a stray (the PG moved away from it)
    }
    plan = plan_recovery(versions, [0, 1, 2])
    assert plan == {
        0: [("b", 1), ("c", 1), ("d", 7)],
        1: [("d", 7)],
        2: [("a", 0), ("b", 1), ("c", 1), ("d", 7)],
    }


@pytest.mark.parametrize("size", [0, 1 << 20])
def test_truncate_extends_and_shrinks(size: int) -> None:
    o = apply(ObjectState(), [["write_full", b"abcdef"]], 1, 0).state
    t = apply(o, [["truncate", size]], 2, 0).state
    assert len(t.data) == size and t.data[:6] == (b"abcdef" if size else b"")
