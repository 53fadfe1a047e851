"""Running a ``python -m sim …`` sub-command's ``main`` in process, as the
tests of the scenario and challenge CLIs do: exit code, stdout (what it wrote
to its stream and to sys.stdout) and stderr."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

CliRunner = Callable[..., tuple[int, str, str]]


def cli_runner(main: Callable[..., int], capsys: pytest.CaptureFixture[str]) -> CliRunner:
    def run(*args: object) -> tuple[int, str, str]:
        out = io.StringIO()
        capsys.readouterr()
        code = main([str(a) for a in args], stdout=out)
        captured = capsys.readouterr()
        return code, out.getvalue() + captured.out, captured.err

    return run
