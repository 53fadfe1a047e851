"""The active mgr's periodic digest (Ceph: the mon -> mgr digest every ``mon_mgr_digest_period``).

Ceph's mon pushes health and mon status to the active mgr; ours does not,
so the active asks for them: ``health detail`` and ``quorum_status`` (and
``mgr metadata``) every period while it has a mon session, stores them in
`ClusterState`, and sends ``notify('health')`` to the modules that listen.
The period is ``mon_mgr_digest_period`` from the cluster options (5 s in
Ceph; 1 s by default in the fast profile).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sim.monc import MonUnavailable
from sim.transport import NotConnected

if TYPE_CHECKING:
    from mgr.host.py_modules import MonCommands, PyModules

log = logging.getLogger(__name__)


def period(opts: Mapping[str, Any]) -> float:
    """``mon_mgr_digest_period`` from the cluster spec's options, else by profile."""
    if "mon_mgr_digest_period" in opts:
        return float(opts["mon_mgr_digest_period"])
    return 5.0 if opts.get("mgr_tick_period", 0.25) >= 2.0 else 1.0


async def _json(monc: MonCommands, cmd: dict[str, Any]) -> Any:
    try:
        reply = await monc.command({**cmd, "format": "json"}, timeout=2.0)
    except (MonUnavailable, NotConnected, TimeoutError):
        return None
    if reply.retval != 0:
        return None
    try:
        return json.loads(reply.outbuf or b"null")
    except ValueError:
        return None


async def refresh(host: PyModules, monc: MonCommands) -> None:
    health = await _json(monc, {"prefix": "health", "detail": "detail"})
    quorum = await _json(monc, {"prefix": "quorum_status"})
    mgrs = await _json(monc, {"prefix": "mgr metadata"})
    host.state.set_digest(
        health if isinstance(health, dict) else None, quorum if isinstance(quorum, dict) else None
    )
    if isinstance(mgrs, list):
        host.state.set_mgr_metadata(mgrs)


async def run(host: PyModules, monc: MonCommands, every: float) -> None:
    """Refresh every ``every`` seconds while ``monc`` has a session (until cancelled)."""
    while True:
        if monc.have_session:
            try:
                await refresh(host, monc)
            except Exception:
                log.exception("digest refresh failed")
            else:
                host.notify_all("health", "")
        await asyncio.sleep(every)
