"""The pytest plugin from the outside: a suite run with --sim-scenarios and
the ceph_cluster fixture, under xdist, in a fresh pytest process."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import DATA, REPO

pytestmark = pytest.mark.integration


def pytest_cmd(*args: str) -> list[str]:
    installed = any(
        ep.value == "sim.scenario.pytest_plugin"
        for ep in importlib.metadata.entry_points(group="pytest11")
    )
    plugin = [] if installed else ["-p", "sim.scenario.pytest_plugin"]
    return [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *plugin, *args]


def env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(REPO))


def test_suite_runs_scenario_files_and_the_fixture_under_xdist(tmp_path: Path) -> None:
    (tmp_path / "scn").mkdir()
    for name in ("short.yaml", "failing_expectation.yaml"):
        shutil.copy(DATA / name, tmp_path / "scn" / name)
    (tmp_path / "test_fixture.py").write_text(
        textwrap.dedent("""
        def test_ceph_cluster(ceph_cluster):
            c = ceph_cluster(mgrs=2, options={"mon_mgr_beacon_grace": 1.5})
            c.run("- kill: mgr.active\\n  as: old")
            c.wait_for({"mgrmap": {"active": {"not": "$old"}, "available": True}}, timeout="mon_mgr_beacon_grace + 3s")
            assert c.ceph("mgr stat -f json").json()["available"]
    """)
    )
    r = subprocess.run(
        pytest_cmd("-n", "2", "-rA", "--sim-scenarios", "scn", "--sim-out", "outs", "test_fixture.py"),
        cwd=tmp_path, env=env(), capture_output=True, text=True, timeout=170,
    )  # fmt: skip
    assert r.returncode == 1, r.stdout[-3000:] + r.stderr[-2000:]
    assert re.search(r"1 failed, 2 passed", r.stdout), r.stdout[-3000:]
    assert "scenario failing_expectation failed (exit 1)" in r.stdout
    assert "a standby takes over within one second" in r.stdout
    assert (tmp_path / "outs" / "short" / "junit.xml").exists()
    assert (tmp_path / "outs" / "failing_expectation" / "report.html").exists()


def test_invalid_scenario_is_a_collection_error_with_position(tmp_path: Path) -> None:
    shutil.copy(DATA / "invalid_daemon.yaml", tmp_path / "bad.yaml")
    r = subprocess.run(
        pytest_cmd("--collect-only", "-q", "--sim-scenarios", "bad.yaml"),
        cwd=tmp_path, env=env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert r.returncode == 2, r.stdout
    assert "bad.yaml:4:11: kill: unknown daemon 'mgr.z'" in r.stdout
