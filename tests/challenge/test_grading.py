"""`python -m sim challenge grade`: every reference solution passes, every broken
one fails, in the scenarios expected, with the failing figure against its threshold.

Each case starts real clusters (one per grading scenario), so they are
parametrised for ``pytest -n auto`` and marked ``integration`` like the
library's scenario tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.challenge.catalog import find

pytestmark = pytest.mark.integration

# challenge number -> the grading scenarios its broken solution fails
BROKEN_FAILS = {
    1: {"mgr_partitioned", "mon_down", "mon_quorum_loss"},
    2: {"kill_active", "mgr_fail"},
    3: {"mgr_fail", "mon_restart"},
    4: {"failover", "heal"},
    5: {"mon_cut_off", "slow_mon"},
}
LINE = re.compile(r"^  (\S+)\s+(PASS|FAIL|ERROR)\b(.*)$")


def _lines(out: str) -> dict[str, tuple[str, str]]:
    return {m[1]: (m[2], m[3]) for m in map(LINE.match, out.splitlines()) if m}


@pytest.mark.parametrize("number", sorted(BROKEN_FAILS))
def test_reference_passes(
    number: int, tmp_path: Path, run_challenge: Callable[..., tuple[int, str, str]]
) -> None:
    c = find(str(number))
    code, out, err = run_challenge("grade", number, "--module", c.solution("reference"),
                                   "--out", tmp_path)  # fmt: skip
    assert code == 0, out + err
    lines = _lines(out)
    assert set(lines) == {p.stem for p in c.scenarios()}, out
    for name, (verdict, figures) in lines.items():
        assert verdict == "PASS", out
        assert "≤" in figures and ">" not in figures, f"{name}: {figures}"
    assert "verdict: PASS" in out


@pytest.mark.parametrize("number", sorted(BROKEN_FAILS))
def test_broken_fails(
    number: int, tmp_path: Path, run_challenge: Callable[..., tuple[int, str, str]]
) -> None:
    c = find(str(number))
    code, out, err = run_challenge("grade", number, "--module", c.solution("broken"),
                                   "--out", tmp_path)  # fmt: skip
    assert code == 1, out + err
    lines = _lines(out)
    failed = {name for name, (verdict, _) in lines.items() if verdict == "FAIL"}
    assert failed == BROKEN_FAILS[number], out
    for name in failed:  # the failing figure is reported against its threshold
        figures = lines[name][1]
        assert re.search(
            r"\d\.\d\ds > [\d.]+s|never within [\d.]+s \(threshold [\d.]+s\)", figures
        ), out
    assert f"verdict: FAIL — {len(failed)} of {len(lines)} scenarios failed" in out
