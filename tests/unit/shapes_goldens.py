"""Reading the captured outputs of a real Ceph 16.2.15 cluster (``tests/data/ceph16``)
for the golden tests of the output shapes (``test_shapes_*.py``): texts, JSON, log lines,
and the times those captures imply.
"""

from __future__ import annotations

import json
import re
from typing import Any

from mon.cluster_log import LogEntry, LogPriority
from mon.health import HealthStatus
from sim.formatting import parse_utc_stamp
from tests.golden import CEPH16

GOLDEN = CEPH16

WARN = HealthStatus.HEALTH_WARN
ERR = HealthStatus.HEALTH_ERR
DAY = "2026-11-22T"


def text(name: str) -> str:
    return (GOLDEN / name).read_text()


def _parse_int(s: str) -> int | float:
    return -0.0 if s == "-0" else int(s)  # Ceph prints the double -0.0 as "-0"


def golden_json(name: str) -> Any:
    body = text(name)
    assert body.startswith("\n"), "json outputs start with the CLI's extra newline"
    return json.loads(body, parse_int=_parse_int)


def stamp(hms: str) -> float:
    return parse_utc_stamp(f"{DAY}{hms}+0000")


LINE = re.compile(r"^(\S+) (\S+) \((\S+)\) (\d+) : (\S+) (\[[A-Z]{3}\]) (.*)$")


def parse_line(line: str) -> LogEntry:
    m = LINE.match(line)
    assert m, line
    st, name, rank, seq, channel, prio, msg = m.groups()
    return LogEntry(name, rank, {}, parse_utc_stamp(st), int(seq), channel, LogPriority(prio), msg)


def log_blocks(name: str) -> list[tuple[str, list[str]]]:
    """The ``# ---- <title>`` blocks of an annotated cluster-log golden."""
    blocks: list[tuple[str, list[str]]] = []
    for line in text(name).splitlines():
        if line.startswith("# ----"):
            blocks.append((line, []))
        elif not line.startswith("#") and blocks:
            blocks[-1][1].append(line)
    return blocks


def log_message(name: str, seq: int, who: str = "mon.a") -> tuple[str, str]:
    """(priority, message) of one line of a golden cluster log."""
    for line in text(name).splitlines():
        if line.startswith("#") or not line.strip():
            continue
        e = parse_line(line)
        if e.name == who and e.seq == seq:
            return e.priority.value, e.message
    raise AssertionError(f"no {who} seq {seq} in {name}")
