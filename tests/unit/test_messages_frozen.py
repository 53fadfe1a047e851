"""Messages compare, hash and print as the frozen dataclasses they declare
(`sim.record.Record`, which defines equality, hash and repr once): a real
dataclass made from the same fields is the reference."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from sim import record
from sim.messages import Envelope, Message, MsgType, Ping, Pong
from sim.replay import UNROUTED
from tests.unit.test_wire import SAMPLES


def reference(msg: Message) -> object:
    """The same value as an instance of ``@dataclass(frozen=True)``."""
    fields = record.fields(msg)
    ref = dataclasses.make_dataclass(
        type(msg).__qualname__,
        [
            (f.name, object, dataclasses.field(compare=f.compare, hash=f.hash, repr=f.repr))
            for f in fields
        ],  # fmt: skip
        frozen=True,
    )
    return ref(**{f.name: getattr(msg, f.name) for f in fields})


@pytest.mark.parametrize("msg", SAMPLES, ids=lambda m: type(m).__name__)
def test_repr_equality_and_hash_are_a_dataclasses(msg: Message) -> None:
    assert repr(msg) == repr(reference(msg))
    same = record.replace(msg)
    assert same == msg and (same != msg) is False and same is not msg
    try:
        expected = hash(reference(msg))
    except TypeError:  # a dict or list field: unhashable, as a dataclass is
        with pytest.raises(TypeError):
            hash(msg)
    else:
        assert hash(msg) == expected == hash(same)
    with pytest.raises(record.FrozenInstanceError):
        setattr(msg, record.fields(msg)[0].name, None)


def test_other_values_and_classes_differ() -> None:
    assert Ping(stamp=1.0) != Ping(stamp=2.0)
    assert Ping() != Pong() and Ping().__eq__(Pong()) is NotImplemented
    a = Envelope(MsgType.PING, "a", "f", 1, Ping())
    # the route takes no part in equality (nor in the hash)
    b = record.replace(a, route=UNROUTED)
    assert a == b and hash(a) == hash(b) and a != record.replace(a, tid=2)


def test_wire_types_read_off_the_annotations_are_typings() -> None:
    """The annotations' text gives what `typing.get_type_hints` would, for every message."""
    from sim.messages import _PY_TYPES, _REGISTRY, _written_types

    for cls in _REGISTRY.values():
        hints = typing.get_type_hints(cls)
        expected = {
            f.name: _PY_TYPES.get(typing.get_origin(hints[f.name]) or hints[f.name], (object,))
            for f in record.fields(cls)
        }
        assert _written_types(cls) == expected, cls.__name__


def test_an_annotation_that_is_not_a_plain_type_is_left_to_typing() -> None:
    from sim.messages import _field_types, _written_types

    class Odd(Message):  # no TYPE: not registered
        stamp: float | None = None
        n: dict[str, int] = record.field(default_factory=dict)

    assert _written_types(Odd) is None
    assert _field_types(Odd) == {"stamp": (object,), "n": (dict,)}
