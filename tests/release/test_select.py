"""Selecting a tree for a cluster: `sim up --ceph-release/--ceph-python`, the
scenario keys (file:line:col errors), the spec recording it and the mgrs
started with ``--ceph-python DIR`` across restarts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from sim import launcher
from sim.client import Cluster
from sim.cluster import ClusterSpec, RunDir
from sim.scenario import loader
from sim.scenario.errors import InvalidScenario
from sim.testing import wait_until

from .conftest import make_tree

REPO = Path(__file__).resolve().parents[2]
API_DIR = REPO / "mgr" / "api"  # the embedded API: a folder with mgr_module.py


def sim(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"XDG_CACHE_HOME": str(cache.parent)}
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True,
                          timeout=60, env=env, check=False)  # fmt: skip


def test_up_with_an_unfetched_release_says_how_to_fetch_it(cache: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "cluster.json").write_text("{}")  # an earlier run's directory is kept
    r = sim("up", "--dir", str(run), "--ceph-release", "18.2", cache=cache)
    assert r.returncode == 3, r.stderr
    assert "Ceph 18.2 is not fetched; run `python -m sim release fetch 18.2`" in r.stderr
    assert "--fetch" in r.stderr
    assert (run / "cluster.json").read_text() == "{}"
    r = sim("up", "--dir", str(run), "--ceph-release", "17.2", cache=cache)
    assert r.returncode == 2 and "unknown Ceph release '17.2'" in r.stderr
    r = sim("up", "--dir", str(run), "--ceph-python", str(tmp_path), cache=cache)
    assert r.returncode == 2 and "no mgr_module.py there" in r.stderr


def test_spec_round_trips_the_selection(tmp_path: Path) -> None:
    run = RunDir(tmp_path / "run")
    spec = ClusterSpec.new(["a"], ["x"], [1], ceph_release="16.2.15", ceph_python="/t/mgr")
    run.create(spec)
    got = run.spec()
    assert (got.ceph_release, got.ceph_python) == ("16.2.15", "/t/mgr")
    raw = json.loads(run.spec_file.read_text())
    del raw["ceph_release"], raw["ceph_python"]  # a run directory from before releases
    run.spec_file.write_text(json.dumps(raw))
    assert (run.spec().ceph_release, run.spec().ceph_python) == ("", "")


SCENARIO = "about: t\ncluster:\n{cluster}steps:\n  - sleep: 1s\n"


@pytest.mark.parametrize(
    "cluster, line, col, fragment",
    [
        ("  ceph_release: 17.2\n", 3, 17, "cluster.ceph_release: unknown Ceph release '17.2'; known: 16.2"),
        ("  ceph_release: [16.2]\n", 3, 17, "cluster.ceph_release: expected a string"),
        ("  ceph_python: nowhere\n", 3, 16, "cluster.ceph_python: "),
        ("  ceph_python: .\n", 3, 16, "no mgr_module.py there"),
        ("  ceph_release: 16.2\n  ceph_python: api\n", 4, 16, "give ceph_release or ceph_python, not both"),
    ],
)  # fmt: skip
def test_scenario_keys_are_validated_with_positions(
    tmp_path: Path, cluster: str, line: int, col: int, fragment: str
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "mgr_module.py").write_text("")
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.format(cluster=cluster))
    with pytest.raises(InvalidScenario) as exc:
        loader.load(path)
    errors = exc.value.errors
    assert len(errors) == 1, errors
    assert (errors[0].mark.file, errors[0].mark.line, errors[0].mark.col) == (str(path), line, col)
    assert fragment in errors[0].message


def test_scenario_keys_parse(tmp_path: Path) -> None:
    (tmp_path / "tree" / "usr/share/ceph/mgr").mkdir(parents=True)
    (tmp_path / "tree" / "usr/share/ceph/mgr" / "mgr_module.py").write_text("")
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.format(cluster="  ceph_release: reef\n"))
    assert loader.load(path).cluster.ceph_release == "18.2"
    path.write_text(SCENARIO.format(cluster="  ceph_python: tree\n"))
    got = loader.load(path).cluster.ceph_python
    assert got == tmp_path / "tree" / "usr/share/ceph/mgr"


def test_fetched_release_resolves_to_its_tree(cache: Path, tmp_path: Path) -> None:
    from sim.release.select import resolve

    mgr = make_tree(cache, "20.2", "20.2.4")
    sel = resolve("20.2")
    assert (sel.ceph_release, sel.ceph_python) == ("20.2.4", str(mgr))


def mgr_cmdline(run: Path, name: str) -> list[str]:
    with Cluster(run) as c:
        pid = c.supervisor("status")["daemons"][name]["pid"]
    return psutil.Process(pid).cmdline() if pid else []


@pytest.mark.integration
def test_mgrs_start_with_the_selected_tree_also_after_a_restart(tmp_path: Path) -> None:
    run = tmp_path / "run"
    launcher.up(run, mons=1, mgrs=1, ceph_python=API_DIR, die_with_parent=True, timeout=60)
    try:
        spec = RunDir(run).spec()
        assert (spec.ceph_release, spec.ceph_python) == ("", str(API_DIR))
        cmd = mgr_cmdline(run, "mgr.x")
        assert cmd[cmd.index("--ceph-python") + 1] == str(API_DIR)
        with Cluster(run) as c:
            old = c.supervisor("status")["daemons"]["mgr.x"]["pid"]
            c.supervisor({"prefix": "restart", "daemon": "mgr.x"}, timeout=30.0)

            def restarted() -> bool:
                d = c.supervisor("status")["daemons"]["mgr.x"]
                return bool(d["pid"] and d["pid"] != old and d["state"] == "running")

            wait_until(restarted, 30, "mgr.x restarted")
        cmd = mgr_cmdline(run, "mgr.x")
        assert cmd[cmd.index("--ceph-python") + 1] == str(API_DIR)
    finally:
        launcher.down(run)


@pytest.mark.integration
def test_no_selection_starts_mgrs_without_the_argument(tmp_path: Path) -> None:
    run = tmp_path / "run"
    launcher.up(run, mons=1, mgrs=1, die_with_parent=True, timeout=60)
    try:
        assert RunDir(run).spec().ceph_python == ""
        assert "--ceph-python" not in mgr_cmdline(run, "mgr.x")
    finally:
        launcher.down(run)
