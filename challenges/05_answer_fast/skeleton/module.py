"""pinger (skeleton): the command answers at once, but knows nothing yet.

It loads and answers; knowing the quorum without waiting for it is the challenge.
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
        # TODO: the quorum (quorum_status) and how old that knowledge is
        return HandleCommandResult(stdout=json.dumps({"quorum": None, "leader": None, "age": None}))

    def serve(self) -> None:
        self._stop.wait()

    def shutdown(self) -> None:
        self._stop.set()
