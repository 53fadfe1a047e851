"""quorumwatch (reference): every tick, the health checks it reports are what
is true now — the check while mons are missing, and an empty set once not.
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
        self.set_health_checks(self.checks(mons, missing) if missing else {})

    def checks(self, mons: list[str], missing: list[str]) -> dict[str, Any]:
        return {
            CHECK: {
                "severity": "warning",
                "summary": f"{len(missing)} of {len(mons)} mons out of quorum",
                "count": len(missing),
                "detail": [f"mon.{m} is not in quorum" for m in missing],
            }
        }

    def serve(self) -> None:
        while not self._stop.wait(TICK):
            self.tick()

    def shutdown(self) -> None:
        self._stop.set()
