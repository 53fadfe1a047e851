"""The mon's files import each other without cycles, no file in mon/ is over
500 lines, nothing in mon/ but its entry point imports the daemon shell, and
the command handlers and the router reach the mon through `mon.context`.

Every import counts: module level, inside functions, under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from pathlib import Path

MON = Path(__file__).resolve().parents[2] / "mon"


def module_name(path: Path) -> str:
    rel = path.relative_to(MON.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def mon_files() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(MON.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The mon modules ``path`` imports (``from mon import x`` counts as mon.x)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        out.update(n for n in names if n in known)
    return out


def graph() -> dict[str, set[str]]:
    files = mon_files()
    known = set(files)
    return {m: imports_of(p, known) - {m} for m, p in files.items()}


def find_cycle(g: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(g.get(m, ())):
            if state.get(n) == 1:
                return stack[stack.index(n) :] + [n]
            if n not in state and (c := visit(n)) is not None:
                return c
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(g):
        if m not in state and (c := visit(m)) is not None:
            return c
    return None


def test_the_graph_sees_imports() -> None:
    g = graph()
    assert "mon.daemon" in g["mon.__main__"]
    assert "mon.commands" in g["mon.ops"]
    assert find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]


def test_no_circular_imports_between_mon_files() -> None:
    assert find_cycle(graph()) is None


def test_only_the_entry_point_imports_the_daemon_shell() -> None:
    importers = sorted(m for m, deps in graph().items() if "mon.daemon" in deps)
    assert importers == ["mon.__main__"]


def test_handlers_and_router_are_typed_against_the_context() -> None:
    g = graph()
    shell = {"mon.daemon", "mon.monitor", "mon.ops", "mon.requests", "mon.commit"}
    seams = [m for m in g if m.startswith("mon.commands") or m in ("mon.requests", "mon.mon_map")]
    for m in seams:
        assert not g[m] & (shell - {m}), (m, g[m] & shell)
    assert "mon.context" in g["mon.requests"] and "mon.context" in g["mon.commands.table"]


def test_services_do_not_import_the_command_layer() -> None:
    g = graph()
    for m, deps in g.items():
        if m.startswith("mon.commands") or m in ("mon.ops", "mon.context", "mon.monitor"):
            continue
        if m in ("mon.daemon", "mon.commit", "mon.requests", "mon.__main__"):
            continue
        assert not any(d.startswith("mon.commands") for d in deps), m


def test_no_file_in_mon_is_over_500_lines() -> None:
    long = {m: n for m, p in mon_files().items() if (n := len(p.read_text().splitlines())) > 500}
    assert long == {}


def test_every_mon_file_has_a_docstring() -> None:
    missing = [
        m for m, p in mon_files().items() if ast.get_docstring(ast.parse(p.read_text())) is None
    ]
    assert missing == []
