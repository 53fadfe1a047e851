"""OSD perf queries without processes: what ``add_osd_perf_query`` accepts
(`mgr.osd_perf_queries`, Ceph's binding), what the OSDs count per key
(`sim.fleet.osd_perf_stats`, Ceph's DynamicPerfStats), how the mgr adds the
OSDs' reports up and what ``get_osd_perf_counters`` answers."""

from __future__ import annotations

import random

import pytest

from mgr.osd_perf_queries import InvalidQuery, OSDPerfQueries, parse_query
from sim.fleet.osd_perf_stats import DynamicPerfStats, OpFacts, op_bytes

CLIENT = {"type": "client_id", "regex": "^(.+)$"}
ALL = ["ops", "write_ops", "read_ops", "bytes", "write_bytes", "read_bytes", "latency",
       "write_latency", "read_latency"]  # fmt: skip
RBD = {
    "key_descriptor": [
        {"type": "pool_id", "regex": "^(.+)$"},
        {"type": "object_name", "regex": r"^(?:rbd|journal)_data\.(?:([0-9]+)\.)?([^.]+)\."},
    ],
    "performance_counter_descriptors": ["write_ops", "read_ops", "write_bytes"],
}


def facts(osd=0, pool=2, ps=0x1F, oid="obj", client="client.4100", reads=False, writes=True,
          inb=0, outb=0, latency_ns=1000, nspace=""):  # fmt: skip
    return OpFacts(osd, pool, ps, nspace, oid, client, "127.0.0.1:0/77", reads, writes,
                   inb, outb, latency_ns)  # fmt: skip


@pytest.mark.parametrize(
    "query, why",
    [
        ("nope", "arg not a dict"),
        (
            {
                "key_descriptor": [{"type": "pool", "regex": "(.*)"}],
                "performance_counter_descriptors": ["ops"],
            },
            "contains invalid type",
        ),  # fmt: skip
        (
            {
                "key_descriptor": [{"type": "pool_id", "regex": "("}],
                "performance_counter_descriptors": ["ops"],
            },
            "contains invalid regex",
        ),  # fmt: skip
        (
            {
                "key_descriptor": [{"type": "pool_id", "regex": ".*"}],
                "performance_counter_descriptors": ["ops"],
            },
            "no capturing groups",
        ),  # fmt: skip
        (
            {"key_descriptor": [{"type": "pool_id"}], "performance_counter_descriptors": ["ops"]},
            "item 0 invalid",
        ),  # fmt: skip
        (
            {"key_descriptor": [CLIENT], "performance_counter_descriptors": ["cap_hit"]},
            "item cap_hit is not valid type",
        ),  # fmt: skip
        ({"key_descriptor": [CLIENT]}, "invalid query"),
        ({"key_descriptor": [], "performance_counter_descriptors": ["ops"]}, "invalid query"),
        (
            {"key_descriptor": [CLIENT], "performance_counter_descriptors": ["ops"], "x": 1},
            "unknown query param: x",
        ),  # fmt: skip
        (
            {
                "key_descriptor": [CLIENT],
                "performance_counter_descriptors": ["ops"],
                "limit": {"order_by": "bytes", "max_count": 3},
            },
            "limit order_by bytes not in performance_counter_descriptors",
        ),  # fmt: skip
        (
            {
                "key_descriptor": [CLIENT],
                "performance_counter_descriptors": ["ops"],
                "limit": {"max_count": "3"},
            },
            "max_count not an int",
        ),  # fmt: skip
        (
            {"key_descriptor": CLIENT, "performance_counter_descriptors": ["ops"]},
            "key_descriptor not a list",
        ),  # fmt: skip
    ],
)
def test_an_invalid_query_is_refused_with_cephs_reason(query, why):
    with pytest.raises(InvalidQuery, match=why) as exc:
        parse_query(query)
    assert str(exc.value).startswith("ceph_add_osd_perf_query ")


def test_every_key_type_and_counter_of_the_stock_module_is_accepted():
    every = [{"type": t, "regex": "^(.*)$"} for t in (
        "client_id", "client_address", "pool_id", "namespace", "osd_id", "pg_id",
        "object_name", "snap_id")]  # fmt: skip
    query, limit = parse_query({"key_descriptor": every, "performance_counter_descriptors": ALL,
                                "limit": {"order_by": "bytes", "max_count": 10}})  # fmt: skip
    assert len(query.keys) == 8 and query.counters == tuple(ALL) and limit == ("bytes", 10)


