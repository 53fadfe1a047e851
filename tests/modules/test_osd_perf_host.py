"""OSD perf queries in real mgr processes with the embedded API (no Ceph
needed): a module's query reaches the fleet's OSDs (`MgrConfigure`), they
count the RADOS ops a client does, and ``get_osd_perf_counters`` adds the
OSDs' reports up in Ceph's shape; an invalid query is None; after a
failover the new active configures the OSDs with its own queries.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sim import rados
from sim.testing import TestCluster, wait_until

from .helpers import active_name, mgr, wait_modules

pytestmark = pytest.mark.integration
TESTMODS = Path(__file__).resolve().parent / "testmods"
QUERY = {
    "key_descriptor": [
        {"type": "pool_id", "regex": "^(.+)$"},
        {"type": "object_name", "regex": r"^probe\.([a-z]+)\."},
    ],
    "performance_counter_descriptors": [
        "write_ops",
        "read_ops",
        "write_bytes",
        "read_bytes",
        "latency",
    ],  # fmt: skip
}


def add(c: TestCluster, query: Any) -> str:
    def added() -> str | None:
        rc, out, _err = mgr(c, "osdperfprobe add", json.dumps(query).encode())
        return out if rc == 0 else None

    return wait_until(added, 30.0, "osdperfprobe add")


class Sums:
    def __init__(self, c: TestCluster, qid: str) -> None:
        self.c, self.qid = c, qid
        self.rows: dict[str, list[list[int]]] = {}

    def poll(self) -> dict[str, list[list[int]]]:
        rc, out, err = mgr(self.c, "osdperfprobe get", query_id=int(self.qid))
        assert rc == 0, err
        for row in json.loads(out)["counters"]:
            acc = self.rows.setdefault(json.dumps(row["k"]), [[0, 0] for _ in row["c"]])
            for a, (x, y) in zip(acc, row["c"], strict=True):
                a[0] += x
                a[1] += y
        return self.rows

    def until(
        self, key: list[list[str]], done: Callable[[list[list[int]]], bool]
    ) -> list[list[int]]:
        k = json.dumps(key)
        return wait_until(lambda: (got := self.poll().get(k)) and done(got) and got, 20.0,
                          f"counters of {key}")  # fmt: skip


def configured(c: TestCluster) -> int:
    """The distinct queries of the fleet's last `MgrConfigure`, if it is from the active."""
    st = c.admin("fleet.0", "fleet_status")["mgr"]
    active = c.json("mgr dump")["active_gid"]
    ok = st["opened"] and st["target"] and st["target"][0] == active
    return int(st["osd_perf_queries"]) if ok else -1


def ops(c: TestCluster, image: str, writes: int, reads: int) -> str:
    with rados.Rados(conffile=str(c.run.path)) as r, r.open_ioctx("rbd") as io:
        for i in range(writes):
            io.write_full(f"probe.{image}.{i}", b"y" * 1000)
        for i in range(reads):
            io.read(f"probe.{image}.{i}")
        return str(io.get_pool_id())


def test_a_modules_query_counts_the_clients_ops_across_a_failover(
    module_cluster: Callable[..., TestCluster],
) -> None:
    c = module_cluster("osdperfprobe", mgrs=2, osds=3, options={"mgr_module_path": str(TESTMODS)})
    wait_until(lambda: configured(c) == 0, 20.0, "the fleet open with the active")
    assert add(c, {"key_descriptor": [{"type": "pool_id", "regex": ".*"}],
                   "performance_counter_descriptors": ["ops"]}) == "None"  # fmt: skip
    assert add(c, QUERY) == "0"  # an invalid query takes no id
    qid = add(c, QUERY)  # the same query again: counted once by the OSDs, for both ids
    assert qid == "1"
    wait_until(lambda: configured(c) == 1, 10.0, "the fleet configured")  # one query, 2 ids
    pool = ops(c, "first", writes=5, reads=2)
    for q in ("0", qid):
        got = Sums(c, q).until([[pool], ["first"]], lambda g: g[0][0] >= 5 and g[1][0] >= 2)
        assert got[:4] == [[5, 0], [2, 0], [5000, 0], [2000, 0]], got
        assert got[4][1] == 7 and got[4][0] > 0  # latency: [ns, ops]

    first = active_name(c)
    rc, _out, err = c.mon_command({"prefix": "mgr fail", "who": first})
    assert rc == 0, err
    wait_until(lambda: (n := active_name(c)) not in (None, first) and n, 30.0, "a new active")
    wait_modules(c, "osdperfprobe")
    qid = add(c, {**QUERY, "performance_counter_descriptors": ["ops"]})
    assert qid == "0"  # the new active's own registry
    wait_until(lambda: configured(c) == 1, 10.0, "the fleet configured by the new active")
    ops(c, "second", writes=3, reads=0)
    sums = Sums(c, qid)
    assert sums.until([[pool], ["second"]], lambda g: g[0][0] >= 3) == [[3, 0]]
    assert json.dumps([[pool], ["first"]]) not in sums.rows  # counted only from its add on
