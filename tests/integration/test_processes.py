"""Process control: `down` and a killed supervisor leave nothing behind;
the operator CLI works as a user types it; clusters are isolated."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from sim import launcher, wire
from sim.cluster import RunDir
from sim.testing import TestCluster, running_cluster, wait_until

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def sim(*args: str, run_dir: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SIM_DIR=str(run_dir))
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=REPO,
    )


def test_cli_up_status_ceph_down_leaves_no_process(tmp_path: Path) -> None:
    run_dir = tmp_path / "cli"
    try:
        r = sim("up", "--mgrs", "2", run_dir=run_dir)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == str(run_dir)
        pids = {p.pid for p in launcher.cluster_processes(RunDir(run_dir))}
        assert len(pids) == 4  # supervisor, mon.a, mgr.x, mgr.y

        r = sim("status", run_dir=run_dir)
        assert r.returncode == 0 and "mgr.x" in r.stdout and "running" in r.stdout

        r = sim("ceph", "mgr", "stat", "-f", "json", run_dir=run_dir)
        assert r.returncode == 0, r.stderr
        stat = json.loads(r.stdout)
        assert stat["available"] and stat["num_standby"] == 1

        r = sim("ceph", "mgr", "fail", "x", "bogus", run_dir=run_dir)
        assert r.returncode == 22
        assert r.stderr == (
            "Invalid command: unused arguments: ['bogus']\n"
            "mgr fail [<who>] :  treat the named manager daemon as failed\n"
            "Error EINVAL: invalid command\n"
        )
        r = sim("ceph", "mgr", "fail", "nosuchmgr", run_dir=run_dir)
        assert r.returncode == 0 and r.stderr == "Daemon not found 'nosuchmgr', already failed?\n"
        r = sim("ceph", "mgr", "metadata", "nosuch", run_dir=run_dir)
        assert r.returncode == 2 and r.stderr.startswith("Error ENOENT:")
        r = sim("ceph", "health", "-f", "json-pretty", run_dir=run_dir)
        assert r.stdout.startswith("\n{\n") and json.loads(r.stdout)["status"] == "HEALTH_OK"

        r = sim("kill", "mgr.active", run_dir=run_dir)
        assert r.returncode == 0 and "exited" in r.stdout
        r = sim("kill", "mgr.nosuch", run_dir=run_dir)
        assert r.returncode == 1 and "no daemon" in r.stderr
    finally:
        r = sim("down", run_dir=run_dir)
    assert r.returncode == 0, r.stderr
    assert launcher.cluster_processes(RunDir(run_dir)) == []
    for pid in pids:
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_sigkill_of_supervisor_leaves_no_process(tmp_path: Path) -> None:
    run = launcher.up(tmp_path / "k", mons=1, mgrs=2, die_with_parent=True)
    try:
        procs = launcher.cluster_processes(run)
        sup = launcher.supervisor_pid(run)
        assert sup is not None and len(procs) == 4
        # Pause one daemon first: a frozen process must die too.
        with TestCluster(run.path) as c:
            c.supervisor({"prefix": "pause", "daemon": "mgr.x"})
        os.kill(sup, signal.SIGKILL)
        wait_until(lambda: launcher.cluster_processes(run) == [], 10, "every daemon to exit")
    finally:
        launcher.down(run.path)


def test_two_clusters_cannot_talk(tmp_path: Path) -> None:
    with running_cluster(tmp_path / "a") as a, running_cluster(tmp_path / "b") as b:
        assert a.core.spec.fsid != b.core.spec.fsid
        # A frame signed with A's secret, sent to B's mon, is dropped and counted.
        import zmq

        from sim.messages import Envelope, Ping

        ctx = zmq.Context()
        sock = ctx.socket(zmq.DEALER)
        sock.setsockopt(zmq.LINGER, 0)
        try:
            sock.connect(b.core.spec.mon_addrs["a"])
            env = Envelope(Ping.TYPE, "client.a", a.core.spec.fsid, 1, Ping())
            for _ in range(20):
                sock.send_multipart(wire.encode(env, wire.Signer(a.run.secret())))
            wait_until(
                lambda: b.admin("mon.a", "status")["dropped"].get("unauthenticated", 0) >= 20,
                5,
                "B's mon to drop A's frames",
            )
            assert sock.poll(200) == 0  # and never answers them
        finally:
            sock.close()
            ctx.term()
        assert a.mgr_stat()["available"] and b.mgr_stat()["available"]


def test_a_restart_answers_once_the_new_process_listens(tmp_path: Path) -> None:
    """Like a service manager told the daemon is ready: what follows a restart (a
    wait with a deadline, an admin command) times the daemon, not Python's start-up."""
    with running_cluster(tmp_path / "c", mgrs=1) as c:
        for daemon in ("mon.a", "mgr.x"):
            old = c.supervisor("status")["daemons"][daemon]["pid"]
            r = c.supervisor({"prefix": "restart", "daemon": daemon})
            assert r["pid"] != old and r["state"] == "running", r
            mine = [e for e in c.events() if e["daemon"] == daemon]
            spawned = max(i for i, e in enumerate(mine) if e["kind"] == "daemon_spawned")
            assert mine[spawned]["pid"] == r["pid"]
            assert any(e["kind"] == "daemon_started" for e in mine[spawned:]), mine[spawned:]
            assert c.admin(daemon, "status", timeout=5.0)["pid"] == r["pid"]
