"""PaxosService: the shape every replicated mon service has.

A service keeps *committed* state (what clients see) and *pending* changes
made by commands, beacons and ticks. The mon's commit path asks every service
to encode its pending changes into one store transaction, which the leader
proposes through Paxos; once every quorum member has accepted it, it is
committed and each service makes the pending state current and publishes it.
On a peon the same transaction arrives committed and each service whose
``prefixes`` it touches refreshes from the store. A service never writes
the store itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mon.store import MonStore, Transaction

Publish = Callable[[str, int, dict[str, Any]], None]


class PaxosService:
    name = "service"
    prefixes: tuple[str, ...] = ()  # the store prefixes this service owns

    def load(self, store: MonStore) -> None:
        """Read committed state at start-up."""

    def refresh(self, store: MonStore) -> None:
        """Committed state changed underneath (a peon applying the leader's
        commit, a snapshot, a term that ended with changes pending): forget
        anything pending and read the committed state again."""
        self.discard_pending()
        self.load(store)

    def encode_pending(self, txn: Transaction) -> None:
        """Add pending changes (if any) to ``txn``."""

    def on_committed(self) -> None:
        """``txn`` is durable: pending becomes committed; publish."""

    def discard_pending(self) -> None:
        """Forget pending changes that could not be encoded."""

    def current_map(self) -> tuple[int, dict[str, Any]] | None:
        """(epoch, body) for subscribers of ``name``, or None if not a map."""
        return None
