"""Ceph's own ``mgr_module`` and ``devicehealth`` (18.2, 20.2), unmodified, keep ``MgrModule.db`` through our VFS.

Needs the release's tree in the cache (``python -m sim release fetch 18.2``)
and the system's Python packages Ceph's ``mgr_util`` imports (bcrypt …):
skipped otherwise. Runs in a subprocess, as Ceph's ``mgr_module`` and ours
cannot share one interpreter.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mgr.host.apipath import API_DIR, NATIVE_DIR, SYSTEM_SITE
from sim.release.store import tree_for

SCRIPT = Path(__file__).with_name("ceph_open_db.py")


@pytest.mark.parametrize("release", ["18.2", "20.2"])
def test_ceph_mgr_module_and_devicehealth_keep_their_database_over_the_ceph_vfs(
    release: str,
) -> None:
    tree = tree_for(release)
    if tree is None:
        pytest.skip(f"no {release} tree fetched (python -m sim release fetch {release})")
    if importlib.util.find_spec("bcrypt") is None and not (SYSTEM_SITE / "bcrypt").is_dir():
        pytest.skip("Ceph's mgr_util needs bcrypt (Debian's python3-bcrypt)")
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(tree.mgr_dir), str(NATIVE_DIR), str(API_DIR)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["rows"] == [["a", "1"]]
    assert out["kv"] == "blue"
    assert out["commands"] == ["osd pool create", "osd pool application enable"]
    assert "main.db.0000000000000000" in out["objects"]
    assert "main.db-journal.0000000000000000" in out["objects"]
    assert out["metrics"] == [{"nvme_smart_health_information_log": {"percentage_used": 7}}]
    assert "main.db.0000000000000000" in out["devicehealth_objects"]
