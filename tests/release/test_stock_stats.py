"""Ceph's own stock ``stats`` module (``fs perf stats``), unmodified, for 16.2,
18.2 and 20.2, against the fleet's MDS daemons and their CephFS clients: it
registers MDS perf queries (`mgr.perf_queries`), reads each client's metadata
with ``client ls`` on rank 0's MDS (a module's ``send_command`` to an MDS),
and reports every client with its 16 metric pairs; a filter narrows it, a bad
one is EINVAL; after rank 0 fails over, the same clients are reported from the
new rank 0. Without the release tree this skips; with CI set it fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sim.testing import TestCluster, running_cluster, wait_until
from tests.modules.helpers import enable_modules
from tests.release.test_stock_selftest import release_tree

KEEP = {"stats", "status"}


def perf_stats(c: TestCluster, **filters: str) -> dict[str, Any]:
    rc, out, err = c.mgr_command({"prefix": "fs perf stats", **filters})
    assert rc == 0, f"fs perf stats: {rc} {err}"
    return json.loads(out)


def reported(c: TestCluster, **filters: str) -> dict[str, Any] | None:
    """The report once every client has metadata and metrics, else None."""
    d = perf_stats(c, **filters)
    metrics = d["global_metrics"].get("cephfs", {})
    meta = d["client_metadata"].get("cephfs", {})
    return d if metrics and set(metrics) == set(meta) else None


@pytest.mark.parametrize("series", ["16.2", "18.2", "20.2"])
def test_fs_perf_stats_reports_the_clients_of_rank_0(series: str, tmp_path: Path) -> None:
    mgr_dir = release_tree(series)
    stock = {p.name for p in mgr_dir.iterdir() if (p / "module.py").is_file()}
    options = {"mgr_disabled_modules": " ".join(sorted(stock - KEEP))}
    with running_cluster(
        tmp_path / "run", mons=1, mgrs=1, osds=3, mds=2, options=options, ceph_release=series
    ) as c:
        enable_modules(c, "stats")
        d = wait_until(lambda: reported(c), 30.0, "fs perf stats with every client")
        assert d["version"] == 2 and len(d["global_counters"]) == 16
        metrics, meta = d["global_metrics"]["cephfs"], d["client_metadata"]["cephfs"]
        assert 3 <= len(metrics) <= 6
        assert all(len(pairs) == 16 for pairs in metrics.values())
        assert all(m["root"] == "/" and len(m["valid_metrics"]) == 16 for m in meta.values())
        assert d["metrics"]["delayed_ranks"] == [] and set(d["metrics"]["mds.0"]) == set(metrics)

        # fs status counts the same sessions (the MDS's session_count)
        def counted() -> bool:
            rc, out, _err = c.mgr_command({"prefix": "fs status", "format": "json"})
            return rc == 0 and json.loads(out)["clients"][0]["clients"] == len(metrics)

        wait_until(counted, 10.0, "fs status counting the same clients")
        # a filter keeps one client; a bad one is EINVAL with the module's text
        one = sorted(metrics)[0].removeprefix("client.")
        narrowed = wait_until(lambda: reported(c, client_id=one), 15.0, "one client")
        assert list(narrowed["global_metrics"]["cephfs"]) == [f"client.{one}"]
        rc, _out, err = c.mgr_command({"prefix": "fs perf stats", "mds_rank": "x"})
        assert (rc, err) == (-22, "invalid mds filter spec: x")
        # rank 0 fails over to mds.b: the same clients, reported by the new rank 0
        c.supervisor({"prefix": "kill", "daemon": "mds.a"})

        def from_b() -> dict[str, Any] | None:
            fs = c.json("fs dump")["filesystems"][0]["mdsmap"]
            holder = fs["info"].get(f"gid_{fs['up'].get('mds_0')}", {}).get("name")
            got = reported(c) if holder == "b" else None
            return got if got and set(got["global_metrics"]["cephfs"]) == set(metrics) else None

        wait_until(from_b, 40.0, "the clients reported from mds.b")
