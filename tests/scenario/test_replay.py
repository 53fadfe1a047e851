"""``--replay RUNDIR`` and ``--repeat N`` (issue 13 item 4), through the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sim.scenario import cli
from sim.scenario.errors import EXIT_FAILED, EXIT_INVALID, EXIT_PASS

pytestmark = pytest.mark.integration

FAILING = """\
name: fails_on_purpose
about: the standby count is never 5
cluster: {mgrs: 1}
steps:
  - wait_for: {mgrmap: {available: true}, timeout: 10s}
  - expect: {mgrmap: {num_standby: 5}}
"""

PASSING = """\
name: passes
about: one mgr becomes available
cluster: {mgrs: 1}
steps:
  - wait_for: {mgrmap: {available: true}, timeout: 10s}
"""


def scenario(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main([*argv, "--color", "never", "-q"], stdout=out)
    return code, out.getvalue()


def test_a_failed_run_is_replayed_with_its_seed_and_the_failure_reproduced(tmp_path: Path) -> None:
    path = tmp_path / "fails.yaml"
    path.write_text(FAILING)
    first = tmp_path / "first"
    code, _ = scenario(str(path), "--out", str(first), "--seed", "4242")
    assert code == EXIT_FAILED
    assert (first / "scenario.yaml").read_text() == FAILING
    start = json.loads((first / "events.jsonl").read_text().splitlines()[0])
    assert start["kind"] == "scenario_start" and start["seed"] == 4242
    assert start["source"] == str(path.resolve())

    path.unlink()  # the copy in the run directory is enough
    code, text = scenario("--replay", str(first), "--out", str(tmp_path / "again"))
    assert code == EXIT_FAILED, text
    assert "replaying fails_on_purpose (seed 4242, fast profile)" in text
    assert "replay: reproduced — the recorded run failed at step 2 (expect" in text
    again = json.loads((tmp_path / "again" / "events.jsonl").read_text().splitlines()[0])
    assert again["seed"] == 4242


def test_replay_of_something_that_is_not_a_run(tmp_path: Path) -> None:
    code, text = scenario("--replay", str(tmp_path))
    assert code == EXIT_INVALID and "cannot replay" in text and "is not a scenario run" in text


def test_repeat_prints_the_pass_rate(tmp_path: Path) -> None:
    path = tmp_path / "passes.yaml"
    path.write_text(PASSING)
    code, text = scenario(str(path), "--repeat", "3", "--out", str(tmp_path / "r"))
    assert code == EXIT_PASS, text
    assert text.count(": passed") == 3
    assert "passes: 3/3 passed (100%)" in text
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["run-01", "run-02", "run-03"]


def test_repeat_names_the_first_failing_seed(tmp_path: Path) -> None:
    path = tmp_path / "fails.yaml"
    path.write_text(FAILING)
    code, text = scenario(str(path), "--repeat", "2", "--seed", "7", "--out", str(tmp_path / "r"))
    assert code == EXIT_FAILED
    assert "fails_on_purpose: 0/2 passed (0%); first failing seed 7" in text
