"""fleet_probe: a test module that watches what a module sees of the fleet.

- records every notify it gets (``NOTIFY_TYPES``), with the OSDMap epoch and
  the time an ``osd_map`` notify arrived;
- from the moment ``serve()`` starts (the mgr just became active) it samples
  how many OSDs the OSDMap has and how many of them have metadata, until all
  do: the "in the map, no metadata yet" gap after a failover;
- ``fleet probe get <name>`` times one ``get()`` inside the module.
"""

import json
import threading
import time
from typing import Any

from mgr_module import CLIReadCommand, HandleCommandResult, MgrModule

SAMPLE_EVERY = 0.02
SAMPLE_FOR = 30.0


class FleetProbe(MgrModule):
    NOTIFY_TYPES = [
        "osd_map",
        "pg_summary",
        "health",
        "fs_map",
        "service_map",
        "perf_schema_update",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lock = threading.Lock()
        self.notifies: dict[str, int] = {}
        self.osd_map_epochs: list[list[float]] = []  # [epoch, time.time()]
        self.samples: list[list[float]] = []  # [t since serve, in map, with metadata]
        self.serve_started = 0.0
        self.complete_after: float | None = None
        self.stop = threading.Event()

    def notify(self, notify_type: str, notify_id: str) -> None:
        now = time.time()
        epoch = self.get("osd_map")["epoch"] if notify_type == "osd_map" else 0
        with self.lock:
            self.notifies[notify_type] = self.notifies.get(notify_type, 0) + 1
            if notify_type == "osd_map":
                self.osd_map_epochs.append([epoch, now])

    def _coverage(self) -> tuple[int, int]:
        ids = [str(o["osd"]) for o in self.get("osd_map")["osds"]]
        have = sum(1 for i in ids if self.get_metadata("osd", i) is not None)
        return len(ids), have

    def serve(self) -> None:
        self.serve_started = time.time()
        while not self.stop.is_set() and time.time() - self.serve_started < SAMPLE_FOR:
            in_map, have = self._coverage()
            t = time.time() - self.serve_started
            with self.lock:
                self.samples.append([t, in_map, have])
            if in_map and have == in_map:
                self.complete_after = t
                break
            self.stop.wait(SAMPLE_EVERY)
        self.stop.wait()

    def shutdown(self) -> None:
        self.stop.set()

    @CLIReadCommand("fleet probe notifies")
    def notifies_cmd(self) -> HandleCommandResult:
        """What notifies this module got."""
        with self.lock:
            out = {"counts": dict(self.notifies), "osd_map": list(self.osd_map_epochs)}
        return HandleCommandResult(stdout=json.dumps(out))

    @CLIReadCommand("fleet probe coverage")
    def coverage_cmd(self) -> HandleCommandResult:
        """How OSD metadata filled in after this mgr became active."""
        with self.lock:
            out = {
                "serve_started": self.serve_started,
                "complete_after": self.complete_after,
                "first": self.samples[0] if self.samples else None,
                "samples": len(self.samples),
            }
        return HandleCommandResult(stdout=json.dumps(out))

    @CLIReadCommand("fleet probe get")
    def get_cmd(self, name: str) -> HandleCommandResult:
        """Time one get(name) inside the module."""
        t0 = time.perf_counter()
        data = self.get(name)
        took = time.perf_counter() - t0
        size = len(data) if isinstance(data, (dict, list)) else 0
        osds = len(data.get("osds", [])) if isinstance(data, dict) else 0
        return HandleCommandResult(stdout=json.dumps({"seconds": took, "size": size, "osds": osds}))

    @CLIReadCommand("fleet probe latest")
    def latest_cmd(self, daemon_type: str, daemon_id: str, path: str) -> HandleCommandResult:
        """get_latest_counter() as the module sees it."""
        return HandleCommandResult(
            stdout=json.dumps(self.get_latest_counter(daemon_type, daemon_id, path))
        )
