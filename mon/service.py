"""PaxosService: the shape every replicated mon service has, and the one
pending → committing → committed hand-off.

A service keeps *committed* state (what clients see) and *pending* changes
made by commands, beacons and ticks. The mon's commit path (`mon.commit`)
asks every service to encode its pending changes into one store
transaction, which the leader proposes through Paxos; once every quorum
member has accepted it, it is committed and each service makes the staged
changes current and publishes them. On a peon the same transaction arrives
committed and each service whose ``prefixes`` it touches refreshes from the
store. A service never writes the store itself.

The hand-off is written here once (`encode_pending`, `on_committed`,
`discard_pending`); a service says only what its pending changes are
(`take_pending`, `drop_pending`), how they are written (`encode`) and how
they become current (`commit`):

- ``encode_pending``: the changes are taken (pending is empty again, so the
  next batch of operations stages afresh) and held as *committing*; if there
  are any, they are encoded into the transaction.
- ``on_committed``: the committing changes (if any) become current.
- ``discard_pending``: both pending and committing are forgotten (a change
  that cannot be encoded, a term that ended).

Who may import it: the services (subclasses) and the commit path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from mon.store import StoreReader, Transaction

Publish = Callable[[str, int, dict[str, Any]], None]
Changes = TypeVar("Changes")


class PaxosService(Generic[Changes]):
    name = "service"
    prefixes: tuple[str, ...] = ()  # the store prefixes this service owns
    _committing: Changes | None = None  # taken by encode_pending, not yet committed

    # --- the hand-off (not overridden) ---------------------------------------------

    def encode_pending(self, txn: Transaction) -> None:
        """Take pending changes (if any) and add them to ``txn``."""
        staged = self.take_pending()
        self._committing = staged
        if staged is not None:
            self.encode(staged, txn)

    def on_committed(self) -> None:
        """The transaction is durable: what was taken becomes current."""
        staged, self._committing = self._committing, None
        if staged is not None:
            self.commit(staged)

    def discard_pending(self) -> None:
        """Forget pending and committing changes (they will not be committed)."""
        self._committing = None
        self.drop_pending()

    # --- what a service provides ------------------------------------------------------

    def load(self, store: StoreReader) -> None:
        """Read committed state at start-up."""

    def refresh(self, store: StoreReader) -> None:
        """Committed state changed underneath (a peon applying the leader's
        commit, a snapshot, a term that ended with changes pending): forget
        anything pending and read the committed state again."""
        self.discard_pending()
        self.load(store)

    def take_pending(self) -> Changes | None:
        """The staged changes (None: nothing staged); pending is empty afterwards."""
        return None

    def drop_pending(self) -> None:
        """Forget what is staged."""

    def encode(self, changes: Changes, txn: Transaction) -> None:
        """Write ``changes`` into ``txn``."""

    def commit(self, changes: Changes) -> None:
        """``changes`` are durable: make them current; publish."""

    def current_map(self) -> tuple[int, dict[str, Any]] | None:
        """(epoch, body) for subscribers of ``name``, or None if not a map."""
        return None
