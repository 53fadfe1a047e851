"""Challenge tests: ``run_challenge(*args)`` runs ``python -m sim challenge`` in process."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.challenge import cli
from tests.cli_capture import CliRunner, cli_runner

REPO = Path(__file__).resolve().parents[2]
CHALLENGES = REPO / "challenges"


@pytest.fixture
def run_challenge(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """``run_challenge(*args)`` -> (exit code, stdout, stderr)."""
    return cli_runner(cli.main, capsys)
