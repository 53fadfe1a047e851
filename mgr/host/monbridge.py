"""Mon round trips for module threads: blocking writes, ``send_command``, cluster log.

Module code runs on its own threads; the mon session belongs to the event
loop. `MonBridge` carries a request to the loop and, for blocking calls,
parks the module thread until the answer.

Like Ceph, a write made while no mon is reachable does not fail and has no
timeout: it waits until a session is back, then goes through. Such a write
is *blocked* and made visible three ways: a log line, an event
``blocked_write`` (state ``blocked``, then ``done``), and the admin
``status`` (``modules.blocked_writes``). Cluster-log entries queue up while
there is no session and are sent when it returns (Ceph's LogClient).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from sim.messages import CommandReply, Log
from sim.monc import MonUnavailable
from sim.transport import NotConnected

log = logging.getLogger(__name__)

RETRY_WAIT = 3600.0  # s per attempt while no mon answers (retried forever)


class HostClosing(ConnectionAbortedError):
    """The mgr is stopping; a blocked write will not complete."""


class MonBridge:
    def __init__(
        self, loop: asyncio.AbstractEventLoop, monc: Any, emit: Callable[..., None]
    ) -> None:
        self.loop = loop
        self.monc = monc
        self.emit = emit
        self.blocked: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._log_queue: list[dict[str, Any]] = []
        self._closing = False

    # --- from module threads --------------------------------------------------------

    def run_blocking(self, coro: Coroutine[Any, Any, Any]) -> Any:
        """Run ``coro`` on the loop and wait for it (never call from the loop)."""
        if self._on_loop():
            coro.close()
            raise RuntimeError("a blocking mgr host call was made on the event loop thread")
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def _on_loop(self) -> bool:
        try:
            return asyncio.get_running_loop() is self.loop
        except RuntimeError:
            return False

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        if self._on_loop():
            fn(*args)
        else:
            self.loop.call_soon_threadsafe(fn, *args)

    # --- on the loop -------------------------------------------------------------------

    async def command(
        self, module: str, what: str, cmd: dict[str, Any], inbuf: bytes = b""
    ) -> CommandReply:
        """A mon command that waits as long as it takes for a mon."""
        entry: int | None = None
        try:
            while True:
                if self._closing:
                    raise HostClosing("mgr is shutting down")
                if not self.monc.have_session and entry is None:
                    entry = self._block(module, what)
                # short attempts while there is no session, so a stop is noticed
                wait = RETRY_WAIT if self.monc.have_session else 0.5
                try:
                    return await self.monc.command(cmd, inbuf, timeout=wait)
                except (MonUnavailable, NotConnected):
                    if entry is None:
                        entry = self._block(module, what)
        finally:
            if entry is not None:
                self._unblock(entry)

    def _block(self, module: str, what: str) -> int:
        n = next(self._ids)
        self.blocked[n] = {"module": module, "what": what, "since": time.time()}
        log.warning("mgr/%s: %s blocked: no mon session; waiting for a mon", module, what)
        self.emit("blocked_write", state="blocked", module=module, what=what)
        return n

    def _unblock(self, n: int) -> None:
        entry = self.blocked.pop(n, None)
        if entry is not None:
            waited = time.time() - entry["since"]
            log.info("mgr/%s: %s went through after %.2fs", entry["module"], entry["what"], waited)
            self.emit("blocked_write", state="done", waited=round(waited, 3), **entry)

    def cluster_log(self, channel: str, priority: str, message: str) -> None:
        """Queue one cluster-log entry for the mon (call on the loop)."""
        self._log_queue.append(
            {"channel": channel, "priority": priority, "message": message, "stamp": time.time()}
        )
        self.flush_log()

    def flush_log(self) -> None:
        if not self._log_queue or not self.monc.have_session:
            return
        entries, self._log_queue = self._log_queue[:100], self._log_queue[100:]
        try:
            self.monc.send(Log(entries=entries))
        except NotConnected:
            self._log_queue[:0] = entries

    def status(self) -> list[dict[str, Any]]:
        now = time.time()
        return [
            {"module": e["module"], "what": e["what"], "waiting": round(now - e["since"], 3)}
            for e in self.blocked.values()
        ]

    def close(self) -> None:
        self._closing = True
