"""Grade a module directory against a challenge: stage it, check that it
imports, run every grading scenario with it, collect the measured figures.

Harness layer; imported by `sim.challenge.cli`. The scenarios run through
the scenario engine (`sim.scenario.runner`), one after the other, each on a
fresh cluster whose ``mgr_module_path`` is the staged copy of the module.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from sim.challenge.catalog import Challenge, ChallengeError
from sim.scenario.errors import EXIT_INTERRUPTED, EXIT_PASS, EXIT_SIMULATOR, InvalidScenario
from sim.scenario.figures import Figure

# the mgr's API and native dirs sit beside `sim` (a checkout or site-packages)
_ROOT = Path(__file__).resolve().parents[2]
API_PATH = (_ROOT / "mgr" / "api", _ROOT / "mgr" / "native")
IMPORT_TIMEOUT = 30.0
NO_CLASS = 17  # the import check's exit code for "imports, but defines no module class"
IMPORT_CHECK = """\
import sys
sys.path[:0] = {path!r}
import {module} as pkg
from mgr_module import MgrModule
found = [v for v in vars(pkg).values()
         if isinstance(v, type) and issubclass(v, MgrModule) and v is not MgrModule]
sys.exit(0 if found else {no_class})
"""
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


@dataclass
class Measured:
    """One graded figure of a scenario: the step's label and what it measured."""

    label: str
    status: str  # the step's: passed | failed | skipped | interrupted
    figure: Figure | None  # None: not measured (skipped, or the step could not observe)


@dataclass
class ScenarioGrade:
    name: str
    exit_code: int
    figures: list[Measured] = field(default_factory=list)
    failure: str = ""  # the first failure, when it is not a figure's
    out_dir: Path | None = None

    @property
    def passed(self) -> bool:
        return self.exit_code == EXIT_PASS


def stage(challenge: Challenge, module_dir: Path, dest: Path) -> Path:
    """Copy ``module_dir`` to ``dest/<module>/`` (the name the scenarios enable)
    and return ``dest``, the folder to put on ``mgr_module_path``."""
    if not module_dir.is_dir():
        raise ChallengeError(f"--module {module_dir}: no such directory")
    if not (module_dir / "module.py").is_file():
        raise ChallengeError(
            f"--module {module_dir}: no module.py in it (a mgr module directory holds "
            f"module.py and __init__.py; start from `python -m sim challenge skeleton "
            f"{challenge.number} DIR`)"
        )
    target = dest / challenge.module
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(module_dir, target, ignore=_SKIP)
    if not (target / "__init__.py").is_file():
        (target / "__init__.py").write_text("from .module import *  # noqa: F401,F403\n")
    return dest


def check_import(module: str, path: Path) -> None:
    """Import the staged module in a fresh interpreter, as a mgr would; a
    module that raises on import is bad input, said before any cluster starts."""
    code = IMPORT_CHECK.format(
        path=[str(path), *map(str, API_PATH)], module=module, no_class=NO_CLASS
    )
    try:
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=IMPORT_TIMEOUT, cwd=path)  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise ChallengeError(
            f"module {module!r} did not finish importing in {IMPORT_TIMEOUT:g}s"
        ) from exc
    if p.returncode == NO_CLASS:
        raise ChallengeError(
            f"module {module!r} has no MgrModule subclass in its package (its __init__.py "
            "must import it, e.g. `from .module import Module`)"
        )
    if p.returncode != 0:
        lines = [ln for ln in p.stderr.strip().splitlines() if ln.strip()]
        last = lines[-1] if lines else f"exit {p.returncode}"
        where = next((ln.strip() for ln in reversed(lines) if ln.strip().startswith("File ")), "")
        raise ChallengeError(
            f"module {module!r} raises on import: {last}" + (f"\n  at {where}" if where else "")
        )


def thresholds(scenario_path: Path) -> list[tuple[str, str]]:
    """(step label, threshold as written) of every graded step of a scenario."""
    from sim.scenario import loader

    sc = loader.load(scenario_path)
    out = []
    for step in sc.steps:
        within = getattr(step, "within", None)
        if within is not None:
            out.append((step.title(), str(within)))
    return out


def grade_scenario(
    path: Path, module_path: Path, out_dir: Path, stream: TextIO, verbosity: int, seed: int | None
) -> ScenarioGrade:
    from sim.scenario import loader
    from sim.scenario.runner import RunOptions, run

    try:
        scenario = loader.load(path)
    except InvalidScenario as exc:  # a shipped file: a bug, not the user's
        return ScenarioGrade(path.stem, EXIT_SIMULATOR, failure=f"invalid grading scenario: {exc}")
    scenario.cluster.module_paths = [module_path, *scenario.cluster.module_paths]
    opts = RunOptions(out_dir=out_dir, seed=seed, verbosity=verbosity, color="never", stream=stream)
    result = run(scenario, opts)
    grade = ScenarioGrade(scenario.name, result.exit_code, out_dir=result.out_dir)
    steps = {r.index: s for r, s in zip(result.records, scenario.steps, strict=True)}
    for rec in result.records:
        if getattr(steps[rec.index], "within", None) is not None:
            grade.figures.append(Measured(rec.text, rec.status, rec.figure))
    failed = next((r for r in result.records if r.status == "failed"), None)
    if not result.passed and (failed is None or failed.figure is None):
        grade.failure = result.failure
    return grade


def grade(
    challenge: Challenge,
    module_dir: Path,
    out_dir: Path,
    stream: TextIO,
    verbosity: int = 0,
    seed: int | None = None,
    on_result: Callable[[ScenarioGrade], None] | None = None,
) -> list[ScenarioGrade]:
    """Stage and check the module, then run every grading scenario."""
    staged = stage(challenge, module_dir.absolute(), out_dir / "module")
    check_import(challenge.module, staged)
    grades = []
    for path in challenge.scenarios():
        g = grade_scenario(path, staged, out_dir / path.stem, stream, verbosity, seed)
        grades.append(g)
        if on_result is not None:
            on_result(g)
        if g.exit_code == EXIT_INTERRUPTED:
            break  # Ctrl-C (or SIGTERM): the runner cleaned up; grade no further
    return grades
