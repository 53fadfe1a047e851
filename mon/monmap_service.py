"""MonmapMonitor: the monmap as a replicated service (``mon add``, ``mon remove``).

The committed map lives in the store at ``monmap/map``; a store without one
(every cluster until its first change) has the initial map, epoch 1, made from
the cluster spec. A change is a whole new map (next epoch) staged as pending;
it commits through Paxos like any other service's, and once it is current —
on the leader by its own commit, on a peon by the refresh that follows the
leader's — the service calls ``on_change`` with the new map. The daemon shell
then re-ranks the quorum and calls an election (or exits, if this mon is no
longer in the map), as Ceph's monitors bootstrap after a monmap change.

Errors and messages are Ceph 16.2's (checked on a real cluster): see
`add` and `remove`. Who may import it: the commit path and tests; command
handlers reach it through `mon.context.MonContext.monmap_service`.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from typing import Any

from mon.errors import CommandError
from mon.service import PaxosService, Publish
from mon.store import StoreReader, Transaction
from sim.maps.monmap import MonMap, MonmapError, addrvec_str, parse_mon_addr

OnChange = Callable[[MonMap], None]


class MonmapMonitor(PaxosService[MonMap]):
    name = "monmap"
    prefixes = ("monmap",)

    def __init__(self, initial: MonMap, publish: Publish) -> None:
        self.initial = initial
        self.map = initial
        self.pending: MonMap | None = None
        self.publish = publish
        self.on_change: OnChange | None = None  # set by the daemon shell

    # --- PaxosService ---------------------------------------------------------------

    def load(self, store: StoreReader) -> None:
        raw = store.get("monmap", "map")
        self.map = MonMap.from_store(raw) if isinstance(raw, dict) else self.initial

    def refresh(self, store: StoreReader) -> None:
        before = self.map
        super().refresh(store)
        if self.map != before:
            self._changed()

    def take_pending(self) -> MonMap | None:
        staged, self.pending = self.pending, None
        return staged

    def drop_pending(self) -> None:
        self.pending = None

    def encode(self, changes: MonMap, txn: Transaction) -> None:
        txn.put("monmap", "map", changes.to_store())

    def commit(self, changes: MonMap) -> None:
        self.map = changes
        self.publish(self.name, changes.epoch, changes.dump())
        self._changed()

    def current_map(self) -> tuple[int, dict[str, Any]] | None:
        return self.map.epoch, self.map.dump()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self.map)

    # --- commands -------------------------------------------------------------------

    def newest(self) -> MonMap:
        return self.pending if self.pending is not None else self.map

    def add(self, name: str, addr: str, now: float) -> str:
        """``mon add NAME ADDR``: the message for the reply (``outs``).

        Same name at the same address: nothing changes, rc 0
        ``mon.NAME at ADDRS already exists``; the name at another address, or
        the address taken by another mon: EEXIST."""
        try:
            addrs = parse_mon_addr(addr)
        except MonmapError as exc:
            raise CommandError(exc.errno, str(exc)) from None
        m = self.newest()
        if m.contains(name):
            have = m.get(name)
            if have.addrs == addrs:
                return f"mon.{name} at {addrvec_str(addrs)} already exists"
            raise CommandError(
                errno.EEXIST, f"mon.{name} already exists at address {have.addrvec_str()}"
            )
        owner = m.owner_of(addrs)
        if owner is not None:
            raise CommandError(
                errno.EEXIST, f"mon.{owner} already exists at address {addrvec_str(addrs[:1])}"
            )
        self.pending = m.with_mon(name, addrs, now)
        return f"adding mon.{name} at {addrvec_str(addrs)}"

    def remove(self, name: str, now: float) -> str:
        """``mon remove NAME`` / ``mon rm NAME``: silent when it is done (as Ceph 16.2
        prints nothing); a name not in the map is rc 0 with a message; the last mon
        is refused (EINVAL). Ceph does not refuse a removal that leaves fewer mons
        up than a majority of the new map, and neither do we."""
        m = self.newest()
        if not m.contains(name):
            return f"mon.{name} does not exist or has already been removed"
        if len(m) == 1:
            raise CommandError(errno.EINVAL, f"error: refusing removal of last monitor {name}")
        self.pending = m.without_mon(name, now)
        return ""
