"""How a run ends badly: a failed expectation exits 1 and names it; a
simulator failure exits 3; Ctrl-C stops every process and exits 130."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from sim import launcher
from sim.cluster import RunDir
from sim.scenario import loader, runtime
from sim.scenario.runner import RunOptions, run

from .conftest import DATA, REPO

pytestmark = pytest.mark.integration
CliRunner = Callable[..., tuple[int, str, str]]


def test_failed_expectation_exits_1_and_names_it(run_cli: CliRunner, tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    code, out, _ = run_cli(
        DATA / "failing_expectation.yaml",
        "--out",
        tmp_path / "out",
        "--junit",
        junit,
        "--color",
        "never",
    )
    assert code == 1, out
    last = out.strip().splitlines()
    verdict = next(line for line in last if line.startswith("FAILED"))
    assert "FAILED failing_expectation" in verdict
    assert "step 3 `a standby takes over within one second`" in verdict
    assert "failing_expectation.yaml:8:5" in verdict and "still not true after 1s" in verdict
    assert "never reached" not in out  # the steps after a failure do not run

    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    failed = cases["03 a standby takes over within one second"]
    failure = failed.find("failure")
    assert failure is not None and "still not true after 1s" in (failure.get("message") or "")
    assert (
        cases["01 wait_for mgrmap.available = true, mgrmap.num_standby = 1 (timeout 10s)"].find(
            "failure"
        )
        is None
    )
    assert launcher.cluster_processes(RunDir(tmp_path / "out" / "cluster")) == []


def test_simulator_failure_exits_3(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def broken_up(*args: object, **kw: object) -> None:
        raise launcher.LaunchError("mon.a exited during start-up: boom")

    monkeypatch.setattr(runtime.launcher, "up", broken_up)
    import io

    result = run(
        loader.load(DATA / "short.yaml"),
        RunOptions(out_dir=tmp_path, stream=io.StringIO(), color="never"),
    )
    assert result.exit_code == 3
    assert (
        "simulator failure: the cluster did not start: mon.a exited during start-up: boom"
        in result.failure
    )
    assert all(r.status == "skipped" for r in result.records)


def read_until(proc: subprocess.Popen[str], want: str, timeout: float) -> str:
    assert proc.stdout is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    seen = ""
    deadline = time.monotonic() + timeout
    while want not in seen:
        left = deadline - time.monotonic()
        if left <= 0 or proc.poll() is not None:
            raise AssertionError(f"did not see {want!r} in:\n{seen}")
        if sel.select(left):
            seen += proc.stdout.readline()
    return seen


def test_ctrl_c_stops_every_process(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_COLOR="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.scenario", "mgr_paused", "--out", str(out)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        read_until(proc, "✔ 4 ", 30)  # the active mgr is frozen now
        run_dir = RunDir(out / "cluster")
        assert len(launcher.cluster_processes(run_dir)) == 4
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, rest
    assert "interrupted" in rest and "resumed mgr." in rest
    assert launcher.cluster_processes(run_dir) == []
    assert (out / "events.jsonl").exists() and (out / "report.html").exists()
