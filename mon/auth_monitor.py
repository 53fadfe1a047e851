"""The mon's auth database (Ceph 16.2's AuthMonitor, the KeyServer part):
entity -> cephx key and caps per service, replicated through Paxos.

The database is made at mkfs from the run directory's mkfs keyring (the
keys `sim up` creates: `sim.auth.bootstrap`); ``mon.``'s key is kept apart,
as Ceph keeps it in the mons' keyring, not in the database (``auth ls`` does
not list it, ``auth get mon.`` finds it).

Committed state is published to daemon subscribers of ``authdb`` (the mgr
and the fleet verify clients' frames and take their caps from it)::

    epoch = the service's version
    body  = {"entities": {entity: {"key": "AQ…==", "caps": {service: cap}}}}

Only daemons may subscribe to it (`mon.daemon`). Who may import it: the
commit path, the command handlers (`mon.commands.auth`) and tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mon.service import PaxosService, Publish
from mon.store import StoreReader, Transaction
from sim.auth.capspec import entity_order
from sim.auth.keyring import EntityAuth
from sim.auth.keys import BadKey, secret_of
from sim.auth.view import AUTHDB

STORE_PREFIX = "auth_db"
META_PREFIX = "auth_db_meta"
MON_KEY = "mon."
MAP_NAME = AUTHDB

AuthChanges = dict[str, EntityAuth | None]  # entity -> new auth (None: deleted)


def _to_store(a: EntityAuth) -> str:
    return json.dumps({"key": a.key, "caps": a.caps}, sort_keys=True)


def _from_store(v: Any) -> EntityAuth:
    d = json.loads(v if isinstance(v, str) else bytes(v).decode())
    return EntityAuth(str(d["key"]), {str(k): str(c) for k, c in d.get("caps", {}).items()})


def mkfs_entries(initial: dict[str, EntityAuth], txn: Transaction) -> None:
    """The initial database (every mon makes the same, at version 0)."""
    for entity, auth in initial.items():
        txn.put(STORE_PREFIX, entity, _to_store(auth))


class AuthMonitor(PaxosService[AuthChanges]):
    name = MAP_NAME
    prefixes = (STORE_PREFIX, META_PREFIX)

    def __init__(self, publish: Publish, emit: Callable[..., None] | None = None) -> None:
        self.publish = publish
        self.emit = emit or (lambda *a, **k: None)
        self.version = 0
        self.entities: dict[str, EntityAuth] = {}
        self.mon_key: EntityAuth | None = None
        self.pending: AuthChanges = {}
        self._secrets: dict[str, bytes] = {}

    # --- PaxosService --------------------------------------------------------------

    def load(self, store: StoreReader) -> None:
        self.version = int(store.get(META_PREFIX, "last_committed", 0))
        entities: dict[str, EntityAuth] = {}
        for key, value in store.items(STORE_PREFIX):
            entities[key] = _from_store(value)
        self.mon_key = entities.pop(MON_KEY, None)
        self._set(entities)

    def _set(self, entities: dict[str, EntityAuth]) -> None:
        self.entities = dict(sorted(entities.items(), key=lambda kv: entity_order(kv[0])))
        self._secrets = {}
        for entity, auth in self.entities.items():
            try:
                self._secrets[entity] = secret_of(auth.key)
            except BadKey:
                continue

    def take_pending(self) -> AuthChanges | None:
        changes, self.pending = self.pending, {}
        return changes or None

    def drop_pending(self) -> None:
        self.pending = {}

    def encode(self, changes: AuthChanges, txn: Transaction) -> None:
        for entity, auth in changes.items():
            if auth is None:
                txn.erase(STORE_PREFIX, entity)
            else:
                txn.put(STORE_PREFIX, entity, _to_store(auth))
        txn.put(META_PREFIX, "last_committed", self.version + 1)

    def commit(self, changes: AuthChanges) -> None:
        entities = dict(self.entities)
        for entity, auth in changes.items():
            if auth is None:
                entities.pop(entity, None)
            else:
                entities[entity] = auth
        self._set(entities)
        self.version += 1
        self.publish(self.name, self.version, self.body())
        self.emit("auth", epoch=self.version, entities=sorted(changes))

    def body(self) -> dict[str, Any]:
        return {"entities": {e: {"key": a.key, "caps": a.caps} for e, a in self.entities.items()}}

    def current_map(self) -> tuple[int, dict[str, Any]] | None:
        return self.version, self.body()

    # --- reads (committed) -----------------------------------------------------------

    def secret(self, entity: str) -> bytes | None:
        """The secret a frame claiming ``entity`` must be signed with (None: no such entity)."""
        return self._secrets.get(entity)

    def caps(self, entity: str) -> dict[str, str] | None:
        auth = self.entities.get(entity)
        return None if auth is None else auth.caps

    # --- reads and writes of the commands (pending included) ---------------------------

    def view(self) -> dict[str, EntityAuth]:
        if not self.pending:
            return self.entities
        out = dict(self.entities)
        for entity, auth in self.pending.items():
            if auth is None:
                out.pop(entity, None)
            else:
                out[entity] = auth
        return dict(sorted(out.items(), key=lambda kv: entity_order(kv[0])))

    def get(self, entity: str) -> EntityAuth | None:
        if entity == MON_KEY:
            return self.mon_key
        return self.view().get(entity)

    def put(self, entity: str, auth: EntityAuth) -> None:
        self.pending[entity] = auth

    def delete(self, entity: str) -> None:
        self.pending[entity] = None
