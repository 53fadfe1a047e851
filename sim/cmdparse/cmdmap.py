"""What the mon accepts as a command before any handler runs.

A command arrives as a map of names to values from any caller: the CLI, a
module's ``mon_command``, a raw client. Ceph's mon takes it in two steps, and
so does this file:

1. `cmdmap_error` is Ceph's ``cmdmap_from_json``: every value must be a
   string, a bool, an int64, a double, or a list of one of string, int or
   double. Anything else is refused as a whole, with the command in the text
   (``JSON array/object not allowed {…}``).
2. `field_error` is what Ceph's handlers' typed reads (``cmd_getval``) do
   with a value of the wrong type for its descriptor: ``bad or missing field
   'NAME'`` (EINVAL). Undeclared keys are ignored, as in Ceph.

Texts are real Ceph 16.2.15's, captured by sending raw commands to a mon
(``tests/data/ceph16/mon_cmdmap.jsonl``). Where Ceph's mon *aborts* (a
non-string ``prefix``, ``key`` or ``format``, a non-bool CephBool: its
message printer reads them as strings), the simulator answers ``bad or
missing field`` instead: no daemon dies of a bad command (docs/behaviour.md).

Pure: no I/O, no daemon state. Who may import it: `mon.commands` and the mgr's
`mgr.commands` (the mgr reads a command map as the mon does).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sim.cmdparse import CommandSig

INT_RANGE = (-(1 << 63), (1 << 64) - 1)  # json_spirit reads int64 and uint64
INT_TYPES = frozenset({"CephInt", "CephOsdName"})  # the CLI sends osd.N as N
FLOAT_TYPES = frozenset({"CephFloat"})
BOOL_TYPES = frozenset({"CephBool"})
ALWAYS_STRINGS = ("prefix", "format")  # read as strings by the mon itself

# json_spirit's value types, as its "value type is X not Y" message numbers them
_JTYPE = {dict: 0, list: 1, str: 2, bool: 3, int: 4, float: 5}


def _text(cmd: Mapping[str, Any]) -> str:
    return json.dumps(cmd, default=repr)


def _jtype(value: Any) -> int:
    return 6 if value is None else _JTYPE.get(type(value), 6)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def cmdmap_error(cmd: Mapping[str, Any]) -> str | None:
    """Why ``cmd`` is not a command map at all (Ceph's texts), or None."""
    for value in cmd.values():
        if isinstance(value, bool | str | float):
            continue
        if _is_int(value):
            if not INT_RANGE[0] <= value <= INT_RANGE[1]:
                return f"unparseable JSON {_text(cmd)}"
            continue
        if isinstance(value, list | tuple):
            error = _array_error(list(value))
            if error:
                return error
            continue
        return f"JSON array/object not allowed {_text(cmd)}"
    return None


def _array_error(values: list[Any]) -> str | None:
    if not values:
        return None
    first = values[0]
    if isinstance(first, str):
        if not all(isinstance(v, str) for v in values):
            return "Can't handle arrays of multiple types"
        return None
    if _is_int(first):
        bad = next((v for v in values if not _is_int(v)), None)
        return None if bad is None else f"value type is {_jtype(bad)} not 4"
    if isinstance(first, float):
        bad = next((v for v in values if not (isinstance(v, float) or _is_int(v))), None)
        return None if bad is None else f"value type is {_jtype(bad)} not 5"
    return "Can't handle arrays of types other than int, string, or double"


def _fits(argtype: str, value: Any) -> bool:
    if argtype in INT_TYPES:
        return _is_int(value)
    if argtype in FLOAT_TYPES:
        return isinstance(value, float)  # json_spirit keeps 1 and 1.0 apart
    if argtype in BOOL_TYPES:
        return isinstance(value, bool)
    return isinstance(value, str)


def field_error(sig: CommandSig, cmd: Mapping[str, Any]) -> str | None:
    """The first declared argument whose value has the wrong type, or None."""
    for key in ALWAYS_STRINGS:
        if key in cmd and not isinstance(cmd[key], str):
            return f"bad or missing field '{key}'"
    for arg in sig.args:
        if arg.name not in cmd:
            continue
        value = cmd[arg.name]
        if arg.n is None:
            ok = _fits(arg.type, value)
        else:
            ok = isinstance(value, list | tuple) and all(_fits(arg.type, v) for v in value)
        if not ok:
            return f"bad or missing field '{arg.name}'"
    return None
