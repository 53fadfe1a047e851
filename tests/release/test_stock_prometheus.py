"""Ceph's stock ``prometheus`` module, unmodified, on 16.2, 18.2 and 20.2: an
active and a standby on one host (a port per mgr, as Ceph's QA assigns them),
``/metrics`` on the active answering 200 with the families real Ceph exposes
(health, mon quorum and metadata, OSD up/in/weight/metadata and latencies,
pool metadata and stats, PG states, mgr and module status, and, on 16.2, the
daemons' perf counters: OSD op counters, mon counters — 18.2 and newer leave
those to ceph-exporter, ``exclude_perf_counters`` being on), and the standby
doing what its release's ``StandbyModule`` says: ``/metrics`` 200 and empty,
its index page linking to the active."""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sim.ports import reserve_ports
from sim.testing import running_cluster, wait_until
from tests.modules.helpers import enable_modules
from tests.release.test_stock_selftest import release_tree

pytestmark = pytest.mark.integration

FAMILIES = {
    "ceph_health_status", "ceph_mon_quorum_status", "ceph_mon_metadata", "ceph_osd_up",
    "ceph_osd_in", "ceph_osd_weight", "ceph_osd_metadata", "ceph_osd_apply_latency_ms",
    "ceph_osd_commit_latency_ms", "ceph_pool_metadata", "ceph_pool_stored", "ceph_pool_objects",
    "ceph_pg_active", "ceph_pg_clean", "ceph_pg_total", "ceph_mgr_status",
    "ceph_mgr_module_status", "ceph_cluster_total_bytes",
}  # fmt: skip
PERF_FAMILIES = {
    "ceph_osd_op_r",
    "ceph_osd_op_w",
    "ceph_osd_op_r_latency_sum",
    "ceph_cluster_num_mon",
}


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except OSError:
        return 0, ""


def families(body: str) -> set[str]:
    return {line.split()[2] for line in body.splitlines() if line.startswith("# TYPE ")}


@pytest.mark.parametrize("series", ["16.2", "18.2", "20.2"])
def test_stock_prometheus_active_and_standby(series: str, tmp_path: Path) -> None:
    mgr_dir = release_tree(series)
    stock = {p.name for p in mgr_dir.iterdir() if (p / "module.py").is_file()}
    options = {"mgr_disabled_modules": " ".join(sorted(stock - {"prometheus"}))}
    reserved = reserve_ports(2)
    ports = {"x": reserved[0][0], "y": reserved[1][0]}
    try:
        with running_cluster(tmp_path / "run", mons=1, mgrs=2, osds=3, options=options,
                             ceph_release=series) as c:  # fmt: skip
            for mgr_id, port in ports.items():
                rc, _, err = c.mon_command({"prefix": "config set", "who": "mgr",
                                            "name": f"mgr/prometheus/{mgr_id}/server_port",
                                            "value": str(port)})  # fmt: skip
                assert rc == 0, err
            for _, fd in reserved:  # the modules bind them now
                os.close(fd)
            reserved = []
            enable_modules(c, "prometheus")
            active = c.json("mgr dump")["active_name"]
            standby = next(m for m in ports if m != active)
            want = FAMILIES | (PERF_FAMILIES if series == "16.2" else set())

            lines = [
                rf'^{fam}\{{[^}}]*ceph_daemon="{re.escape(daemon)}"[^}}]*\}} 1\.0$'
                for fam, daemon in (("ceph_osd_up", "osd.2"), ("ceph_mgr_status", f"mgr.{active}"),
                                    ("ceph_mon_quorum_status", "mon.a"))
            ]  # fmt: skip

            def complete() -> set[str] | None:
                # the OSDs may still be booting: wait for every family and every line
                status, body = get(ports[active], "/metrics")
                have = families(body) if status == 200 else set()
                ok = want <= have and all(re.search(x, body, re.M) for x in lines)
                return have if ok else None

            have = wait_until(complete, 90, f"{series}: the active's /metrics with {sorted(want)}")
            if series != "16.2":  # exclude_perf_counters: the daemons' counters are ceph-exporter's
                assert not have & {"ceph_osd_op_r", "ceph_osd_op_w"}, sorted(have & PERF_FAMILIES)

            # the standby's server starts with the standby modules
            wait_until(lambda: get(ports[standby], "/metrics") == (200, ""), 30, "standby /metrics")
            # its index links to the active's URI once the MgrMap's services carry it
            # (the active publishes it with a beacon; until then the link is relative)
            link = f":{ports[active]}/metrics"
            wait_until(lambda: link in get(ports[standby], "/")[1], 30, f"standby index -> {link}")
    finally:
        for _, fd in reserved:
            os.close(fd)
