"""Where the module API and the modules live, and putting them on ``sys.path``.

- `API_DIR` (``mgr/api``) holds our embedded ``mgr_module``,
  ``object_format``, ``mgr_util`` and ``mgr_testing``; modules import them
  as top-level names, exactly as in ceph-mgr.
- `NATIVE_DIR` (``mgr/native``) is the simulated C++: ``ceph_module`` and
  the ``rados``/``cephfs``/``rbd`` stand-ins. It is on the path in both
  modes, right after the API.
- With a Ceph release tree (``--ceph-python DIR``, `use_ceph_tree`) DIR
  takes the API's place: Ceph's own ``mgr_module`` etc., then the native
  dir, then the release's ``ceph``/``ceph_argparse`` packages. The host's
  own helpers already imported from ``_mgrapi`` stay loaded; the embedded
  API's top-level names are dropped so no module sees them.
- `module_paths` is ``mgr_module_path``: the folders of the
  ``mgr_module_path`` option (colon-separated, e.g. ``/usr/share/ceph/mgr``)
  first, then the Ceph tree in use (its stock modules), then the shipped
  ``modules/`` (`sim.resources`) (a user's module of the same name wins;
  issue 11). A name found in two folders is taken from the first.
- Stock modules import third-party packages (``prettytable``, ``cherrypy``
  …) that Debian installs for its system interpreter. When a folder outside
  the repository is configured, the system's ``dist-packages`` is appended to
  the *end* of ``sys.path`` (our own environment wins), as ceph-mgr runs on
  that interpreter.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mgr.host import namespaces
from sim.resources import modules_dir

REPO = Path(__file__).resolve().parents[2]
API_DIR = REPO / "mgr" / "api"
NATIVE_DIR = REPO / "mgr" / "native"
MODULES_DIR = modules_dir()
SYSTEM_SITE = Path(f"/usr/lib/python{sys.version_info.major}/dist-packages")
# the embedded API's importable names, hidden when a Ceph tree is used
EMBEDDED_NAMES = ("mgr_module", "mgr_util", "object_format", "mgr_testing")
_ceph_tree: Path | None = None


def ensure_api_path() -> None:
    """Put the API directory and the native dir first on ``sys.path`` (idempotent)."""
    if _ceph_tree is not None:
        return
    for d in (NATIVE_DIR, API_DIR):
        if str(d) not in sys.path:
            sys.path.insert(0, str(d))


def ceph_tree() -> Path | None:
    """The Ceph release tree in use (None: the embedded API)."""
    return _ceph_tree


def release_site(tree: Path) -> list[Path]:
    """Where the release's ``ceph`` package and ``ceph_argparse`` are, beside the tree:
    a Debian layout (``<root>/usr/share/ceph/mgr`` → ``<root>/usr/lib/python3/dist-packages``)
    or a Ceph checkout (``src/pybind/mgr`` → ``src/pybind`` and ``src/python-common``)."""
    tree = tree.resolve()
    candidates = [
        tree.parents[2] / "lib" / "python3" / "dist-packages" if len(tree.parents) > 2 else tree,
        tree.parent,
        tree.parent.parent / "python-common",
    ]
    found = []
    for c in candidates:
        if (c / "ceph_argparse.py").is_file() or (c / "ceph" / "__init__.py").is_file():
            found.append(c)
    return found


def use_ceph_tree(tree: Path) -> None:
    """Switch this process to a Ceph release tree (before any module is loaded)."""
    global _ceph_tree
    tree = Path(tree).resolve()
    if not (tree / "mgr_module.py").is_file():
        raise FileNotFoundError(f"{tree} holds no mgr_module.py (expected Ceph's src/pybind/mgr)")
    _ceph_tree = tree
    for d in (API_DIR, NATIVE_DIR):
        while str(d) in sys.path:
            sys.path.remove(str(d))
    for name in EMBEDDED_NAMES:
        sys.modules.pop(name, None)
    for i, d in enumerate([tree, NATIVE_DIR, *release_site(tree)]):
        sys.path.insert(i, str(d))


def module_paths(option: str | None) -> list[Path]:
    """The module folders, in search order (missing folders are dropped): the
    configured ones, then the repository's ``modules/``."""
    paths: list[Path] = []
    for part in (option or "").split(":"):
        part = part.strip()
        if part and Path(part).resolve() not in [p.resolve() for p in paths]:
            paths.append(Path(part))
    for implied in ([_ceph_tree] if _ceph_tree is not None else []) + [MODULES_DIR]:
        if implied.resolve() not in [p.resolve() for p in paths]:
            paths.append(implied)
    return [p for p in paths if p.is_dir()]


# the simulator and what it runs on: one copy for the host and every module
SHARED_NAMES = ("sim", "mon", "mgr", "_mgrapi", "zmq", "msgpack", "psutil", "yaml")


def namespace_policy(paths: list[Path]) -> namespaces.Policy:
    """What each module gets a private copy of (`mgr.host.namespaces`): with
    the embedded API its module folders (the API keeps its registries per
    module class); with a Ceph tree everything but the standard library, the
    simulated C++ (`NATIVE_DIR`) and `SHARED_NAMES`, as each Ceph
    sub-interpreter imports them anew (``logging`` included)."""
    if _ceph_tree is None:
        return namespaces.folder_policy(paths)
    native = [
        p.stem for p in NATIVE_DIR.iterdir() if p.suffix == ".py" or (p / "__init__.py").is_file()
    ]
    return namespaces.release_policy([*SHARED_NAMES, *native])


def activate_paths(paths: list[Path]) -> None:
    """Make the module folders importable (after the API and native directories)."""
    ensure_api_path()
    anchor = str(_ceph_tree) if _ceph_tree is not None else str(API_DIR)
    at = sys.path.index(anchor) + 2
    for p in paths:
        if str(p) not in sys.path:
            sys.path.insert(at, str(p))
            at += 1
    foreign = _ceph_tree is not None or any(p.resolve() != MODULES_DIR.resolve() for p in paths)
    if foreign and SYSTEM_SITE.is_dir() and str(SYSTEM_SITE) not in sys.path:
        sys.path.append(str(SYSTEM_SITE))
