"""RADOS with real processes: round trips from a module (``self.rados``) and from a
user's own Python, an op blocking while its PG is below ``min_size`` and completing
when the OSDs return (or timing out), objects surviving a fleet restart, ``ceph df``
counting them, pools created and deleted through the mon."""

from __future__ import annotations

import json
import struct
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sim import rados
from sim.maps.pgmap import object_pg
from sim.testing import TestCluster, wait_until
from tests.fleet.helpers import enable, fleet_cluster, osd_up
from tests.modules.helpers import mgr

pytestmark = pytest.mark.integration


@pytest.fixture
def c(tmp_path: Path) -> Iterator[TestCluster]:
    # 12 OSDs: 3 hosts, so the pools have size 3 and min_size 2
    with fleet_cluster(tmp_path / "c", osds=12, mgrs=1,
                       options={"mon_allow_pool_delete": True}) as cl:  # fmt: skip
        yield cl


@pytest.fixture
def r(c: TestCluster) -> Iterator[rados.Rados]:
    handle = rados.Rados(conffile=str(c.run.path))
    handle.connect()
    try:
        yield handle
    finally:
        handle.shutdown()


def ev(c: TestCluster, source: str) -> str:
    rc, out, err = mgr(c, "mgr self-test eval", s=source)
    assert rc == 0 and not err, f"{source!r} -> {rc}: {err}"
    return out.strip()


def df_pool(c: TestCluster, name: str) -> dict[str, Any]:
    rc, out, err = c.mon_command({"prefix": "df", "format": "json"})
    assert rc == 0, err
    return next(p["stats"] for p in json.loads(out)["pools"] if p["name"] == name)


def test_a_module_and_a_user_script_share_objects(c: TestCluster, r: rados.Rados) -> None:
    enable(c, "sim_selftest")
    wrote = ev(c, (
        "io = mgr.rados.open_ioctx('rbd')\n"
        "io.write_full('from-module', b'hello from the mgr')\n"
        "io.set_xattr('from-module', 'who', b'module')\n"
        "import rados\n"
        "with rados.WriteOpCtx() as op:\n"
        "    io.set_omap(op, ('k1', 'k2'), ('v1', b'v2'))\n"
        "    io.operate_write_op(op, 'from-module')\n"
        "print(mgr.rados.get_fsid() == mgr.get('mon_map')['fsid'], io.get_last_version() > 0)"
    ))  # fmt: skip
    assert wrote == "True True"
    with r.open_ioctx("rbd") as io:
        assert io.read("from-module") == b"hello from the mgr"
        assert io.read("from-module", 5, 6) == b"from "
        assert io.get_xattr("from-module", "who") == b"module"
        with rados.ReadOpCtx() as op:
            it, ret = io.get_omap_vals(op, "", "", 10)
            io.operate_read_op(op, "from-module")
        assert (ret, list(it)) == (0, [("k1", b"v1"), ("k2", b"v2")])
        io.write_full("from-user", b"x" * 5000)
        size, mtime = io.stat("from-user")
        assert size == 5000 and mtime.tm_year >= 2024
        assert sorted(o.key for o in io.list_objects()) == ["from-module", "from-user"]
    assert ev(c, "print(len(mgr.rados.open_ioctx('rbd').read('from-user', 8192)))") == "5000"
    with pytest.raises(rados.ObjectNotFound):
        r.open_ioctx("rbd").read("nothing-here")
    rc, out, _ = r.osd_command(3, json.dumps({"prefix": "version"}), b"")
    assert rc == 0 and b"version" in out
    rc, out, _ = r.mgr_command(json.dumps({"prefix": "mgr self-test eval", "s": "print(6*7)"}), b"")
    assert (rc, out.strip()) == (0, b"42")


def test_rbd_lists_the_pools_directory_as_librbd_does(c: TestCluster, r: rados.Rados) -> None:
    """``rbd.RBD().list2`` reads ``rbd_directory``'s ``name_`` omap (what telemetry counts)."""
    enable(c, "sim_selftest")
    source = (
        "import rbd\n"
        "io = mgr.rados.open_ioctx('rbd')\n"
        "print(rbd.RBD().list(io), rbd.RBD().mirror_mode_get(io))\n"
    )
    assert ev(c, source) == "[] 0"  # a fresh pool has no directory: no images
    with r.open_ioctx("rbd") as io, rados.WriteOpCtx() as op:
        io.set_omap(op, ("name_vm-disk", "id_1f2e"),
                    (struct.pack("<I", 4) + b"1f2e", struct.pack("<I", 7) + b"vm-disk"))  # fmt: skip
        io.operate_write_op(op, "rbd_directory")
    listed = ev(c, source.replace("rbd.RBD().list(io)", "list(rbd.RBD().list2(io))"))
    assert listed == "[{'id': '1f2e', 'name': 'vm-disk', 'state': 0}] 0"
    refused = ev(c, "import rbd\ntry:\n    rbd.Image(None, 'vm-disk')\n"
                    "except rbd.OSError as e:\n    print(e.errno, 'librbd image' in str(e))")  # fmt: skip
    assert refused == "107 True"


