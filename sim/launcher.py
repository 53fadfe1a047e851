"""Bringing a cluster up and down (`sim up`, `sim down`).

`up` writes the run directory, reserves the mons' ports, starts the
supervisor detached (it holds the port reservations) and returns once an
active mgr is available. `down` asks the supervisor to stop everything, kills
it if it does not, and then makes sure no process of the cluster is left.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from sim.client import Cluster
from sim.cluster import ClusterSpec, RunDir, mgr_names, mon_names
from sim.options import Profile, defaults
from sim.ports import reserve_ports
from sim.release.select import resolve as select_python


class LaunchError(RuntimeError):
    pass


# Supervisors started by this process, reaped by `down` (no zombie, no warning).
_children: dict[Path, subprocess.Popen[bytes]] = {}


def supervisor_pid(run: RunDir) -> int | None:
    try:
        pid = int(run.supervisor_pid.read_text())
    except (OSError, ValueError):
        return None
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return None
        if "supervise" not in " ".join(proc.cmdline()):
            return None
    except psutil.Error:
        return None
    return pid


def up(
    run_dir: Path | str,
    mons: int = 1,
    mgrs: int = 2,
    options: dict[str, Any] | None = None,
    profile: Profile = Profile.FAST,
    timeout: float = 60.0,
    die_with_parent: bool = False,
    osds: int = 0,
    mds: int = 0,
    rgws: int = 0,
    ceph_release: str | None = None,
    ceph_python: str | Path | None = None,
    fetch: bool = False,
) -> RunDir:
    if mons < 1 or mgrs < 0:
        raise LaunchError("a cluster needs at least one mon")
    # before the run directory is touched: a bad selection loses nothing
    selection = select_python(ceph_release, ceph_python, fetch=fetch)
    run = RunDir(run_dir)
    if run.exists():
        if supervisor_pid(run) is not None:
            raise LaunchError(f"a cluster is already running in {run.path} (`sim down` first)")
        reap_strays(run)
        shutil.rmtree(run.path)
    reserved = reserve_ports(mons)
    try:
        spec = ClusterSpec.new(
            mon_names(mons),
            mgr_names(mgrs),
            [p for p, _ in reserved],
            options=defaults(profile) | (options or {}),
            profile=profile.value,
            created=time.time(),
            osds=osds,
            mds=mds,
            rgws=rgws,
            ceph_release=selection.ceph_release,
            ceph_python=selection.ceph_python,
        )
        run.create(spec)
        env = dict(os.environ)
        if die_with_parent:
            env["SIM_SUPERVISOR_DIE_WITH_PARENT"] = "1"
        with open(run.log_dir / "supervisor.out", "ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "sim", "supervise", "--dir", str(run.path)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=not die_with_parent,
                pass_fds=[fd for _, fd in reserved],
                env=env,
            )
    finally:
        for _, fd in reserved:
            os.close(fd)
    _children[run.path] = proc
    try:
        wait_ready(run, proc, timeout, want_mgrs=mgrs, want_osds=osds)
    except BaseException:
        down(run.path)
        raise
    return run


def wait_ready(
    run: RunDir,
    proc: subprocess.Popen[bytes],
    timeout: float,
    want_mgrs: int,
    want_osds: int = 0,
) -> None:
    """Until the active mgr is available, every other mgr is a standby and
    every simulated OSD is up."""
    deadline = time.monotonic() + timeout
    while not run.supervisor_pid.exists():
        if proc.poll() is not None:
            raise LaunchError(f"the supervisor exited ({proc.returncode}); see {run.log_dir}")
        if time.monotonic() > deadline:
            raise LaunchError("the supervisor did not start in time")
        time.sleep(0.02)
    with Cluster(run.path) as c:
        while True:
            left = deadline - time.monotonic()
            if proc.poll() is not None:
                raise LaunchError(f"the supervisor exited ({proc.returncode}); see {run.log_dir}")
            if left <= 0:
                raise LaunchError(f"no active mgr became available within {timeout:g}s")
            _check_no_crash(run, c)
            try:
                rc, out, _ = c.mon_command(
                    {"prefix": "mgr stat", "format": "json"}, timeout=min(left, 1)
                )
            except (ConnectionError, TimeoutError):
                continue
            stat = json.loads(out) if rc == 0 else {}
            if (not want_mgrs or (
                stat.get("available") and stat.get("num_standby", 0) >= want_mgrs - 1
            )) and _osds_up(c, want_osds, left):  # fmt: skip
                return
            time.sleep(0.05)


def _osds_up(c: Cluster, want: int, left: float) -> bool:
    if not want:
        return True
    try:
        rc, out, _ = c.mon_command({"prefix": "osd stat", "format": "json"}, timeout=min(left, 1))
    except (ConnectionError, TimeoutError):
        return False
    return rc == 0 and int(json.loads(out).get("num_up_osds", 0)) >= want


def _check_no_crash(run: RunDir, c: Cluster) -> None:
    try:
        st = c.supervisor("status", timeout=2.0)
    except (ConnectionError, TimeoutError):
        return
    for name, d in st["daemons"].items():
        if d["state"] == "exited":
            log = run.log_file(name).with_suffix(".out")
            tail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
            raise LaunchError(f"{name} exited during start-up: {' | '.join(tail)} (see {log})")


def down(run_dir: Path | str, timeout: float = 15.0) -> list[str]:
    """Stop the cluster; returns how each step went (for the operator)."""
    run = RunDir(run_dir)
    notes: list[str] = []
    pid = supervisor_pid(run)
    if pid is not None:
        try:
            with Cluster(run.path) as c:
                c.supervisor("down", timeout=5.0)
            notes.append("supervisor asked to stop")
        except Exception as exc:
            notes.append(f"supervisor did not answer ({exc}); killing it")
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, timeout)
    notes.extend(reap_strays(run))
    child = _children.pop(run.path, None)
    if child is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout)
    run.supervisor_pid.unlink(missing_ok=True)
    return notes


def _wait_gone(pid: int, timeout: float) -> None:
    """Until ``pid`` has exited (a zombie awaiting its reaper counts as gone)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.Error:
            return
        time.sleep(0.01)


def cluster_processes(run: RunDir) -> list[psutil.Process]:
    """Every live process started for this run directory."""
    needle = str(run.path)
    found = []
    for p in psutil.process_iter(["cmdline", "status"]):
        try:
            cmd = p.info["cmdline"] or []
            if needle in cmd and "--dir" in cmd and p.info["status"] != psutil.STATUS_ZOMBIE:
                found.append(p)
        except psutil.Error:
            continue
    return [p for p in found if p.pid != os.getpid()]


def reap_strays(run: RunDir, timeout: float = 5.0) -> list[str]:
    strays = cluster_processes(run)
    for p in strays:
        with contextlib.suppress(psutil.Error):
            p.kill()
    psutil.wait_procs(strays, timeout=timeout)
    return [f"killed stray {p.pid}" for p in strays]
