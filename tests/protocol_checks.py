"""Run-time check that a test fake implements a `typing.Protocol` (mypy checks the
types where the fake is passed as one; this checks the members exist, and that each
method takes the protocol's parameters), for ``test_fake_protocols*.py``."""

from __future__ import annotations

import inspect
from typing import Any, Protocol


def protocol_members(proto: type) -> dict[str, Any]:
    """Every member a protocol (and the protocols it extends) declares: name -> the
    declaration (a function, a property, or None for an annotated attribute)."""
    members: dict[str, Any] = {}
    for klass in reversed(proto.__mro__):
        if klass in (object, Protocol) or not getattr(klass, "_is_protocol", False):
            continue
        for name in getattr(klass, "__annotations__", {}):
            members.setdefault(name, None)
        for name, value in vars(klass).items():
            if not name.startswith("_") and (callable(value) or isinstance(value, property)):
                members[name] = value
    return members


def _params(fn: Any) -> list[tuple[str, Any]]:
    params = list(inspect.signature(fn).parameters.values())
    if params and params[0].name == "self":
        params = params[1:]
    return [(p.name, p.kind) for p in params]


def missing_members(proto: type, obj: object) -> list[str]:
    """What ``obj`` lacks of ``proto``: absent members, and methods whose
    parameters differ from the protocol's (names and kinds, in order)."""
    gaps = []
    for name, decl in sorted(protocol_members(proto).items()):
        try:  # static: a fake's property may refuse to be read (it is not expected to be)
            have = inspect.getattr_static(obj, name)
        except AttributeError:
            gaps.append(f"{name}: missing")
            continue
        if inspect.isfunction(decl):
            have = getattr(have, "__func__", have)
            if not callable(have):
                gaps.append(f"{name}: not callable")
            elif _params(have) != _params(decl):
                gaps.append(f"{name}: takes {_params(have)}, the protocol {_params(decl)}")
    return gaps
