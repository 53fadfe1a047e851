"""`Monitor`: the mon as its command handlers and request operations see it
(it implements `mon.context.MonContext`), and the cluster log's entry points.

It holds the mon's identity, read access to the store, the commit path with
the services (`mon.commit`), the quorum view, and the mon's own cluster-log
lines: a leader that may write adds them to the log service at once; a mon
that may not keeps them (``outgoing``) until a leader can take them, a peon
sends them to the leader through the router.

Who may import it: the daemon shell (which builds it) and tests. Handlers and
operations receive it typed as `MonContext`.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from typing import Any, Protocol

from mon.auth_monitor import AuthMonitor
from mon.cluster_log import ClusterLog
from mon.commit import CommitPath, Emit
from mon.config_key import ConfigKeyService
from mon.config_monitor import ConfigMonitor
from mon.context import QuorumView
from mon.health import HealthMap
from mon.health_service import AuthService, HealthService
from mon.log_service import LogService
from mon.mds_monitor import MDSMonitor
from mon.mgr_monitor import Clog, MgrMonitor
from mon.mgr_service import MgrMapService
from mon.monmap_service import MonmapMonitor
from mon.osd_monitor import OSDMonitor
from mon.store import MonStore, StoreReader
from sim.cluster import ClusterSpec
from sim.options import Options

log = logging.getLogger(__name__)

OUTGOING_LOG_MAX = 200  # own cluster-log lines kept while there is no leader to take them


class LogRouter(Protocol):
    """Where the mon's own log lines go: the leader's pump, or the leader."""

    def kick(self) -> None: ...
    def submit_log(self, sender: str, entries: list[dict[str, Any]]) -> None: ...


class Monitor:
    def __init__(
        self,
        spec: ClusterSpec,
        mon_id: str,
        options: Options,
        store: MonStore,
        created: float,
        emit: Emit,
    ) -> None:
        self.spec = spec
        self.id = mon_id
        self.name = f"mon.{mon_id}"
        self.options = options
        self._store = store
        self.created = created
        self.inbuf = b""
        self.outgoing_log: deque[dict[str, Any]] = deque(maxlen=OUTGOING_LOG_MAX)
        self._quorum: QuorumView | None = None
        self.router: LogRouter | None = None
        self.commit = CommitPath(store, spec, mon_id, options, created, self, emit)

    # --- wiring (by the daemon shell) ------------------------------------------------------

    def attach(self, quorum: QuorumView, router: LogRouter) -> None:
        self._quorum = quorum
        self.router = router
        self.commit.quorum = quorum

    @property
    def quorum(self) -> QuorumView:
        assert self._quorum is not None, "Monitor.attach() first"
        return self._quorum

    @property
    def store(self) -> StoreReader:
        return self._store

    # --- the services --------------------------------------------------------------------

    @property
    def mgr_service(self) -> MgrMapService:
        return self.commit.mgr_service

    @property
    def config_service(self) -> ConfigMonitor:
        return self.commit.config_service

    @property
    def kv_service(self) -> ConfigKeyService:
        return self.commit.kv_service

    @property
    def osd_service(self) -> OSDMonitor:
        return self.commit.osd_service

    @property
    def mds_service(self) -> MDSMonitor:
        return self.commit.mds_service

    @property
    def health_service(self) -> HealthService:
        return self.commit.health_service

    @property
    def auth_service(self) -> AuthService:
        return self.commit.auth_service

    @property
    def auth_monitor(self) -> AuthMonitor:
        return self.commit.auth_monitor

    @property
    def log_service(self) -> LogService:
        return self.commit.log_service

    @property
    def monmap_service(self) -> MonmapMonitor:
        return self.commit.monmap_service

    @property
    def rank(self) -> int:
        """This mon's rank in the current monmap (-1 once it was removed)."""
        mp = self.commit.monmap_service.map
        return mp.rank(self.id) if mp.contains(self.id) else -1

    @property
    def mgrmon(self) -> MgrMonitor:
        return self.commit.mgr_service.mgrmon

    @property
    def clog(self) -> ClusterLog:
        return self.commit.log_service.clog

    @property
    def health(self) -> HealthMap:
        return self.commit.health_service.current

    def monmap(self) -> dict[str, Any]:
        return self.commit.monmap_service.map.dump()

    def current_map(self, name: str) -> tuple[int, dict[str, Any]] | None:
        """(epoch, body) of the map ``name`` for a subscriber (None: no such map)."""
        return self.commit.current_map(name)

    # --- cluster log ----------------------------------------------------------------------

    def cluster_log(self, priority: str, message: str, channel: str = "cluster") -> None:
        entry = {
            "name": self.name,
            "rank": f"mon.{self.rank}",
            "stamp": time.time(),
            "priority": priority,
            "message": message,
            "channel": channel,
        }
        log.info("clog %s %s", priority, message)
        if self.quorum.writeable():
            self.add_log(entry)
            self._kick()
        else:
            self.outgoing_log.append(entry)
            if self.quorum.readable():
                self.flush_log()

    def clog_all(self, lines: Clog) -> None:
        for prio, msg in lines:
            self.cluster_log(prio, msg)

    def audit(self, who: str, cmd: dict[str, Any]) -> None:
        self.cluster_log(
            "[INF]",
            f"from='{who}' entity='{who}' cmd=[{json.dumps(cmd, sort_keys=False)}]: dispatch",
            channel="audit",
        )

    def queue_log(self, entries: list[dict[str, Any]]) -> None:
        """Clients' entries kept (as this mon's) until a leader can take them."""
        stamp = time.time()
        me = {"name": self.name, "rank": f"mon.{self.rank}", "stamp": stamp}
        self.outgoing_log.extend({**me, **e} for e in entries)  # a mon's own keep theirs

    def flush_log(self) -> None:
        q = self.quorum
        if q.is_leader():
            if q.writeable():
                while self.outgoing_log:
                    self.add_log(self.outgoing_log.popleft())
                self._kick()
            return
        if not q.in_quorum() or self.router is None:
            return
        pending = list(self.outgoing_log)
        self.outgoing_log.clear()
        for i in range(0, len(pending), 100):
            self.router.submit_log(self.name, pending[i : i + 100])  # re-queued if unsent

    def add_log(self, e: dict[str, Any]) -> None:
        """One mon's own entry (possibly another mon's, forwarded) into the log."""
        name = str(e.get("name", self.name))
        rank_of = self.quorum.rank_of(name)
        addrs = self.addrvec(self.spec.mons[rank_of] if rank_of is not None else self.id)
        stamp = e.get("stamp")
        self.log_service.add(
            name,
            str(e.get("rank", f"mon.{self.rank}")),
            addrs,
            str(e.get("priority", "[INF]")),
            str(e.get("message", "")),
            str(e.get("channel", "cluster")),
            stamp=float(stamp) if isinstance(stamp, (int, float)) else None,
        )

    def addrvec(self, mon_id: str | None = None) -> dict[str, Any]:
        mp = self.commit.monmap_service.map
        name = mon_id or self.id
        addrs = mp.get(name).addrs if mp.contains(name) else ()
        return {"addrvec": [{"type": t, "addr": a, "nonce": 0} for t, a in addrs]}

    def _kick(self) -> None:
        if self.router is not None:
            self.router.kick()