def test_ids_count_from_zero_are_never_reused_and_an_unknown_id_answers_none():
    q = OSDPerfQueries()
    assert [q.add(RBD) for _ in range(3)] == [0, 1, 2]
    assert q.remove(1) and not q.remove(1)
    assert q.add(RBD) == 3
    assert q.counters(1) is None and q.counters(0) == {"counters": []}


def test_identical_queries_are_counted_once_and_limited_only_if_every_id_is():
    q = OSDPerfQueries()
    changes = []
    q.on_change = lambda: changes.append(1)
    limited = {**RBD, "limit": {"order_by": "write_ops", "max_count": 5}}
    a = q.add(limited)
    assert q.configure() == [[[[["pool_id", "^(.+)$"], ["object_name", RBD["key_descriptor"][1]
                               ["regex"]]], RBD["performance_counter_descriptors"]],
                              [["write_ops", 5]]]]  # fmt: skip
    b = q.add(RBD)  # the same query, unlimited: the OSDs count every key
    assert len(q.configure()) == 1 and q.configure()[0][1] == []
    q.add(limited)  # a limited id beside an unlimited one changes nothing for the OSDs
    assert len(changes) == 2
    q.remove(b)
    assert q.configure()[0][1] == [["write_ops", 5]] and len(changes) == 3
    q.remove(a)
    assert len(changes) == 3  # the other limited id keeps the same configuration


def test_osd_keys_are_the_groups_of_each_regex_and_counters_are_cephs_pairs():
    stats = DynamicPerfStats()
    every = [{"type": t, "regex": "^(.*)$"} for t in (
        "client_id", "pool_id", "namespace", "osd_id", "pg_id", "object_name", "snap_id")]  # fmt: skip
    qs = OSDPerfQueries()
    qs.add({"key_descriptor": every, "performance_counter_descriptors": ALL})
    qs.add(RBD)
    stats.set_queries(qs.configure())
    stats.add(facts(oid="rbd_data.5.abc123.0000", inb=4096, latency_ns=2000))
    stats.add(facts(oid="rbd_data.5.abc123.0001", reads=True, writes=False, outb=100))
    stats.add(facts(oid="rbd_data.def.0000", inb=10))
    stats.add(facts(oid="other", osd=1, inb=1))  # no match for the rbd query
    rep = stats.take_reports()
    assert stats.take_reports() == {}  # what was reported is forgotten
    qs.process_report(rep)
    rows = {str(r["k"]): r["c"] for r in qs.counters(0)["counters"]}
    assert rows[str([["client.4100"], ["2"], [""], ["0"], ["2.1f"],
                     ["rbd_data.5.abc123.0000"], ["head"]])] == [
        [1, 0], [1, 0], [0, 0], [4096, 0], [4096, 0], [0, 0], [2000, 1], [2000, 1], [0, 0],
    ]  # fmt: skip
    read = rows[str([["client.4100"], ["2"], [""], ["0"], ["2.1f"],
                     ["rbd_data.5.abc123.0001"], ["head"]])]  # fmt: skip
    assert read == [[1, 0], [0, 0], [1, 0], [100, 0], [0, 0], [100, 0], [1000, 1], [0, 0],
                    [1000, 1]]  # fmt: skip
    images = qs.counters(1)["counters"]
    assert images == [
        {"k": [["2"], ["", "def"]], "c": [[1, 0], [0, 0], [10, 0]]},
        {"k": [["2"], ["5", "abc123"]], "c": [[1, 0], [1, 0], [4096, 0]]},
    ]
    assert qs.counters(1) == {"counters": []}  # each get answers what arrived since the last


