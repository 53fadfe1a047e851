"""Pool quotas with real processes: ``osd pool set-quota`` through the mon, the
pool marked full once the mgr's PG stats reach the quota (POOL_FULL, Ceph's
cluster-log line, the ``full,full_quota`` flags on the ``osd dump`` line),
a write to the full pool waiting, and the quota lifted letting it complete;
``df detail`` and ``get-quota`` show the quota and the usage."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sim import rados
from sim.testing import TestCluster, wait_until
from tests.fleet.helpers import fleet_cluster

pytestmark = pytest.mark.integration


@pytest.fixture
def c(tmp_path: Path) -> Iterator[TestCluster]:
    with fleet_cluster(tmp_path / "c", osds=3, mgrs=1) as cl:
        yield cl


def mon(c: TestCluster, prefix: str, **args: Any) -> tuple[int, str, str]:
    rc, out, err = c.mon_command({"prefix": prefix, **args})
    return rc, out if isinstance(out, str) else out.decode(), err


def health(c: TestCluster) -> dict[str, Any]:
    rc, out, err = mon(c, "health", detail="detail", format="json")
    assert rc == 0, err
    return json.loads(out)["checks"]


def log_lines(c: TestCluster) -> str:
    rc, out, err = mon(c, "log last", num=200)
    assert rc == 0, err
    return out


def test_a_pool_out_of_quota_holds_writes_until_the_quota_is_lifted(c: TestCluster) -> None:
    r = rados.Rados(conffile=str(c.run.path))
    r.connect()
    try:
        r.create_pool("q")
        io = r.open_ioctx("q")
        for i in range(3):
            io.write_full(f"o{i}", b"x" * 1000)
        rc, _, err = mon(c, "osd pool set-quota", pool="q", field="max_objects", val="3")
        assert (rc, err) == (0, "set-quota max_objects = 3 for pool q")
        rc, _, err = mon(c, "osd pool set-quota", pool="q", field="max_bytes", val="1.5G")
        assert (
            rc == -22
            and err == "error parsing value '1.5G': strict_iecstrtoll: illegal prefix (length > 2)"
        )

        full = wait_until(lambda: health(c).get("POOL_FULL"), 30, "POOL_FULL")
        assert full["summary"]["message"] == "1 pool(s) full"
        assert [d["message"] for d in full["detail"]] == ["pool 'q' is full (running out of quota)"]
        assert "cluster [WRN] pool 'q' is full (reached quota's max_objects: 3)" in log_lines(c)
        rc, dump, _ = mon(c, "osd dump")
        line = next(x for x in dump.splitlines() if " 'q' " in x)
        assert "flags hashpspool,full,full_quota max_objects 3 stripe_width 0" in line, line

        held = io.aio_write_full("o3", b"y" * 1000)
        rc, out, _ = mon(c, "osd pool get-quota", pool="q", format="json")
        q = json.loads(out)
        assert (q["quota_max_objects"], q["current_num_objects"], q["current_num_bytes"]) == (
            3,
            3,
            3000,
        )
        assert not held.is_complete(), "a write to a full pool went through"
        rc, detail, _ = mon(c, "df", detail="detail")
        row = next(x for x in detail.splitlines() if x.startswith("q "))
        # QUOTA OBJECTS, QUOTA BYTES, DIRTY, USED COMPR, UNDER COMPR
        assert re.search(r"\s3\s+N/A\s+N/A\s+0 B\s+0 B$", row), row

        rc, _, err = mon(c, "osd pool set-quota", pool="q", field="max_objects", val="0")
        assert rc == 0, err
        wait_until(held.is_complete, 30, "the held write completes once the quota is lifted")
        assert held.get_return_value() == 0
        wait_until(lambda: "POOL_FULL" not in health(c), 30, "POOL_FULL clears")
        assert "pool 'q' no longer out of quota; removing NO_QUOTA flag" in log_lines(c)
        assert io.read("o3") == b"y" * 1000
    finally:
        r.shutdown()


def test_quota_errors_are_cephs(c: TestCluster) -> None:
    assert mon(c, "osd pool set-quota", pool="nosuch", field="max_bytes", val="1") == (
        -2, "", "unrecognized pool 'nosuch'",
    )  # fmt: skip
    assert mon(c, "osd pool get-quota", pool="nosuch")[::2] == (-2, "unrecognized pool 'nosuch'")
    rc, _, err = mon(c, "osd pool set-quota", pool="rbd", field="max_objects", val="-1")
    assert (rc, err) == (
        -22,
        "error parsing value '-1': strict_sistrtoll: value should not be negative",
    )
