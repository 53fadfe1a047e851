"""The mon's key/value store (``ceph config-key …``; Ceph 16.2's KVMonitor).

Keys are strings, values bytes (binary-safe; ``-i FILE`` stores the file
as is). Modules keep their store here under ``mgr/<module>/<key>``.

Committed state is published to subscribers of ``kv`` on every commit — a
contract with the mgr side (its KV cache)::

    epoch = the service's version
    body  = {"prefix": "mgr/", "values": {full_key: value_str}}   # every key under mgr/

Values are decoded as UTF-8 (invalid bytes replaced) in the published map.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from typing import Any

from mon.errors import CommandError
from mon.service import PaxosService, Publish
from mon.store import StoreReader, Transaction
from sim.options import CEPH_OPTIONS

STORE_PREFIX = "mon_config_key"  # Ceph's prefix for these keys
META_PREFIX = "kv_meta"  # last_committed
PUBLISHED_PREFIX = "mgr/"
DEFAULT_MAX_ENTRY_SIZE = int(CEPH_OPTIONS["mon_config_key_max_entry_size"].default)


def is_binary(value: bytes) -> bool:
    """KVMonitor's test for ``config-key dump``: control characters other than
    ``\\n``/``\\t``, DEL, or any byte >= 0x80 (a signed ``char`` in C++)."""
    return any((b < 0x20 and b not in (0x0A, 0x09)) or b >= 0x7F for b in value)


KVChanges = dict[str, bytes | None]  # key -> new value (None: removed)


class ConfigKeyService(PaxosService[KVChanges]):
    name = "kv"
    prefixes = (STORE_PREFIX, META_PREFIX)

    def __init__(
        self,
        publish: Publish,
        emit: Callable[..., None] | None = None,
        max_entry_size: Callable[[], int] = lambda: DEFAULT_MAX_ENTRY_SIZE,
    ) -> None:
        self.publish = publish
        self.emit = emit or (lambda *a, **k: None)
        self.max_entry_size = max_entry_size
        self.version = 0
        self.data: dict[str, bytes] = {}
        self.pending: KVChanges = {}

    # --- PaxosService --------------------------------------------------------------

    def load(self, store: StoreReader) -> None:
        self.version = int(store.get(META_PREFIX, "last_committed", 0))
        self.data = {}
        for key, value in store.items(STORE_PREFIX):
            self.data[key] = value if isinstance(value, bytes) else str(value).encode()

    def take_pending(self) -> KVChanges | None:
        changes, self.pending = self.pending, {}
        return changes or None

    def drop_pending(self) -> None:
        self.pending = {}

    def encode(self, changes: KVChanges, txn: Transaction) -> None:
        for key, value in changes.items():
            if value is None:
                txn.erase(STORE_PREFIX, key)
            else:
                txn.put(STORE_PREFIX, key, value)
        txn.put(META_PREFIX, "last_committed", self.version + 1)

    def commit(self, changes: KVChanges) -> None:
        for key, value in changes.items():
            if value is None:
                self.data.pop(key, None)
            else:
                self.data[key] = value
        self.data = dict(sorted(self.data.items()))
        self.version += 1
        self.publish(self.name, self.version, self.body())
        self.emit("kv", epoch=self.version, keys=sorted(changes))

    def body(self) -> dict[str, Any]:
        return {
            "prefix": PUBLISHED_PREFIX,
            "values": {
                k: v.decode("utf-8", "replace")
                for k, v in sorted(self.data.items())
                if k.startswith(PUBLISHED_PREFIX)
            },
        }

    def current_map(self) -> tuple[int, dict[str, Any]] | None:
        # Always a snapshot, even before the first write (epoch 0).
        return self.version, self.body()

    # --- reads ---------------------------------------------------------------------

    def _view(self) -> dict[str, bytes]:
        if not self.pending:
            return self.data
        view = dict(self.data)
        for key, value in self.pending.items():
            if value is None:
                view.pop(key, None)
            else:
                view[key] = value
        return view

    def get(self, key: str) -> bytes | None:
        return self.data.get(key)

    def exists(self, key: str) -> bool:
        return key in self.data

    def keys(self) -> list[str]:
        return sorted(self.data)

    def dump(self, prefix: str = "") -> dict[str, str]:
        """``config-key dump [prefix]``: key -> value (or a binary-blob note)."""
        out: dict[str, str] = {}
        for key in sorted(self.data):
            if prefix and not key.startswith(prefix):
                continue
            value = self.data[key]
            if is_binary(value):
                out[key] = f"<<< binary blob of length {len(value)} >>>"
            else:
                out[key] = value.decode("utf-8", "replace")
        return out

    # --- writes ----------------------------------------------------------------------

    def set(self, key: str, value: bytes) -> str:
        limit = self.max_entry_size()
        if len(value) > limit:
            raise CommandError(
                errno.EFBIG,
                f"error: entry size limited to {limit} bytes. "
                "Use 'mon config key max entry size' to manually adjust",
            )
        if self._view().get(key) != value:
            self.pending[key] = value
        return f"set {key}"

    def rm(self, key: str) -> str:
        if key in self._view():
            self.pending[key] = None
        return "key deleted"
