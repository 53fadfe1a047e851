"""Bringing a cluster up and down (`sim up`, `sim down`).

`up` takes the run directory's lock (a second `up` on a live directory
fails), writes the run directory — or, on a directory whose cluster is down,
keeps its spec, keyring and mon stores unless ``wipe`` — reserves the mons'
ports, starts the supervisor detached (it inherits the lock and the port
reservations) and returns once an active mgr is available. `down` asks the
supervisor to stop everything, kills it if it does not, and then kills any
process the supervisor recorded as its own that is still alive — only those
(sim/ownership.py: pid and start time both match), never a process merely
because its arguments name the directory.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from sim.auth.bootstrap import write_initial_keyrings
from sim.client import Cluster
from sim.cluster import PRIVATE_UMASK, ClusterSpec, RunDir, mgr_names, mon_names
from sim.links import LinkError, LinkFault
from sim.options import Profile, defaults
from sim.ownership import RunLock, is_locked, read_records
from sim.ports import reserve_given, reserve_ports
from sim.release.select import resolve as select_python
from sim.supervisor import LOCK_FD_ENV


class LaunchError(RuntimeError):
    pass


# Supervisors started by this process, reaped by `down` (no zombie, no warning).
_children: dict[Path, subprocess.Popen[bytes]] = {}


def supervisor_pid(run: RunDir) -> int | None:
    """The pid of the live supervisor the run directory records (verified)."""
    rec = read_records(run.process_records).supervisor
    proc = rec.process() if rec is not None else None
    return proc.pid if proc is not None else None


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
    wipe: bool = False,
    ceph_release: str | None = None,
    ceph_python: str | Path | None = None,
    fetch: bool = False,
    message_events: bool = False,
    network: dict[str, float] | None = None,
    network_seed: int = 0,
) -> RunDir:
    if mons < 1 or mgrs < 0:
        raise LaunchError("a cluster needs at least one mon")
    # before the run directory is touched: a bad selection loses nothing
    selection = select_python(ceph_release, ceph_python, fetch=fetch)
    try:
        LinkFault.from_dict(network or {})
    except (LinkError, TypeError) as exc:
        raise LaunchError(f"network: {exc}") from None
    run = RunDir(run_dir)
    run.path.mkdir(mode=0o700, parents=True, exist_ok=True)
    lock = RunLock(run.path)
    if not lock.try_acquire():
        pid = supervisor_pid(run)
        raise LaunchError(
            f"a cluster is already running in {run.path}"
            f"{f' (supervisor pid {pid})' if pid else ''}; `sim down` first"
        )
    try:
        kill_owned(run)  # a dead supervisor's daemons die with it; make sure
        run.supervisor_pid.unlink(missing_ok=True)
        shape = {"mons": mons, "mgrs": mgrs, "osds": osds, "mds": mds, "rgws": rgws}
        opts = defaults(profile) | (options or {})
        if run.exists() and not wipe:
            spec = _restart_spec(run, shape, opts, profile)
            spec.ceph_release, spec.ceph_python = selection.ceph_release, selection.ceph_python
            spec.message_events = message_events
            spec.network, spec.network_seed = dict(network or {}), network_seed
            reserved = reserve_given([int(a.rsplit(":", 1)[1]) for a in spec.mon_addrs.values()])
        else:
            _wipe(run)
            reserved = reserve_ports(mons)
            spec = ClusterSpec.new(
                mon_names(mons), mgr_names(mgrs), [p for p, _ in reserved], options=opts,
                profile=profile.value, created=time.time(), **{k: shape[k] for k in ("osds", "mds", "rgws")},
                ceph_release=selection.ceph_release, ceph_python=selection.ceph_python,
                message_events=message_events, network=dict(network or {}), network_seed=network_seed,
            )  # fmt: skip
        try:
            if run.exists():
                run.write_spec(spec)
            else:
                run.create(spec)
                write_initial_keyrings(run, spec)
            proc = _spawn_supervisor(run, lock, [fd for _, fd in reserved], die_with_parent)
        finally:
            for _, fd in reserved:
                os.close(fd)
    finally:
        lock.close()  # the supervisor holds it now (or nobody, if it did not start)
    _children[run.path] = proc
    try:
        wait_ready(run, proc, timeout, want_mgrs=mgrs, want_osds=osds)
    except BaseException:
        down(run.path)
        raise
    return run


def _restart_spec(
    run: RunDir, shape: dict[str, int], options: dict[str, Any], profile: Profile
) -> ClusterSpec:
    """The spec of the cluster that ran here, for a restart that keeps its
    stores; refused if the requested shape differs (that needs ``--wipe``)."""
    try:
        spec = run.spec()
    except (OSError, ValueError, TypeError) as exc:
        raise LaunchError(f"{run.spec_file} is unreadable ({exc}); use --wipe") from None
    have = {"mons": len(spec.mons), "mgrs": len(spec.mgrs), "osds": spec.osds,
            "mds": spec.mds, "rgws": spec.rgws}  # fmt: skip
    if have != shape:
        diff = ", ".join(f"{k} {have[k]} (asked {shape[k]})" for k in have if have[k] != shape[k])
        raise LaunchError(
            f"{run.path} holds a stopped cluster with {diff}; start it with the same shape "
            "to keep its stores, or pass --wipe to start a new one"
        )
    spec.options, spec.profile = options, profile.value
    return spec


def _wipe(run: RunDir) -> None:
    """Empty the run directory (its lock file stays: it is held right now)."""
    for child in run.path.iterdir():
        if child.name == "lock":
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def _spawn_supervisor(
    run: RunDir, lock: RunLock, port_fds: list[int], die_with_parent: bool
) -> subprocess.Popen[bytes]:
    assert lock.fd is not None
    env = dict(os.environ)
    env[LOCK_FD_ENV] = str(lock.fd)
    if die_with_parent:
        env["SIM_SUPERVISOR_DIE_WITH_PARENT"] = "1"
    fd = os.open(run.log_dir / "supervisor.out", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "sim", "supervise", "--dir", str(run.path)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=not die_with_parent,
            pass_fds=[*port_fds, lock.fd],
            env=env,
            umask=PRIVATE_UMASK,  # the supervisor and every daemon it starts
        )


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
            kill_owned(run, supervisor_too=True)
        _wait_gone(pid, timeout)
    notes.extend(kill_owned(run, supervisor_too=True))
    child = _children.pop(run.path, None)
    if child is not None:
        if child.poll() is None:  # it never wrote its records (failed start-up)
            child.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout)
    run.supervisor_pid.unlink(missing_ok=True)
    if run.path.exists() and is_locked(run.path):
        notes.append(f"{run.path} is still locked by a process this directory does not record")
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


def kill_owned(run: RunDir, supervisor_too: bool = False, timeout: float = 5.0) -> list[str]:
    """SIGKILL what the run directory records as its own and is still alive
    (pid and start time both match); returns a note per process killed."""
    records = read_records(run.process_records)
    named = dict(records.daemons)
    if supervisor_too and records.supervisor is not None:
        named["supervisor"] = records.supervisor
    killed: list[psutil.Process] = []
    notes = []
    for name, rec in named.items():
        proc = rec.process()
        if proc is None or proc.pid == os.getpid():
            continue
        with contextlib.suppress(psutil.Error):
            proc.kill()
            killed.append(proc)
            notes.append(f"killed leftover {name} (pid {proc.pid})")
    psutil.wait_procs(killed, timeout=timeout)
    return notes


def cluster_processes(run: RunDir) -> list[psutil.Process]:
    """Every live process whose arguments name this run directory — a check
    for tests and operators (anything left?), never a list to signal: a
    concurrent ``sim ceph --dir DIR`` is on it too."""
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
