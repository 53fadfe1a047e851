"""The mon's own admin socket commands (besides `sim.asok.common`'s).

``mon_status`` (the same JSON as ``ceph tell mon.X mon_status``). A Ceph 16.2
mon has no ``status`` hook: ``ceph daemon mon.a status`` is an invalid
command there, and here too.

Who may import it: `mon.daemon` (which builds the mon's admin socket) and tests.
"""

from __future__ import annotations

from typing import Any, Protocol

from mon.mon_map import mon_status
from mon.monitor import Monitor
from sim.asok import AsokHost, AsokTable

TABLE = AsokTable()


class MonAsokHost(AsokHost, Protocol):
    @property
    def mon(self) -> Monitor: ...


@TABLE.command("mon_status", "report status of monitors")
def mon_status_(host: MonAsokHost, cmd: dict[str, Any]) -> dict[str, Any]:
    return mon_status(host.mon)
