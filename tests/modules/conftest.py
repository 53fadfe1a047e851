"""Module-host tests: the API directory and our modules are importable here
(as in a mgr), and `module_cluster` starts a cluster with modules enabled."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest

from mgr.host.apipath import API_DIR, MODULES_DIR, NATIVE_DIR
from sim.testing import TestCluster

from .helpers import enable_modules

for _p in (str(MODULES_DIR), str(NATIVE_DIR), str(API_DIR)):
    if _p not in sys.path:
        sys.path.insert(0, _p)


@pytest.fixture
def module_cluster(cluster_factory: Callable[..., TestCluster]) -> Callable[..., TestCluster]:
    """``module_cluster("hello", mgrs=2, options={...})``: a cluster whose
    active mgr runs the named modules."""

    def make(*modules: str, **kw: Any) -> TestCluster:
        c = cluster_factory(**kw)
        enable_modules(c, *modules)
        return c

    return make
