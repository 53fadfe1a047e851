"""Scenario tests: the library, the CLI, the outputs and the pytest plugin.

The plugin's ``ceph_cluster`` fixture is imported here so these tests work
whether or not the package (and so its pytest11 entry point) is installed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sim.scenario import cli
from sim.scenario.pytest_plugin import ceph_cluster  # noqa: F401  (the fixture)
from tests.cli_capture import CliRunner, cli_runner

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
DATA = Path(__file__).resolve().parent / "data"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """``run_cli(*args)`` -> (exit code, stdout, stderr) of ``python -m sim scenario``."""
    return cli_runner(cli.main, capsys)
