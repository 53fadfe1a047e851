"""Daemons' health metrics → health checks (Ceph's DaemonHealthMetricCollector).

Every OSD's report carries its health metrics (``daemon_health_metrics``):
for now ``SLOW_OPS`` = (ops in flight longer than ``osd_op_complaint_time``,
the oldest one's age in s). The active mgr adds them up into one check per
metric and sends it to the mon with its PG digest, as Ceph's
``DaemonServer::send_report`` does:

    SLOW_OPS: 3 slow ops, oldest one blocked for 31 sec, daemons [osd.0,osd.1] have slow ops.
    SLOW_OPS: 1 slow ops, oldest one blocked for 31 sec, osd.2 has slow ops

(no detail lines; at most ten daemons are named, then ``...``). Daemons are
listed in Ceph's DaemonKey order (``osd.10`` before ``osd.2``).

Pure: `DaemonHealth` (the mgr's table, fed by `mgr.daemon_state`) and
`checks` (the health checks from it). Who may import it: `mgr.daemon_state`
and tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

SLOW_OPS = "SLOW_OPS"
KNOWN = (SLOW_OPS,)
NAMED_MAX = 10  # daemons named in the summary


class DaemonHealth:
    """The newest health metrics of each daemon, with the stamp of its report."""

    def __init__(self) -> None:
        # (type, id) -> (stamp, {metric: (n1, n2)})
        self.metrics: dict[tuple[str, str], tuple[float, dict[str, tuple[int, int]]]] = {}

    def on_report(
        self, dtype: str, ids: list[Any], health: Mapping[Any, Any], stamp: float
    ) -> None:
        """One report: every daemon of ``ids`` has exactly the metrics ``health`` gives it."""
        for daemon_id in ids:
            key = (dtype, str(daemon_id))
            rows = health.get(str(daemon_id)) if health else None
            parsed = _parse(rows)
            if parsed:
                self.metrics[key] = (stamp, parsed)
            else:
                self.metrics.pop(key, None)

    def current(self, since: float) -> dict[tuple[str, str], dict[str, tuple[int, int]]]:
        """The metrics of daemons whose last report is at least as new as ``since``
        (a daemon that stopped reporting has no session with the mgr any more)."""
        return {k: m for k, (stamp, m) in list(self.metrics.items()) if stamp >= since}

    def as_module_dict(
        self, since: float, osds: Iterable[str] = ()
    ) -> dict[str, list[dict[str, Any]]]:
        """``get_daemon_health_metrics()``: ``{"osd.0": [{"type": "SLOW_OPS", "value": n}]}``.
        A Ceph OSD sends its SLOW_OPS metric in every report, 0 when it has none: every
        reporting OSD of ``osds`` without one here gets ``value`` 0 (the fleet sends only
        the non-zero ones)."""
        current = self.current(since)
        keys = set(current) | {("osd", str(i)) for i in osds}
        out: dict[str, list[dict[str, Any]]] = {}
        for key in sorted(keys, key=lambda k: daemon_key(*k)):
            m = current.get(key, {SLOW_OPS: (0, 0)} if key[0] == "osd" else {})
            out[f"{key[0]}.{key[1]}"] = [{"type": t, "value": n1} for t, (n1, _n2) in m.items()]
        return out


def _parse(rows: Any) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    if not isinstance(rows, list):
        return out
    for row in rows:
        if (isinstance(row, list) and len(row) == 3 and row[0] in KNOWN
                and all(isinstance(x, int) for x in row[1:])):  # fmt: skip
            out[row[0]] = (row[1], row[2])
    return out


def daemon_key(dtype: str, did: str) -> tuple[str, str]:
    """Ceph's DaemonKey order: by type, then by name as a string."""
    return (dtype, did)


def checks(current: Mapping[tuple[str, str], Mapping[str, tuple[int, int]]]) -> dict[str, Any]:
    """The health checks of the metrics (`DaemonHealth.current`), keyed by code."""
    out: dict[str, Any] = {}
    slow = [(k, m[SLOW_OPS]) for k, m in sorted(current.items(), key=lambda kv: daemon_key(*kv[0]))
            if SLOW_OPS in m and (m[SLOW_OPS][0] or m[SLOW_OPS][1])]  # fmt: skip
    if slow:
        total = sum(n for _k, (n, _age) in slow)
        oldest = max(age for _k, (_n, age) in slow)
        names = [f"{t}.{i}" for (t, i), _v in slow]
        if len(names) > 1:
            shown = "[" + ",".join(names[:NAMED_MAX]) + "]"
            who = f"daemons {shown}{'...' if len(names) > NAMED_MAX else ''} have slow ops."
        else:
            who = f"{names[0]} has slow ops"
        out[SLOW_OPS] = {
            "severity": "HEALTH_WARN",
            "summary": {
                "message": f"{total} slow ops, oldest one blocked for {oldest} sec, {who}",
                "count": 1,
            },
            "detail": [],
            "muted": False,
        }
    return out
