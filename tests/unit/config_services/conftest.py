"""Fixture of the config service tests: `h`, a `Harness` in the test's tmp dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from .harness import Harness, h_at


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return h_at(tmp_path)
