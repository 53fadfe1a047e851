"""PaxosService: the shape every replicated mon service has.

A service keeps *committed* state (what clients see) and *pending* changes
made by commands, beacons and ticks. The mon's commit path asks every service
to encode its pending changes into one store transaction, commits it (one mon
now; a majority of the quorum later), then tells each service to make the
pending state current and publish it. A service never writes the store
itself, so the commit path is the one place replication has to change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mon.store import MonStore, Transaction

Publish = Callable[[str, int, dict[str, Any]], None]


class PaxosService:
    name = "service"

    def load(self, store: MonStore) -> None:
        """Read committed state at start-up."""

    def encode_pending(self, txn: Transaction) -> None:
        """Add pending changes (if any) to ``txn``."""

    def on_committed(self) -> None:
        """``txn`` is durable: pending becomes committed; publish."""

    def discard_pending(self) -> None:
        """Forget pending changes that could not be encoded."""

    def current_map(self) -> tuple[int, dict[str, Any]] | None:
        """(epoch, body) for subscribers of ``name``, or None if not a map."""
        return None
