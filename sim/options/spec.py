"""`OptionSpec`: one option of Ceph's schema (common/options.h ``Option``), plus how the simulator uses it.

One frozen dataclass serves every reader: the mon's ``config set`` /
``config help``, the mgr's ``get_ceph_option`` and module options, the
launcher's ``--set`` and the scenario loader. The Ceph fields are facts of a
release (`sim.options.ceph16` has a subset of 16.2's; `from_help_record`
builds one from a ``ceph config help -f json`` record); the two simulator
fields say whether and how the simulator's daemons act on it:

- ``sim``: the Python type the simulator's daemons read the value as
  (``float`` for timings even where Ceph's type is ``int``, so the fast
  profile can use fractions of a second); None: the simulator does not act
  on the option (it is still stored, shown and validated).
- ``fast``: the value in the fast profile (None: Ceph's default).

The Ceph fields keep the names of ``config help -f json`` (``enum_values``;
``flags`` as bits). Imports only `sim.options.types` and the one parser
(`sim.options.values`); pure data and functions.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.options.types import (
    ALL_TYPES,
    CEPH_LEVELS,
    FLAG_CLUSTER_CREATE,
    FLAG_CREATE,
    FLAG_MGR,
    FLAG_NAMES,
    FLAG_RUNTIME,
    FLAG_STARTUP,
    INT_TYPES,
    NUMERIC_TYPES,
    python_type,
)
from sim.options.values import ParseError, check_bounds, parse_typed, parse_value


@dataclass(frozen=True)
class OptionSpec:
    """One option: Ceph's facts (name … subsys), then the simulator's use (sim, fast)."""

    name: str
    type: str  # one of ALL_TYPES
    level: str  # one of CEPH_LEVELS
    default: Any = None  # in the Python type of ``type``; None: the type's zero value
    daemon_default: Any = None  # the default for daemons (not clients), if different
    flags: int = 0
    min: Any = None
    max: Any = None
    enum_values: tuple[str, ...] = ()  # a str option's permitted values
    services: tuple[str, ...] = ()  # which daemons read it ("common": all)
    desc: str = ""
    long_desc: str = ""
    see_also: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    subsys: bool = False  # a ``debug_<subsys>`` level ("N" or "N/M")
    sim: builtins.type | None = None  # the type the simulator's daemons read it as
    fast: Any = None  # the fast profile's value

    def has_flag(self, flag: int) -> bool:
        return bool(self.flags & flag)

    @property
    def can_update_at_runtime(self) -> bool:
        """Ceph's crude runtime-update indicator (the ``RO`` column of ``config dump``)."""
        return (
            self.has_flag(FLAG_RUNTIME)
            or (not self.has_flag(FLAG_MGR) and self.type in NUMERIC_TYPES)
        ) and not self.flags & (FLAG_STARTUP | FLAG_CLUSTER_CREATE | FLAG_CREATE)

    @property
    def reads(self) -> builtins.type:
        """The Python type a reader of this option gets (the simulator's, else PyUtil's)."""
        return self.sim if self.sim is not None else python_type(self.type)

    def parse(self, text: str) -> Any:
        """A start-up setting (``--set``, a scenario, the mon's own options) read as
        `reads`: the one parser and bounds (`sim.options.values`) on the reading
        type, with the launcher's spellings of a bool (``yes``/``on``/``no``/``off``)
        and its error texts (``<name>: expected <type>, got '<text>'``)."""
        kind = self.reads
        if kind is bool:
            canon = _LAUNCH_BOOL.get(text.strip().lower())
            if canon is None:
                raise ValueError(f"{self.name}: expected a boolean, got {text!r}")
            return canon
        if kind is str:
            try:
                check_bounds(self, text)  # a str option's permitted values
            except ParseError as exc:
                raise ValueError(f"{self.name}: {exc}") from None
            return text
        reading = "float" if kind is float else (self.type if self.type in INT_TYPES else "int")
        try:
            value = parse_typed(reading, text.strip())
            check_bounds(self, value)
        except ParseError as exc:
            if exc.bound:
                raise ValueError(f"{self.name}: {exc}") from None
            named = kind.__name__ if self.sim is not None else self.type
            raise ValueError(f"{self.name}: expected {named}, got {text!r}") from None
        return kind(value)


_LAUNCH_BOOL = dict.fromkeys(("true", "1", "yes", "on"), True) | dict.fromkeys(
    ("false", "0", "no", "off"), False
)


def flags_from_names(names: Any) -> int:
    """``["runtime", "startup"]`` -> the flag bits (unknown names are ignored)."""
    if isinstance(names, int) and not isinstance(names, bool):
        return names
    return sum(FLAG_NAMES.get(str(n), 0) for n in names or ())


def _strs(v: Any) -> tuple[str, ...]:
    return tuple(str(x) for x in v) if isinstance(v, list | tuple) else ()


def from_help_record(rec: Mapping[str, Any]) -> OptionSpec:
    """An `OptionSpec` from one record of Ceph's ``config help -f json`` (``config ls``
    joined with ``config help <name>``). Defaults and bounds come as text or numbers
    (``"30"`` for a secs option, ``10`` for a float one) and are parsed by Ceph's
    parser; an empty ``daemon_default``, ``min`` or ``max`` means none."""
    type_ = str(rec.get("type", "str"))
    if type_ not in ALL_TYPES:
        type_ = "str"
    probe = OptionSpec(str(rec["name"]), type_, str(rec.get("level", "advanced")))

    def value(v: Any) -> Any:
        if v is None or (v == "" and type_ != "str"):
            return None
        if isinstance(v, bool):
            return v if type_ == "bool" else None
        text = v if isinstance(v, str) else repr(v)
        try:
            return parse_value(probe, text)[0]
        except ParseError:
            return v if type_ in ("str", "addr", "addrvec") else None

    def bound(v: Any) -> Any:
        return None if v is None or v == "" else value(v)

    daemon = rec.get("daemon_default", "")
    return OptionSpec(
        name=probe.name,
        type=type_,
        level=probe.level if probe.level in CEPH_LEVELS else "unknown",
        default=value(rec.get("default")),
        daemon_default=None if daemon == "" else value(daemon),
        flags=flags_from_names(rec.get("flags")),
        min=bound(rec.get("min")),
        max=bound(rec.get("max")),
        enum_values=_strs(rec.get("enum_values")),
        services=_strs(rec.get("services")),
        desc=str(rec.get("desc", "") or ""),
        long_desc=str(rec.get("long_desc", "") or ""),
        see_also=_strs(rec.get("see_also")),
        tags=_strs(rec.get("tags")),
        subsys=probe.name.startswith("debug_") and type_ == "str",
    )
