"""Running a scenario again: ``--replay RUNDIR`` and ``--repeat N``.

A run's output directory holds what it takes to run it again: a copy of the
scenario (``scenario.yaml``), and in ``events.jsonl`` the ``scenario_start``
record (name, the file it came from, seed, profile) and every step's
outcome. `replay` runs the same scenario (its original file when it still
exists, so relative ``module_paths`` keep working; else the copy) with the
same seed and profile, and says whether it ended the same way: the same
step failed (index and keyword), or it passed again.

What the seed fixes is every random choice the engine makes (nemesis
victims, fault kinds, link losses). What it cannot fix is the timing of real
processes: a fault lands when its step runs, not at the same wall-clock
offset, and a race may go the other way. `repeat` therefore measures rather
than promises: it runs a scenario N times and prints the pass rate and the
first failing seed; with ``--seed`` every run uses that seed, so the rate is
how often that seed's run reproduces.
"""

from __future__ import annotations

import dataclasses
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from sim.options import Profile
from sim.scenario.errors import EXIT_INVALID, EXIT_PASS, InvalidScenario
from sim.scenario.model import Scenario
from sim.scenario.results import RunResult
from sim.scenario.runner import RunOptions, run

COPY = "scenario.yaml"


@dataclass(frozen=True)
class Ending:
    """How a run ended, in the terms a re-run is compared by."""

    exit_code: int
    step: int | None = None  # the first step that did not pass
    keyword: str = ""
    text: str = ""
    failure: str = ""

    def same_as(self, other: Ending) -> bool:
        return (self.exit_code, self.step, self.keyword) == (
            other.exit_code,
            other.step,
            other.keyword,
        )

    def describe(self) -> str:
        if self.exit_code == EXIT_PASS:
            return "passed"
        if self.step is not None:
            return f"failed at step {self.step} ({self.keyword}: {self.text})"
        return f"failed: {self.failure or f'exit {self.exit_code}'}"


@dataclass(frozen=True)
class Recorded:
    name: str
    seed: int
    profile: str
    path: Path | None  # the scenario file the run came from
    copy: Path | None  # its copy in the run directory
    ending: Ending


class NotARun(ValueError):
    """The directory is not a scenario run's output."""


def ending_of(result: RunResult) -> Ending:
    failed = next((r for r in result.records if r.status != "passed"), None)
    if result.exit_code == EXIT_PASS or failed is None:
        return Ending(result.exit_code, failure=result.failure)
    return Ending(result.exit_code, failed.index, failed.keyword, failed.text, result.failure)


def read_run(run_dir: Path) -> Recorded:
    events = run_dir / "events.jsonl"
    try:
        lines = events.read_text().splitlines()
    except OSError as exc:
        raise NotARun(f"{run_dir} is not a scenario run ({events}: {exc.strerror})") from None
    start: dict[str, Any] | None = None
    end: dict[str, Any] | None = None
    first_bad: dict[str, Any] | None = None
    for line in lines:
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        kind = ev.get("kind")
        if kind == "scenario_start":
            start = ev
        elif kind == "scenario_end":
            end = ev
        elif kind == "step" and ev.get("phase") == "end" and ev.get("status") != "passed":
            first_bad = first_bad or ev
    if start is None or end is None:
        raise NotARun(f"{events} has no scenario_start/scenario_end: not a finished run")
    code = int(end.get("exit_code", 1))
    if code == EXIT_PASS or first_bad is None:
        ending = Ending(code, failure=str(end.get("failure", "")))
    else:
        ending = Ending(code, int(first_bad["index"]), str(first_bad["keyword"]),
                        str(first_bad.get("text", "")), str(end.get("failure", "")))  # fmt: skip
    src = start.get("source")
    copy = run_dir / COPY
    return Recorded(
        name=str(start.get("name", "")),
        seed=int(start["seed"]),
        profile=str(start.get("profile", Profile.FAST.value)),
        path=Path(src) if src else None,
        copy=copy if copy.is_file() else None,
        ending=ending,
    )


def _scenario_of(rec: Recorded) -> Scenario:
    from sim.scenario import loader

    for candidate in (rec.path, rec.copy):
        if candidate is not None and candidate.is_file():
            return loader.load(candidate)
    raise NotARun(f"the scenario of that run is gone (neither {rec.path} nor {COPY} is there)")


def replay(run_dir: Path, opts: RunOptions, out: TextIO) -> int:
    """Run a recorded run again; the exit code is the new run's."""
    try:
        rec = read_run(run_dir)
        scenario = _scenario_of(rec)
    except (NotARun, InvalidScenario) as exc:
        print(f"error: cannot replay: {exc}", file=out)
        return EXIT_INVALID
    opts = dataclasses.replace(opts, seed=rec.seed, profile=Profile(rec.profile))
    print(f"replaying {rec.name} (seed {rec.seed}, {rec.profile} profile); "
          f"the recorded run {rec.ending.describe()}", file=out)  # fmt: skip
    now = ending_of(run(scenario, opts))
    verdict = "reproduced" if now.same_as(rec.ending) else "NOT reproduced"
    print(f"replay: {verdict} — the recorded run {rec.ending.describe()}; "
          f"this run {now.describe()}", file=out)  # fmt: skip
    return now.exit_code


def repeat(scenario: Scenario, n: int, opts: RunOptions, out: TextIO) -> int:
    """Run ``scenario`` ``n`` times; print each ending, the pass rate and the
    first failing seed. Exit 0 only if every run passed."""
    base = opts.out_dir or Path.cwd() / ".sim" / "scenario-runs" / f"{scenario.name}-repeat"
    rng = random.SystemRandom()
    passed, first_failing = 0, None
    for i in range(1, n + 1):
        seed = opts.seed if opts.seed is not None else rng.randrange(1 << 31)
        one = dataclasses.replace(
            opts, seed=seed, out_dir=base / f"run-{i:02d}", junit=None, report=None
        )
        ending = ending_of(run(scenario, one))
        passed += ending.exit_code == EXIT_PASS
        if ending.exit_code != EXIT_PASS and first_failing is None:
            first_failing = seed
        print(f"repeat {i}/{n}: seed {seed}: {ending.describe()}", file=out)
    rate = 100.0 * passed / n
    tail = f"; first failing seed {first_failing}" if first_failing is not None else ""
    print(f"{scenario.name}: {passed}/{n} passed ({rate:.0f}%){tail}; outputs in {base}", file=out)
    return EXIT_PASS if passed == n else 1
