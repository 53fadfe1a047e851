"""New cluster-log entries from the mon's ``log`` map, each delivered once.

The mon publishes its newest cluster-channel entries, versioned by sequence
number; the active mgr turns the ones it has not seen into ``clog`` notifies
(the notify id is the entry's dict, as in Ceph). The first map received is
history, not news. Debug entries are skipped: Ceph's mgr follows the log at
info level.
"""

from __future__ import annotations

from typing import Any


class ClogFeed:
    def __init__(self) -> None:
        self.seen: int | None = None

    def new_entries(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        entries = [
            e for e in body.get("entries", []) if isinstance(e, dict) and type(e.get("seq")) is int
        ]
        newest = max((e["seq"] for e in entries), default=0)
        if self.seen is None:
            self.seen = newest
            return []
        fresh = [e for e in entries if e["seq"] > self.seen and e.get("priority") != "[DBG]"]
        self.seen = max(self.seen, newest)
        return fresh
