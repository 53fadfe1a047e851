"""Fetching Ceph 16.2 for real from the machine's Debian mirror into a private
cache. Outside CI it skips (with apt-get's reason) when the mirror cannot be
reached; with CI set, a failed download fails the test."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.release.catalog import PACKAGES
from sim.release.errors import MirrorUnreachable
from sim.release.fetch import fetch

from .conftest import apt_state

pytestmark = pytest.mark.skipif(shutil.which("apt-get") is None, reason="needs Debian's apt-get")


def test_fetch_16_2_into_a_private_cache(cache: Path) -> None:
    before = apt_state()
    try:
        tree, fetched = fetch("16.2")
    except MirrorUnreachable as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"the Debian mirror cannot be reached: {exc}")
    assert fetched and tree.path.parent == cache / "releases"
    assert tree.version.startswith("16.2.")
    mgr = tree.mgr_dir
    for name in ("mgr_module.py", "mgr_util.py", "selftest/module.py", "status/module.py"):
        assert (mgr / name).is_file(), name
    dist = tree.path / "usr/lib/python3/dist-packages"
    assert (dist / "ceph_argparse.py").is_file() and (dist / "ceph/deployment").is_dir()
    manifest = json.loads((tree.path / "manifest.json").read_text())
    assert [p["package"] for p in manifest["packages"]] == list(PACKAGES)
    for p in manifest["packages"]:
        assert p["version"].startswith(tree.version + "+") and len(p["sha256"]) == 64
    digest = hashlib.sha256(b"").hexdigest()
    assert all(p["sha256"] != digest for p in manifest["packages"])
    assert apt_state() == before  # nothing of the system's apt state changed
    out = subprocess.run(
        [sys.executable, "-m", "sim", "release", "ls"], capture_output=True, text=True,
        timeout=60, check=True, env=os.environ.copy(),
    )  # fmt: skip
    assert f"{tree.version} " in out.stdout and str(mgr) in out.stdout
    assert "16.2   pacific   Debian bookworm  fetched" in out.stdout
    again, fetched_again = fetch("16.2")
    assert (again.path, fetched_again) == (tree.path, False)
