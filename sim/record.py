"""Records: classes declared as dataclasses are, whose methods are not generated.

``class Hello(Record)`` with annotated fields behaves as ``@dataclass(frozen=True)``
would make it: ``__init__`` by position or keyword with defaults and
``default_factory``, ``__post_init__``, frozen attributes, equality, hash, repr
and ``__match_args__``, fields inherited from record bases first; `fields`,
`replace` and `asdict` are the dataclass functions of the same names.
``class Spec(Record, frozen=False)`` is a mutable one (unhashable, as a
dataclass with ``eq`` is). Type checkers see dataclasses
(``dataclass_transform``).

Why not `dataclasses` itself: the one-shot CLI (``python -m sim ceph …``) is a
short process, and importing `dataclasses` (it imports `inspect`, `ast`, `dis`,
`tokenize`) and building the eleven dataclasses one ``mgr stat`` meets cost it
about a fifth of its instructions (docs/cli.md, "Start-up time"). Here a class
costs the reading of its annotations, and each method exists once, in `Record`.
The price is in `__init__`, a loop instead of generated code (about 1 µs more
per instance). tests/unit/test_record.py holds every behaviour to a real
dataclass's.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any, ClassVar

_MISSING: Any = type("MISSING", (), {"__repr__": lambda _self: "MISSING"})()


class FrozenInstanceError(AttributeError):
    """An assignment to a field of a frozen record (as dataclasses')."""


class Field:
    """One field: what ``dataclasses.Field`` holds."""

    __slots__ = ("name", "type", "default", "default_factory", "init", "repr", "compare", "hash")

    def __init__(
        self,
        default: Any = _MISSING,
        default_factory: Callable[[], Any] | None = None,
        init: bool = True,
        repr: bool = True,  # noqa: A002 (dataclasses' name)
        compare: bool = True,
        hash: bool | None = None,  # noqa: A002
    ) -> None:
        if default is not _MISSING and default_factory is not None:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.type: Any = None  # the annotation as written (a string, as modules postpone them)
        self.default, self.default_factory = default, default_factory
        self.init, self.repr, self.compare, self.hash = init, repr, compare, hash

    @property
    def required(self) -> bool:
        return self.default is _MISSING and self.default_factory is None

    def make_default(self) -> Any:
        return self.default if self.default_factory is None else self.default_factory()

    @property
    def hashed(self) -> bool:
        return self.compare if self.hash is None else self.hash

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r})"


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] | None = None,
    init: bool = True,
    repr: bool = True,  # noqa: A002
    compare: bool = True,
    hash: bool | None = None,  # noqa: A002
) -> Any:
    """A field's options, as ``dataclasses.field``."""
    return Field(default, default_factory, init, repr, compare, hash)


def _is_classvar(annotation: object) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or typing.get_origin(annotation) is ClassVar


