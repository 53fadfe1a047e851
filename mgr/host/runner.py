"""One module instance's threads: its finisher and its ``serve()`` thread.

Theory of operation (Ceph's ActivePyModules::start_one, PyModuleRunner):

- The *finisher* thread constructs the instance and then runs, one at a time,
  everything the host delivers to it: ``notify``, ``config_notify`` and
  command handlers. So those are serialised with each other but run
  concurrently with ``serve()``.
- The *serve* thread runs ``serve()``. If it raises, the module is marked
  failed with ``error_string = str(exc)``; its commands then get EIO and the
  health shows MGR_MODULE_ERROR (the host is told through ``on_failure``).
  A ``serve()`` that returns normally is fine.
- `stop` (graceful daemon stop, or a standby module on promotion) calls
  ``shutdown()`` on a helper thread and joins ``serve()``, together bounded
  by ``timeout``; a module that does not stop in time is abandoned (its
  threads are daemon threads) and reported.

The instance is created with ``factory()``; anything it raises marks the
module failed ("error" state), like a constructor failure in Ceph.
"""

from __future__ import annotations

import concurrent.futures
import enum
import logging
import queue
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from mgr.host import listeners

log = logging.getLogger(__name__)

FailureHook = Callable[["ModuleRunner", str, str], None]


class RunState(str, enum.Enum):
    LOADING = "loading"
    RUNNING = "running"
    FAILED = "failed"
    STOPPED = "stopped"


class ModuleRunner:
    def __init__(
        self, name: str, kind: str, factory: Callable[[], Any], on_failure: FailureHook
    ) -> None:
        self.name = name
        self.kind = kind  # "active" or "standby"
        self.factory = factory
        self.on_failure = on_failure
        self.state = RunState.LOADING
        self.error_string = ""
        self.instance: Any = None
        self.serve_started: float | None = None
        self._queue: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._finisher = threading.Thread(
            target=self._finisher_loop, name=f"{name}-finisher", daemon=True
        )
        self._serve: threading.Thread | None = None
        self._constructed: concurrent.futures.Future[Any] | None = None
        self._stopping = False  # stop() was called: serve() must not start any more
        self._lock = threading.Lock()  # orders start_serving against stop

    # --- life cycle -------------------------------------------------------------

    def construct(self) -> concurrent.futures.Future[Any]:
        """Start the finisher and build the instance on it."""
        self._finisher.start()
        self._constructed = self.submit(self._construct)
        return self._constructed

    def _construct(self) -> Any:
        try:
            self.instance = self.factory()
        except Exception as exc:
            self._fail(str(exc) or exc.__class__.__name__, traceback.format_exc(), "construct")
            raise
        return self.instance

    def start_serving(self) -> None:
        with self._lock:
            if self.instance is None or self.state is RunState.FAILED or self._stopping:
                return
            self.state = RunState.RUNNING
            self._serve = threading.Thread(
                target=self._serve_main, name=f"{self.name}-serve", daemon=True
            )
            self._serve.start()

    @property
    def key(self) -> str:
        """Who owns what this runner's threads bind (`mgr.host.listeners`)."""
        return f"{self.name}/{self.kind}"

    def _serve_main(self) -> None:
        self.serve_started = time.time()
        try:
            with listeners.owned_by(self.key):
                self.instance.serve()
        except Exception as exc:
            self._fail(str(exc), traceback.format_exc(), "serve")
            return
        log.info("%s module %s: serve() returned", self.kind, self.name)

    def _fail(self, error: str, tb: str, where: str) -> None:
        self.state = RunState.FAILED
        self.error_string = error
        log.error("%s module %s failed in %s():\n%s", self.kind, self.name, where, tb)
        self.on_failure(self, error, where)

    @property
    def failed(self) -> bool:
        return self.state is RunState.FAILED

    def stop(self, timeout: float) -> bool:
        """shutdown() + join serve, bounded by ``timeout``; True if it stopped.

        Also when called while the instance is still being constructed (a
        standby promoted right after its standby modules were started): the
        construction is waited for (bounded), so shutdown() reaches the new
        instance, and serve() never starts afterwards -- otherwise it could
        take a port the active class is about to bind."""
        deadline = time.monotonic() + timeout
        with self._lock:
            self._stopping = True
        if self._constructed is not None:
            concurrent.futures.wait([self._constructed], max(0.0, deadline - time.monotonic()))
        if self.instance is not None and hasattr(self.instance, "shutdown"):
            t = threading.Thread(
                target=self._call_shutdown, name=f"{self.name}-shutdown", daemon=True
            )
            t.start()
            t.join(max(0.0, deadline - time.monotonic()))
        if self._serve is not None:
            self._serve.join(max(0.0, deadline - time.monotonic()))
        self._queue.put(None)
        stopped = self._serve is None or not self._serve.is_alive()
        if self.state is not RunState.FAILED:
            self.state = RunState.STOPPED
        if not stopped:
            log.warning("%s module %s did not stop within %.1fs", self.kind, self.name, timeout)
        return stopped

    def _call_shutdown(self) -> None:
        try:
            self.instance.shutdown()
        except Exception:
            log.exception("%s module %s: Failed to invoke shutdown()", self.kind, self.name)

    # --- the finisher ---------------------------------------------------------------

    def submit(self, fn: Callable[[], Any]) -> concurrent.futures.Future[Any]:
        fut: concurrent.futures.Future[Any] = concurrent.futures.Future()

        def run() -> None:
            if not fut.set_running_or_notify_cancel():
                return
            try:
                fut.set_result(fn())
            except BaseException as exc:
                fut.set_exception(exc)

        self._queue.put(run)
        return fut

    def post(self, what: str, fn: Callable[[], Any]) -> None:
        """Fire and forget on the finisher; exceptions are only logged (notify, config_notify)."""

        def run() -> None:
            try:
                fn()
            except Exception:
                log.exception("%s module %s: exception in %s", self.kind, self.name, what)

        self._queue.put(run)

    def _finisher_loop(self) -> None:
        with listeners.owned_by(self.key):
            while True:
                job = self._queue.get()
                if job is None:
                    return
                job()

    def status(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "state": self.state.value,
            "error_string": self.error_string,
            "serving": bool(self._serve and self._serve.is_alive()),
            "queued": self._queue.qsize(),
        }
