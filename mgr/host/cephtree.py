"""Which Ceph release a manager Python tree is (``--ceph-python DIR``).

In order: the Debian changelog beside a tree unpacked from Debian's
packages (``<root>/usr/share/doc/ceph-mgr/changelog.Debian.gz`` for
``<root>/usr/share/ceph/mgr``), a Ceph checkout's ``src/ceph_release``
(for ``src/pybind/mgr``), else the native calls the tree's own
``mgr_module.py`` makes (``_ceph_notify_all`` first appears in 20.2,
``_ceph_get_rocksdb_version`` in 18.2).
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path

NAMES = {15: "octopus", 16: "pacific", 17: "quincy", 18: "reef", 19: "squid", 20: "tentacle"}


@dataclass(frozen=True)
class TreeRelease:
    version: str  # "16.2.15"
    major: int
    name: str  # "pacific"

    @property
    def version_string(self) -> str:
        return f"ceph version {self.version} (ceph-mgr-sim) {self.name} (stable)"


def _from_version(version: str) -> TreeRelease:
    major = int(version.split(".")[0])
    return TreeRelease(version, major, NAMES.get(major, f"release{major}"))


def detect(tree: Path) -> TreeRelease:
    tree = tree.resolve()
    if len(tree.parents) > 2:
        log = tree.parents[1] / "doc" / "ceph-mgr" / "changelog.Debian.gz"
        if log.is_file():
            with gzip.open(log, "rt", errors="replace") as f:
                m = re.match(r"\S+ \((?:\d+:)?(\d+\.\d+\.\d+)", f.readline())
            if m:
                return _from_version(m.group(1))
    marker = tree.parent.parent / "ceph_release"
    if marker.is_file():
        major = int(marker.read_text().split()[0])
        return TreeRelease(f"{major}.2.0", major, NAMES.get(major, f"release{major}"))
    text = (tree / "mgr_module.py").read_text(errors="replace")
    if "_ceph_notify_all" in text:
        return _from_version("20.2.0")
    if "_ceph_get_rocksdb_version" in text:
        return _from_version("18.2.0")
    return _from_version("16.2.0")
