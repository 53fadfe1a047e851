"""`sim up` and `sim down` touch only what the run directory owns: `down`
signals only the processes its supervisor recorded (pid and start time), a
second `up` on a live directory is refused by the lock, and `up` on a stopped
directory keeps its stores unless ``--wipe``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from sim import launcher
from sim.cluster import RunDir
from sim.ownership import read_records
from sim.testing import TestCluster, running_cluster, wait_until

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def sim(*args: str, run_dir: Path, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", *args, "--dir", str(run_dir)]
        if args[0] != "ceph"
        else [sys.executable, "-m", "sim", "ceph", "--dir", str(run_dir), *args[1:]],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )


@pytest.fixture
def run_dir(tmp_path: Path) -> Iterator[Path]:
    """A private run directory, brought down whatever the test did."""
    path = tmp_path / "own"
    try:
        yield path
    finally:
        launcher.down(path)


def test_down_spares_processes_that_only_name_the_directory(run_dir: Path) -> None:
    with running_cluster(run_dir) as c:
        owned = {rec.pid for rec in read_records(c.run.process_records).daemons.values()}
        assert len(owned) == 3  # mon.a, mgr.x, mgr.y
        # A bystander whose argv holds "--dir DIR", as a concurrent `sim ceph` has.
        bystander = subprocess.Popen(
            [sys.executable, "-c", "import sys; sys.stdin.read()", "--dir", str(run_dir)],
            stdin=subprocess.PIPE,
        )
        try:
            # `timeout` wraps `down`: it used to kill its own `timeout` (exit 137).
            r = subprocess.run(
                [shutil.which("timeout") or "timeout", "60", sys.executable, "-m", "sim", "down",
                 "--dir", str(run_dir)],
                capture_output=True, text=True, timeout=90, cwd=REPO,
            )  # fmt: skip
            assert r.returncode == 0, (r.returncode, r.stderr)
            assert bystander.poll() is None, "down killed a process it does not own"
        finally:
            bystander.communicate(b"", timeout=10)
        assert bystander.returncode == 0
    for pid in owned:
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_a_concurrent_ceph_cli_survives_down(run_dir: Path) -> None:
    r = sim("up", "--mgrs", "1", run_dir=run_dir)
    assert r.returncode == 0, r.stderr
    # With the mon paused the CLI waits for it; with the cluster gone it must
    # end by its own deadline (ETIMEDOUT), not by down's SIGKILL.
    assert sim("pause", "mon.a", run_dir=run_dir).returncode == 0
    with subprocess.Popen(
        [sys.executable, "-m", "sim", "ceph", "--dir", str(run_dir), "--timeout", "6", "mgr",
         "stat"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    ) as cli:  # fmt: skip
        try:
            r = sim("down", run_dir=run_dir)
            assert r.returncode == 0, r.stderr
            _, err = cli.communicate(timeout=30)
        finally:
            if cli.poll() is None:
                cli.kill()
    assert cli.returncode != -9, "down SIGKILLed a CLI it does not own"
    assert cli.returncode == 110, err


def test_a_second_up_on_a_live_directory_is_refused(run_dir: Path) -> None:
    r = sim("up", "--mgrs", "1", run_dir=run_dir)
    assert r.returncode == 0, r.stderr
    sup = launcher.supervisor_pid(RunDir(run_dir))
    r = sim("up", "--mgrs", "1", run_dir=run_dir)
    assert r.returncode != 0
    assert f"a cluster is already running in {run_dir}" in r.stderr
    assert f"supervisor pid {sup}" in r.stderr
    assert launcher.supervisor_pid(RunDir(run_dir)) == sup
    with TestCluster(run_dir) as c:
        st = c.supervisor("status")
        assert all(d["state"] == "running" for d in st["daemons"].values())
        assert c.mgr_stat()["available"]


def test_two_concurrent_ups_one_wins(run_dir: Path) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "sim", "up", "--mgrs", "2", "--dir", str(run_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )  # fmt: skip
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes[0] == 0 and codes[1] != 0, results
    loser = next(err for p, (_, err) in zip(procs, results, strict=True) if p.returncode)
    assert "already running" in loser, loser
    with TestCluster(run_dir) as c:
        stat = wait_until(
            lambda: (s := c.mgr_stat())["available"] and s["num_standby"] == 1 and s,
            20,
            "one active and one standby",
        )
        assert stat["active_name"] in ("x", "y")
        daemons = c.supervisor("status")["daemons"]
        assert sorted(daemons) == ["mgr.x", "mgr.y", "mon.a"]


def test_up_on_a_stopped_directory_keeps_the_stores_unless_wipe(run_dir: Path) -> None:
    r = sim("up", "--mgrs", "1", run_dir=run_dir)
    assert r.returncode == 0, r.stderr
    fsid = RunDir(run_dir).spec().fsid
    r = sim("ceph", "config-key", "set", "kept", "yes", run_dir=run_dir)
    assert r.returncode == 0, r.stderr
    assert sim("down", run_dir=run_dir).returncode == 0

    r = sim("up", "--mgrs", "1", run_dir=run_dir)
    assert r.returncode == 0, r.stderr
    assert RunDir(run_dir).spec().fsid == fsid
    r = sim("ceph", "config-key", "get", "kept", run_dir=run_dir)
    assert (r.returncode, r.stdout) == (0, "yes")
    assert sim("down", run_dir=run_dir).returncode == 0

    r = sim("up", "--mgrs", "2", run_dir=run_dir)  # another shape: refused, nothing lost
    assert r.returncode != 0 and "--wipe" in r.stderr
    assert (RunDir(run_dir).mon_data("a")).exists()

    r = sim("up", "--mgrs", "2", "--wipe", run_dir=run_dir)
    assert r.returncode == 0, r.stderr
    assert RunDir(run_dir).spec().fsid != fsid
    r = sim("ceph", "config-key", "get", "kept", run_dir=run_dir)
    assert r.returncode == 2


def test_process_records_name_every_daemon(run_dir: Path) -> None:
    with running_cluster(run_dir) as c:
        records = read_records(c.run.process_records)
        st = c.supervisor("status")
        assert records.supervisor is not None and records.supervisor.pid == st["pid"]
        assert {n: r.pid for n, r in records.daemons.items()} == {
            n: d["pid"] for n, d in st["daemons"].items()
        }
        c.supervisor({"prefix": "restart", "daemon": "mgr.y"})
        new_pid = c.supervisor("status")["daemons"]["mgr.y"]["pid"]
        wait_until(
            lambda: read_records(c.run.process_records).daemons["mgr.y"].pid == new_pid,
            5,
            "the restarted mgr's record",
        )
        data = json.loads(c.run.process_records.read_text())
        assert data["daemons"]["mgr.y"]["create_time"] > 0
    assert os.path.exists(run_dir / "lock")
