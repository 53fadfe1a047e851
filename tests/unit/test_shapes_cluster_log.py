"""Golden tests of Ceph 16.2's output shapes: mon.cluster_log (``log last``, channels).

Every expected text is read from the captured outputs of a real Ceph 16.2.15
cluster (``tests/data/ceph16``); the inputs are built from the cluster log.
"""

from __future__ import annotations

import json

import pytest

from mon.cluster_log import ClusterLog, LogEntry, LogPriority
from sim.formatting import cli_stdout, render

from .shapes_goldens import golden_json, log_blocks, parse_line, text

# --- mon.cluster_log --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["log_last_20", "log_last_20_debug", "mon_down_log_last_20"])
def test_log_entries(name: str) -> None:
    entries = [LogEntry.from_json(e) for e in golden_json(f"{name}.json")]
    plain = "".join(e.plain() + "\n" for e in entries)
    assert cli_stdout(None, plain) == text(f"{name}.txt")
    assert cli_stdout("json-pretty", render([e.to_json() for e in entries], "json-pretty")) == text(
        f"{name}.json"
    )


def _block(name: str, title: str) -> list[LogEntry]:
    for head, lines in log_blocks(name):
        if title in head:
            return [parse_line(line) for line in lines]
    raise AssertionError(f"no block {title!r} in {name}")


@pytest.mark.parametrize(
    ("name", "debug_title", "info_title", "info_cmd"),
    [
        ("cluster_log_mon.txt", "same moment", "after the revival", (50, "info")),
        ("cluster_log_failover.txt", "same moment", "after x active", (50, "info")),
    ],
)
def test_log_last_filters_the_kept_tail(
    name: str, debug_title: str, info_title: str, info_cmd: tuple[int, str]
) -> None:
    debug = _block(name, debug_title)
    info = _block(name, info_title)
    log = ClusterLog(keep=50)
    log.extend(debug)
    assert log.last(50, "debug") == debug
    assert log.last(*info_cmd) == info


def test_log_last_counts_like_the_mon() -> None:
    log = ClusterLog()
    entries = [
        LogEntry("mgr.x", "mgr.1", {}, 1000.0 + i, i, "audit", LogPriority.DEBUG, f"m{i}")
        for i in range(60)
    ]
    log.extend(entries)
    assert len(log.entries("audit")) == 50
    assert log.last(30, "debug", "audit") == entries[-31:]  # "log last 30 debug audit": 31 lines
    assert log.last(20, "info", "audit") == []
    assert log.last(0, "debug", "audit") == entries[-1:]
    assert log.last(5, "debug", "cluster") == []
    with pytest.raises(ValueError, match="Invalid severity 'loud'"):
        log.last(5, "loud")


def test_cluster_log_channels_dedup_and_persistence() -> None:
    log = ClusterLog(keep=3)
    mk = lambda seq, ch, prio: LogEntry(  # noqa: E731
        "mon.a", "mon.0", {"addrvec": []}, 10.5 + seq, seq, ch, prio, f"m{seq}"
    )
    a, b, c = (
        mk(1, "cluster", LogPriority.WARN),
        mk(2, "audit", LogPriority.INFO),
        mk(3, "cluster", LogPriority.ERROR),
    )
    assert log.append(a) and log.append(b) and log.append(c)
    assert not log.append(a)
    assert log.entries("*") == [a, b, c]
    assert log.last(10, "warning", "*") == [a, c]
    assert log.channels() == ["audit", "cluster"]
    again = ClusterLog.from_dict(json.loads(json.dumps(log.to_dict())))
    assert again.entries("*") == [a, b, c]
    assert again.keep == 3
    assert LogPriority.from_level("ERR") is LogPriority.ERROR
    assert [p.level_name for p in LogPriority] == ["debug", "info", "sec", "warn", "error"]
