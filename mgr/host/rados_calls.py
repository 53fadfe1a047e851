"""Which module threads are inside a librados call, and for how long.

librados calls block the calling thread for as long as the cluster needs:
an op on a PG below ``min_size`` waits until the OSDs are back (Ceph's
developer guide warns module authors of exactly this). The mgr's RADOS
capsule (`mgr.host.handle.rados_context`) hands ``rados.Rados`` a
``track(what)`` hook; every call of a handle built on it (``self.rados``,
``MgrModule.db``'s libcephsqlite client) runs inside it, on the module's own
thread. `RadosCalls` keeps the calls in flight with the module that owns the
thread (`mgr.host.listeners`: ``<module>/<active|standby>``; a thread the
module started itself is ``?``).

A call in flight for `BLOCKED_AFTER` seconds or more is *blocked*: the
module's status says ``blocked_in: rados``, the host status lists it under
``blocked_rados``, and an event ``blocked_rados`` (state ``blocked``, then
``done`` with the wait) is emitted — as `mgr.host.monbridge` does for writes
waiting for a mon.

Who may import it: `mgr.host.host` and tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from mgr.host import listeners

log = logging.getLogger(__name__)

BLOCKED_AFTER = 1.0  # s in flight before a librados call counts as blocked
WATCH_PERIOD = 0.2  # s between looks for newly blocked calls


class RadosCalls:
    def __init__(self, emit: Callable[..., None] | None = None) -> None:
        self.emit = emit  # thread-safe (`call_soon` onto the loop), or None
        self.calls: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def track(self, what: str) -> Iterator[None]:
        """The hook the capsule gives ``rados.Rados``: one librados call in flight."""
        owner = listeners.owner() or "?"
        n = next(self._ids)
        since = time.monotonic()
        entry: dict[str, Any] = {"module": owner.partition("/")[0], "what": what,
                 "thread": threading.current_thread().name, "since": since,
                 "announced": False}  # fmt: skip
        with self._lock:
            self.calls[n] = entry
        try:
            yield
        finally:
            with self._lock:
                self.calls.pop(n, None)
            if entry["announced"]:
                waited = round(time.monotonic() - since, 3)
                log.info("mgr/%s: librados %s returned after %.2fs", entry["module"], what, waited)
                self._emit(state="done", module=entry["module"], what=what, waited=waited)

    def _emit(self, **fields: Any) -> None:
        if self.emit is not None:
            self.emit("blocked_rados", **fields)

    def check(self, now: float | None = None) -> None:
        """Announce the calls that have just become blocked (log line and event)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            fresh = [e for e in self.calls.values()
                     if not e["announced"] and now - e["since"] >= BLOCKED_AFTER]  # fmt: skip
            for e in fresh:
                e["announced"] = True
        for e in fresh:
            log.warning("mgr/%s: blocked in librados (%s) for %.1fs on thread %s",
                        e["module"], e["what"], now - e["since"], e["thread"])  # fmt: skip
            self._emit(state="blocked", module=e["module"], what=e["what"], thread=e["thread"])

    async def watch(self) -> None:
        while True:
            await asyncio.sleep(WATCH_PERIOD)
            self.check()

    def status(self, now: float | None = None) -> list[dict[str, Any]]:
        """Every call in flight: module, what, thread, waiting (s), blocked."""
        now = time.monotonic() if now is None else now
        with self._lock:
            entries = list(self.calls.values())
        return [
            {"module": e["module"], "what": e["what"], "thread": e["thread"],
             "waiting": round(now - e["since"], 3), "blocked": now - e["since"] >= BLOCKED_AFTER}
            for e in entries
        ]  # fmt: skip

    def blocked(self, now: float | None = None) -> list[dict[str, Any]]:
        return [c for c in self.status(now) if c["blocked"]]

    def of_module(self, module: str, now: float | None = None) -> dict[str, Any]:
        """The fields of one module's status: ``blocked_in`` ("rados" or None) and
        ``rados_calls`` (how many of its calls are in flight)."""
        mine = [c for c in self.status(now) if c["module"] == module]
        return {"blocked_in": "rados" if any(c["blocked"] for c in mine) else None,
                "rados_calls": len(mine)}  # fmt: skip
