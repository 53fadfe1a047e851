"""Messages as events: what a daemon sent, received and dropped, bounded.

Kernel layer, pure (a clock is passed in). When a cluster records messages
(`sim.cluster.ClusterSpec.message_events`, on for scenarios, off by default
so benchmarks pay nothing), each daemon's transport notes every envelope it
sends or receives, and every frame it drops with the reason (``partitioned``,
``bad_signature``, ``oversized``, ``link_loss`` …), into a `MessageLog`. The
daemon flushes it every `PERIOD` seconds as one ``messages`` event to the
supervisor (so into ``events.jsonl``): up to `LIMIT` individual records per
period, and beyond that counts per (direction, type, peer) — a fleet of
hundreds of OSDs stays a few lines a second.

A record is ``[t, dir, type, peer, tid, epoch, size, reason]``: ``dir`` is
``send``, ``recv`` or ``drop``; ``peer`` is whom it went to or came from
(``?`` when a dropped frame's sender could not be read). Traffic with the
harness (the supervisor's event stream, admin requests) is not recorded: it
is the observer, not the system.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

PERIOD = 0.25  # seconds between flushes
LIMIT = 400  # individual records per period; the rest are counted
HARNESS = ("sim.", "client.scenario")  # peers that are the observer (supervisor, probe)
QUIET_TYPES = frozenset({"event", "admin", "ping", "pong"})

Record = list[Any]


class MessageLog:
    def __init__(self, clock: Callable[[], float] = time.time, limit: int = LIMIT) -> None:
        self._clock = clock
        self.limit = limit
        self._records: list[Record] = []
        self._counts: Counter[tuple[str, str, str]] = Counter()
        self._since = clock()

    def note(
        self, direction: str, mtype: str, peer: str, tid: int = 0, epoch: int = 0,
        size: int = 0, reason: str = "",
    ) -> None:  # fmt: skip
        if mtype in QUIET_TYPES or peer.startswith(HARNESS):
            return
        if len(self._records) < self.limit:
            rec = [round(self._clock(), 6), direction, mtype, peer, tid, epoch, size, reason]
            self._records.append(rec)
        else:
            self._counts[(direction, mtype, peer)] += 1

    def flush(self) -> dict[str, Any] | None:
        """The batch since the last flush (None if nothing happened)."""
        now = self._clock()
        if not self._records and not self._counts:
            self._since = now
            return None
        batch = {
            "since": round(self._since, 6),
            "until": round(now, 6),
            "records": self._records,
            "aggregated": [
                {"dir": d, "type": t, "peer": p, "count": n}
                for (d, t, p), n in sorted(self._counts.items())
            ],
        }
        self._records, self._counts, self._since = [], Counter(), now
        return batch
