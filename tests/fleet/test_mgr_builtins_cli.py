"""``python -m sim ceph pg stat|pg dump …|osd df [tree]|osd perf|device ls`` on a
real cluster with 3 simulated OSDs: the CLI learns the mgr's built-in
commands from the mon, sends them to the active mgr, and prints real Ceph
16.2's shapes (``tests/data/ceph16``): status line on stderr, headers,
``-f json`` keys, exit codes of bad words."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.testing import TestCluster, wait_until
from tests.fleet.helpers import fleet_cluster
from tests.golden import golden_text

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
OSDS = 3


def ceph(c: TestCluster, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SIM_DIR=str(c.run.path))
    return subprocess.run(
        [sys.executable, "-m", "sim", "ceph", "--timeout", "30", *args],
        capture_output=True, text=True, timeout=60, env=env, cwd=REPO,
    )  # fmt: skip


def ok(c: TestCluster, *args: str, stderr: str = "") -> str:
    r = ceph(c, *args)
    assert (r.returncode, r.stderr) == (0, stderr), (args, r.returncode, r.stderr)
    return r.stdout


def head(name: str) -> list[str]:
    return golden_text(name).splitlines()[0].split()


def reported(c: TestCluster) -> bool:
    r = ceph(c, "osd", "perf", "-f", "json")
    infos = json.loads(r.stdout)["osdstats"]["osd_perf_infos"] if r.returncode == 0 else []
    stat = json.loads(ceph(c, "pg", "stat", "-f", "json").stdout or "{}")
    states = stat.get("pg_summary", {}).get("num_pg_by_state", [])
    return len(infos) == OSDS and [s["name"] for s in states] == ["active+clean"]


def test_builtin_commands_through_the_cli(tmp_path: Path) -> None:
    with fleet_cluster(tmp_path / "c", osds=OSDS, mgrs=2) as c:
        wait_until(lambda: reported(c), 60, "3 OSDs reported, PGs active+clean")
        # pg stat: one line; JSON with Ceph's flush newline
        line = ok(c, "pg", "stat")
        assert line.endswith(" avail\n") or line.endswith(" op/s\n")
        assert " active+clean; " in line and line.count("\n") == 1
        pretty = ok(c, "pg", "stat", "-f", "json-pretty")
        assert pretty.startswith('\n{\n    "pg_ready": true,\n') and pretty.endswith("    }\n\n}\n")
        # pg dump and its parts: the status line, the tables' headers, JSON keys
        for what, name in (([], "pg_dump"), (["pgs"], "pg_dump_pgs"), (["pools"], "pg_dump_pools"),
                           (["osds"], "pg_dump_osds"), (["sum"], "pg_dump_sum")):  # fmt: skip
            status = f"dumped {what[0] if what else 'all'}\n"
            text = ok(c, "pg", "dump", *what, stderr=status)
            want = [w for w in golden_text(f"{name}.txt").splitlines()
                    if w.startswith(("PG_STAT", "POOLID", "OSD_STAT"))]  # fmt: skip
            got = [g for g in text.splitlines() if g.startswith(("PG_STAT", "POOLID", "OSD_STAT"))]
            assert [g.split() for g in got] == [w.split() for w in want], name
            data = json.loads(ok(c, "pg", "dump", *what, "-f", "json", stderr=status))
            assert list(data) == list(json.loads(golden_text(f"{name}.json"))), name
        osds = json.loads(ok(c, "pg", "dump", "osds", "-f", "json", stderr="dumped osds\n"))
        assert [s["osd"] for s in osds["osd_stats"]] == [2, 1, 0]
        assert osds["osd_stats"][0]["hb_peers"] == [0, 1]
        # osd df [tree]
        for args, name in (([], "osd_df"), (["tree"], "osd_df_tree")):
            lines = ok(c, "osd", "df", *args).splitlines()
            assert lines[0].split() == head(f"{name}.txt") and lines[-1].startswith("MIN/MAX VAR: ")
            data = json.loads(ok(c, "osd", "df", *args, "-f", "json"))
            assert list(data) == ["nodes", "stray", "summary"]
            assert [n["name"] for n in data["nodes"] if n["type"] == "osd"] == [
                "osd.0",
                "osd.1",
                "osd.2",
            ]
        assert ok(c, "osd", "df", "tree").splitlines()[1].split()[-2:] == ["root", "default"]
        # pg ls: every PG, then the omap note; by pool
        lines = ok(c, "pg", "ls").splitlines()
        assert lines[0].split() == head("pg_ls.txt") and lines[-1].startswith("* NOTE")
        p1 = json.loads(ok(c, "pg", "ls-by-pool", "rbd", "-f", "json"))["pg_stats"]
        assert p1 and all(p["state"] == "active+clean" for p in p1)
        assert ok(c, "pg", "dump_stuck", stderr="ok\n") == ""
        # osd perf
        lines = ok(c, "osd", "perf").splitlines()
        assert lines[0].split() == head("osd_perf.txt") and [x.split()[0] for x in lines[1:]] == [
            "2",
            "1",
            "0",
        ]
        # device ls: the fleet's OSDs name their devices
        lines = ok(c, "device", "ls").splitlines()
        assert lines[0].split() == head("device_ls.txt") and len(lines) == 1 + OSDS
        devs = json.loads(ok(c, "device", "ls", "-f", "json"))
        assert sorted(d["daemons"][0] for d in devs) == ["osd.0", "osd.1", "osd.2"]
        # an OSD marked out: REWEIGHT 0, as Ceph's weightf_t prints it
        ok(c, "osd", "out", "1", stderr="marked out osd.1. \n")
        wait_until(lambda: ok(c, "osd", "df").splitlines()[2].split()[3] == "0", 30, "reweight 0")
        # bad words: Ceph's errors and exit codes
        r = ceph(c, "osd", "df", "treee")
        assert (r.returncode, r.stderr) == (22, golden_text("nocmd_osd_df_treee.stderr.txt"))
        for words, name in ((["pg", "dumpx"], "nocmd_pg_dumpx"), (["pg"], "nocmd_pg")):
            r = ceph(c, *words)  # the 10 closest matches: the mgr's pg family, in Ceph's order
            assert (r.returncode, r.stderr) == (22, golden_text(f"{name}.stderr.txt")), words
        # the standby, once active, serves them too (its beacon publishes them)
        first = c.mgr_stat()["active_name"]
        c.supervisor({"prefix": "kill", "daemon": f"mgr.{first}"})
        wait_until(lambda: c.mgr_stat()["active_name"] not in ("", first), 30, "a new active")
        wait_until(lambda: reported(c), 60, "the new active has the OSDs' reports")
        assert ok(c, "osd", "perf").splitlines()[0].split() == head("osd_perf.txt")
