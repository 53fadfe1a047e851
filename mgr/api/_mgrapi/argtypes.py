"""Python annotations <-> Ceph argument descriptors (ceph_argparse's CephArgtype role).

`to_argdesc` turns one annotated handler parameter into a descriptor token
(``name=num,type=CephInt``); `cast_to` converts a JSON command value to the
annotated Python type at call time. Rules (mgr_module.py / ceph_argparse.py):

- str/int/float/bool -> CephString/CephInt/CephFloat/CephBool;
- an Enum subclass -> CephChoices with ``strings=`` its values joined by ``|``;
- ``List[T]``/``Sequence[T]`` -> ``n=N``; ``Tuple[T, T]`` -> ``n=2``;
- ``Optional[T]`` or a Python default -> ``req=false``;
- an object with ``argdesc_params()`` (a CephArgtype-like instance) supplies
  its own type name and parameters.
"""

from __future__ import annotations

import collections.abc
import enum
import types
import typing
from typing import Any

_SIMPLE = {str: "CephString", int: "CephInt", float: "CephFloat", bool: "CephBool"}
_SEQUENCES = (list, collections.abc.Sequence, typing.Sequence, list)


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) is typing.Union or isinstance(tp, types.UnionType)


def _strip_optional(tp: Any) -> tuple[Any, bool]:
    """(T, True) for Optional[T] / T | None; (tp, False) otherwise."""
    if _is_union(tp):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0], True
    return tp, False


def is_bool_type(tp: Any) -> bool:
    inner, _ = _strip_optional(tp)
    return inner is bool


def _scalar(tp: Any, params: dict[str, str]) -> str:
    if tp in _SIMPLE:
        return _SIMPLE[tp]
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        params["strings"] = "|".join(str(m.value) for m in tp)
        return "CephChoices"
    describe = getattr(tp, "argdesc_params", None)
    if callable(describe):
        tname, extra = describe()
        params.update({str(k): str(v) for k, v in extra.items()})
        return str(tname)
    raise TypeError(f"cannot make a Ceph argument type from {tp!r}")


def to_argdesc(tp: Any, name: str, has_default: bool, positional: bool) -> str:
    """The descriptor token for one parameter (key order as Ceph emits it)."""
    inner, optional = _strip_optional(tp)
    req = not (optional or has_default)
    n: str | None = None
    origin = typing.get_origin(inner)
    if origin in _SEQUENCES:
        (inner,) = typing.get_args(inner) or (str,)
        n = "N"
    elif origin is tuple:
        targs = typing.get_args(inner)
        if not targs or any(a != targs[0] for a in targs):
            raise TypeError(f"{name}: only homogeneous tuples are supported")
        inner, n = targs[0], str(len(targs))
    params: dict[str, str] = {}
    tname = _scalar(inner, params)
    parts = [f"name={name}"]
    if not req:
        parts.append("req=false")
    if n is not None:
        parts.append(f"n={n}")
    if not positional:
        parts.append("positional=false")
    parts.extend(f"{k}={v}" for k, v in params.items())
    parts.append(f"type={tname}")
    return ",".join(parts)


def cast_to(tp: Any, value: Any) -> Any:
    """Convert a JSON command value to the annotated type (``tp(v)`` as Ceph does)."""
    inner, optional = _strip_optional(tp)
    if optional:
        return None if value is None else cast_to(inner, value)
    if inner in _SIMPLE:
        return inner(value)
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        return inner(value)
    origin = typing.get_origin(inner)
    if origin in _SEQUENCES:
        if value is None:
            return None
        (elem,) = typing.get_args(inner) or (str,)
        values = value if isinstance(value, list) else [value]
        return [cast_to(elem, v) for v in values]
    if origin is tuple:
        targs = typing.get_args(inner)
        return tuple(cast_to(targs[0], v) for v in value)
    caster = getattr(inner, "cast", None)
    if callable(caster):
        return caster(value)
    return value