def test_rbd_namespaces_are_the_rbd_namespace_objects_keys(c: TestCluster, r: rados.Rados) -> None:
    """``rbd.RBD().namespace_list`` reads ``rbd_namespace``'s ``name_`` omap: none in a
    fresh pool (rbd_support's schedules list them on every pool with the rbd application)."""
    enable(c, "sim_selftest")
    source = "import rbd\nprint(rbd.RBD().namespace_list(mgr.rados.open_ioctx('rbd')))\n"
    assert ev(c, source) == "[]"
    with r.open_ioctx("rbd") as io, rados.WriteOpCtx() as op:
        io.set_omap(op, ("name_tenant-b", "name_tenant-a"), (b"", b""))
        io.operate_write_op(op, "rbd_namespace")
    assert ev(c, source) == "['tenant-a', 'tenant-b']"


def test_pools_through_the_mon_and_df_counts_objects(c: TestCluster, r: rados.Rados) -> None:
    r.create_pool("mine")
    assert "mine" in r.list_pools()
    with pytest.raises(rados.ObjectExists):
        r.create_pool("mine")
    rc, _, err = c.mon_command({"prefix": "osd pool application enable", "pool": "mine",
                                "app": "rgw"})  # fmt: skip
    assert rc == 0, err
    io = r.open_ioctx("mine")
    done = [io.aio_write_full(f"obj{i}", bytes(4096)) for i in range(20)]
    for comp in done:
        comp.wait_for_complete()
        assert comp.get_return_value() == 0
    io.remove_object("obj0")
    got = wait_until(lambda: (s := df_pool(c, "mine"))["objects"] == 19 and s, 15, "df counts")
    assert got["stored"] == 19 * 4096
    assert r.get_cluster_stats()["num_objects"] >= 19
    # the PG dump counts each PG's own objects (they sum to the pool's); enabling the
    # module respawns the mgr, so wait for the fleet's next report to reach it
    enable(c, "sim_selftest")
    source = (
        f"pool = {r.pool_lookup('mine')}\n"
        "st = [p['stat_sum'] for p in mgr.get('pg_dump')['pg_stats']"
        " if p['pgid'].startswith(f'{pool}.')]\n"
        "print(len(st), sum(s['num_objects'] for s in st), sum(s['num_bytes'] for s in st),"
        " sum(1 for s in st if s['num_objects']) > 1)"
    )
    want = f"32 19 {19 * 4096} True"
    wait_until(lambda: ev(c, source) == want, 15, f"pg_dump per PG: {want}")
    r.delete_pool("mine")
    assert not r.pool_exists("mine")
    # what 18.2's mgr_module.create_mgr_pool sends: rename the devicehealth pool, appify
    for cmd in ({"prefix": "osd pool create", "format": "json", "pool": "dh", "pg_num": 1,
                 "pg_num_min": 1, "pg_num_max": 32, "yes_i_really_mean_it": True},
                {"prefix": "osd pool rename", "format": "json", "srcpool": "dh",
                 "destpool": ".mgr", "yes_i_really_mean_it": True},
                {"prefix": "osd pool application enable", "format": "json", "pool": ".mgr",
                 "app": "mgr", "yes_i_really_mean_it": True}):  # fmt: skip
        rc, _, err = c.mon_command(cmd)
        assert rc == 0, (cmd, err)
    rc, _, err = c.mon_command({"prefix": "osd pool rename", "srcpool": "nope", "destpool": "x"})
    assert (rc, err) == (-2, "unrecognized pool 'nope'")
    wait_until(lambda: r.pool_exists(".mgr") and not r.pool_exists("dh"), 10, "renamed")
    with r.open_ioctx(".mgr") as io:
        io.write_full("main.db", b"pages")
        assert io.read("main.db") == b"pages"
    with pytest.raises(rados.ObjectNotFound):
        r.open_ioctx("mine")


