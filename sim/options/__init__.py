"""Ceph's options: one table of specs, one parser, one validator, for every daemon and the launcher.

| file | owns |
|---|---|
| `types.py` | Ceph's type names, levels and flags; the Python type a reader gets |
| `values.py` | the one parser and validator (`parse_value` = `parse_typed` + `check_bounds`, Ceph's strict parsers), `to_str`, `python_value` |
| `spec.py` | `OptionSpec` (one option: Ceph's ``config help`` fields and the simulator's use; `parse` reads a start-up setting), `from_help_record` |
| `ceph16.py` | the built-in table: a subset of Ceph 16.2's options |
| `honoured.py` | what the simulator's daemons read, as which type, the fast profile, simulator-only options |
| `table.py` | `option_table()`: the table, built once (built-in or a release's ``config help`` JSON) |
| `modules.py` | mgr module options: ModuleInfo entries and their specs |
| `launch.py` | `Profile`, `defaults`, `parse_overrides` (``--set``), `Options` |

Importable by the mon, the mgr, the fleet and the harness; imports nothing
else of the simulator. `OPTIONS` (the honoured options) and `CEPH_OPTIONS`
(the whole table) are views of the one table.
"""

from __future__ import annotations

from sim.options.launch import Options, Profile, defaults, parse_overrides
from sim.options.spec import OptionSpec
from sim.options.table import OptionTable, option_table
from sim.options.types import (
    CEPH_LEVELS,
    CEPH_TYPES,
    FLAG_CLUSTER_CREATE,
    FLAG_CREATE,
    FLAG_MGR,
    FLAG_MINIMAL_CONF,
    FLAG_NO_MON_UPDATE,
    FLAG_RUNTIME,
    FLAG_STARTUP,
)

CEPH_OPTIONS: OptionTable = option_table()
OPTIONS: dict[str, OptionSpec] = CEPH_OPTIONS.honoured()

__all__ = [
    "CEPH_LEVELS",
    "CEPH_OPTIONS",
    "CEPH_TYPES",
    "FLAG_CLUSTER_CREATE",
    "FLAG_CREATE",
    "FLAG_MGR",
    "FLAG_MINIMAL_CONF",
    "FLAG_NO_MON_UPDATE",
    "FLAG_RUNTIME",
    "FLAG_STARTUP",
    "OPTIONS",
    "OptionSpec",
    "OptionTable",
    "Options",
    "Profile",
    "defaults",
    "option_table",
    "parse_overrides",
]
