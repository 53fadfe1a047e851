"""Unit tests of MgrMap (mon/mgr_map.py): store and dump encodings, queries, Ceph's keys."""

from __future__ import annotations

import json
from typing import Any

from mon.mgr_map import ALWAYS_ON, FLAG_DOWN, MGR_FEATURES, MgrMap, Standby
from sim import codec

from .mgrmon_fakes import GOLDEN, X, Y, Z

# --- MgrMap encodings -----------------------------------------------------------------------


def sample_map() -> MgrMap:
    m = MgrMap(
        epoch=12,
        active_gid=X,
        active_name="x",
        active_addr="127.0.0.1:6800",
        active_nonce=991,
        active_change=1_700_000_123.25,
        available=True,
        modules=["iostat", "nfs", "restful"],
        available_modules=[
            {"name": "hello", "can_run": True, "error_string": "", "module_options": {}}
        ],
        services={"dashboard": "http://127.0.0.1:8080/"},
        flags=FLAG_DOWN,
        last_failure_osd_epoch=3,
        command_descs=[{"cmd": "hello", "perm": "r"}],
    )
    m.standbys[Z] = Standby(Z, "z", [{"name": "hello"}])
    m.standbys[Y] = Standby(Y, "y", [])
    return m


def test_mgrmap_store_round_trip() -> None:
    m = sample_map()
    assert MgrMap.from_store(m.to_store()) == m
    # through the one codec, as the store does it
    back = MgrMap.from_store(codec.unpack(codec.pack(m.to_store())))
    assert back == m
    assert list(back.standbys) == list(m.standbys)
    assert all(isinstance(g, int) for g in back.standbys)
    assert MgrMap.from_store(MgrMap().to_store()) == MgrMap()


def test_mgrmap_clone_is_deep() -> None:
    m = sample_map()
    c = m.clone()
    c.standbys[Y].available_modules.append({"name": "new"})
    c.services["x"] = "y"
    assert m.standbys[Y].available_modules == []
    assert "x" not in m.services


def test_mgrmap_dump_values() -> None:
    m = sample_map()
    d = m.dump()
    assert d["epoch"] == 12
    assert d["active_gid"] == X and d["active_name"] == "x"
    assert d["active_mgr_features"] == MGR_FEATURES
    assert [s["gid"] for s in d["standbys"]] == [Y, Z]  # gid order
    assert d["standbys"][0] == {
        "gid": Y,
        "name": "y",
        "mgr_features": MGR_FEATURES,
        "available_modules": [],
    }
    assert d["always_on_modules"] == ALWAYS_ON
    assert d["active_clients"] == []
    json.dumps(d)  # JSON-serialisable
    empty = MgrMap().dump()
    assert empty["active_addrs"] == {"addrvec": []}
    assert empty["active_addr"] == "0.0.0.0:0/0"
    assert empty["active_mgr_features"] == 0


def test_mgrmap_queries() -> None:
    m = sample_map()
    assert m.down_flag
    assert m.is_enabled("iostat") and m.is_enabled("balancer") and not m.is_enabled("hello")
    assert m.standby_by_name("z") == m.standbys[Z]
    assert m.standby_by_name("x") is None
    assert m.all_names() == ["x", "z", "y"]
    assert MgrMap().all_names() == []


def _golden(name: str) -> Any:
    path = GOLDEN / name
    return json.loads(path.read_text())


def test_mgrmap_dump_keys_match_ceph() -> None:
    golden = _golden("mgr_dump.json")
    d = sample_map().dump()
    assert list(d) == list(golden)
    assert list(d["standbys"][0]) == list(golden["standbys"][0])
    assert set(d["active_addrs"]) == set(golden["active_addrs"])
    assert set(d["active_addrs"]["addrvec"][0]) == set(golden["active_addrs"]["addrvec"][0])
    assert d["always_on_modules"] == golden["always_on_modules"]
    # types of the scalar fields
    for k, v in golden.items():
        assert type(d[k]) is type(v), k


def test_mgrmap_stat_keys_match_ceph() -> None:
    golden = _golden("mgr_stat.json")
    s = sample_map().stat()
    assert list(s) == list(golden)
    assert {k: type(v) for k, v in s.items()} == {k: type(v) for k, v in golden.items()}
    assert s == {"epoch": 12, "available": True, "active_name": "x", "num_standby": 2}
