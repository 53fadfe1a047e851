"""The embedded API has every public name of the newest release's ``mgr_module``
(20.2's, read with ``ast`` from the fetched tree, never imported), except the
few listed in NOT_FOLLOWED with the reason; docs/releases.md, "The embedded
API and the newest release". Without the 20.2 tree this skips (fails with CI)."""

from __future__ import annotations

import ast
from pathlib import Path

import mgr_module

from tests.release.test_stock_selftest import release_tree

NEWEST = "20.2"
# 20.2 names the embedded API does not have, and why
NOT_FOLLOWED = {
    "MgrModule.cephfs": "no CephFS client here (libcephfs stand-in refuses I/O, issue 12)",
    "MgrModule.send_rgwadmin_command": "no radosgw-admin (no RGW)",
    "OSDMap.balance_primaries": "the simulated OSDMap has no primary balancer",
    "MgrRootHandler": "the embedded API keeps module logs on each module's own logger",
    "API.DecoratorFactory": "API.expose / API.perm are made by a private factory",
}


def public_surface(path: Path) -> set[str]:
    """``Name`` for module-level names, ``Class.member`` for class members
    (inherited from classes of the same file), public ones only."""
    tree = ast.parse(path.read_text())
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}

    def members(name: str) -> set[str]:
        node = classes[name]
        out: set[str] = set()
        for base in node.bases:
            if isinstance(base, ast.Name) and base.id in classes:
                out |= members(base.id)
        for n in node.body:
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                out.add(n.name)
            elif isinstance(n, ast.Assign):
                out |= {t.id for t in n.targets if isinstance(t, ast.Name)}
            elif isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name):
                out.add(n.target.id)
        return out

    names: set[str] = set()
    for n in tree.body:
        if isinstance(n, ast.FunctionDef | ast.ClassDef):
            names.add(n.name)
        elif isinstance(n, ast.Assign):
            names |= {t.id for t in n.targets if isinstance(t, ast.Name)}
    names |= {f"{c}.{m}" for c in classes for m in members(c)}
    return {n for n in names if not any(part.startswith("_") for part in n.split("."))}


def test_embedded_api_has_the_newest_release_public_names() -> None:
    surface = public_surface(release_tree(NEWEST) / "mgr_module.py")
    assert "MgrModule.get_perf_counters" in surface  # the reader sees the file
    missing = set()
    for name in sorted(surface):
        owner, _, member = name.partition(".")
        obj = getattr(mgr_module, owner, None)
        if owner in NOT_FOLLOWED:
            continue  # a class left out: its members too
        if obj is None or (member and not hasattr(obj, member)):
            missing.add(name)
    want = {n for n in NOT_FOLLOWED if n.partition(".")[0] not in NOT_FOLLOWED}
    assert missing == want, f"20.2 names the embedded API lacks: {missing}"
