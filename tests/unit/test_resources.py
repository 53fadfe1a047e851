"""`sim.resources`: the shipped library is found in the package first, else in the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import resources


def test_a_checkout_uses_its_top_level_folders():
    repo = Path(resources.__file__).resolve().parents[1]
    assert resources.scenarios_dir() == repo / "scenarios"
    assert (resources.scenarios_dir() / "mon_down.yaml").is_file()
    assert (resources.modules_dir() / "hello" / "module.py").is_file()
    assert resources.challenges_dir() == repo / "challenges"
    assert (resources.challenges_dir() / "01_fresh_or_stale" / "challenge.yaml").is_file()


def test_a_wheel_uses_the_copy_inside_the_package(tmp_path, monkeypatch):
    (tmp_path / "_library" / "scenarios").mkdir(parents=True)
    (tmp_path / "_library" / "challenges").mkdir(parents=True)
    monkeypatch.setattr(resources, "files", lambda package: tmp_path)
    assert resources.scenarios_dir() == tmp_path / "_library" / "scenarios"
    assert resources.challenges_dir() == tmp_path / "_library" / "challenges"
    # a kind the wheel lacks falls back to the checkout's folder
    assert resources.modules_dir().name == "modules" and resources.modules_dir() != tmp_path


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown resource kind 'reports'"):
        resources.library_dir("reports")
