"""The option table: every option spec by name, built once per process.

`option_table()` is the table every reader uses (the mon, the mgr, the
launcher, the scenario loader). It is built on first use from a release's
facts — Ceph 16.2's full table (`sim.options.facts`, 1744 options, with the
descriptions of the built-in subset `sim.options.ceph16`), or, when
``CEPH_SIM_OPTION_TABLE`` names a JSON file, that file: a list of Ceph's
``config help -f json`` records (what ``ceph config ls`` / ``config help``
print on a real mon; `sim.options.spec.from_help_record`) — and then the
simulator's use is laid over it (`sim.options.honoured`: the types the
daemons read, the fast profile, the simulator-only options). A loaded table
keeps the built-in entries it lacks, so the simulator's own needs are met
by any release's file.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sim.options.ceph16 import SPECS as BUILT_IN
from sim.options.facts import FACTS_FILE
from sim.options.honoured import HONOURED, SIM_ONLY
from sim.options.spec import OptionSpec, from_help_record

TABLE_ENV = "CEPH_SIM_OPTION_TABLE"


class OptionTable(Mapping[str, OptionSpec]):
    """name -> `OptionSpec`, in the release's order (read-only)."""

    def __init__(self, specs: Iterable[OptionSpec]) -> None:
        self._specs: dict[str, OptionSpec] = {}
        for spec in specs:
            self._specs.setdefault(spec.name, spec)

    def __getitem__(self, name: str) -> OptionSpec:
        return self._specs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def honoured(self) -> dict[str, OptionSpec]:
        """The options the simulator's daemons act on (`OptionSpec.sim` set), in
        `sim.options.honoured` order."""
        order = [n for n in HONOURED if n in self._specs] + list(self._specs)
        return {n: self._specs[n] for n in dict.fromkeys(order) if self._specs[n].sim is not None}


def with_simulator(specs: Iterable[OptionSpec]) -> OptionTable:
    """A release's specs with the simulator's use laid over them (see the module docstring)."""
    out = list(specs)
    names = {s.name for s in out}
    out += [s for s in [*BUILT_IN, *SIM_ONLY] if s.name not in names]
    for i, spec in enumerate(out):
        if spec.name in HONOURED:
            sim, fast = HONOURED[spec.name]
            out[i] = dataclasses.replace(spec, sim=sim, fast=fast)
    return OptionTable(out)


def load_help_json(path: Path) -> list[OptionSpec]:
    """The specs of a ``config help -f json`` capture: a JSON list of records (or an
    object with an ``options`` list). Raises ValueError on a malformed file."""
    try:
        data: Any = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"option table {path}: {exc}") from None
    records = data.get("options") if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise ValueError(f"option table {path}: expected a list of config help records")
    specs = []
    for i, rec in enumerate(records):
        if not isinstance(rec, dict) or not isinstance(rec.get("name"), str):
            raise ValueError(f"option table {path}: record {i} has no name")
        specs.append(from_help_record(rec))
    return specs


def with_prose(specs: list[OptionSpec]) -> list[OptionSpec]:
    """Facts without descriptions get the built-in subset's (`sim.options.facts`)."""
    ours = {s.name: s for s in BUILT_IN}
    out = []
    for spec in specs:
        mine = ours.get(spec.name)
        if mine is not None and not spec.desc:
            spec = dataclasses.replace(spec, desc=mine.desc, long_desc=mine.long_desc)
        out.append(spec)
    return out


@functools.cache
def option_table() -> OptionTable:
    """The process's table (built once; see the module docstring)."""
    path = os.environ.get(TABLE_ENV)
    if path:
        return with_simulator(load_help_json(Path(path)))
    if FACTS_FILE.is_file():
        return with_simulator(with_prose(load_help_json(FACTS_FILE)))
    return with_simulator(BUILT_IN)
