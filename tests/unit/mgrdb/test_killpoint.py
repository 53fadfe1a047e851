"""A mgr that dies inside its database's first transaction (Ceph's ``sqlite3_killpoint``).

Real process deaths (``os._exit(120)``) over a cluster saved in a file: the
next mgr waits for the dead one's lock to expire, blocklists it, SQLite
rolls its hot journal back, and the schema is made again, whole.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mgr.host.apipath import API_DIR, NATIVE_DIR

from .fakerados import FakeCluster

CHILD = Path(__file__).with_name("killpoint_child.py")


def life(store: Path, killpoint: int) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, str(CHILD), str(store), str(killpoint), str(NATIVE_DIR), str(API_DIR)]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("killpoint", [1, 2])
def test_a_mgr_killed_mid_transaction_leaves_a_database_the_next_one_recovers(
    tmp_path: Path, killpoint: int
) -> None:
    store = tmp_path / "cluster.pickle"
    FakeCluster(persist_to=store).save()
    died = life(store, killpoint)
    assert died.returncode == 120, died.stderr[-2000:]
    dead = FakeCluster.load(store)
    first = dead.objects[(1, "things", "main.db.0000000000000000")]
    assert first.xattrs["striper.excl"] and "striper.lock" in first.locks  # died holding it
    lived = life(store, 0)
    assert lived.returncode == 0, lived.stderr[-2000:]
    out = json.loads(lived.stdout.strip().splitlines()[-1])
    assert out["tables"] == ["MgrModuleKV", "Things"] and out["version"] == 1
    assert out["commands"] == ["osd blocklist", "osd blocklist"]  # the dead client's v2 and v1
    assert len(FakeCluster.load(store).blocklist) == 2


def test_a_mgr_killed_after_its_commit_leaves_the_schema_and_no_lock(tmp_path: Path) -> None:
    store = tmp_path / "cluster.pickle"
    FakeCluster(persist_to=store).save()
    assert life(store, 3).returncode == 120
    first = FakeCluster.load(store).objects[(1, "things", "main.db.0000000000000000")]
    assert first.xattrs["striper.excl"] == b"" and "striper.lock" not in first.locks
    lived = life(store, 0)
    assert lived.returncode == 0, lived.stderr[-2000:]
    out = json.loads(lived.stdout.strip().splitlines()[-1])
    assert out == {"tables": ["MgrModuleKV", "Things"], "version": 1, "commands": []}
