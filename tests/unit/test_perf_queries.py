"""The MDS perf query core (`mgr.perf_queries`) and the fleet's CephFS clients
(`sim.fleet.mds_clients`): what ``add_mds_perf_query`` accepts, what
``get_mds_perf_counters`` answers for a report, and the clients' metrics."""

from __future__ import annotations

import pytest

from mgr.perf_queries import InvalidQuery, MDSPerfQueries, parse_query
from sim.fleet.mds_clients import FEATURE_BITS, METRICS, CephFSClients

RANKS = {"type": "mds_rank", "regex": "^(.*)$"}
CLIENTS = {"type": "client_id", "regex": r"^(client.\d*\s+.*):.*"}


def fsmap(rank0: str = "a", rank1: str | None = None) -> dict:
    info = {"gid_1": {"gid": 1, "name": rank0, "rank": 0, "state": "up:active"}}
    if rank1:
        info["gid_2"] = {"gid": 2, "name": rank1, "rank": 1, "state": "up:active"}
    return {"filesystems": [{"mdsmap": {"fs_name": "cephfs", "info": info}}]}


def report(clients: CephFSClients, delayed: list[int] | None = None) -> dict:
    return {"fs": "cephfs", "rank": 0, "delayed_ranks": delayed or [],
            "clients": clients.report("cephfs")}  # fmt: skip


@pytest.mark.parametrize(
    "query, why",
    [
        ({"key_descriptor": [{"type": "pool_id", "regex": ".*"}]}, "invalid key_descriptor type"),
        ({"key_descriptor": [{"type": "client_id", "regex": "("}]}, "invalid regex"),
        (
            {"key_descriptor": [CLIENTS], "performance_counter_descriptors": ["ops"]},
            "invalid performance counter type",
        ),  # fmt: skip
        ({"key_descriptor": [CLIENTS], "colour": 1}, "unknown query key"),
        ({"key_descriptor": []}, "empty key_descriptor"),
        ("not a dict", "not a dict"),
    ],
)
def test_an_invalid_query_is_refused_with_its_reason(query, why):
    with pytest.raises(InvalidQuery, match=why):
        parse_query(query)


def test_ids_count_from_zero_and_an_unknown_id_answers_none():
    q = MDSPerfQueries()
    assert [q.add({"key_descriptor": [CLIENTS]}) for _ in range(3)] == [0, 1, 2]
    assert q.remove(1) and not q.remove(1)
    assert q.add({"key_descriptor": [CLIENTS]}) == 3  # never reused
    assert q.counters(1, fsmap(), {}) is None


def test_the_answer_has_one_key_per_client_with_a_pair_per_counter():
    clients = CephFSClients(seed=7)
    clients.step("cephfs", 5.0)
    q = MDSPerfQueries()
    glob = q.add({"key_descriptor": [CLIENTS], "performance_counter_descriptors": list(METRICS)})
    per_rank = q.add({"key_descriptor": [RANKS, CLIENTS], "performance_counter_descriptors": []})
    got = q.counters(glob, fsmap(), {"a": (12.5, report(clients))})
    delayed, counters, last = got["metrics"]
    assert delayed == [""] and last == [12.5]
    insts = [c.inst for c in clients.of_fs("cephfs")]
    assert [e["k"] for e in counters] == [[[i.rsplit(":", 1)[0]]] for i in insts]
    assert all(len(e["c"]) == len(METRICS) for e in counters)
    assert counters[0]["c"][0] == clients.of_fs("cephfs")[0].pairs["cap_hit"]
    ranked = q.counters(per_rank, fsmap(), {"a": (12.5, report(clients))})["metrics"][1]
    assert {e["k"][0][0] for e in ranked} == {"0"} and all(e["c"] == [] for e in ranked)


def test_a_filter_keeps_its_client_and_a_report_of_a_former_rank0_is_ignored():
    clients = CephFSClients(seed=7)
    first = clients.of_fs("cephfs")[0].gid
    q = MDSPerfQueries()
    one = q.add({"key_descriptor": [{"type": "client_id", "regex": rf"^(client.{first}\s+.*):.*"}]})
    got = q.counters(one, fsmap(), {"a": (1.0, report(clients))})["metrics"][1]
    assert [e["k"][0][0].split()[0] for e in got] == [f"client.{first}"]
    # rank 0 passed to b, which has not reported yet: nothing, and no new stamp
    assert q.counters(one, fsmap("b"), {"a": (1.0, report(clients))})["metrics"] == [
        [""],
        [],
        [0.0],
    ]


def test_delayed_ranks_come_from_rank0s_report():
    clients = CephFSClients(seed=1)
    q = MDSPerfQueries()
    qid = q.add({"key_descriptor": [CLIENTS]})
    got = q.counters(qid, fsmap("a", "b"), {"a": (3.0, report(clients, delayed=[2, 1]))})
    assert got["metrics"][0] == ["1,2"]


def test_clients_are_fixed_per_file_system_and_their_counts_grow():
    a, b = CephFSClients(seed=3), CephFSClients(seed=3)
    assert [c.inst for c in a.of_fs("cephfs")] == [c.inst for c in b.of_fs("cephfs")]
    assert 3 <= len(a.of_fs("cephfs")) <= 6
    before = [list(c.pairs["cap_hit"]) for c in a.of_fs("cephfs")]
    a.step("cephfs", 10.0)
    after = [c.pairs["cap_hit"] for c in a.of_fs("cephfs")]
    assert all(x[0] > y[0] for x, y in zip(after, before, strict=True))
    session = a.sessions("cephfs", uptime=5.0)[0]
    meta = session["client_metadata"]
    assert session["inst"] == a.of_fs("cephfs")[0].inst and meta["root"] == "/"
    assert meta["metric_spec"]["metric_flags"]["feature_bits"] == FEATURE_BITS
    assert int(FEATURE_BITS, 16) == (1 << len(METRICS)) - 1
