"""Explicit registries: each table is complete in a fresh interpreter that
imports nothing but the table's own module (no test can pass because another
test happened to import a module), and it names every class of its kind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# (registry module, table, modules defining the classes, base class, the key attribute)
REGISTRIES = [
    (
        "sim.scenario.steps",
        "STEPS",
        ["checks", "faults", "links", "monmap", "narration", "nemesis"],
        "sim.scenario.steps.base:Step",
        "keyword",
    ),
    (
        "sim.scenario.subjects",
        "SUBJECTS",
        ["sim.scenario.clauses", "sim.scenario.clauses_io", "sim.scenario.clauses_cluster"],
        "sim.scenario.conditions:Clause",
        "subject",
    ),
    ("sim.scenario.invariants", "INVARIANTS", [], "sim.scenario.invariants:Invariant", "name"),
]

FRESH = """
import json, sys
import {module} as reg
assert not any(m in sys.modules for m in {absent!r}), "imported too early"
print(json.dumps(sorted(getattr(reg, {table!r}))))
"""

DEFINED = """
import importlib, inspect, json
base_mod, base_name = {base!r}.split(":")
base = getattr(importlib.import_module(base_mod), base_name)
keys = set()
for name in {modules!r} or [base_mod]:
    mod = importlib.import_module(name if "." in name else {module!r} + "." + name)
    for _, cls in inspect.getmembers(mod, inspect.isclass):
        if issubclass(cls, base) and cls.__dict__.get({attr!r}):
            keys.add(getattr(cls, {attr!r}))
print(json.dumps(sorted(keys)))
"""


def run(code: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    found: list[str] = json.loads(out.stdout)
    return found


@pytest.mark.parametrize(("module", "table", "modules", "base", "attr"), REGISTRIES)
def test_a_registry_is_complete_on_its_own(
    module: str, table: str, modules: list[str], base: str, attr: str
) -> None:
    # the test process itself must not have filled anything in: nothing is imported here
    fresh = run(FRESH.format(module=module, table=table, absent=["pytest", "tests"]))
    defined = run(DEFINED.format(module=module, modules=modules, base=base, attr=attr))
    assert fresh, f"{module}.{table} is empty"
    assert fresh == defined, f"{module}.{table} misses {sorted(set(defined) - set(fresh))}"