@typing.dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
class Record:
    """The base of records (see the module's docstring)."""

    __slots__ = ()
    __record_fields__: ClassVar[tuple[Field, ...]] = ()
    __record_init__: ClassVar[tuple[Field, ...]] = ()
    __record_frozen__: ClassVar[bool] = True
    __match_args__: ClassVar[tuple[str, ...]] = ()
    __record_post_init__: ClassVar[Callable[[Any], None] | None] = None

    def __init_subclass__(cls, frozen: bool | None = None, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        found = {f.name: f for f in cls.__record_fields__}  # bases' first, in order
        for name, annotation in cls.__dict__.get("__annotations__", {}).items():
            if _is_classvar(annotation):
                continue
            value = cls.__dict__.get(name, _MISSING)
            f = value if isinstance(value, Field) else Field(default=value)
            f.name, f.type = name, annotation
            if f.default is not _MISSING and type(f.default).__hash__ is None:
                raise ValueError(  # as dataclasses: one list shared by every instance
                    f"mutable default {type(f.default)} for field {name} is not allowed: "
                    "use default_factory"
                )
            if isinstance(value, Field):  # the class attribute is the default, as dataclasses do
                if f.default is _MISSING:
                    delattr(cls, name)
                else:
                    setattr(cls, name, f.default)
            found[name] = f  # a redeclared field keeps its place
        fields = tuple(found.values())
        init = tuple(f for f in fields if f.init)
        for before, after in zip(init, init[1:], strict=False):
            if after.required and not before.required:
                raise TypeError(f"non-default argument {after.name!r} follows default argument")
        cls.__record_fields__, cls.__record_init__ = fields, init
        cls.__match_args__ = tuple(f.name for f in init)  # type: ignore[misc]
        cls.__record_post_init__ = getattr(cls, "__post_init__", None)
        if frozen is not None:
            cls.__record_frozen__ = frozen
        if not cls.__record_frozen__:
            cls.__hash__ = None  # type: ignore[assignment]  # mutable and compared: unhashable

    def __init__(self, *args: Any, **kw: Any) -> None:
        init, values = self.__record_init__, self.__dict__
        if len(args) > len(init):
            raise TypeError(_too_many(type(self), len(args)))
        for f, value in zip(init, args, strict=False):
            values[f.name] = value
        missing = []
        for f in init[len(args) :]:
            value = kw.pop(f.name, _MISSING)
            if value is _MISSING:
                if f.required:
                    missing.append(f.name)
                    continue
                value = f.make_default()
            values[f.name] = value
        if kw or missing:
            raise TypeError(_bad_arguments(type(self), kw, missing))
        if len(init) < len(self.__record_fields__):  # fields without init: their defaults
            for f in self.__record_fields__:
                if not f.init and not f.required:
                    values[f.name] = f.make_default()
        if self.__record_post_init__ is not None:
            self.__record_post_init__()

    def __setattr__(self, name: str, value: Any) -> None:
        if self.__record_frozen__:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if self.__record_frozen__:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        object.__delattr__(self, name)

    def _compared(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f.name) for f in self.__record_fields__ if f.compare)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, f.name) for f in self.__record_fields__ if f.hashed))

    def __repr__(self) -> str:
        shown = (f"{f.name}={getattr(self, f.name)!r}" for f in self.__record_fields__ if f.repr)
        return f"{self.__class__.__qualname__}({', '.join(shown)})"


def _too_many(cls: type[Record], given: int) -> str:
    """What Python says of a generated ``__init__`` given too many positional arguments."""
    init = cls.__record_init__
    least = sum(1 for f in init if f.required)
    takes = f"{len(init) + 1}" if least == len(init) else f"from {least + 1} to {len(init) + 1}"
    return f"{cls.__qualname__}.__init__() takes {takes} positional arguments but {given + 1} were given"


def _bad_arguments(cls: type[Record], unknown: dict[str, Any], missing: list[str]) -> str:
    """... an unknown or repeated keyword, or missing arguments."""
    where = f"{cls.__qualname__}.__init__()"
    if unknown:
        name = next(iter(unknown))
        if any(f.name == name for f in cls.__record_init__):
            return f"{where} got multiple values for argument {name!r}"
        return f"{where} got an unexpected keyword argument {name!r}"
    names = [repr(n) for n in missing]
    listed = (
        names[0]
        if len(names) == 1
        else ", ".join(names[:-1]) + ("," if len(names) > 2 else "") + " and " + names[-1]
    )
    plural = "s" if len(names) > 1 else ""
    return f"{where} missing {len(names)} required positional argument{plural}: {listed}"


_R = typing.TypeVar("_R", bound=Record)


def fields(record: Record | type[Record]) -> tuple[Field, ...]:
    """Its fields, in order (``dataclasses.fields``)."""
    return record.__record_fields__


def replace(record: _R, **changes: Any) -> _R:
    """A copy with ``changes`` (``dataclasses.replace``: init fields only)."""
    for f in record.__record_fields__:
        if not f.init:
            if f.name in changes:
                raise ValueError(
                    f"field {f.name} is declared with init=False, "
                    "it cannot be specified with replace()"
                )
        elif f.name not in changes:
            changes[f.name] = getattr(record, f.name)
    return type(record)(**changes)


def asdict(record: Record) -> dict[str, Any]:
    """Its fields as a dict, values deep-copied and records inside made dicts too
    (``dataclasses.asdict``)."""
    import copy  # here: only writers of records pay for it

    def value(v: Any) -> Any:
        if isinstance(v, Record):
            return {f.name: value(getattr(v, f.name)) for f in v.__record_fields__}
        if isinstance(v, dict):
            return type(v)((value(k), value(x)) for k, x in v.items())
        if isinstance(v, (list, tuple)) and not hasattr(v, "_fields"):
            return type(v)(value(x) for x in v)
        return copy.deepcopy(v)

    return value(record)
