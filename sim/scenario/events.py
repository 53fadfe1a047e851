"""The event stream: the cluster's ``events.jsonl`` followed live, plus the
engine's own events (steps, narration, expectations, invariants, nemesis
faults), merged on one time axis.

Every event is a JSON object with ``stamp`` (Unix time), ``daemon`` (who:
``mon.a``, ``mgr.x``, ``sim.supervisor`` or ``scenario`` for the engine) and
``kind`` plus data. `category` sorts kinds into what the timeline and the
report draw (faults, roles, connections, maps, quorum, health …); kinds that
later issues add land in ``other`` until they are given a category here.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENGINE = "scenario"

CATEGORIES: dict[str, str] = {
    "fault": "fault",
    "partition": "fault",
    "heal": "fault",
    "nemesis_fault": "fault",
    "daemon_spawned": "lifecycle",
    "daemon_started": "lifecycle",
    "daemon_exited": "lifecycle",
    "daemon_crashed": "crash",
    "cluster_down": "lifecycle",
    "respawn": "role",
    "activating": "role",
    "active": "role",
    "mon_connection": "connection",
    "mgrmap": "map",
    "quorum": "quorum",
    "election": "quorum",
    "health": "health",
    "clog": "log",
    "config_applied": "config",
    "config_notify": "config",
    "module_started": "module",
    "module_failed": "module",
    "step": "step",
    "say": "say",
    "expectation": "expect",
    "invariant": "invariant",
    "scenario_start": "step",
    "scenario_end": "step",
    "messages": "messages",  # a daemon's sent/received/dropped envelopes (sim.msglog)
}


def category(ev: dict[str, Any]) -> str:
    return CATEGORIES.get(str(ev.get("kind", "")), "other")


EventSink = Callable[[dict[str, Any]], None]


class EventLog:
    """Follows a cluster's events.jsonl on a thread and keeps every event."""

    def __init__(self, path: Path, poll: float = 0.05) -> None:
        self.path = path
        self.poll = poll
        self._events: list[dict[str, Any]] = []
        self._engine: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._sinks: list[EventSink] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._offset = 0
        self._partial = b""

    def subscribe(self, sink: EventSink) -> None:
        self._sinks.append(sink)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._follow, name="events", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop following, after reading whatever is left in the file."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5.0)
            self._thread = None
        self.read_new()

    def _follow(self) -> None:
        while not self._stop.is_set():
            self.read_new()
            self._stop.wait(self.poll)

    def read_new(self) -> None:
        with self._lock:
            try:
                with open(self.path, "rb") as f:
                    f.seek(self._offset)
                    data = f.read()
            except OSError:
                return
            self._offset += len(data)
            lines = (self._partial + data).split(b"\n")
            self._partial = lines.pop()
            fresh = []
            for line in lines:
                try:
                    ev = json.loads(line)
                except ValueError:
                    continue
                if isinstance(ev, dict) and "stamp" in ev:
                    self._events.append(ev)
                    fresh.append(ev)
        for ev in fresh:
            self._publish(ev)

    def _publish(self, ev: dict[str, Any]) -> None:
        for sink in self._sinks:
            sink(ev)

    def add(self, ev: dict[str, Any]) -> None:
        """An engine event (daemon ``scenario`` unless given)."""
        ev.setdefault("daemon", ENGINE)
        with self._lock:
            self._engine.append(ev)
        self._publish(ev)

    def since(self, stamp: float) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self._events if float(e.get("stamp", 0)) >= stamp]

    def merged(self) -> list[dict[str, Any]]:
        with self._lock:
            every = self._events + self._engine
        return sorted(every, key=lambda e: float(e.get("stamp", 0)))

    def last(self, kind: str) -> dict[str, Any] | None:
        with self._lock:
            for e in reversed(self._events):
                if e.get("kind") == kind:
                    return e
        return None

    def write(self, path: Path) -> None:
        with open(path, "w") as f:
            for ev in self.merged():
                f.write(json.dumps(ev, default=str) + "\n")
