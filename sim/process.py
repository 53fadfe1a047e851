"""One supervised daemon process: start, signal, stop with escalation, reap.

Each child gets the read end of a pipe whose write end only the supervisor
holds (``SIM_PARENT_FD``): when the supervisor dies, by any means, the pipe
reads EOF and the daemon exits; the daemon also asks for SIGKILL on parent
death, which reaches it even while it is SIGSTOPped.
"""

from __future__ import annotations

import enum
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sim.daemon import PARENT_FD_ENV, SUPERVISOR_ENV


class ProcState(str, enum.Enum):
    NEW = "new"
    RUNNING = "running"
    PAUSED = "paused"
    EXITED = "exited"


@dataclass
class ExitRecord:
    stamp: float
    returncode: int
    expected: bool  # a fault or a stop asked for it
    how: str  # "killed", "terminated", "exited", "crashed"
    recorded: bool = False  # written to events.jsonl


@dataclass
class DaemonProcess:
    name: str  # "mon.a"
    argv: list[str]
    log_path: Path
    parent_fd: int
    supervisor_addr: str
    popen: subprocess.Popen[bytes] | None = None
    state: ProcState = ProcState.NEW
    starts: int = 0
    expecting_exit: bool = False
    exits: list[ExitRecord] = field(default_factory=list)

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen is not None else None

    def start(self) -> None:
        env = dict(os.environ)
        env[PARENT_FD_ENV] = str(self.parent_fd)
        env[SUPERVISOR_ENV] = self.supervisor_addr
        out = open(self.log_path.with_suffix(".out"), "ab")  # noqa: SIM115  (child owns it)
        try:
            self.popen = subprocess.Popen(
                [sys.executable, *self.argv],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                pass_fds=(self.parent_fd,),
                env=env,
            )
        finally:
            out.close()
        self.state = ProcState.RUNNING
        self.starts += 1
        self.expecting_exit = False

    def signal(self, sig: int) -> bool:
        if self.popen is None or self.state is ProcState.EXITED:
            return False
        try:
            os.kill(self.popen.pid, sig)
        except ProcessLookupError:
            return False
        if sig == signal.SIGSTOP:
            self.state = ProcState.PAUSED
        elif sig == signal.SIGCONT and self.state is ProcState.PAUSED:
            self.state = ProcState.RUNNING
        return True

    def kill(self) -> None:
        self.expecting_exit = True
        self.signal(signal.SIGKILL)

    def poll(self) -> ExitRecord | None:
        """Reap the child if it exited; returns the new exit record."""
        if self.popen is None or self.state is ProcState.EXITED:
            return None
        rc = self.popen.poll()
        if rc is None:
            return None
        how = {-signal.SIGKILL: "killed", -signal.SIGTERM: "terminated"}.get(
            rc, "exited" if rc == 0 else "crashed"
        )
        rec = ExitRecord(time.time(), rc, self.expecting_exit, how)
        self.exits.append(rec)
        self.state = ProcState.EXITED
        return rec

    def stop(self, timeout: float = 5.0) -> str:
        """SIGTERM (and SIGCONT, in case it is paused), then SIGKILL after
        ``timeout``. Returns which path ended it."""
        if self.popen is None or self.state is ProcState.EXITED:
            return "not running"
        self.expecting_exit = True
        self.signal(signal.SIGTERM)
        self.signal(signal.SIGCONT)
        try:
            self.popen.wait(timeout)
            path = "terminated"
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.popen.wait(5.0)
            path = "killed after timeout"
        self.poll()
        return path
