"""`python -m sim challenge` without clusters: list, show, skeleton, bad input;
the engine's ``within`` thresholds and their measured `Figure`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sim.challenge.catalog import SOLUTIONS, load_all
from sim.challenge.grading import check_import, stage, thresholds
from sim.scenario import loader
from sim.scenario.errors import InvalidScenario
from sim.scenario.figures import Figure

Run = Callable[..., tuple[int, str, str]]


def test_at_least_five_challenges_each_complete() -> None:
    every = load_all()
    assert len(every) >= 5
    assert [c.number for c in every] == sorted({c.number for c in every})
    for c in every:
        assert c.statement.read_text().startswith(f"# Challenge {c.number}")
        for kind in SOLUTIONS:
            assert (c.solution(kind) / "module.py").is_file(), (c.name, kind)
        assert c.scenarios(), c.name
        for path in c.scenarios():
            sc = loader.load(path)  # valid, short, and enables the challenge's module
            assert sc.cluster.modules == [c.module], path
            assert sc.cluster.mons in (1, 3), path
            assert thresholds(path), f"{path}: no graded figure (no `within`)"


def test_list(run_challenge: Run) -> None:
    code, out, _ = run_challenge("list")
    assert code == 0
    rows = out.splitlines()
    assert len(rows) >= 5
    assert rows[0].split()[:3] == ["1", "fresh_or_stale", "freshdash"]
    assert any(r.split()[:2] == ["5", "answer_fast"] for r in rows)


def test_show_prints_the_statement_and_thresholds(run_challenge: Run) -> None:
    code, out, _ = run_challenge("show", "2")
    assert code == 0
    assert out.startswith("# Challenge 2 — Follow the active")
    assert "Grading scenarios and their thresholds:" in out
    assert "    a standby follows the first failover: within 1s" in out
    code, by_name, _ = run_challenge("show", "standby_redirect")
    assert code == 0 and by_name == out


def test_skeleton_copies_a_module(tmp_path: Path, run_challenge: Run) -> None:
    code, out, _ = run_challenge("skeleton", "3", tmp_path / "mine")
    assert code == 0, out
    assert (tmp_path / "mine" / "module.py").read_text().startswith('"""keeper (skeleton)')
    code, _, err = run_challenge("skeleton", "3", tmp_path / "mine")
    assert code == 2 and "exists" in err


@pytest.mark.parametrize("which", ["0", "99", "no_such_thing"])
def test_no_such_challenge(which: str, tmp_path: Path, run_challenge: Run) -> None:
    for args in (("show", which), ("grade", which, "--module", tmp_path)):
        code, out, err = run_challenge(*args)
        assert code == 2
        assert f"error: no such challenge: {which!r}; the challenges are 1 (fresh_or_stale)" in err
        assert out == ""


def test_module_dir_without_module_py(tmp_path: Path, run_challenge: Run) -> None:
    (tmp_path / "empty").mkdir()
    code, out, err = run_challenge(
        "grade", "1", "--module", tmp_path / "empty", "--out", tmp_path / "o"
    )
    assert code == 2
    assert f"--module {tmp_path / 'empty'}: no module.py in it" in err
    assert "PASS" not in out and "FAIL" not in out
    code, _, err = run_challenge(
        "grade", "1", "--module", tmp_path / "nowhere", "--out", tmp_path / "o"
    )
    assert code == 2 and "no such directory" in err


def test_module_that_raises_on_import(tmp_path: Path, run_challenge: Run) -> None:
    mod = tmp_path / "bad"
    mod.mkdir()
    (mod / "module.py").write_text(
        "from mgr_module import MgrModule\n\nraise RuntimeError('boom at import')\n"
    )
    code, out, err = run_challenge("grade", "1", "--module", mod, "--out", tmp_path / "o")
    assert code == 2
    assert "error: module 'freshdash' raises on import: RuntimeError: boom at import" in err
    assert "module.py" in err  # where it raised
    assert "PASS" not in out and "FAIL" not in out


def test_module_without_a_module_class(tmp_path: Path, run_challenge: Run) -> None:
    mod = tmp_path / "classless"
    mod.mkdir()
    (mod / "module.py").write_text("X = 1\n")
    (mod / "__init__.py").write_text("")
    code, _, err = run_challenge("grade", "4", "--module", mod, "--out", tmp_path / "o")
    assert code == 2
    assert "error: module 'quorumwatch' has no MgrModule subclass in its package" in err


def test_every_shipped_solution_imports(tmp_path: Path) -> None:
    for c in load_all():
        for kind in SOLUTIONS:
            staged = stage(c, c.solution(kind), tmp_path / f"{c.number}-{kind}")
            check_import(c.module, staged)  # raises ChallengeError if not


def test_figure_text() -> None:
    assert Figure(0.4123, 2.0, 4.0).text() == "0.41s ≤ 2s"
    assert not Figure(1.08, 0.25, 5.0).ok
    assert Figure(1.08, 0.25, 5.0).text() == "1.08s > 0.25s"
    assert Figure(None, 2.0, 4.0).text() == "never within 4s (threshold 2s)"


def test_within_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\nabout: x\nsteps:\n"
        "  - wait_for: {mgrmap: {available: true}, timeout: 2s, within: soon}\n"
        "  - ceph: {cmd: mgr stat, within: -1s}\n"
    )
    with pytest.raises(InvalidScenario) as exc:
        loader.load(bad)
    text = str(exc.value)
    assert "bad.yaml:4:" in text and "wait_for.within" in text
    assert "bad.yaml:5:" in text and "ceph.within" in text
