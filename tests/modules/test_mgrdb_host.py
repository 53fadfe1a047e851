"""A real mgr registers libcephsqlite's VFS ``ceph`` and ``ceph_status()`` before its modules run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.testing import TestCluster

from .helpers import mgr

pytestmark = pytest.mark.integration
TESTMODS = Path(__file__).resolve().parent / "testmods"


def test_the_mgr_has_the_ceph_vfs_and_its_sql_functions(
    module_cluster: Callable[..., TestCluster],
) -> None:
    c = module_cluster("dbprobe", mgrs=1, options={"mgr_module_path": str(TESTMODS)})
    rc, out, err = mgr(c, "dbprobe")
    assert rc == 0, err
    probe = json.loads(out)
    # without the VFS SQLite says "no such vfs: ceph" / "no such function: ceph_status";
    # with it, the VFS answers (an error of the cluster handle while RADOS is a stand-in)
    assert "no such vfs" not in probe["open"], probe
    assert "no such function" not in probe["ceph_status"], probe
    assert probe["ceph_status"].startswith(("ok: {", "OperationalError: ceph_status:")), probe
