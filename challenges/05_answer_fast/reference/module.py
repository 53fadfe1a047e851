"""pinger (reference): serve() asks the mons every quarter second and keeps the
answer; the command handler only reads what serve() last got.
"""

import json
import threading
import time
from typing import Any

from mgr_module import CLIReadCommand, HandleCommandResult, MgrModule

REFRESH = 0.25


class Module(MgrModule):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stop = threading.Event()
        self._seen: dict[str, Any] = {}
        self._when = 0.0

    @CLIReadCommand("pinger status")
    def status(self) -> HandleCommandResult:
        """The mon quorum as this module last saw it"""
        seen, when = self._seen, self._when
        age = round(time.time() - when, 3) if when else None
        answer = {
            "quorum": seen.get("quorum_names"),
            "leader": seen.get("quorum_leader_name"),
            "age": age,
        }
        return HandleCommandResult(stdout=json.dumps(answer))

    def refresh(self) -> None:
        rc, out, _ = self.mon_command({"prefix": "quorum_status", "format": "json"})
        if rc == 0:
            self._seen, self._when = json.loads(out), time.time()

    def serve(self) -> None:
        while not self._stop.is_set():
            self.refresh()  # may block while the mons are slow: this is serve's thread
            self._stop.wait(REFRESH)

    def shutdown(self) -> None:
        self._stop.set()
