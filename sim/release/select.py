"""Which manager Python a cluster runs: the embedded API, a release, or a user's tree.

`resolve` turns what the user asked (``--ceph-release R``, ``--ceph-python
DIR``, ``--fetch``) into a `Selection` *before* anything of the run
directory is touched, so a bad selection loses nothing. The selection is
recorded in the run directory's cluster spec (``ceph_release``,
``ceph_python``); the supervisor starts each mgr with
``--ceph-python <ceph_python>`` when it is set, so restarts keep it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.release.catalog import release
from sim.release.errors import NotFetched, ReleaseError
from sim.release.layout import mgr_dir
from sim.release.store import tree_for


@dataclass(frozen=True)
class Selection:
    ceph_release: str = ""  # "16.2.15", "" for a user's tree or the embedded API
    ceph_python: str = ""  # absolute folder holding mgr_module.py; "" = embedded API

    def mgr_args(self) -> list[str]:
        return ["--ceph-python", self.ceph_python] if self.ceph_python else []


EMBEDDED = Selection()


def resolve(
    ceph_release: str | None = None,
    ceph_python: str | Path | None = None,
    fetch: bool = False,
    root: Path | None = None,
) -> Selection:
    if ceph_release and ceph_python:
        raise ReleaseError("give --ceph-release or --ceph-python, not both")
    if ceph_python:
        return Selection("", str(mgr_dir(ceph_python)))
    if not ceph_release:
        return EMBEDDED
    rel = release(ceph_release)
    tree = tree_for(str(ceph_release), root)
    if tree is None and fetch:
        from sim.release.fetch import fetch as do_fetch

        tree, _ = do_fetch(str(ceph_release), root)
    if tree is None:
        raise NotFetched(
            f"Ceph {rel.series} is not fetched; run `python -m sim release fetch {rel.series}` "
            "(or pass --fetch to fetch it now)"
        )
    return Selection(tree.version, str(tree.mgr_dir))
