"""Where the module API and the modules live, and putting them on ``sys.path``.

- `API_DIR` (``mgr/api``) holds ``mgr_module``, ``object_format``,
  ``mgr_util``, ``ceph_module`` and ``mgr_testing``; modules import them as
  top-level names, exactly as in ceph-mgr.
- `module_paths` is ``mgr_module_path``: the shipped ``modules/`` (`sim.resources`)
  first, then the folders of the ``mgr_module_path`` option (colon-separated,
  e.g. ``/usr/share/ceph/mgr`` for Debian's stock modules). A name found in
  two folders is taken from the first.
- Stock modules import third-party packages (``prettytable``, ``dateutil`` …)
  that Debian installs for its system interpreter. When a folder outside the
  repository is configured, the system's ``dist-packages`` is appended to
  the *end* of ``sys.path`` (our own environment wins), as ceph-mgr runs on
  that interpreter.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.resources import modules_dir

REPO = Path(__file__).resolve().parents[2]
API_DIR = REPO / "mgr" / "api"
MODULES_DIR = modules_dir()
SYSTEM_SITE = Path(f"/usr/lib/python{sys.version_info.major}/dist-packages")


def ensure_api_path() -> None:
    """Put the API directory first on ``sys.path`` (idempotent)."""
    api = str(API_DIR)
    if api not in sys.path:
        sys.path.insert(0, api)


def module_paths(option: str | None) -> list[Path]:
    """The module folders, in search order (missing folders are dropped)."""
    paths = [MODULES_DIR]
    for part in (option or "").split(":"):
        part = part.strip()
        if part and Path(part).resolve() not in [p.resolve() for p in paths]:
            paths.append(Path(part))
    return [p for p in paths if p.is_dir()]


def activate_paths(paths: list[Path]) -> None:
    """Make the module folders importable (after the API directory)."""
    ensure_api_path()
    at = sys.path.index(str(API_DIR)) + 1
    for p in paths:
        if str(p) not in sys.path:
            sys.path.insert(at, str(p))
            at += 1
    foreign = any(p.resolve() != MODULES_DIR.resolve() for p in paths)
    if foreign and SYSTEM_SITE.is_dir() and str(SYSTEM_SITE) not in sys.path:
        sys.path.append(str(SYSTEM_SITE))
