"""Challenge tests: ``run_challenge(*args)`` runs ``python -m sim challenge`` in process."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.challenge import cli

REPO = Path(__file__).resolve().parents[2]
CHALLENGES = REPO / "challenges"


@pytest.fixture
def run_challenge(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """``run_challenge(*args)`` -> (exit code, stdout, stderr)."""

    def run(*args: object) -> tuple[int, str, str]:
        out = io.StringIO()
        capsys.readouterr()
        code = cli.main([str(a) for a in args], stdout=out)
        captured = capsys.readouterr()
        return code, out.getvalue() + captured.out, captured.err

    return run
