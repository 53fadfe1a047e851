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
