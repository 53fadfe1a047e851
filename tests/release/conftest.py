"""Fixtures for release-tree tests: a fake tree, a snapshot of the system's apt state."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

APT_STATE = (Path("/var/lib/apt/lists"), Path("/var/cache/apt"))


def apt_state() -> dict[str, tuple[int, float]]:
    """Every file and folder of the system's apt lists and cache: (size, mtime)."""
    out = {}
    for top in APT_STATE:
        for dirpath, dirnames, filenames in os.walk(top):
            for name in [*dirnames, *filenames]:
                p = os.path.join(dirpath, name)
                try:
                    st = os.lstat(p)
                except OSError:
                    continue
                out[p] = (st.st_size, st.st_mtime)
    return out


def make_tree(root: Path, series: str = "16.2", version: str = "16.2.15") -> Path:
    """A tree in the cache as a fetch leaves it (with its manifest)."""
    tree = root / "releases" / version
    mgr = tree / "usr/share/ceph/mgr"
    (mgr / "status").mkdir(parents=True)
    (mgr / "mgr_module.py").write_text("")
    (mgr / "status" / "module.py").write_text("")
    (tree / "usr/lib/python3/dist-packages/ceph").mkdir(parents=True)
    manifest = {"release": series, "version": version, "suite": "bookworm",
                "mgr_dir": "usr/share/ceph/mgr", "packages": []}  # fmt: skip
    (tree / "manifest.json").write_text(json.dumps(manifest))
    return mgr


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private, empty cache root (XDG_CACHE_HOME points above it)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "ceph-mgr-sim"
