"""Fixtures: every cluster lives in the test's private tmp directory and is
torn down even when the test fails (and dies with the test process)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from sim.testing import TestCluster, running_cluster


@pytest.fixture
def cluster_factory(tmp_path: Path) -> Iterator[Callable[..., TestCluster]]:
    """``cluster_factory(mons=1, mgrs=2, options={...})`` -> a running cluster."""
    with ExitStack() as stack:
        count = 0

        def make(**kw: Any) -> TestCluster:
            nonlocal count
            count += 1
            return stack.enter_context(running_cluster(tmp_path / f"c{count}", **kw))

        yield make


@pytest.fixture
def cluster(cluster_factory: Callable[..., TestCluster]) -> TestCluster:
    """One mon, two mgrs, fast timings."""
    return cluster_factory()
