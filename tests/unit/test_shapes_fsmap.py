"""Golden tests of the FSMap model's renderings (sim/maps/fsmap.py) and of the mon's
``fs ls`` / ``fs dump`` / ``mds stat`` / ``mds versions`` replies, against real Ceph
16.2.15 (``tests/data/ceph16/fs_*``, ``mds_*``: one filesystem ``cephfs``, mds.a
active as rank 0, gid 4176, FSMap epoch 4).

The model is built as the capture's cluster was: the same gid, addresses, epochs
and stamps, so plain text and JSON must match byte for byte.
"""

from __future__ import annotations

import json
from typing import Any

from mon import commands
from mon.mds_monitor import MDSMonitor
from sim.formatting import cli_stdout, parse_utc_stamp
from sim.maps.fsmap import FSMap, MDSInfo, fs_ls_text
from sim.maps.osdmap import OSDMap
from sim.version import CEPH_VERSION
from tests.golden import golden_text
from tests.unit.fake_mon import FakeMon

CREATED = parse_utc_stamp("2026-12-03T09:10:31.644211+0000")
MODIFIED = parse_utc_stamp("2026-12-03T09:10:32.839185+0000")
POOLS = {3: "cephfs_metadata", 4: "cephfs_data"}


def captured_fsmap() -> FSMap:
    m = FSMap(epoch=1)
    m.new_filesystem("cephfs", 3, [4], CREATED)
    m.epoch = 2
    m.insert_standby(MDSInfo(gid=4176, name="a", port=6826, nonce=3285722918))
    m.epoch = 3
    m.promote(4176, 1, 0, MODIFIED)
    m.epoch = 4
    m.touch(1, MODIFIED)
    return m


def golden_json(name: str) -> Any:
    return json.loads(golden_text(name))


def test_fs_dump_json_and_text() -> None:
    m = captured_fsmap()
    assert m.dump() == golden_json("fs_dump.json")
    assert json.dumps(m.dump()) == json.dumps(golden_json("fs_dump.compact.json"))
    assert m.print_text() == golden_text("fs_dump.txt")


def test_mds_stat_text() -> None:
    assert captured_fsmap().summary() + "\n" == golden_text("mds_stat.txt")


def test_fs_ls_json_and_text() -> None:
    entries = captured_fsmap().fs_ls(POOLS)
    assert entries == golden_json("fs_ls.json")
    assert fs_ls_text(entries) == golden_text("fs_ls.txt")


def test_empty_fsmap_renders_as_ceph_without_filesystems() -> None:
    m = FSMap()
    assert m.summary() == ""  # the election's "fsmap " line of a cluster without MDS
    assert m.dump()["default_fscid"] == -1 and m.dump()["filesystems"] == []
    assert "No filesystems configured\n" in m.print_text()
    assert fs_ls_text([]) == "No filesystems enabled\n"


def test_standby_dump_carries_its_epoch() -> None:
    m = captured_fsmap()
    m.epoch = 5
    m.insert_standby(MDSInfo(gid=4300, name="b", port=6828, nonce=1))
    (sb,) = m.dump()["standbys"]
    assert sb["epoch"] == 5 and sb["rank"] == -1 and sb["state"] == "up:standby"
    assert list(sb)[-1] == "epoch"
    assert m.print_text().endswith(
        "Standby daemons:\n \n[mds.b{-1:4300} state up:standby seq 1 addr "
        "[v2:127.0.0.1:6828/1,v1:127.0.0.1:6829/1] compat {c=[1],r=[1],i=[7ff]}]\n"
    )


# --- the mon's commands over the same map -------------------------------------------------


def mon_with_captured_map() -> FakeMon:
    mon = FakeMon()
    svc: MDSMonitor = mon.mds_service
    svc.map = captured_fsmap()
    # the capture's version string (the simulator's own is CEPH_VERSION)
    (version,) = golden_json("mds_versions.json")
    assert version.startswith(CEPH_VERSION.split(" (")[0])
    svc.metadata = {"a": {"ceph_version": version}}
    om = OSDMap(epoch=30)
    om.add_pool("cephfs_metadata", 1, 8, "cephfs", CREATED)
    om.add_pool("cephfs_data", 1, 8, "cephfs", CREATED)
    mon.osd_service.map = om
    return mon


