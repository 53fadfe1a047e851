"""Ceph 16.2's stock ``status`` and ``iostat`` modules, unmodified, against the fleet.

Skips (saying why) without Debian's ceph-mgr-modules-core / python3-prettytable.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.testing import TestCluster, wait_until

from .helpers import MODULES, enable, fleet_cluster, mgr_json

STOCK = Path("/usr/share/ceph/mgr")
NEED_RADOS = "devicehealth orchestrator rbd_support telemetry volumes"

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not (STOCK / "status" / "module.py").exists()
        or not Path("/usr/lib/python3/dist-packages/prettytable").exists(),
        reason="needs Ceph's stock modules: apt-get install -y ceph-mgr-modules-core "
        "python3-prettytable",
    ),
]


@pytest.fixture(scope="module")
def c(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestCluster]:
    path = tmp_path_factory.mktemp("stockfleet") / "c"
    opts = {"mgr_module_path": f"{MODULES}:{STOCK}", "mgr_disabled_modules": NEED_RADOS}
    with fleet_cluster(path, osds=8, mds=2, rgws=1, options=opts) as cl:
        enable(cl, "iostat", "fleet_probe")
        yield cl


def mgr_text(c: TestCluster, prefix: str, **args: object) -> str:
    rc, out, err = c.mgr_command({"prefix": prefix, **args})
    assert rc == 0, f"{prefix}: {rc} {err}"
    return out.decode()


def test_osd_status_lists_every_osd_with_its_host_and_io(c):
    def table() -> list[str] | None:
        rows = mgr_text(c, "osd status").splitlines()[1:]
        return rows if len(rows) == 8 and all("G " in r for r in rows) else None

    rows = wait_until(table, 10.0, "a row with usage for every OSD")
    head = mgr_text(c, "osd status").splitlines()[0].split()
    assert head == ["ID", "HOST", "USED", "AVAIL", "WR", "OPS", "WR", "DATA", "RD", "OPS",
                    "RD", "DATA", "STATE"]  # fmt: skip
    assert [r.split()[1] for r in rows] == ["node00"] * 4 + ["node01"] * 4
    assert all(r.split()[-1] == "exists,up" for r in rows)
    wait_until(lambda: any(r.split()[4] != "0" for r in table() or []), 10.0, "write ops")


def test_fs_status_shows_the_active_mds_and_the_pools(c):
    def status() -> dict | None:  # once the mon's FSMap has the active and the standby
        out = json.loads(mgr_text(c, "fs status", format="json"))
        states = {m["name"]: m["state"] for m in out["mdsmap"]}
        return out if states == {"a": "active", "b": "standby"} else None

    out = wait_until(status, 10.0, "mds.a active and mds.b standby in fs status")
    assert out["clients"][0]["fs"] == "cephfs"
    assert [p["name"] for p in out["pools"]] == ["cephfs.cephfs.meta", "cephfs.cephfs.data"]
    text = mgr_text(c, "fs status")
    assert "cephfs - " in text and "STANDBY MDS" in text


def test_iostat_reports_client_io(c):
    def rates() -> list[str] | None:
        cells = [x.strip() for x in mgr_text(c, "iostat").strip().strip("|").split("|")]
        return cells if cells[3] != "0" else None

    cells = wait_until(rates, 10.0, "iostat with read IOPS")
    assert cells[0].endswith("B/s") and int(cells[5]) == int(cells[3]) + int(cells[4])


def test_get_names_answer_with_data(c):
    for name in ("osd_map", "osd_map_tree", "osd_metadata", "osd_stats", "pg_summary",
                 "pg_status", "pg_dump", "pg_stats", "pool_stats", "df", "service_map",
                 "fs_map", "mds_metadata", "health", "io_rate"):  # fmt: skip
        got = mgr_json(c, "fleet probe get", name=name)
        assert got["size"] > 0, name
    assert mgr_json(c, "fleet probe get", name="osd_map")["osds"] == 8
    status = c.json("status")
    assert status["osdmap"]["num_up_osds"] == 8
    wait_until(lambda: c.json("status")["pgmap"]["num_pgs"] > 0, 5.0, "the mgr's pg digest")
