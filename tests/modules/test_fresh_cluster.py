"""One OSDMap dump: the FakeHost's canned cluster data are the simulator's own
dumps of a fresh cluster (a snapshot that may not drift), in Ceph 16.2's shape."""

from __future__ import annotations

import json

from _mgrapi import clusterdata as canned
from mgr_testing import FakeHost

from mgr.host.state import ClusterState
from sim.maps import clusterdata, osd_dumps
from sim.maps.osdmap import OSDMap
from tests.golden import CEPH16


def test_the_snapshot_is_what_the_model_builds() -> None:
    hint = "stale snapshot: run `python -m sim.maps.clusterdata`"
    assert canned.SNAPSHOT.read_text() == clusterdata.snapshot_text(), hint


def test_fakehost_mgr_host_and_model_give_one_osd_dump() -> None:
    model = osd_dumps.osd_dump(OSDMap(fsid="f", epoch=1))
    host = ClusterState("f", "x", "ceph version 16.2.15", 0.0).get("osd_map")
    fake = FakeHost(mgr_id="x").get("osd_map") | {"fsid": "f"}
    ref = json.loads((CEPH16 / "osd_dump.json").read_text())
    assert list(model) == list(ref)  # every key, in Ceph's order (range_blocklist included)
    assert list(host) == list(fake) == list(model)
    assert fake == model | {"created": "", "modified": ""}
    assert host == model | {"created": host["created"], "modified": host["created"]}


def test_build_simple_and_the_fakehost_share_the_canned_crush() -> None:
    from mgr_module import OSDMap as ModuleOSDMap

    m = ModuleOSDMap.build_simple(epoch=3, uuid="u")
    assert m.get_epoch() == 3 and m.dump()["fsid"] == "u"
    assert m.get_crush().dump() == osd_dumps.crush_dump(OSDMap())
    assert FakeHost(mgr_id="x").get("osd_map_crush") == osd_dumps.crush_dump(OSDMap())


def test_fresh_pg_and_fs_answers_come_from_the_snapshot() -> None:
    fake = FakeHost(mgr_id="x")
    for name in ("pg_dump", "df", "fs_map", "service_map", "osd_map_tree"):
        assert fake.get(name) == clusterdata.fresh_cluster()[name], name
    got = fake.get("df")
    got["stats"]["total_bytes"] = 1  # a copy: changing it changes nothing
    assert fake.get("df")["stats"]["total_bytes"] == 0
