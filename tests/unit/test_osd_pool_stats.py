"""``osd pool stats`` as real Ceph 16.2 prints it (``tests/data/ceph16/osd_pool_stats*``):
the plain text made from the JSON real Ceph printed (idle pools; a pool with client IO
both ways and recovery), and the client IO rate made from a stats delta."""

from __future__ import annotations

import json
from typing import Any

from mgr.commands.osd import pool_stats_plain
from mgr.pg_views import client_io_rate
from tests.golden import golden_text


def golden_json(name: str) -> Any:
    return json.loads(golden_text(name))


def test_plain_text_of_idle_pools_and_of_a_busy_one_is_cephs() -> None:
    assert pool_stats_plain(golden_json("osd_pool_stats.json")) == golden_text("osd_pool_stats.txt")
    busy = golden_json("osd_pool_stats_p1_io.json")
    assert busy[0]["recovery"] and busy[0]["client_io_rate"]  # the golden has both
    assert pool_stats_plain(busy) == golden_text("osd_pool_stats_p1_io.txt")
    assert golden_json("osd_pool_stats.compact.json") == golden_json("osd_pool_stats.json")


def test_client_io_rate_names_only_the_directions_that_moved_bytes() -> None:
    # POOL_FIELDS: bytes, objects, reads, read KiB, writes, write KiB
    assert client_io_rate([0, 0, 0, 0, 0, 0], 5.0) == {}  # no ops: "nothing is going on"
    assert client_io_rate([0, 0, 0, 0, 10, 40], 2.0) == {
        "write_bytes_sec": 20480, "read_op_per_sec": 0, "write_op_per_sec": 5,
    }  # fmt: skip
    both = client_io_rate([0, 0, 6, 3, 4, 8], 2.0)
    assert list(both) == list(golden_json("osd_pool_stats_p1_io.json")[0]["client_io_rate"])
    assert client_io_rate([0, 0, 1, 1, 0, 0], 0.0) == {}  # no interval yet
