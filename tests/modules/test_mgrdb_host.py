"""``MgrModule.db`` in real mgr processes.

The mgr registers libcephsqlite's VFS ``ceph`` and ``ceph_status()`` before
its modules run; rows a module commits survive a failover (the database's
pages are RADOS objects of the ``.mgr`` pool on the fleet's OSDs, its lock a
``cls_lock`` lock).
"""

from __future__ import annotations

import errno
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.testing import TestCluster, wait_until

from .helpers import active_name, mgr, wait_modules

pytestmark = pytest.mark.integration
TESTMODS = Path(__file__).resolve().parent / "testmods"
DEADLINE = 30.0


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


def rados_has_cls_lock() -> bool:
    """The binding has RADOS objects and the lock libcephsqlite needs (the stand-in has neither)."""
    import rados  # the native dir's binding (on the path: conftest)

    return any("lock_exclusive" in vars(k) for k in getattr(rados.Ioctx, "__mro__", ()))


def test_rows_written_through_db_survive_a_mgr_failover(
    module_cluster: Callable[..., TestCluster],
) -> None:
    if not rados_has_cls_lock():
        pytest.skip("the rados binding has no Ioctx.lock_exclusive yet (issue 12 items 1-2)")
    c = module_cluster("dbnotes", mgrs=2, osds=3, options={"mgr_module_path": str(TESTMODS)})
    first = active_name(c)
    deadline = time.monotonic() + DEADLINE
    while (r := mgr(c, "dbnotes put", key="colour", value="blue"))[0] == -errno.EAGAIN:
        assert time.monotonic() < deadline, r  # the .mgr pool is being created
    assert r[0] == 0, r
    assert mgr(c, "dbnotes put", key="shape", value="round")[0] == 0
    rc, _out, err = c.mon_command({"prefix": "mgr fail", "who": first})
    assert rc == 0, err
    second = wait_until(
        lambda: (n := active_name(c)) not in (None, first) and n, DEADLINE, "a new active"
    )
    wait_modules(c, "dbnotes")
    rc, out, err = mgr(c, "dbnotes get")
    assert rc == 0, err
    assert json.loads(out) == {"colour": "blue", "shape": "round"}
    assert second != first