def test_the_mgr_adds_the_counts_of_every_osd_and_report():
    qs = OSDPerfQueries()
    qid = qs.add(
        {"key_descriptor": [CLIENT], "performance_counter_descriptors": ["ops", "latency"]}
    )
    stats = DynamicPerfStats()
    stats.set_queries(qs.configure())
    for osd in (0, 1, 2):
        stats.add(facts(osd=osd, latency_ns=10))
    qs.process_report(stats.take_reports())
    stats.add(facts(osd=2, latency_ns=5, client="client.9"))
    qs.process_report(stats.take_reports())
    assert qs.counters(qid) == {"counters": [{"k": [["client.4100"]], "c": [[3, 0], [30, 3]]},
                                             {"k": [["client.9"]], "c": [[1, 0], [5, 1]]}]}  # fmt: skip


def test_a_report_of_a_removed_query_or_malformed_rows_is_ignored():
    qs = OSDPerfQueries()
    qid = qs.add(RBD)
    stats = DynamicPerfStats()
    stats.set_queries(qs.configure())
    stats.add(facts(oid="rbd_data.x.0"))
    rep = stats.take_reports()
    qs.remove(qid)
    qs.process_report(rep)
    other = qs.add(RBD)
    qs.process_report({"0": [[rep["0"][0][0], [["bad"], [[["2"], ["", "x"]], [[1, 0]]]]]]})
    qs.process_report({"0": "junk", "1": [["junk", []]]})
    assert qs.counters(other) == {"counters": []}


def test_set_queries_keeps_the_counts_of_a_query_kept_and_drops_the_others():
    qs = OSDPerfQueries()
    qs.add(RBD)
    stats = DynamicPerfStats()
    stats.set_queries(qs.configure())
    stats.add(facts(oid="rbd_data.x.0"))
    qs.add({"key_descriptor": [CLIENT], "performance_counter_descriptors": ["ops"]})
    stats.set_queries(qs.configure())
    stats.add(facts(oid="rbd_data.x.1"))
    entries = {repr(q): rows for q, rows in stats.take_reports()["0"]}
    assert sorted(len(rows) for rows in entries.values()) == [1, 1]
    assert [[[["2"], ["", "x"]], [[2, 0], [0, 0], [0, 0]]]] in entries.values()
    stats.set_queries([])
    stats.add(facts())
    assert not stats.enabled and stats.take_reports() == {}


def test_a_limit_keeps_max_count_keys_per_osd_weighted_by_order_by():
    qs = OSDPerfQueries()
    qs.add({"key_descriptor": [CLIENT], "performance_counter_descriptors": ["ops", "bytes"],
            "limit": {"order_by": "bytes", "max_count": 2}})  # fmt: skip
    stats = DynamicPerfStats(random.Random(1))
    stats.set_queries(qs.configure())
    for i in range(6):
        stats.add(facts(client=f"client.{i}", inb=0 if i < 5 else 10**9))
    (_q, rows), = stats.take_reports()["0"]  # fmt: skip
    assert len(rows) == 2 and [["client.5"]] in [k for k, _c in rows]  # the heavy one stays
    stats.add(facts(client="client.a"))
    stats.add(facts(client="client.b"))  # not more keys than the limit: all of them
    assert len(stats.take_reports()["0"][0][1]) == 2


def test_op_bytes_counts_the_data_written_and_returned():
    ops = [["write", 0, b"abcd"], ["setxattr", "k", b"xy"], ["omap_set", {"a": b"bc"}],
           ["read", 0, 0], ["getxattr", "k"], ["stat"]]  # fmt: skip
    results = [None, None, None, b"12345", b"v", [4, 0.0]]
    assert op_bytes(ops, results) == (4 + 2 + 3, 5 + 1)
    assert op_bytes([["write_full", b"x" * 10]], []) == (10, 0)


def test_a_limit_of_zero_keys_reports_none_and_a_negative_one_is_no_limit():
    qs = OSDPerfQueries()
    qs.add({"key_descriptor": [CLIENT], "performance_counter_descriptors": ["ops"],
            "limit": {"order_by": "ops"}})  # fmt: skip
    stats = DynamicPerfStats(random.Random(2))
    stats.set_queries(qs.configure())
    stats.add(facts(client="client.1"))
    assert stats.take_reports()["0"][0][1] == []  # (a real 16.2 OSD crashes here)
    _q, limit = parse_query({"key_descriptor": [CLIENT], "performance_counter_descriptors": ["ops"],
                             "limit": {"order_by": "ops", "max_count": -1}})  # fmt: skip
    assert limit == ("ops", 2**64 - 1)
