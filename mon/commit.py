"""The mon's commit path: the service list, one transaction from their
pending changes, the fan-out when it commits, refreshes, and health.

Theory of operation:

- `CommitPath` builds the services over the store (a new store gets the same
  initial contents on every mon) and keeps them in commit order: services
  that write cluster-log lines come before the log, which encodes last.
- On the leader the write pump runs the queued operations (they stage
  changes on the services), then `update_health` stages the health the mon
  sees now, then `encode_pending` makes one transaction of every service's
  pending changes, which the pump proposes.
- `on_committed` (the quorum shell's `CommitListener`): the leader's own
  proposal makes every service's committing changes current (each publishes
  its map) and releases the pump's replies; a commit made elsewhere (a peon
  following the leader, a leader recovering) refreshes the services owning
  the prefixes the transaction touched. A snapshot refreshes them all.

Who may import it: the daemon shell and `mon.monitor`. It never imports the
daemon, the router or the command layer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from mon.auth_monitor import AuthMonitor, mkfs_entries
from mon.config_key import ConfigKeyService
from mon.config_monitor import ConfigMonitor
from mon.context import ClusterLogSink, QuorumView
from mon.health import HealthCheck, HealthMap, HealthStatus, diff_messages
from mon.health_service import FIRST_GLOBAL_ID, AuthService, HealthService
from mon.log_service import LogService
from mon.mds_monitor import MDSMonitor, initial_fsmap
from mon.mgr_service import MgrMapService
from mon.monmap_service import MonmapMonitor
from mon.osd_monitor import OSDMonitor, initial_map
from mon.service import PaxosService
from mon.store import MonStore, Transaction
from sim.auth.keyring import EntityAuth
from sim.cluster import ClusterSpec
from sim.maps.fsmap import FSMap
from sim.maps.monmap import MonMap
from sim.maps.osdmap import OSDMap
from sim.options import Options

log = logging.getLogger(__name__)


class Emit(Protocol):
    def __call__(self, kind: str, **data: Any) -> None: ...


class Subscribers(Protocol):
    def publish(self, name: str, epoch: int, body: dict[str, Any]) -> None: ...


class Proposals(Protocol):
    """The write pump as the commit path sees it: whose proposal committed."""

    def owns(self, token: object) -> bool: ...
    def committed(self, token: object) -> None: ...


def mkfs_or_load(
    store: MonStore,
    spec: ClusterSpec,
    monmap: MonMap | None = None,
    initial_auth: dict[str, EntityAuth] | None = None,
) -> float:
    """The cluster's creation stamp; a new store first gets its initial contents.

    ``monmap``: the map a mon added later is made with (Ceph's ``ceph-mon --mkfs
    --monmap``, here `sim start mon.ID`); the mons of ``sim up`` have none and
    start from the spec's (epoch 1). ``initial_auth``: the auth database it
    starts with (the run directory's mkfs keyring)."""
    created = store.get("monmap", "created")
    if created is None:
        # Every mon makes the same initial store (version 0): same stamp, same ids.
        created = spec.created or time.time()
        txn = Transaction().put("monmap", "created", created)
        txn.put("auth", "max_global_id", FIRST_GLOBAL_ID)
        mkfs_entries(initial_auth or {}, txn)
        if monmap is not None:
            created = monmap.created
            txn.put("monmap", "created", created).put("monmap", "map", monmap.to_store())
        store.apply(txn)
        log.info("mkfs: new store for fsid %s", spec.fsid)
    return float(created)


class CommitPath:
    def __init__(
        self,
        store: MonStore,
        spec: ClusterSpec,
        mon_id: str,
        options: Options,
        created: float,
        clog: ClusterLogSink,
        emit: Emit,
    ) -> None:
        self.store = store
        self.spec = spec
        self.options = options
        self.created = created
        self.clog = clog
        self.emit = emit
        self.quorum: QuorumView | None = None  # set by the daemon once it has one
        self.proposals: Proposals | None = None  # the write pump, likewise
        self.subscribers: Subscribers | None = None  # maps are pushed once there are any
        self.mgr_service = MgrMapService(
            options, created, self.publish, lambda p, m: clog.cluster_log(p, m), emit
        )
        self.log_service = LogService(int(options["mon_cluster_log_keep"]), emit, self.publish)
        self.health_service = HealthService()
        self.auth_service = AuthService()
        # Commit order matters: services that log come before the log itself.
        self.services: list[PaxosService[Any]] = [
            self.mgr_service,
            self.health_service,
            self.auth_service,
            self.log_service,
        ]
        for service in self.services:
            service.load(store)
        self.config_service = ConfigMonitor(
            spec.fsid, mon_id, options, lambda: self.mgr_service.mgrmon.map, self.publish, emit
        )
        self.add_service(self.config_service)
        self.kv_service = ConfigKeyService(
            self.publish,
            emit,
            lambda: int(self.config_service.mon_value("mon_config_key_max_entry_size")),
        )
        self.add_service(self.kv_service)
        self.auth_monitor = AuthMonitor(self.publish, emit)
        self.add_service(self.auth_monitor)
        self.osd_service = OSDMonitor(options, self._initial_osdmap, self.publish, emit)
        self.add_service(self.osd_service)
        self.monmap_service = MonmapMonitor(
            MonMap.initial(spec.fsid, created, spec.mon_addrs), self.publish
        )
        self.add_service(self.monmap_service)
        self._sync_spec(self.monmap_service.map)
        self.monmap_service.on_change = self._monmap_changed
        self.monmap_listener: Callable[[MonMap], None] | None = None  # the daemon shell
        self.mds_service = MDSMonitor(
            options, self._initial_fsmap, self.publish, lambda p, m: clog.cluster_log(p, m), emit
        )
        self.add_service(self.mds_service)
        log.info(
            "loaded mgrmap e%d, log seq %d",
            self.mgr_service.mgrmon.map.epoch,
            self.log_service.last_seq,
        )

    def _initial_osdmap(self) -> OSDMap:
        s = self.spec
        return initial_map(s.fsid, self.created, s.osds, s.mds, s.rgws)

    def _sync_spec(self, m: MonMap) -> None:
        """This mon's copy of the spec names the current monmap's mons (rank order),
        for the code that reads ``spec.mons`` / ``spec.mon_addrs``."""
        self.spec.mons = m.names
        self.spec.mon_addrs = m.endpoints()

    def _monmap_changed(self, m: MonMap) -> None:
        self._sync_spec(m)
        if self.monmap_listener is not None:
            self.monmap_listener(m)

    def _initial_fsmap(self) -> FSMap:
        pools = {p.name: p.pool for p in self.osd_service.map.pools.values()}
        return initial_fsmap(self.created, self.spec.mds, pools)

    def add_service(self, service: PaxosService[Any]) -> None:
        """Register another service (before the log, which must commit last)."""
        service.load(self.store)
        self.services.insert(len(self.services) - 1, service)

    # --- maps --------------------------------------------------------------------------

    def publish(self, name: str, epoch: int, body: dict[str, Any]) -> None:
        if self.subscribers is not None:
            self.subscribers.publish(name, epoch, body)

    def current_map(self, name: str) -> tuple[int, dict[str, Any]] | None:
        for service in self.services:
            if service.name == name:
                return service.current_map()
        return None

    # --- the leader's side ---------------------------------------------------------------

    def encode_pending(self) -> Transaction | None:
        """Every service's pending changes as one transaction (None: nothing to do)."""
        txn = Transaction()
        try:
            for service in self.services:
                service.encode_pending(txn)
        except Exception:
            # One poisonous change must not wedge every later commit.
            log.exception("cannot encode pending changes; discarding them")
            for service in self.services:
                service.discard_pending()
            return None
        return txn if txn else None

    def mon_down_checks(self) -> list[HealthCheck]:
        if time.time() - self.created < float(self.options["mon_down_mkfs_grace"]):
            return []
        names = self.quorum.quorum_names() if self.quorum is not None else []
        mp = self.monmap_service.map
        down = [(r, m) for r, m in enumerate(mp.mons) if m.name not in names]
        if not down:
            return []
        detail = tuple(
            f"mon.{m.name} (rank {r}) addr {m.addrvec_str()} is down (out of quorum)"
            for r, m in down
        )
        summary = f"{len(down)}/{len(mp)} mons down, quorum {','.join(names)}"
        return [HealthCheck("MON_DOWN", HealthStatus.HEALTH_WARN, summary, len(down), detail)]

    def update_health(self) -> None:
        """Leader only (inside the pump): stage the health the mon sees now."""
        mm = self.mgr_service.mgrmon
        new = HealthMap.merge(
            HealthMap(mm.health_checks()),
            HealthMap.from_module_checks(mm.module_health),
            HealthMap(self.mon_down_checks()),
            HealthMap(self.osd_service.health_checks()),
            HealthMap(self.mds_service.health_checks()),
        )
        old = self.health_service.health
        if self.health_service.stage(new, mm.module_health):
            for prio, msg in diff_messages(old, new):
                self.clog.cluster_log(prio, msg)
            if new.to_json(detail=True) != old.to_json(detail=True):
                self.emit("health", status=new.status.value, checks=sorted(new.checks))
        # mutes that no longer hold (logged after the change that ended them, as in Ceph)
        for prio, msg in self.health_service.check_mutes(new, time.time()):
            self.clog.cluster_log(prio, msg)

    # --- commits (CommitListener) ----------------------------------------------------------

    def on_committed(self, version: int, value: list[Any], token: object | None) -> None:
        pump = self.proposals
        if token is not None and pump is not None and pump.owns(token):
            for service in self.services:
                service.on_committed()
            pump.committed(token)
            return
        txn = Transaction.from_wire(value)
        self.refresh_services({p for p, _, _ in txn.ops})

    def on_installed(self) -> None:
        log.info("installed a store snapshot")
        self.refresh_services(None)

    def refresh_services(self, prefixes: set[str] | None) -> None:
        """Services read what is committed again (all, or those owning ``prefixes``),
        and subscribers get the maps that changed."""
        for service in self.services:
            if prefixes is not None and not prefixes & set(service.prefixes):
                continue
            before = service.current_map()
            service.refresh(self.store)
            after = service.current_map()
            if after is not None and (before is None or after[0] != before[0]):
                self.publish(service.name, after[0], after[1])
