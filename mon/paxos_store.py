"""Paxos's durable state in the mon's SQLite store (`mon.paxos.Storage`).

Layout (prefix / key):

- ``paxos`` / ``last_committed``, ``first_committed``: the committed versions
  this store holds values for (``first_committed`` = oldest kept value).
- ``paxos_values`` / ``%016d``: each committed value (a transaction in wire
  form), the newest `KEEP_VALUES`, shipped to lagging mons.
- ``paxos_local`` / ``accepted_pn``, ``uncommitted``: what this mon promised
  and accepted (never replicated, never in a snapshot).
- ``election`` / ``epoch``, ``last_quorum``: the elector's persisted state
  (local too).

Committing applies the value's operations and the bookkeeping in one SQLite
transaction, so a kill -9 leaves a version either wholly committed or not at
all. A snapshot is every row outside the local prefixes.
"""

from __future__ import annotations

from typing import Any

from mon.elector import QuorumRecord
from mon.paxos import Snapshot, Uncommitted, Value
from mon.store import MonStore, Transaction

KEEP_VALUES = 500  # Ceph's paxos_min
LOCAL_PREFIXES = frozenset({"paxos_local", "election"})
NOT_IN_SNAPSHOT = LOCAL_PREFIXES | {"paxos_values"}


def _vkey(version: int) -> str:
    return f"{version:016d}"


class PaxosStore:
    def __init__(self, store: MonStore, keep: int = KEEP_VALUES) -> None:
        self.store = store
        self.keep = keep
        self._lc = int(store.get("paxos", "last_committed", 0))
        self._fc = int(store.get("paxos", "first_committed", 1))
        self._pn = int(store.get("paxos_local", "accepted_pn", 0))
        raw = store.get("paxos_local", "uncommitted")
        self._unc = (
            Uncommitted(int(raw[0]), int(raw[1]), list(raw[2]))
            if isinstance(raw, list) and len(raw) == 3
            else None
        )

    # --- reads ----------------------------------------------------------------------------

    def last_committed(self) -> int:
        return self._lc

    def first_committed(self) -> int:
        return self._fc

    def accepted_pn(self) -> int:
        return self._pn

    def uncommitted(self) -> Uncommitted | None:
        return self._unc

    def values(self, first: int, last: int) -> list[tuple[int, Value]]:
        out = []
        for v in range(max(first, self._fc), last + 1):
            value = self.store.get("paxos_values", _vkey(v))
            if value is None:
                break
            out.append((v, list(value)))
        return out

    def snapshot(self) -> Snapshot:
        rows = [[p, k, v] for p, k, v in self.store.raw_rows(NOT_IN_SNAPSHOT) if p != "paxos"]
        return Snapshot(self._lc, self._lc + 1, rows)

    # --- writes ---------------------------------------------------------------------------

    def promise(self, pn: int) -> None:
        self._pn = max(self._pn, pn)
        self.store.apply(Transaction().put("paxos_local", "accepted_pn", self._pn))

    def accept(self, version: int, pn: int, value: Value) -> None:
        self._pn = max(self._pn, pn)
        self._unc = Uncommitted(version, pn, value)
        self.store.apply(
            Transaction()
            .put("paxos_local", "accepted_pn", self._pn)
            .put("paxos_local", "uncommitted", [version, pn, value])
        )

    def commit(self, version: int, value: Value) -> None:
        txn = Transaction.from_wire(value)
        txn.put("paxos", "last_committed", version).put("paxos_values", _vkey(version), value)
        fc = self._fc
        if version - self.keep >= fc:
            for old in range(fc, version - self.keep + 1):
                txn.erase("paxos_values", _vkey(old))
            fc = version - self.keep + 1
            txn.put("paxos", "first_committed", fc)
        unc = self._unc
        if unc is not None and unc.version <= version:
            txn.erase("paxos_local", "uncommitted")
        self.store.apply(txn)
        self._lc, self._fc = version, fc
        if unc is not None and unc.version <= version:
            self._unc = None

    def install(self, snap: Snapshot) -> None:
        """Replace the replicated store with ``snap`` (values older than it are dropped)."""
        txn = Transaction()
        for p, k, _ in self.store.raw_rows(LOCAL_PREFIXES):
            txn.erase(p, k)
        for row in snap.rows:
            p, k, v = row
            txn.put_raw(str(p), str(k), bytes(v))
        txn.put("paxos", "last_committed", snap.last_committed)
        txn.put("paxos", "first_committed", snap.last_committed + 1)
        txn.erase("paxos_local", "uncommitted")
        self.store.apply(txn)
        self._lc, self._fc, self._unc = snap.last_committed, snap.last_committed + 1, None

    # --- the elector's state ----------------------------------------------------------------

    def election_state(self) -> tuple[int, QuorumRecord]:
        epoch = int(self.store.get("election", "epoch", 0))
        raw: Any = self.store.get("election", "last_quorum", [0, []])
        try:
            rec = QuorumRecord(int(raw[0]), tuple(int(r) for r in raw[1]))
        except (TypeError, ValueError, IndexError):
            rec = QuorumRecord()
        return epoch, rec

    def persist_election(self, epoch: int, last_quorum: QuorumRecord) -> None:
        self.store.apply(
            Transaction()
            .put("election", "epoch", epoch)
            .put("election", "last_quorum", [last_quorum.epoch, list(last_quorum.ranks)])
        )
