"""A fake mon for unit tests of command handlers: it implements
`mon.context.MonContext` with real services over a real store (or an empty
in-memory one), a quorum of one that is always the leader, and a cluster log
that only records lines. No processes, no sockets.

Subclasses (the config harness) replace the services they drive.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mon.auth_monitor import AuthMonitor
from mon.cluster_log import ClusterLog
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
from mon.osd_monitor import OSDMonitor, initial_map
from mon.store import StoreReader
from sim.cluster import ClusterSpec
from sim.maps.fsmap import FSMap
from sim.maps.monmap import MonMap
from sim.options import Options, Profile, defaults

FSID = "a7f64266-0894-4f1e-a635-d0aeaca0e993"
CREATED = 1_700_000_000.0


class EmptyStore:
    """A store with nothing committed yet."""

    def get(self, prefix: str, key: str, default: Any = None) -> Any:
        return default

    def items(self, prefix: str) -> Iterator[tuple[str, Any]]:
        return iter(())


class LeaderOfOne:
    """The quorum view of a single mon that leads itself."""

    rank = 0
    epoch = 1
    state = "leader"
    quorum_stamp = CREATED

    def in_quorum(self) -> bool:
        return True

    def is_leader(self) -> bool:
        return True

    def leader_rank(self) -> int | None:
        return 0

    def quorum_ranks(self) -> list[int]:
        return [0]

    def quorum_names(self) -> list[str]:
        return ["a"]

    def readable(self) -> bool:
        return True

    def writeable(self) -> bool:
        return True

    def rank_of(self, sender: str) -> int | None:
        return 0 if sender == "mon.a" else None

    def last_committed(self) -> int:
        return 0


class FakeMon:
    """Implements MonContext (checked by mypy wherever it is passed as one)."""

    id = "a"
    name = "mon.a"
    rank = 0
    created = CREATED

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        self.spec = ClusterSpec(
            fsid=FSID, mons=["a"], mgrs=[], mon_addrs={"a": "tcp://127.0.0.1:6789"}
        )
        self.options = Options(options if options is not None else defaults(Profile.FAST))
        self.store: StoreReader = EmptyStore()
        self.quorum: QuorumView = LeaderOfOne()
        self.inbuf = b""
        self.logged: list[tuple[str, str, str]] = []
        self.published: list[tuple[str, int, dict[str, Any]]] = []
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.mgr_service = MgrMapService(
            self.options, self.created, self._publish, self.cluster_log, self._emit
        )
        self.health_service = HealthService()
        self.auth_service = AuthService()
        self.auth_monitor = AuthMonitor(self._publish, self._emit)
        self.log_service = LogService(100, self._emit, self._publish)
        self.config_service = ConfigMonitor(
            FSID, self.id, self.options, lambda: self.mgrmon.map, self._publish, self._emit
        )
        self.kv_service = ConfigKeyService(self._publish, self._emit)
        self.osd_service = OSDMonitor(
            self.options,
            lambda: initial_map(FSID, self.created, 0, 0, 0),
            self._publish,
            self._emit,
        )
        self.mds_service = MDSMonitor(
            self.options, FSMap, self._publish, self.cluster_log, self._emit
        )
        for service in (
            self.mgr_service,
            self.health_service,
            self.auth_service,
            self.auth_monitor,
            self.log_service,
            self.config_service,
            self.kv_service,
            self.osd_service,
            self.mds_service,
        ):
            service.load(self.store)
        self.monmap_service = MonmapMonitor(
            MonMap.initial(FSID, self.created, self.spec.mon_addrs), self._publish
        )
        self.monmap_service.load(self.store)

    def _publish(self, name: str, epoch: int, body: dict[str, Any]) -> None:
        self.published.append((name, epoch, body))

    def _emit(self, kind: str, **data: Any) -> None:
        self.events.append((kind, data))

    @property
    def mgrmon(self) -> MgrMonitor:
        return self.mgr_service.mgrmon

    @property
    def health(self) -> HealthMap:
        return self.health_service.current

    @property
    def clog(self) -> ClusterLog:
        return self.log_service.clog

    def cluster_log(self, priority: str, message: str, channel: str = "cluster") -> None:
        self.logged.append((priority, message, channel))

    def clog_all(self, lines: Clog) -> None:
        for prio, msg in lines:
            self.cluster_log(prio, msg)

    def monmap(self) -> dict[str, Any]:
        return self.monmap_service.map.dump()
