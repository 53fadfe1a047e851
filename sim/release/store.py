"""The cache of release trees and their manifests.

``$XDG_CACHE_HOME/ceph-mgr-sim/releases/<upstream version>/`` (default
``~/.cache``) holds one unpacked tree per version with ``manifest.json``::

    {"release": "16.2", "version": "16.2.15", "suite": "bookworm",
     "mgr_dir": "usr/share/ceph/mgr", "fetched": 1764750000.0,
     "packages": [{"package": "ceph-mgr", "version": "16.2.15+ds-0+deb12u2",
                   "sha256": "...", "size": 1610448}, ...]}

A tree without a readable manifest (say, a fetch killed half-way, which
leaves only a ``.tmp-*`` folder) does not count. ``apt/<suite>/`` holds
each suite's private apt state (`sim.release.aptconf`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.release.catalog import release as find_release
from sim.release.layout import MGR_SUBDIR

MANIFEST = "manifest.json"


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ceph-mgr-sim"


def releases_dir(root: Path | None = None) -> Path:
    return (root or cache_root()) / "releases"


def apt_dir(suite: str, root: Path | None = None) -> Path:
    return (root or cache_root()) / "apt" / suite


@dataclass(frozen=True)
class Tree:
    path: Path
    manifest: dict[str, Any]

    @property
    def release(self) -> str:
        return str(self.manifest["release"])

    @property
    def version(self) -> str:
        return str(self.manifest["version"])

    @property
    def mgr_dir(self) -> Path:
        return self.path / self.manifest.get("mgr_dir", str(MGR_SUBDIR))

    def size(self) -> int:
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())


def read_tree(path: Path) -> Tree | None:
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or not {"release", "version", "packages"} <= set(manifest):
        return None
    tree = Tree(path, manifest)
    return tree if (tree.mgr_dir / "mgr_module.py").is_file() else None


def trees(root: Path | None = None) -> list[Tree]:
    """Every complete tree in the cache, by version."""
    d = releases_dir(root)
    if not d.is_dir():
        return []
    found = [read_tree(p) for p in d.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return sorted((t for t in found if t), key=lambda t: _version_key(t.version))


def tree_for(name: str, root: Path | None = None) -> Tree | None:
    """The newest fetched tree of release ``name`` (``16.2``, ``16.2.15``, ``pacific``)."""
    r = find_release(name)
    exact = str(name).strip() if r.owns(str(name).strip()) else None
    mine = [t for t in trees(root) if t.release == r.series and exact in (None, t.version)]
    return mine[-1] if mine else None


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(x) if x.isdigit() else 0 for x in v.split("."))
