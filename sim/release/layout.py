"""What a manager Python tree must hold, and where its parts are.

Three layouts are accepted for ``--ceph-python DIR``:

- a fetched tree's ``<root>/usr/share/ceph/mgr`` (``ceph`` and
  ``ceph_argparse.py`` in ``<root>/usr/lib/python3/dist-packages``);
- an installed ``/usr/share/ceph/mgr`` (``/usr/lib/python3/dist-packages``);
- a Ceph checkout's ``src/pybind/mgr`` (``ceph`` in ``src/python-common``,
  ``ceph_argparse.py`` in ``src/pybind``).

`mgr_dir` validates a folder (it must hold ``mgr_module.py``) and returns it
absolute; `python_paths` gives the ``sys.path`` entries a mgr needs for it.
"""

from __future__ import annotations

from pathlib import Path

from sim.release.errors import BadTree

MGR_SUBDIR = Path("usr/share/ceph/mgr")
DIST_SUBDIR = Path("usr/lib/python3/dist-packages")


def mgr_dir(path: Path | str) -> Path:
    """``path`` (or its ``usr/share/ceph/mgr`` / ``src/pybind/mgr``) made absolute,
    if it holds ``mgr_module.py``."""
    p = Path(path).expanduser().absolute()
    for cand in (p, p / MGR_SUBDIR, p / "src" / "pybind" / "mgr"):
        if (cand / "mgr_module.py").is_file():
            return cand
    if not p.is_dir():
        raise BadTree(f"--ceph-python {path}: no such directory")
    raise BadTree(
        f"--ceph-python {path}: no mgr_module.py there; give a Ceph checkout's "
        "src/pybind/mgr or a folder laid out like /usr/share/ceph/mgr"
    )


def python_paths(mgr: Path) -> list[Path]:
    """``mgr`` first, then the folders holding the ``ceph`` package and
    ``ceph_argparse.py`` for its layout (those that exist)."""
    mgr = Path(mgr)
    out = [mgr]
    if mgr.parts[-3:] == ("share", "ceph", "mgr"):
        out.append(mgr.parent.parent.parent / "lib" / "python3" / "dist-packages")
    elif mgr.parts[-2:] == ("pybind", "mgr"):
        out += [mgr.parent.parent / "python-common", mgr.parent]
    return [p for p in out if p.is_dir()]


def stock_modules(mgr: Path) -> list[str]:
    """The module packages in a tree (folders with a ``module.py`` or ``__init__.py``)."""
    return sorted(
        d.name
        for d in Path(mgr).iterdir()
        if d.is_dir() and ((d / "module.py").is_file() or (d / "__init__.py").is_file())
    )
