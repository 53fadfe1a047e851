"""quorumwatch (skeleton): looks at the quorum every tick, raises nothing yet.

It loads and runs; the health check is the challenge.
"""

import json
import threading
from typing import Any

from mgr_module import MgrModule

TICK = 0.25  # seconds between looks (the mgr's view refreshes once a second)
CHECK = "QUORUMWATCH_DEGRADED"


class Module(MgrModule):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stop = threading.Event()

    def missing(self) -> tuple[list[str], list[str]]:
        """(mons of the monmap, those not in quorum) as the mgr knows them."""
        status = json.loads((self.get("mon_status") or {}).get("json") or "{}")
        mons = [m["name"] for m in status.get("monmap", {}).get("mons", [])]
        quorum = set(status.get("quorum_names", []))
        return mons, [m for m in mons if m not in quorum]

    def tick(self) -> None:
        mons, missing = self.missing()
        # TODO: raise CHECK while some mon is missing, with one detail line each

    def serve(self) -> None:
        while not self._stop.wait(TICK):
            self.tick()

    def shutdown(self) -> None:
        self._stop.set()
