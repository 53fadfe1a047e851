"""`DaemonView`: what the mgr's data views read of the daemon state.

`mgr.fs_views` (the FSMap) and `mgr.pg_views` (PGMap statistics, ``df``,
the digest) are pure functions and classes over what the active mgr knows
of the cluster's daemons; they are typed against this protocol, never
against `mgr.daemon_state.DaemonState` (which builds them and implements
it), so the views and the state import in one direction only.

Who may import it: the views, `mgr.daemon_state` and tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from mgr.perf_counters import CounterTable
from sim.maps.fsmap import FSMap
from sim.maps.osdmap import OSDMap


class DaemonView(Protocol):
    """The daemon state as the views read it (read-only; the state swaps whole objects)."""

    @property
    def osdmap(self) -> OSDMap:
        """The newest OSDMap from the mon."""

    @property
    def fsmap(self) -> FSMap:
        """The newest FSMap from the mon."""

    @property
    def metadata(self) -> Mapping[tuple[str, str], dict[str, str]]:
        """(daemon type, id) -> the metadata its ``MgrOpen`` carried."""

    @property
    def daemon_status(self) -> Mapping[tuple[str, str], dict[str, Any]]:
        """(daemon type, id) -> the status its latest report carried."""

    @property
    def tables(self) -> Mapping[str, CounterTable]:
        """Daemon type -> its perf counters."""

    @property
    def pools(self) -> Mapping[str, list[tuple[float, dict[int, list[int]]]]]:
        """Sender -> its two newest pool I/O samples (time, pool id -> totals)."""

    @property
    def pg_objects(self) -> Mapping[str, dict[tuple[int, int], tuple[int, int]]]:
        """Sender -> (pool, ps) -> (objects, bytes) of the RADOS objects in that PG."""

    @property
    def reports(self) -> int:
        """How many ``MgrReport``s the active has accepted."""