def run(mon: FakeMon, prefix: str, fmt: str | None = None) -> tuple[str, str]:
    cmd: dict[str, Any] = {"prefix": prefix}
    if fmt:
        cmd["format"] = fmt
    _mc, reply = commands.dispatch(mon, cmd)
    assert reply.retval == 0, reply.outs
    return cli_stdout(fmt, reply.render(fmt).decode()), reply.outs


def test_mon_commands_match_the_goldens() -> None:
    mon = mon_with_captured_map()
    pools = {p.pool: p.name for p in mon.osd_service.map.pools.values()}
    if pools != {1: "cephfs_metadata", 2: "cephfs_data"}:
        raise AssertionError(pools)
    # the capture's pools are 3 and 4: point the map at this OSDMap's ids
    fs = mon.mds_service.map.filesystems[1]
    fs.metadata_pool, fs.data_pools = 1, [2]
    out, _ = run(mon, "fs ls")
    assert out == golden_text("fs_ls.txt")
    ls = json.loads(run(mon, "fs ls", "json")[0])
    gold = golden_json("fs_ls.compact.json")
    assert [{**e, "metadata_pool_id": 3, "data_pool_ids": [4]} for e in ls] == gold
    fs.metadata_pool, fs.data_pools = 3, [4]
    mon.osd_service.map.pools = {}
    out, outs = run(mon, "fs dump", "json-pretty")
    assert json.loads(out) == golden_json("fs_dump.json") and outs == "dumped fsmap epoch 4"
    assert run(mon, "fs dump")[0] == golden_text("fs_dump.txt")
    assert run(mon, "mds stat")[0] == golden_text("mds_stat.txt")
    stat = json.loads(run(mon, "mds stat", "json-pretty")[0])
    gold = golden_json("mds_stat.json")
    assert stat["fsmap"] == gold["fsmap"] and set(stat) == set(gold)
    assert stat["mdsmap_last_committed"] == gold["mdsmap_last_committed"]
    assert run(mon, "mds versions")[0] == golden_text("mds_versions.txt")
    assert run(mon, "mds versions", "json")[0] == golden_text("mds_versions.compact.json")


def test_fs_dump_of_an_unknown_epoch_is_enoent() -> None:
    mon = mon_with_captured_map()
    _mc, reply = commands.dispatch(mon, {"prefix": "fs dump", "epoch": 2})
    assert reply.retval == -2 and reply.outs == "there is no map for epoch 2"


def test_status_fsmap_section_and_lines() -> None:
    """``ceph -s`` on the capture's MDS cluster (status_s_muted.*): ``mds:`` and ``volumes:``."""
    m = captured_fsmap()
    assert m.status_summary() == golden_json("status_s_muted.json")["fsmap"]
    text = golden_text("status_s_muted.txt").splitlines()
    assert f"    mds: {m.daemon_summary()}" in text
    assert f"    volumes: {m.fs_summary()}" in text
    assert FSMap().daemon_summary() == "" and FSMap().fs_summary() == ""
    assert FSMap().status_summary() == golden_json("status_s.json")["fsmap"]
    mon = mon_with_captured_map()
    out, _ = run(mon, "status")
    lines = out.splitlines()
    assert lines.index("    mds: 1/1 daemons up") == lines.index("  services:") + 3
    assert lines[lines.index("  data:") + 1] == "    volumes: 1/1 healthy"
    m.epoch = 5
    m.insert_standby(MDSInfo(gid=4300, name="b", port=6828, nonce=1))
    assert m.daemon_summary() == "1/1 daemons up, 1 standby"


def test_fs_get() -> None:
    mon = mon_with_captured_map()
    _mc, reply = commands.dispatch(mon, {"prefix": "fs get", "fs_name": "cephfs", "format": "json"})
    assert json.loads(reply.render("json")) == golden_json("fs_dump.json")["filesystems"][0]
    _mc, reply = commands.dispatch(mon, {"prefix": "fs get", "fs_name": "cephfs"})
    text = reply.render(None).decode()
    dump = golden_text("fs_dump.txt")
    assert text.startswith("Filesystem 'cephfs' (1)\nfs_name\tcephfs\n") and text in dump
    _mc, reply = commands.dispatch(mon, {"prefix": "fs get", "fs_name": "nofs"})
    assert (reply.retval, reply.outs) == (-2, "filesystem 'nofs' not found")
