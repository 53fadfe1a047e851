"""MgrMap persistence and publication around the pure `MgrMonitor`."""

from __future__ import annotations

import errno
import time
from collections.abc import Callable
from typing import Any

from mon.errors import CommandError
from mon.mgr_map import MgrMap
from mon.mgr_monitor import MgrMonitor
from mon.service import PaxosService, Publish
from mon.store import StoreReader, Transaction
from sim.options import Options

MGRMAP_EPOCHS_KEPT = 100


# The next epoch (None: only metadata changed) and the metadata reported since.
MgrChanges = tuple[MgrMap | None, dict[str, dict[str, Any]]]


class MgrMapService(PaxosService[MgrChanges]):
    name = "mgrmap"
    prefixes = ("mgrmap", "mgr_metadata")

    def __init__(
        self,
        options: Options,
        created: float,
        publish: Publish,
        clog: Callable[[str, str], None],
        emit: Callable[..., None],
    ) -> None:
        self.options = options
        self.created = created
        self.publish = publish
        self.clog = clog
        self.emit = emit
        self.mgrmon: MgrMonitor

    def load(self, store: StoreReader) -> None:
        epoch = store.get("mgrmap", "last_committed", 0)
        mgrmap = MgrMap.from_store(store.get("mgrmap", str(epoch))) if epoch else MgrMap()
        metadata = dict(store.items("mgr_metadata"))
        self.mgrmon = MgrMonitor(
            self.options, time.monotonic, time.time, mgrmap, metadata, created=self.created
        )

    def take_pending(self) -> MgrChanges | None:
        """The MgrMonitor keeps its pending map until `MgrMonitor.committed`
        (it is what the next beacon or command builds on)."""
        mm = self.mgrmon
        if not mm.has_pending():
            return None
        return mm.pending, dict(mm.pending_metadata)

    def drop_pending(self) -> None:
        self.mgrmon.discard_pending()

    def encode(self, changes: MgrChanges, txn: Transaction) -> None:
        pm, metadata = changes
        if pm is not None:
            txn.put("mgrmap", str(pm.epoch), pm.to_store()).put(
                "mgrmap", "last_committed", pm.epoch
            )
            if pm.epoch > MGRMAP_EPOCHS_KEPT:
                txn.erase("mgrmap", str(pm.epoch - MGRMAP_EPOCHS_KEPT))
            self.clog("[DBG]", pm.summary_line(time.time()))
        for name, md in metadata.items():
            txn.put("mgr_metadata", name, md)

    def commit(self, changes: MgrChanges) -> None:
        pm, _ = changes
        self.mgrmon.committed(pm)
        if pm is None:
            return
        self.publish("mgrmap", pm.epoch, self.body(pm))
        self.emit(
            "mgrmap",
            epoch=pm.epoch,
            active_name=pm.active_name,
            active_gid=pm.active_gid,
            available=pm.available,
            standbys=[s.name for s in pm.standbys.values()],
        )

    def map_at(self, store: StoreReader, epoch: int | None) -> MgrMap:
        """The MgrMap of ``epoch`` (the current one for None): ``mgr dump <epoch>``."""
        m = self.mgrmon.map
        if epoch is None or epoch == m.epoch:
            return m
        stored = store.get("mgrmap", str(epoch))
        if stored is None:
            raise CommandError(errno.ENOENT, f"there is no map for epoch {epoch}")
        return MgrMap.from_store(stored)

    @staticmethod
    def body(m: MgrMap) -> dict[str, Any]:
        return m.dump() | {"command_descs": m.command_descs}

    def current_map(self) -> tuple[int, dict[str, Any]] | None:
        m = self.mgrmon.map
        return (m.epoch, self.body(m)) if m.epoch else None