def test_op_blocks_below_min_size_and_completes_when_osds_return(
    c: TestCluster, r: rados.Rados
) -> None:
    io = r.open_ioctx("rbd")
    io.write_full("x", b"before")
    acting = object_pg(r.objecter.osdmap, io.pool_id, "x")[1]
    assert len(acting) == 3
    keep, a, b = acting
    for o in (a, b):
        c.supervisor({"prefix": "kill", "daemon": f"osd.{o}"})
    wait_until(lambda: not osd_up(c, a) and not osd_up(c, b), 20, "osds marked down")
    result: list[object] = []
    t = threading.Thread(target=lambda: result.append(io.write_full("x", b"after")))
    t.start()
    t.join(1.5)
    assert t.is_alive() and not result, "the write should block (1 of 3 up < min_size 2)"
    r2 = rados.Rados(conffile=str(c.run.path), conf={"rados_osd_op_timeout": "0.5"})
    r2.connect()
    try:
        with pytest.raises(rados.TimedOut):
            r2.open_ioctx("rbd").read("x")
    finally:
        r2.shutdown()
    c.supervisor({"prefix": "restart", "daemon": f"osd.{a}"})
    t.join(20)
    assert result == [0]
    assert io.read("x") == b"after"
    # now the OSDs that had the write go, and the one that missed it returns: it
    # recovers from osd.a (running, down in the map) before the PG serves it
    c.supervisor({"prefix": "restart", "daemon": f"osd.{b}"})
    wait_until(lambda: osd_up(c, b), 20, f"osd.{b} up")
    c.supervisor({"prefix": "kill", "daemon": f"osd.{keep}"})
    wait_until(lambda: not osd_up(c, keep), 20, f"osd.{keep} down")
    assert io.read("x") == b"after"


def test_objects_survive_a_fleet_restart(c: TestCluster, r: rados.Rados) -> None:
    io = r.open_ioctx("rbd")
    for i in range(10):
        io.write_full(f"keep{i}", f"value {i}".encode())
    c.supervisor({"prefix": "restart", "daemon": "fleet.0"})
    # the client re-reads the fleet's new address and re-sends
    assert [io.read(f"keep{i}") for i in range(10)] == [f"value {i}".encode() for i in range(10)]
    assert sorted(o.key for o in io.list_objects()) == sorted(f"keep{i}" for i in range(10))


def test_locks_between_clients_and_a_blocklisted_client_is_refused(
    c: TestCluster, r: rados.Rados
) -> None:
    other = rados.Rados(conffile=str(c.run.path))
    other.connect()
    try:
        mine, theirs = r.open_ioctx("rbd"), other.open_ioctx("rbd")
        mine.lock_exclusive("locked", "L", "cookie", "mine", 30, 0)
        with pytest.raises(rados.ObjectBusy):
            theirs.lock_exclusive("locked", "L", "cookie", "theirs", 30, 0)
        with pytest.raises(rados.ObjectExists):
            mine.lock_exclusive("locked", "L", "cookie", "again", 30, 0)
        mine.lock_exclusive("locked", "L", "cookie", "renew", 30, 2)  # MUST_RENEW
        addr = r.get_addrs()
        assert addr != other.get_addrs()
        rc, _, err = c.mon_command({"prefix": "osd blocklist", "blocklistop": "add",
                                    "addr": addr})  # fmt: skip
        assert rc == 0 and err.startswith(f"blocklisting {addr} until ") and "(3600 sec)" in err
        rc, out, err = c.mon_command({"prefix": "osd blocklist ls", "format": "json"})
        assert [e["addr"] for e in json.loads(out)] == [addr] and err == "listed 1 entries"

        def refused() -> bool:
            try:
                mine.write_full("after", b"x")
            except rados.ConnectionShutdown as exc:  # -EBLOCKLISTED, as librados says
                return exc.errno == 108
            return False

        wait_until(refused, 15, "the OSDs refuse the blocklisted client")
        theirs.write_full("after", b"y")  # others are served
        with pytest.raises(rados.ObjectNotFound):
            theirs.unlock("locked", "L", "cookie")  # not theirs to unlock
        rc, _, err = c.mon_command({"prefix": "osd blocklist", "blocklistop": "rm",
                                    "addr": addr})  # fmt: skip
        assert (rc, err) == (0, f"un-blocklisting {addr}")
        wait_until(lambda: not refused(), 15, "served again once off the blocklist")
        mine.unlock("locked", "L", "cookie")
        theirs.lock_exclusive("locked", "L", "cookie", "theirs", 30, 0)
    finally:
        other.shutdown()
