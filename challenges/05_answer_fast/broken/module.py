"""pinger (broken): asks the mons from the command handler, so every answer
waits as long as the mons do.
"""

import json
import threading
from typing import Any

from mgr_module import CLIReadCommand, HandleCommandResult, MgrModule


class Module(MgrModule):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stop = threading.Event()

    @CLIReadCommand("pinger status")
    def status(self) -> HandleCommandResult:
        """The mon quorum as this module last saw it"""
        rc, out, err = self.mon_command({"prefix": "quorum_status", "format": "json"})
        if rc != 0:
            return HandleCommandResult(retval=rc, stderr=err)
        seen = json.loads(out)
        answer = {
            "quorum": seen.get("quorum_names"),
            "leader": seen.get("quorum_leader_name"),
            "age": 0.0,
        }
        return HandleCommandResult(stdout=json.dumps(answer))

    def serve(self) -> None:
        self._stop.wait()

    def shutdown(self) -> None:
        self._stop.set()
