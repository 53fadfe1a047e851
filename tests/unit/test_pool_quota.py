"""Pool quotas (`mon.pool_quota`) against a real Ceph 16.2 mon's answers
(tests/data/ceph16/osd_pool_*quota*, manifest.tsv): the values accepted and
the error texts of strict_iecstrtoll / strict_si_cast, ``get-quota``'s text
and JSON, the ``osd dump`` line, and the full-pool log lines and health."""

from __future__ import annotations

import json
import shlex

import pytest

from mon import pool_quota
from mon.pool_quota import PoolUsage
from sim.maps.osd_dumps import osd_dump_plain, pool_dump
from sim.maps.osdmap import OSDMap, Pool
from tests.golden import CEPH16, golden_text


def _rows() -> list[tuple[str, list[str], int, str]]:
    out = []
    for line in (CEPH16 / "manifest.tsv").read_text().splitlines():
        cols = line.split("\t")
        if len(cols) < 5 or not cols[1].startswith("ceph osd pool set-quota p1 max_"):
            continue
        if shlex.split(cols[1])[5] not in pool_quota.FIELDS:
            continue  # refused by the CLI's descriptor check, not by the mon
        stderr = cols[4].replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")
        out.append((cols[0], shlex.split(cols[1]), int(cols[2]), stderr))
    return out


SET_QUOTA = _rows()


def test_the_captures_are_there() -> None:
    assert len(SET_QUOTA) >= 20


@pytest.mark.parametrize(("name", "argv", "rc", "stderr"), SET_QUOTA, ids=[r[0] for r in SET_QUOTA])
def test_set_quota_answers_as_ceph(name: str, argv: list[str], rc: int, stderr: str) -> None:
    field, val = argv[5], argv[6] if len(argv) > 6 else ""
    pool = Pool(2, "p1", 3, 2, 32)
    try:
        line = pool_quota.set_quota(pool, field, val)
    except pool_quota.QuotaValueError as exc:
        assert rc == 22
        assert f"Error EINVAL: error parsing value '{val}': {exc}\n" == stderr
        return
    assert rc == 0, stderr
    assert stderr == line + "\n"


def test_get_quota_text_and_json() -> None:
    pool = Pool(2, "p1", 1, 1, 32, quota_max_objects=100, quota_max_bytes=10 * 1024 * 1024)
    d = pool_quota.get_quota(pool, PoolUsage(objects=5, bytes=50000))
    assert d == json.loads(golden_text("osd_pool_get_quota.pretty.txt"))
    assert pool_quota.get_quota_plain(d) == golden_text("osd_pool_get_quota.txt")
    pool.quota_max_bytes = 0
    assert pool_quota.get_quota_plain(
        pool_quota.get_quota(pool, PoolUsage(5, 50000))
    ) == golden_text("osd_pool_get_quota_after_clear.txt")


def test_the_osd_dump_line_and_json_carry_the_quotas() -> None:
    m = OSDMap(fsid="f", epoch=14, created=0.0, modified=0.0)
    pool = Pool(2, "p1", 3, 2, 32, last_change=14, flags=["hashpspool", "creating"],
                quota_max_bytes=1, quota_max_objects=2_000_000)  # fmt: skip
    m.pools[2] = pool
    line = next(x for x in osd_dump_plain(m).splitlines() if x.startswith("pool 2 "))
    assert line == golden_text("osd_dump_pool_line_quota2.txt").strip()
    assert (
        pool_dump(pool)["quota_max_bytes"] == 1
        and pool_dump(pool)["quota_max_objects"] == 2_000_000
    )
    assert Pool.from_wire(pool.to_wire()) == pool


def test_a_pool_fills_and_empties_as_ceph_logs_it() -> None:
    m = OSDMap(fsid="f", epoch=3, created=0.0, modified=0.0)
    m.pools[2] = Pool(2, "p1", 1, 1, 32, quota_max_objects=5)
    changed, log = pool_quota.update_pools_status(m, {2: PoolUsage(5, 50000)})
    assert [p.flags for p in changed] == [["hashpspool", "full", "full_quota"]]
    gold = golden_text("cluster_log_pool_quota.txt")
    assert all(f"cluster {prio} {text}" in gold for prio, text in log), log
    m.pools[2] = changed[0]
    assert pool_quota.update_pools_status(m, {2: PoolUsage(5, 50000)}) == ([], [])  # once
    detail = golden_text("health_detail_pool_full.txt")
    assert all(f"    {line}\n" in detail for line in pool_quota.full_pools(m))
    m.pools[2].quota_max_objects = 0
    changed, log = pool_quota.update_pools_status(m, {2: PoolUsage(5, 50000)})
    assert changed[0].flags == ["hashpspool"] and len(log) == 1
    assert f"cluster {log[0][0]} {log[0][1]}" in gold
    m.pools[2] = changed[0]
    m.pools[2].quota_max_bytes = 10 * 1024 * 1024
    _, log = pool_quota.update_pools_status(m, {2: PoolUsage(0, 10 * 1024 * 1024)})
    assert log == [("[WRN]", "pool 'p1' is full (reached quota's max_bytes: 10 MiB)")]
