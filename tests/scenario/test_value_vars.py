"""A value variable (``remember`` binds text) compares with observed numbers
as the number it holds: equality and the ordering matchers."""

from __future__ import annotations

from pathlib import Path

from sim.scenario import loader
from sim.scenario.matchers import Matcher, Var


def test_a_value_variable_compares_as_a_number() -> None:
    vs = {"epoch": "2", "name": "mgr.x"}
    assert Matcher((("eq", Var("epoch")),)).test(2, vs)
    assert not Matcher((("not", Var("epoch")),)).test(2, vs)
    assert Matcher((("gt", Var("epoch")),)).test(3, vs)
    assert not Matcher((("gt", Var("epoch")),)).test(2, vs)
    assert Matcher((("le", Var("epoch")),)).test(2.0, vs)
    assert not Matcher((("gt", Var("name")),)).test(3, vs)  # not a number: never ordered
    assert Matcher((("eq", Var("name")),)).test("mgr.x", vs)
    assert not Matcher((("eq", "2"),)).test(2, vs)  # a literal string stays a string


def test_ordering_matchers_take_a_variable(tmp_path: Path) -> None:
    text = (
        "about: v\ncluster: {mgrs: 1}\nsteps:\n"
        "  - remember: {r: {mgr.x: beacons_sent}}\n"
        "  - expect: {mgr.x: {beacons_sent: {gt: $r}}}\n"
    )
    sc = loader.load_text(text, str(tmp_path / "v.yaml"), tmp_path)
    assert len(sc.steps) == 2
