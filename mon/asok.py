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


# Ceph 16.2's mon_status keys, in its order (the simulator's admin ``mon_status``
# adds its own: leader, paxos).
MON_STATUS_KEYS = (
    "name", "rank", "state", "election_epoch", "quorum", "quorum_age", "features",
    "outside_quorum", "extra_probe_peers", "sync_provider", "monmap", "feature_map",
    "stretch_mode",
)  # fmt: skip
FEATURES = "0x3f01cfbdfffdffff"  # what a 16.2 daemon's session reports


@TABLE.command("mon_status", "report status of monitors")
def mon_status_(host: MonAsokHost, cmd: dict[str, Any]) -> dict[str, Any]:
    """As ``ceph tell mon.X mon_status`` prints it; ``feature_map`` counts this
    mon (its sessions are not kept per peer here)."""
    ours = mon_status(host.mon)
    ours["feature_map"] = {"mon": [{"features": FEATURES, "release": "luminous", "num": 1}]}
    return {k: ours[k] for k in MON_STATUS_KEYS if k in ours}
