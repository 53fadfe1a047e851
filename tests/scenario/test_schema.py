"""Validation before anything starts: every error names file:line:column and
what was expected; loading never executes code; the library validates; the
CLI's --check, --list and --help-* work. No processes are started here."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.options import Profile, defaults
from sim.scenario import loader
from sim.scenario.errors import InvalidScenario
from sim.scenario.matchers import MISSING, Matcher
from sim.scenario.schema import Checker
from sim.scenario.steps import STEPS
from sim.scenario.values import parse_duration
from sim.scenario.yamlnodes import Scalar, compose

from .conftest import DATA, SCENARIOS

CliRunner = Callable[..., tuple[int, str, str]]

# file, then (line, column, a fragment of the message) for each expected error
INVALID = {
    "invalid_unknown_key.yaml": [
        (4, 3, "unknown key 'mosn' (did you mean 'mons'?)"),
        (6, 27, "kill: unknown key 'signal'"),
    ],
    "invalid_types.yaml": [
        (3, 9, "cluster.mons: expected a whole number, got the string 'three'"),
        (6, 12, "sleep: expected a duration"),
        (7, 52, "wait_for.timeout: unknown timing option 'soon'"),
    ],
    "invalid_daemon.yaml": [(4, 11, "unknown daemon 'mgr.z'"), (5, 12, "unknown daemon 'mon.b'")],
    "invalid_wait_no_timeout.yaml": [(4, 7, "wait_for: missing required key 'timeout'")],
    "invalid_yaml_syntax.yaml": [(4, 4, "YAML syntax")],
    "invalid_python_tag.yaml": [(3, 10, "is not allowed")],
    "invalid_duplicate_key.yaml": [(5, 5, "duplicate key 'say' (first at line 4)")],
    "invalid_missing_about.yaml": [
        (1, 1, "missing required key 'about'"),
        (3, 8, "steps: the list is empty"),
    ],
    "invalid_many.yaml": [
        (2, 30, "unknown option 'mon_mgr_beacon_grase'"),
        (4, 5, "unknown step 'kil' (did you mean 'kill'?)"),
        (5, 25, "unknown field 'actve' (did you mean 'active'?)"),
        (6, 31, "unknown variable $nobody"),
        (7, 38, "nemesis.faults: expected one of"),
        (8, 14, "unknown invariant 'single_active'"),
        (8, 44, "quorum_within: expected a duration"),
    ],
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_file_names_every_error_with_line_and_column(name: str) -> None:
    path = DATA / name
    with pytest.raises(InvalidScenario) as exc:
        loader.load(path)
    got = [(e.mark.file, e.mark.line, e.mark.col, e.message) for e in exc.value.errors]
    assert len(got) == len(INVALID[name]), "\n".join(map(str, exc.value.errors))
    for (file, line, col, msg), (want_line, want_col, fragment) in zip(
        got, INVALID[name], strict=True
    ):
        assert file == str(path)
        assert (line, col) == (want_line, want_col), msg
        assert fragment in msg
    for line in str(exc.value).splitlines():
        assert line.startswith(f"{path}:"), line


@pytest.mark.parametrize(
    "name", ["invalid_daemon.yaml", "invalid_wait_no_timeout.yaml", "invalid_many.yaml"]
)
def test_cli_exits_2_with_file_line_column(run_cli: CliRunner, name: str, tmp_path: Path) -> None:
    path = DATA / name
    code, _, err = run_cli("--check", path)
    assert code == 2
    line, col, _ = INVALID[name][0]
    assert f"{path}:{line}:{col}: " in err
    # Running it (not only --check) refuses before starting anything.
    junit = tmp_path / "junit.xml"
    code, out, err = run_cli(path, "--out", tmp_path / "out", "--junit", junit)
    assert code == 2 and f"{path}:{line}:{col}: " in err
    assert not (tmp_path / "out").exists()
    assert 'failures="1"' in junit.read_text() and "InvalidScenario" in junit.read_text()


def test_loading_never_executes_code_from_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidScenario):
        loader.load(DATA / "invalid_python_tag.yaml")
    assert not (tmp_path / "SIM_SCENARIO_PWNED").exists()
    assert os.listdir(tmp_path) == []


def test_library_validates_and_lists(run_cli: CliRunner) -> None:
    files = sorted(SCENARIOS.glob("*.yaml"))
    assert {f.stem for f in files} >= {
        "mon_down",
        "mgr_failover",
        "mgr_fail_command",
        "mgr_paused",
        "mgr_thrash",
    }
    code, out, err = run_cli("--check", *files)
    assert code == 0, err
    assert out.count(": ok — ") == len(files)
    code, out, _ = run_cli("--list")
    assert code == 0
    for f in files:
        sc = loader.load(f)
        assert sc.about and f"{sc.name}  " in out and sc.about in out
        assert any(s.keyword == "say" for s in sc.steps), f"{f.name} has no narration"


def test_find_by_name_in_the_library(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert loader.find("mon_down") == SCENARIOS / "mon_down.yaml"
    assert loader.find("mon_down.yaml") == SCENARIOS / "mon_down.yaml"
    with pytest.raises(FileNotFoundError, match="did you mean 'mon_down'"):
        loader.find("mon_dwn")


def test_help_steps_lists_every_step_with_its_docstring(run_cli: CliRunner) -> None:
    code, out, _ = run_cli("--help-steps")
    assert code == 0
    required = {"kill", "stop", "pause", "resume", "restart", "partition", "heal", "delay", "ceph", "http",
                "wait_for", "expect", "sleep", "say", "nemesis"}  # fmt: skip
    assert required <= set(STEPS)
    for name, cls in STEPS.items():
        assert cls.__doc__ and f"\n{name}\n" in f"\n{out}"
    code, out, _ = run_cli("--help-conditions")
    assert code == 0 and "mgrmap" in out and "have_mon_connection" in out and "quorum" in out
    code, out, _ = run_cli("--help-invariants")
    assert code == 0 and "single_active_mgr" in out and "quorum_within" in out


@pytest.mark.parametrize(
    ("text", "fast", "ceph"),
    [
        ("5s", 5.0, 5.0),
        ("500ms", 0.5, 0.5),
        ("2m", 120.0, 120.0),
        ("mon_mgr_beacon_grace + 2s", 5.0, 32.0),
        ("0.8 * mon_mgr_beacon_grace", 2.4, 24.0),
        ("2 * mgr_tick_period - 100ms", 0.4, 3.9),
    ],
)
def test_durations_follow_the_profile(text: str, fast: float, ceph: float) -> None:
    ck = Checker()
    d = parse_duration(ck, Scalar(compose("x", "t").mark, text), "t")
    assert d is not None and not ck.errors
    assert d.seconds(defaults(Profile.FAST)) == pytest.approx(fast)
    assert d.seconds(defaults(Profile.CEPH)) == pytest.approx(ceph)


@pytest.mark.parametrize("text", ["soon", "5 sec", "5s +", "* 2", "1s - 5s"])
def test_bad_durations_are_errors(text: str) -> None:
    ck = Checker()
    assert parse_duration(ck, Scalar(compose("x", "t").mark, text), "t") is None
    assert ck.errors


def test_matchers() -> None:
    v = {"old": "mgr.x"}
    assert Matcher((("eq", True),)).test(True, v) and not Matcher((("eq", True),)).test(1, v)
    assert Matcher((("eq", 3),)).test(3.0, v)
    assert Matcher((("not", "mgr.x"),)).test("mgr.y", v) and Matcher((("not", "mgr.x"),)).test(
        MISSING, v
    )
    assert Matcher((("contains", "mgr.y"),)).test(["mgr.x", "mgr.y"], v)
    assert Matcher((("lacks", "MGR_DOWN"),)).test([], v)
    assert Matcher((("ge", 2), ("lt", 5))).test(4, v) and not Matcher((("ge", 2),)).test("4", v)
    assert Matcher((("matches", "^Error E"),)).test("Error ENOENT: x", v)
    assert Matcher((("exists", False),)).test(MISSING, v) and not Matcher((("eq", None),)).test(
        MISSING, v
    )
    assert Matcher((("in", ["a", "b"]),)).test("a", v)


def test_steps_from_python_data_report_their_position() -> None:
    text = "about: t\nsteps:\n  - wait_for: {mgrmap: {available: true}, timeout: 1s}\n  - kill: $nope\n"
    with pytest.raises(InvalidScenario) as exc:
        loader.load_text(text, "<inline>")
    assert str(exc.value).startswith("<inline>:4:11: kill: unknown variable $nope")
