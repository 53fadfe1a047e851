"""The module API directory imports nothing of the simulator.

import-linter (`.ci/lint-imports`) checks the package `_mgrapi`; the API's
top-level single-file modules (``mgr_module``, ``ceph_module`` …) cannot be
its roots, so this reads every file of ``mgr/api`` for its imports, those
inside functions and ``TYPE_CHECKING`` blocks included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

API_DIR = Path(__file__).resolve().parents[2] / "mgr" / "api"
SIMULATOR = {"sim", "mon", "mgr"}


def imported_roots(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name.split(".")[0]) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


API_FILES = sorted(API_DIR.rglob("*.py"))


def test_the_api_directory_has_its_files() -> None:
    names = {p.name for p in API_FILES}
    assert {"mgr_module.py", "mgr_testing.py", "clusterdata.py"} <= names
    assert (API_DIR.parent / "native" / "ceph_module.py").is_file()  # the simulated C++ side


@pytest.mark.parametrize("path", API_FILES, ids=lambda p: str(p.relative_to(API_DIR)))
def test_an_api_file_imports_nothing_of_the_simulator(path: Path) -> None:
    bad = [f"line {n}: {root}" for n, root in imported_roots(path) if root in SIMULATOR]
    assert not bad, f"{path.relative_to(API_DIR)} imports the simulator: {bad}"


NATIVE_DIR = API_DIR.parent / "native"
OPTION_SEAM = NATIVE_DIR / "_simnative" / "options.py"
RADOS_SEAM = NATIVE_DIR / "_simnative" / "rados_client.py"  # librados: the simulator's client
SEAMS = {OPTION_SEAM: "sim.options", RADOS_SEAM: "sim.rados"}


@pytest.mark.parametrize(
    "path", sorted(NATIVE_DIR.rglob("*.py")), ids=lambda p: str(p.relative_to(NATIVE_DIR))
)
def test_the_native_side_reaches_the_simulator_only_through_its_option_seam(path: Path) -> None:
    """The simulated C++ imports nothing of the simulator but the one option
    schema, and only in ``_simnative/options.py`` (the module API's seam to it),
    and the RADOS client, only in ``_simnative/rados_client.py`` (librados)."""
    tree = ast.parse(path.read_text(), str(path))
    modules = [
        (n.lineno, a.name) for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    ] + [
        (n.lineno, n.module)
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and n.module and not n.level
    ]
    reached = [(n, m) for n, m in modules if m.split(".")[0] in SIMULATOR]
    if path in SEAMS:
        assert reached and all(m.startswith(SEAMS[path]) for _, m in reached), reached
    else:
        assert not reached, f"{path.relative_to(NATIVE_DIR)} imports the simulator: {reached}"
