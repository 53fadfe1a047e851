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
| `launch.py` | `Profile`, `defaults`, `parse_overrides` (``--set``) |
| `view.py` | `Options`, a daemon's view of its values (imports nothing: the CLI's start-up) |

Importable by the mon, the mgr, the fleet and the harness; imports nothing
else of the simulator. `OPTIONS` (the honoured options) and `CEPH_OPTIONS`
(the whole table) are views of the one table.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.options.launch import Profile, defaults, parse_overrides
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
    from sim.options.view import Options

    CEPH_OPTIONS: OptionTable
    OPTIONS: dict[str, OptionSpec]

# Loaded on first use (PEP 562): the CLI's start-up imports only `view.Options`, and the
# table (about two thousand specs) is built when something reads it.
_WHERE = {
    "Options": "view",
    "Profile": "launch", "defaults": "launch", "parse_overrides": "launch",
    "OptionSpec": "spec",
    "OptionTable": "table", "option_table": "table",
    **{name: "types" for name in (
        "CEPH_LEVELS", "CEPH_TYPES", "FLAG_CLUSTER_CREATE", "FLAG_CREATE", "FLAG_MGR",
        "FLAG_MINIMAL_CONF", "FLAG_NO_MON_UPDATE", "FLAG_RUNTIME", "FLAG_STARTUP",
    )},
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name == "CEPH_OPTIONS":
        value: Any = importlib.import_module("sim.options.table").option_table()
    elif name == "OPTIONS":
        value = __getattr__("CEPH_OPTIONS").honoured()
    elif name in _WHERE:
        value = getattr(importlib.import_module(f"sim.options.{_WHERE[name]}"), name)
    else:
        raise AttributeError(f"module 'sim.options' has no attribute {name!r}")
    globals()[name] = value
    return value


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
