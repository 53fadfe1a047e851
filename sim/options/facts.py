"""Ceph 16.2's full option table, as facts: ``ceph16_facts.json`` beside this file.

Real Ceph has about two thousand options; a module reading ``get('config')``
or ``get_ceph_option`` expects every one with its type and default
(``devicehealth`` reads ``mon_osd_min_in_ratio``). The facts come from a real
16.2.15 mon (``ceph config help <name> -f json`` for every name of ``config
ls``; the capture is ``tests/data/ceph16/config_help_all.json``) and keep
only what a program needs — name, type, level, defaults, bounds, enum values,
flags, services, tags, see-also — not Ceph's prose (descriptions come from
the built-in subset, `sim.options.ceph16`, where we wrote them).

Regenerate: ``python -m sim.options.facts tests/data/ceph16/config_help_all.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

FACTS_FILE = Path(__file__).with_name("ceph16_facts.json")
FACT_KEYS = (
    "name", "type", "level", "default", "daemon_default", "min", "max", "enum_values",
    "flags", "services", "tags", "see_also", "can_update_at_runtime",
)  # fmt: skip


def facts(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The fact fields of ``config help -f json`` records, in their order. Module
    options (``mgr/<module>/<name>``) are left out: the mon learns those from the
    mgrs' beacons, and refuses them while no mgr has reported the module."""
    return [{k: rec[k] for k in FACT_KEYS if k in rec} for rec in records if "/" not in rec["name"]]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m sim.options.facts CONFIG_HELP_ALL.json", file=sys.stderr)
        return 2
    data = json.loads(Path(argv[0]).read_text())
    records: list[dict[str, Any]] = data.get("options", []) if isinstance(data, dict) else data
    out = facts(records)
    FACTS_FILE.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print(f"{FACTS_FILE}: {len(out)} options", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
