"""The mgr's `DaemonState` fed with the fleet's own messages, without processes:
``get()`` shapes against Ceph 16.2's outputs, metadata and counters, the gap
before a daemon's open, notifies, and the digest for the mon."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest

from mgr.daemon_state import DaemonState
from mon.commands.pg import DF_VERBOSE
from mon.osd_monitor import initial_map
from sim.fleet.metadata import mds_metadata, osd_metadata, rgw_metadata
from sim.fleet.workload import PoolIO, Population
from sim.maps import layout
from sim.maps.fsmap import FSMap, MDSInfo
from sim.messages import MgrOpen, MgrReport
from sim.perf import schema
from tests.golden import CEPH16

N = 8
GOLDEN = CEPH16


def golden(name: str) -> Any:
    return json.loads((GOLDEN / name).read_text())


def osdmap_wire(up: int = N) -> dict[str, Any]:
    m = initial_map("fsid", time.time(), N, 2, 1)
    m.epoch = 2
    for o in range(N):
        m.create_osd(o, str(uuid.uuid4()), layout.host_of(o, N), 1.0)
        if o < up:
            m.state[o] = 3
    return m.to_wire()


class Fleet:
    """Just enough of a fleet process to produce its messages."""

    def __init__(self) -> None:
        self.osd = Population("osd", list(range(N)), schema("osd"), 1)
        self.mds = Population("mds", ["a", "b"], schema("mds"), 2)
        self.pool_io = PoolIO()
        for row in range(N):
            self.osd.set_gauge(row, "osd.stat_bytes", 1 << 40)
            self.osd.set_gauge(row, "osd.stat_bytes_used", 1 << 30)
            self.osd.set_gauge(row, "osd.stat_bytes_avail", (1 << 40) - (1 << 30))

    def opens(self) -> list[MgrOpen]:
        osd = [["osd", str(o), osd_metadata(o, layout.host_of(o, N), 1)] for o in range(N)]
        mds = [["mds", n, mds_metadata(n, "node00", 1)] for n in ("a", "b")]
        rgw_md = rgw_metadata("rgw0", "node01", 1, 8000)
        return [
            MgrOpen(daemons=osd[:4], schema={"osd": self.osd.schema.to_wire()}),
            MgrOpen(daemons=osd[4:]),
            MgrOpen(daemons=mds, schema={"mds": self.mds.schema.to_wire()}),
            MgrOpen(daemons=[["rgw", "rgw0", rgw_md]], schema={"rgw": schema("rgw").to_wire()},
                    service={"rgw0": {"start_stamp": 1.0, "gid": 5000, "addr": "127.0.0.1:8000/1"}}),
        ]  # fmt: skip

    def reports(self, stamp: float) -> list[MgrReport]:
        self.osd.step(1.0, lambda r: True)
        self.mds.step(1.0, lambda r: True)
        self.pool_io.update({2: (64, 3)}, self.osd)
        status = {"a": {"state": "up:active", "rank": 0}, "b": {"state": "up:standby", "rank": -1}}
        return [
            MgrReport(stamp=stamp, daemon_type="osd", ids=list(range(N)),
                      values=self.osd.row_bytes(0, N), pools=self.pool_io.to_wire()),
            MgrReport(stamp=stamp, daemon_type="mds", ids=["a", "b"],
                      values=self.mds.row_bytes(0, 2), status=status),
        ]  # fmt: skip


@pytest.fixture
def state() -> tuple[DaemonState, list[tuple[str, str]]]:
    ds = DaemonState("fsid", 1.0)
    notes: list[tuple[str, str]] = []
    ds.listener = lambda kind, ident: notes.append((kind, ident))
    ds.on_osdmap(2, osdmap_wire())
    fleet = Fleet()
    for msg in fleet.opens():
        ds.on_open(msg)
    for t in (100.0, 101.0):
        for msg in fleet.reports(t):
            ds.on_report("fleet.0", msg)
    return ds, notes


def keys(d: Any) -> set[str]:
    return set(d) if isinstance(d, dict) else set()


def test_osd_map_shapes_match_ceph(state: Any) -> None:
    ds, _ = state
    ref = golden("osd_dump.json")
    got = ds.get("osd_map")[1]
    assert list(ref) == list(got)
    assert keys(ref["osds"][0]) == keys(got["osds"][0])
    assert keys(ref["osd_xinfo"][0]) == keys(got["osd_xinfo"][0])
    assert list(ref["pools"][0]) == list(got["pools"][0])
    tree = ds.get("osd_map_tree")[1]
    ref_tree = golden("osd_tree.json")
    assert [keys(n) for n in ref_tree["nodes"][:3]] == [keys(n) for n in tree["nodes"][:3]]


def test_pg_and_usage_shapes_match_ceph(state: Any) -> None:
    ds, _ = state
    status = golden("status_s.json")["pgmap"]
    pg_status = ds.get("pg_status")[1]
    assert keys(status) <= keys(pg_status)
    assert pg_status["num_pgs"] == sum(p.pg_num for p in ds.osdmap.pools.values())
    assert pg_status["pgs_by_state"] == [
        {"state_name": "active+clean", "count": pg_status["num_pgs"]}
    ]
    assert pg_status["read_op_per_sec"] > 0 and pg_status["bytes_total"] == N << 40
    df, ref_df = ds.get("df")[1], golden("df.json")
    assert keys(ref_df) == keys(df) and keys(ref_df["stats"]) == keys(df["stats"])
    # the mgr's get('df') is Ceph's verbose dump; `ceph df` (the golden) drops the verbose keys
    ours = keys(df["pools"][0]["stats"])
    assert ours >= DF_VERBOSE and keys(ref_df["pools"][0]["stats"]) == ours - DF_VERBOSE
    summary = ds.get("pg_summary")[1]
    assert keys(summary) == {"by_osd", "by_pool", "all", "pg_stats_sum"}
    assert set(summary["by_osd"]) == {str(o) for o in range(N)}
    osd_stats = ds.get("osd_stats")[1]["osd_stats"]
    assert [s["osd"] for s in osd_stats] == list(range(N)) and osd_stats[0]["kb"] == 1 << 30
    io = ds.get("io_rate")[1]["pg_stats_delta"]
    assert float(io["stamp_delta"]) == 1.0 and io["stat_sum"]["num_read"] > 0
    dump = ds.get("pg_dump")[1]
    assert len(dump["pg_stats"]) == pg_status["num_pgs"] and dump["pg_stats"][0]["pgid"] == "1.0"
    assert ds.get("no_such_thing") == (False, None)


def test_metadata_servers_and_counters(state: Any) -> None:
    ds, notes = state
    assert ds.get_metadata("osd", "3")["hostname"] == "node00"
    assert ds.get_metadata("osd", "99") is None
    assert set(ds.get("osd_metadata")[1]) == {str(o) for o in range(N)}
    assert ds.get("mds_metadata")[1]["a"]["hostname"] == "node00"
    assert sorted(ds.servers()) == ["node00", "node01"]
    series = ds.counter("osd", "3", "osd.op_r")["osd.op_r"]
    assert [t for t, _ in series] == [100.0, 101.0] and series[1][1] > series[0][1]
    t, total, count = ds.latest_counter("osd", "3", "osd.op_latency")["osd.op_latency"]
    assert t == 101.0 and total > 0 and count > 0
    schema_ = ds.perf_schema("osd", "3")
    assert schema_["osd.3"]["osd.op_latency"]["type"] == 5  # TIME | LONGRUNAVG
    assert ds.get_daemon_status("mds", "a") == {"state": "up:active", "rank": "0"}
    assert ds.get("fs_map")[1]["filesystems"] == []  # no FSMap from the mon yet
    ds.on_fsmap(3, mon_fsmap().to_wire())
    fs = ds.get("fs_map")[1]["filesystems"][0]["mdsmap"]
    assert fs["fs_name"] == "cephfs" and fs["up"] == {"mds_0": 4200}
    assert [s["name"] for s in ds.get("fs_map")[1]["standbys"]] == ["b"]
    ds.on_fsmap(2, FSMap(epoch=2).to_wire())  # an older epoch changes nothing
    assert ds.get("fs_map")[1]["epoch"] == 3
    services = ds.get("service_map")[1]["services"]
    assert services["rgw"]["daemons"]["5000"]["metadata"]["zone_name"] == "default"
    kinds = [k for k, _ in notes]
    assert kinds.count("osd_map") == 1 and kinds.count("perf_schema_update") == 4
    assert "fs_map" in kinds and "service_map" in kinds


def mon_fsmap() -> FSMap:
    """The mon's FSMap with mds.a active and mds.b standby (epoch 3)."""
    m = FSMap(epoch=1)
    m.new_filesystem("cephfs", 3, [4], 1.0)
    m.epoch = 2
    m.insert_standby(MDSInfo(gid=4200, name="a", port=6900, nonce=1))
    m.insert_standby(MDSInfo(gid=4201, name="b", port=6902, nonce=1))
    m.epoch = 3
    m.promote(4200, 1, 0, 2.0)
    return m


