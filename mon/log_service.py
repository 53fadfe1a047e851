"""The cluster log as a mon service (`log last`), persisted with each commit."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

from mon.cluster_log import ClusterLog, LogEntry, LogPriority
from mon.service import PaxosService, Publish
from mon.store import StoreReader, Transaction

LOG_MAP_ENTRIES = 50
WATCH_PREFIX = "log-"  # Ceph's log subscriptions: log-debug, log-info, log-sec, log-warn, log-error


class LogService(PaxosService[list[LogEntry]]):
    name = "log"
    prefixes = ("log", "logm")

    def __init__(
        self, keep: int, emit: Callable[..., None], publish: Publish | None = None
    ) -> None:
        self.keep = keep
        self.emit = emit
        self.publish = publish
        self.clog = ClusterLog(keep=keep)
        self.last_seq = 0
        self.committed_seq = 0  # the newest committed entry (last_seq also counts pending ones)
        self.store: StoreReader | None = None  # for watchers further behind than the tails
        self.pending: list[LogEntry] = []

    def load(self, store: StoreReader) -> None:
        self.store = store
        self.clog = ClusterLog(keep=self.keep)
        for _, entry in store.items("log"):
            self.clog.append(LogEntry.from_json(entry))
        self.last_seq = self.committed_seq = int(store.get("logm", "last_seq", 0))

    def refresh(self, store: StoreReader) -> None:
        """Take the entries committed since ours (a peon following the leader)."""
        self.store = store
        self.discard_pending()
        last = int(store.get("logm", "last_seq", 0))
        if last < self.last_seq:
            self.load(store)  # we had counted entries that were never committed
            return
        for seq in range(self.last_seq + 1, last + 1):
            entry = store.get("log", f"{seq:016d}")
            if entry is not None:
                self.clog.append(LogEntry.from_json(entry))
        self.last_seq = self.committed_seq = last

    def add(
        self,
        name: str,
        rank: str,
        addrs: dict[str, Any],
        priority: str,
        message: str,
        channel: str = "cluster",
        stamp: float | None = None,
    ) -> LogEntry:
        self.last_seq += 1
        e = LogEntry(
            name=name,
            rank=rank,
            addrs=addrs,
            stamp=stamp if stamp is not None else time.time(),
            seq=self.last_seq,
            channel=channel,
            priority=LogPriority(priority),
            message=message,
        )
        self.pending.append(e)
        self.emit("clog", priority=priority, message=message, channel=channel, who=name)
        return e

    def take_pending(self) -> list[LogEntry] | None:
        entries, self.pending = self.pending, []
        return entries or None

    def drop_pending(self) -> None:
        self.pending = []

    def encode(self, entries: list[LogEntry], txn: Transaction) -> None:
        for e in entries:
            txn.put("log", f"{e.seq:016d}", e.to_json())
        txn.put("logm", "last_seq", self.last_seq)
        # keep a window of the newest entries in the store (all channels)
        window = self.keep * 4
        first_new = entries[0].seq
        for seq in range(max(1, first_new - window - len(entries)), self.last_seq - window + 1):
            txn.erase("log", f"{seq:016d}")

    def commit(self, entries: list[LogEntry]) -> None:
        for e in entries:
            self.clog.append(e)
        self.committed_seq = max([self.committed_seq, *(e.seq for e in entries)])
        current = self.current_map()
        if current is not None and self.publish is not None:
            self.publish(self.name, *current)

    def current_map(self) -> tuple[int, dict[str, Any]] | None:
        """The newest cluster-channel entries, versioned by the last sequence
        number: the mgr follows this map and turns new entries into modules'
        ``clog`` notifies (Ceph's mgr subscribes to the log the same way)."""
        if not self.last_seq:
            return None
        entries = self.clog.entries("cluster")[-LOG_MAP_ENTRIES:]
        return self.last_seq, {"entries": [e.to_json() for e in entries]}

    def watch_map(self, name: str, start: int) -> tuple[int, dict[str, Any]] | None:
        """A log subscription (``log-info`` …, as ``ceph -w`` asks for it): the
        committed entries of every channel at or above the level with a
        sequence number of at least ``start``, oldest first, versioned by the
        newest committed sequence number. ``start`` 0 means from now: no
        entries, only the version (the subscriber's cursor). None: nothing
        that new yet, or not a log subscription."""
        if not name.startswith(WATCH_PREFIX):
            return None
        try:
            floor = LogPriority.from_level(name[len(WATCH_PREFIX) :]).level
        except ValueError:
            return None
        top = self.committed_seq
        if top < start:
            return None
        if not start:
            return top, {"entries": []}
        entries = [e for e in self._since(start) if e.seq <= top and e.priority.level >= floor]
        return top, {"entries": [e.to_json() for e in entries]}

    def _since(self, start: int) -> list[LogEntry]:
        """Committed entries from ``start`` on, by sequence number: from the
        per-channel tails, and from the store's window when a tail no longer
        reaches back to ``start`` (a watcher that was away for a while)."""
        tails = self.clog.entries("*")
        kept = {ch: self.clog.entries(ch) for ch in self.clog.channels()}
        trimmed = any(len(t) >= self.keep and t[0].seq > start for t in kept.values())
        found = {e.seq: e for e in tails if e.seq >= start}
        if trimmed and self.store is not None:
            for key, raw in self.store.items("log"):
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    if int(key) >= start and int(key) not in found:
                        found[int(key)] = LogEntry.from_json(raw)
        return [found[seq] for seq in sorted(found)]
