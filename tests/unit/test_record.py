"""`sim.record.Record` behaves as the dataclass its body declares: each class here
is declared twice from one body, as a `Record` and with ``@dataclass``, and every
behaviour is compared, error messages included."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import pytest

from sim import record


def both(frozen: bool = True) -> tuple[dict[str, type], dict[str, type]]:
    """The same classes, as records and as dataclasses."""

    def make(kind: str) -> dict[str, type]:
        if kind == "record":
            fld: Any = record.field
            base: Any = record.Record

            def finish(cls: type) -> type:
                return cls

            kw = {} if frozen else {"frozen": False}
        else:
            fld, base, kw = dataclasses.field, object, {}

            def finish(cls: type) -> type:
                return dataclasses.dataclass(frozen=frozen)(cls)

        class Point(base, **kw):
            """A point."""

            KIND: ClassVar[str] = "point"
            x: int
            y: int = 0
            tags: list = fld(default_factory=list)
            note: str = fld(default="", compare=False, repr=False)

        Point = finish(Point)

        class Tagged(Point):
            """A point with a label and a cached length."""

            label: str = "p"
            y: int = 5  # redeclared: keeps its place, new default
            length: int = fld(default=0, init=False, repr=False, compare=False, hash=False)

            def __post_init__(self) -> None:
                object.__setattr__(self, "length", len(self.label))

        Tagged = finish(Tagged)
        return {"Point": Point, "Tagged": Tagged}

    return make("record"), make("dataclass")


def outcome(fn: Any) -> Any:
    """What calling ``fn`` gives: its value's repr, or the exception's type and text."""
    try:
        return ("ok", repr(fn()))
    except Exception as exc:  # compared as a pair: type name and message
        return (type(exc).__name__.replace("FrozenInstanceError", "Frozen"), str(exc))


CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("Point", (1,), {}),
    ("Point", (1, 2, ["a"]), {"note": "n"}),
    ("Point", (), {"x": 1, "y": 2}),
    ("Point", (), {}),
    ("Point", (), {"y": 1, "tags": []}),
    ("Point", (1, 2, [], "n", 5), {}),
    ("Point", (1,), {"x": 2}),
    ("Point", (1,), {"z": 2}),
    ("Tagged", (1, 2, [], "", "abc"), {}),
    ("Tagged", (1,), {"length": 3}),
    ("Tagged", (), {"label": "xy", "x": 3}),
]


@pytest.mark.parametrize("frozen", [True, False])
@pytest.mark.parametrize(("name", "args", "kw"), CALLS)
def test_init_repr_and_errors_as_a_dataclass(
    frozen: bool, name: str, args: tuple[Any, ...], kw: dict[str, Any]
) -> None:
    rec, ref = both(frozen)
    assert outcome(lambda: rec[name](*args, **kw)) == outcome(lambda: ref[name](*args, **kw))


@pytest.mark.parametrize("frozen", [True, False])
def test_equality_hash_fields_replace_asdict(frozen: bool) -> None:
    rec, ref = both(frozen)
    for name, make in [
        ("Point", lambda c: c(1, 2, note="a")),
        ("Tagged", lambda c: c(1, label="ab")),
    ]:
        a, b = make(rec[name]), make(ref[name])
        assert [(f.name, f.type) for f in record.fields(a)] == [
            (f.name, f.type) for f in dataclasses.fields(b)
        ]
        assert a.__match_args__ == b.__match_args__
        assert record.asdict(a) == dataclasses.asdict(b)
        assert record.asdict(a)["tags"] is not a.tags  # a copy
        assert outcome(lambda a=a: record.replace(a, y=9)) == outcome(
            lambda b=b: dataclasses.replace(b, y=9)
        )
        assert outcome(lambda a=a: record.replace(a, length=1)) == outcome(
            lambda b=b: dataclasses.replace(b, length=1)
        )
        assert (a == record.replace(a, note="other")) == (b == dataclasses.replace(b, note="other"))
        assert (a == record.replace(a, x=7)) is (b == dataclasses.replace(b, x=7)) is False
        assert outcome(lambda a=a: hash(a)) == outcome(lambda b=b: hash(b))  # lists: unhashable
        assert outcome(lambda a=a: setattr(a, "x", 3)) == outcome(lambda b=b: setattr(b, "x", 3))
        assert outcome(lambda a=a: delattr(a, "x")) == outcome(lambda b=b: delattr(b, "x"))
        assert a.KIND == "point" and "KIND" not in [f.name for f in record.fields(a)]
    assert (
        rec["Point"](1) != rec["Tagged"](1)
        and rec["Point"](1).__eq__(rec["Tagged"](1)) is NotImplemented
    )
    assert rec["Tagged"](1).tags is not rec["Tagged"](1).tags  # a factory per instance


def test_hash_of_a_hashable_frozen_record_is_a_dataclass_s() -> None:
    @dataclasses.dataclass(frozen=True)
    class Ref:
        a: int
        b: str = "x"
        c: float = dataclasses.field(default=0.0, hash=False)
        d: int = dataclasses.field(default=0, compare=False)

    class Rec(record.Record):
        a: int
        b: str = "x"
        c: float = record.field(default=0.0, hash=False)
        d: int = record.field(default=0, compare=False)

    assert hash(Rec(1, "y", 2.0, 3)) == hash(Ref(1, "y", 2.0, 3))
    assert Rec(1, d=5) == Rec(1, d=6) and Rec(1, c=1.0) != Rec(1, c=2.0)


def test_declaration_errors_as_dataclasses() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):

        class Bad(record.Record):
            a: int = 0
            b: int

    with pytest.raises(ValueError) as ours:

        class Shared(record.Record):
            items: list = []  # noqa: RUF012

    with pytest.raises(ValueError) as theirs:

        @dataclasses.dataclass
        class SharedRef:
            items: list = []  # noqa: RUF012

    assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError, match="cannot specify both default and default_factory"):
        record.field(default=1, default_factory=list)
