"""Which processes belong to a run directory, and the lock that says it is live.

Owns ``DIR/lock`` and ``DIR/processes.json``; imported by the launcher and the
supervisor only.

- The lock: an exclusive ``fcntl.flock`` on ``DIR/lock``, taken by `sim up`
  before it touches the directory and inherited by the supervisor, which
  holds it for as long as it lives (the kernel drops it when the supervisor
  dies, however it dies). A second `up` on a live directory fails to take it.
- The records: the supervisor writes ``processes.json`` — its own pid and
  process start time and those of every daemon it runs — each time a child
  starts or exits. `down` and `up` signal a recorded pid only when a process
  with that pid exists *and* started at the recorded time, so a recycled pid,
  the operator's shell, a `timeout` wrapper or a concurrent ``sim ceph --dir``
  are never hit.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

import psutil

LOCK_NAME = "lock"
RECORDS_NAME = "processes.json"
_SAME_START = 0.05  # seconds: psutil's create_time is derived from clock ticks


@dataclass(frozen=True)
class ProcRecord:
    """A process as the supervisor saw it start."""

    pid: int
    create_time: float

    @classmethod
    def of(cls, pid: int) -> ProcRecord | None:
        try:
            return cls(pid, psutil.Process(pid).create_time())
        except psutil.Error:
            return None

    def process(self) -> psutil.Process | None:
        """The live process this record names, or None (gone, a zombie, or the
        pid now belongs to another process)."""
        try:
            p = psutil.Process(self.pid)
            if abs(p.create_time() - self.create_time) > _SAME_START:
                return None
            if p.status() == psutil.STATUS_ZOMBIE:
                return None
        except psutil.Error:
            return None
        return p


@dataclass
class Records:
    supervisor: ProcRecord | None
    daemons: dict[str, ProcRecord]


def write_records(path: Path, supervisor: ProcRecord, daemons: dict[str, ProcRecord]) -> None:
    data = {
        "supervisor": vars(supervisor),
        "daemons": {name: vars(rec) for name, rec in sorted(daemons.items())},
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    os.replace(tmp, path)


def read_records(path: Path) -> Records:
    """What ``processes.json`` says (empty when it is missing or unreadable)."""
    try:
        data = json.loads(path.read_text())
        sup = data.get("supervisor")
        return Records(
            ProcRecord(int(sup["pid"]), float(sup["create_time"])) if sup else None,
            {
                str(n): ProcRecord(int(r["pid"]), float(r["create_time"]))
                for n, r in data.get("daemons", {}).items()
            },
        )
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return Records(None, {})


class RunLock:
    """The exclusive lock on ``DIR/lock`` (see the module docstring)."""

    def __init__(self, run_path: Path) -> None:
        self.path = run_path / LOCK_NAME
        self.fd: int | None = None

    def try_acquire(self) -> bool:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    @classmethod
    def adopt(cls, run_path: Path, fd: int) -> RunLock:
        """The lock inherited from `sim up` (same open file, so the same lock)."""
        lock = cls(run_path)
        os.set_inheritable(fd, False)  # the daemons must not keep it alive
        lock.fd = fd
        return lock

    def close(self) -> None:
        """Drop this process's handle (the lock lives on in an inheritor)."""
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None


def is_locked(run_path: Path) -> bool:
    """Whether some live process holds the run directory's lock."""
    if not (run_path / LOCK_NAME).exists():
        return False
    probe = RunLock(run_path)
    if probe.try_acquire():
        probe.close()
        return False
    return True
