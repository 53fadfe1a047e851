"""``python -m sim ceph -w`` as a process against real clusters: the status
block then the log live, Ceph 16.2's line format (``tests/data/ceph16/watch_*``),
the level and channel flags, a clean exit on SIGINT/SIGTERM, and a watch that
goes on, without a gap or a duplicate, when the mon it follows is killed."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sim.ceph_watch import watch_line
from sim.testing import TestCluster, wait_until

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000 \S+ \[(DBG|INF|SEC|WRN|ERR)\] .+$")
DEADLINE = 30.0  # generous: CI runs several clusters on two cores


class Watcher:
    """A ``ceph -w``-like process whose stdout and stderr lines are read as they come."""

    def __init__(self, cluster: TestCluster, *args: str) -> None:
        env = dict(os.environ, SIM_DIR=str(cluster.run.path), PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sim", "ceph", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
        )  # fmt: skip
        self.out: list[str] = []
        self.err: list[str] = []
        self._threads = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.out), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.err), daemon=True),
        ]
        for t in self._threads:
            t.start()

    @staticmethod
    def _read(stream: object, into: list[str]) -> None:
        for line in iter(stream.readline, ""):  # type: ignore[attr-defined]
            into.append(line.rstrip("\n"))

    def log_lines(self) -> list[str]:
        """The lines after the status block and its empty line."""
        out = list(self.out)
        if "" not in out:
            return []
        return out[out.index("") + 1 :]

    def wait_for(self, pred: Callable[[str], bool], what: str, timeout: float = DEADLINE) -> str:
        return wait_until(
            lambda: next((line for line in self.log_lines() if pred(line)), None),
            timeout, f"ceph -w to print {what} (got {self.log_lines()[-5:]})",
        )  # fmt: skip

    def wait_started(self) -> None:
        wait_until(lambda: "" in self.out, DEADLINE, f"the status block (stderr {self.err})")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait(5)
        for t in self._threads:
            t.join(5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        return rc


@contextmanager
def watching(cluster: TestCluster, *args: str) -> Iterator[Watcher]:
    w = Watcher(cluster, *args)
    try:
        yield w
    finally:
        w.stop(signal.SIGKILL)


def cluster_log(c: TestCluster, level: str = "info", channel: str = "cluster") -> list[dict]:
    rc, out, err = c.mon_command(
        {"prefix": "log last", "num": 200, "level": level, "channel": channel, "format": "json"}
    )
    assert rc == 0, err
    return json.loads(out)


def test_watch_prints_status_then_live_log_and_filters(
    cluster_factory: Callable[..., TestCluster],
) -> None:
    c = cluster_factory(mons=1, mgrs=2)
    with (
        watching(c, "-w") as w,
        watching(c, "--watch-channel", "audit") as audit,
        watching(c, "-w", "--watch-warn", "-f", "json") as warn,
        watching(c, "--watch-debug") as status_only,
        watching(c, "-w", "--watch-debug") as debug,
    ):
        for x in (w, audit, warn, status_only, debug):
            x.wait_started()
        # the status block, as `ceph -s` prints it, then one empty line
        status = w.out[: w.out.index("")]
        assert status[0] == "  cluster:" and status[-1] == " "
        assert any(line.startswith("    mon: 1 daemons, quorum a") for line in status)
        active = c.mgr_stat()["active_name"]
        rc, _, err = c.mon_command({"prefix": "mgr fail", "who": active})
        assert rc == 0, err
        line = w.wait_for(lambda s: "Manager daemon" in s and "is now available" in s,
                          "the new active mgr")  # fmt: skip
        assert LINE.match(line) and " mon.a [INF] Manager daemon " in line
        audit.wait_for(lambda s: '"prefix": "mgr fail"' in s and s.endswith(": dispatch"),
                       "the audit entry of mgr fail")  # fmt: skip
        # -w --watch-debug sees DBG entries (the mgrmap epochs); -w does not
        debug.wait_for(lambda s: "[DBG] mgrmap e" in s, "a DBG mgrmap line")
        rc, _, err = c.mon_command({"prefix": "osd set", "key": "noout"})
        assert rc == 0, err
        flag = "Health check failed: noout flag(s) set (OSDMAP_FLAGS)"
        got = warn.wait_for(lambda s: flag in s, "the WRN health check")
        assert " [WRN] " in got
        w.wait_for(lambda s: flag in s, "the WRN line at level info too")
        for x in (w, audit, warn, status_only, debug):
            assert all(LINE.match(s) for s in x.log_lines()), x.log_lines()
        assert not any("[INF]" in s for s in warn.log_lines())  # -f is ignored, level warn
        assert not any("[DBG]" in s for s in w.log_lines())
        assert all(" [INF] from='" in s for s in audit.log_lines())  # channel audit only
        assert status_only.log_lines() == []  # a level flag alone: status only (16.2)
        # SIGINT and SIGTERM: exit 0, nothing on stderr
        assert w.stop(signal.SIGINT) == 0
        assert warn.stop(signal.SIGTERM) == 0
        assert not any("Traceback" in s for s in w.err + warn.err), w.err + warn.err
        assert len(set(w.log_lines())) == len(w.log_lines())


def followed_mon(w: Watcher, after: int = 0) -> str | None:
    """The mon of the newest session ``--verbose`` reported (from stderr line ``after`` on)."""
    found = None
    for line in w.err[after:]:
        m = re.match(r"mon session open with mon\.(\w+)", line)
        if m:
            found = m.group(1)
    return found


def test_watch_survives_the_loss_of_the_followed_mon(
    cluster_factory: Callable[..., TestCluster],
) -> None:
    c = cluster_factory(mons=3, mgrs=1)
    wait_until(lambda: len(c.json("quorum_status")["quorum_names"]) == 3, DEADLINE, "quorum of 3")
    with watching(c, "-w", "--verbose") as w:
        w.wait_started()
        mon = wait_until(lambda: followed_mon(w), DEADLINE, "the followed mon")
        rc, _, err = c.mon_command({"prefix": "osd set", "key": "noout"})
        assert rc == 0, err
        w.wait_for(lambda s: "(OSDMAP_FLAGS)" in s, "a line before the kill")
        mark = len(w.err)
        c.supervisor({"prefix": "kill", "daemon": f"mon.{mon}"})
        # it hunts to another mon and goes on there, quietly on stdout
        new = wait_until(lambda: (m := followed_mon(w, mark)) and m != mon and m, DEADLINE,
                         "a session with another mon")  # fmt: skip
        assert new in {"a", "b", "c"} - {mon}
        w.wait_for(lambda s: "calling monitor election" in s, "the election")
        w.wait_for(lambda s: "(MON_DOWN)" in s and "Health check failed: 1/3 mons down" in s,
                   "MON_DOWN")  # fmt: skip
        rc, _, err = c.mon_command({"prefix": "osd unset", "key": "noout"})
        assert rc == 0, err
        w.wait_for(lambda s: "Health check cleared: OSDMAP_FLAGS" in s, "a line after the kill")

        # no gap, no duplicate: from the first printed entry on, exactly the
        # cluster log at level info as the remaining mons committed it
        def same_as_log() -> bool:
            printed = w.log_lines()
            lines = [watch_line(e) for e in cluster_log(c)]
            return printed[0] in lines and lines[lines.index(printed[0]) :] == printed

        wait_until(same_as_log, DEADLINE, "the watched lines to equal the cluster log")
        assert "Traceback" not in "\n".join(w.err)
        assert w.stop(signal.SIGTERM) == 0
