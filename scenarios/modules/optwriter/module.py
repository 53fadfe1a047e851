"""optwriter: a module that writes its own options (for the config_propagation scenario).

- ``ceph optwriter set <key> <value>``: ``set_module_option`` on the module's
  finisher thread; the call returns only once the mon has committed the
  value, and the command answers how long that took.
- ``ceph optwriter set-on-mon-loss <key> <value>``: arms a write that
  ``serve()`` makes as soon as ``have_mon_connection()`` turns False, i.e.
  inside a mon outage, where it blocks until a mon is back. Answers at once.
- ``ceph optwriter last``: the last background write as JSON (key, value,
  started, returned, took, mon_when_started).
"""

import json
import threading
import time
from typing import Any

from mgr_module import CLIReadCommand, CLIWriteCommand, HandleCommandResult, MgrModule, Option


class OptWriter(MgrModule):
    MODULE_OPTIONS = [
        Option(name="color", type="str", default="grey", desc="any text", runtime=True),
        Option(name="note", type="str", default="nothing yet", desc="any text", runtime=True),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stop = threading.Event()
        self._armed: tuple[str, str] | None = None
        self._last: dict[str, Any] = {}

    @CLIWriteCommand("optwriter set")
    def set_now(self, key: str, value: str) -> HandleCommandResult:
        """Set one of this module's options with set_module_option (waits for the mon)"""
        t0 = time.monotonic()
        self.set_module_option(key, value)
        took = (time.monotonic() - t0) * 1000
        return HandleCommandResult(
            stdout=f"mgr/{self.module_name}/{key} = {value}: committed in {took:.1f} ms"
        )

    @CLIWriteCommand("optwriter set-on-mon-loss")
    def set_on_mon_loss(self, key: str, value: str) -> HandleCommandResult:
        """Set an option from serve() as soon as this mgr loses its mon"""
        self._validate_module_option(key)
        self._armed = (key, value)
        return HandleCommandResult(stdout=f"armed: {key} = {value} when the mon is lost")

    @CLIReadCommand("optwriter last")
    def last(self) -> HandleCommandResult:
        """The last background write, as JSON"""
        return HandleCommandResult(stdout=json.dumps(self._last))

    def serve(self) -> None:
        while not self._stop.is_set():
            armed = self._armed
            if armed is not None and not self.have_mon_connection():
                self._armed = None
                self._write(*armed)
            self._stop.wait(0.02)

    def _write(self, key: str, value: str) -> None:
        started = time.time()
        self._last = {"key": key, "value": value, "started": started, "returned": None}
        self.log.info("no mon connection: writing %s = %r now", key, value)
        try:
            self.set_module_option(key, value)
        except Exception as exc:  # the mgr is stopping
            self.log.warning("write of %s did not complete: %s", key, exc)
            return
        returned = time.time()
        self._last |= {"returned": returned, "took": round(returned - started, 3)}
        self.log.info("%s = %r committed after %.2fs", key, value, returned - started)

    def shutdown(self) -> None:
        self._stop.set()
