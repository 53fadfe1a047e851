"""The scenario loader cannot be exhausted by its input: aliases, nesting and
size are bounded, a recursive alias or a non-UTF-8 file is an error at a
position (exit 2), never a traceback. The hostile files run in a child
process with a memory limit, so a regression fails the test instead of the
machine."""

from __future__ import annotations

import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.scenario import loader
from sim.scenario.errors import InvalidScenario

CliRunner = Callable[..., tuple[int, str, str]]

HEAD = "about: hostile\nsteps:\n  - say: hi\n"


def _billion_laughs(levels: int = 9) -> str:
    lines = [HEAD.rstrip("\n"), 'l0: &l0 "lol"']
    for i in range(1, levels + 1):
        refs = ", ".join([f"*l{i - 1}"] * 10)
        lines.append(f"l{i}: &l{i} [{refs}]")
    return "\n".join(lines) + "\n"


def _limited() -> None:
    one_gib = 1 << 30
    resource.setrlimit(resource.RLIMIT_AS, (one_gib, one_gib))


def _check_in_child(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", "scenario", "--check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limited,
        check=False,
    )


def test_billion_laughs_is_refused_at_a_position(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(_billion_laughs())
    r = _check_in_child(path)
    assert r.returncode == 2, r.stderr[-2000:]
    assert "Traceback" not in r.stderr
    assert f"{path}:" in r.stderr and "alias" in r.stderr, r.stderr


def test_deep_nesting_is_refused_at_a_position(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(HEAD + "deep: " + "[" * 20000 + "]" * 20000 + "\n")
    r = _check_in_child(path)
    assert r.returncode == 2, r.stderr[-2000:]
    assert "Traceback" not in r.stderr
    assert f"{path}:4:" in r.stderr and "nesting deeper than" in r.stderr, r.stderr


def test_recursive_alias_is_an_error_not_a_traceback(run_cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(HEAD + "loop: &a [1, *a]\n")
    with pytest.raises(InvalidScenario) as exc:
        loader.load(path)
    assert [(e.mark.line, e.mark.col) for e in exc.value.errors] == [
        (4, 7)
    ]  # the anchored node that contains itself
    assert "recursive alias" in exc.value.errors[0].message
    code, _, err = run_cli("--check", path)
    assert code == 2 and f"{path}:4:7: " in err


def test_a_non_utf8_file_is_an_error_at_the_bad_byte(run_cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(HEAD.encode() + b"note: caf\xe9\n")
    with pytest.raises(InvalidScenario) as exc:
        loader.load(path)
    (err,) = exc.value.errors
    assert (err.mark.line, err.mark.col) == (4, 10)
    assert "not UTF-8" in err.message
    code, _, stderr = run_cli("--check", path)
    assert code == 2 and f"{path}:4:10: " in stderr and "Traceback" not in stderr


def test_an_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(HEAD + "# " + "x" * loader.MAX_FILE_BYTES + "\n")
    with pytest.raises(InvalidScenario) as exc:
        loader.load(path)
    (err,) = exc.value.errors
    assert (err.mark.line, err.mark.col) == (1, 1)
    assert f"larger than {loader.MAX_FILE_BYTES} bytes" in err.message


def test_a_few_aliases_still_work(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("about: aliases\nsteps:\n  - &hello {say: hi}\n  - *hello\n  - say: bye\n")
    assert len(loader.load(path).steps) == 3


def test_the_unknown_key_error_lists_each_key_once(tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text(HEAD + "abuot: x\n")
    with pytest.raises(InvalidScenario) as exc:
        loader.load(path)
    (err,) = exc.value.errors
    listed = err.message.split("expected one of: ", 1)[1].split(", ")
    assert listed == ["about", "steps", "name", "description", "cluster", "invariants"]