def test_before_the_open_the_osds_are_in_the_map_without_metadata() -> None:
    ds = DaemonState("fsid", 1.0)
    ds.on_osdmap(2, osdmap_wire())
    assert len(ds.get("osd_map")[1]["osds"]) == N and ds.get("osd_metadata")[1] == {}
    status = ds.get("pg_status")[1]
    assert status["pgs_by_state"][0]["state_name"] == "unknown"
    assert status["unknown_pgs_ratio"] == 1.0
    fleet = Fleet()
    ds.on_report("fleet.0", fleet.reports(1.0)[0])  # a report before its open is ignored
    assert ds.reports == 0


def test_down_osds_degrade_pgs_and_the_digest_says_so(state: Any) -> None:
    ds, _ = state
    ds.on_osdmap(3, osdmap_wire(up=N - 4) | {"epoch": 3})
    digest = ds.pg.digest()
    states = {s["state_name"] for s in digest["pgmap"]["pgs_by_state"]}
    assert "active+undersized+degraded" in states
    assert digest["checks"]["PG_DEGRADED"]["summary"]["message"].startswith(
        "Degraded data redundancy:"
    )
    json.dumps(digest)  # it travels to the mon as is


def test_osd_health_metrics_become_slow_ops_and_module_metrics(state: Any) -> None:
    ds, _ = state
    fleet = Fleet()
    ds.on_report("fleet.0", MgrReport(
        stamp=102.0, daemon_type="osd", ids=list(range(N)), values=fleet.osd.row_bytes(0, N),
        health={"3": [["SLOW_OPS", 2, 35]], "1": [["SLOW_OPS", 1, 31]]},
    ))  # fmt: skip
    checks = ds.health_checks(now=102.5)
    assert checks["SLOW_OPS"]["summary"]["message"] == (
        "3 slow ops, oldest one blocked for 35 sec, daemons [osd.1,osd.3] have slow ops."
    )
    metrics = ds.health_metrics(now=102.5)
    assert metrics["osd.3"] == [{"type": "SLOW_OPS", "value": 2}]
    assert metrics["osd.0"] == [{"type": "SLOW_OPS", "value": 0}] and len(metrics) == N
    assert ds.health_checks(now=110.0) == {}  # nobody reported for two stats periods
