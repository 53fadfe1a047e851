"""What ``ceph -w`` printed during a scenario run (the report shows it).

The engine runs the CLI's watch (`sim.ceph_watch`, the code behind
``python -m sim ceph -w``) in a thread of its own, with its own event loop and
mon session, from the moment the cluster has settled to the end of the run.
It writes ``OUT/ceph-w.txt`` as it prints (the status block, an empty line,
then one line per cluster-log entry) and follows the log across mon failures
as the CLI does. A thread rather than a process: nothing to leave behind if
the engine is killed.
"""

from __future__ import annotations

import asyncio
import io
import threading
from pathlib import Path

from sim.ceph_watch import run_watch, watch_spec
from sim.client import AsyncCluster

FILE = "ceph-w.txt"


class CephWatch:
    def __init__(self, run_dir: Path, path: Path, timeout: float = 10.0) -> None:
        self.run_dir = run_dir
        self.path = path
        self.timeout = timeout
        self.error = ""
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._main, name="ceph-w", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _main(self) -> None:
        try:
            asyncio.run(self._run())
        except Exception as exc:  # the watch is an observer: never the run's failure
            self.error = f"{exc.__class__.__name__}: {exc}"
        finally:
            self._ready.set()

    async def _run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._ready.set()
        cluster = AsyncCluster(self.run_dir, name="client.watch")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "w") as out:
                err = io.StringIO()
                spec = watch_spec(True, (), None)
                rc = await run_watch(cluster, spec, self.timeout, out, err, stop=self._stop)
                if rc:
                    self.error = err.getvalue().strip() or f"exit {rc}"
        finally:
            await cluster.close()

    def stop(self) -> str:
        """End the watch; what it printed."""
        self._ready.wait(5.0)
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(stop.set)
            except RuntimeError:  # the loop ended meanwhile
                pass
        self._thread.join(5.0)
        return self.text()

    def text(self) -> str:
        try:
            return self.path.read_text(errors="replace")
        except OSError:
            return ""
