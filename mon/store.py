"""The mon's store: SQLite in WAL mode, one file per mon.

Like Ceph's MonitorDBStore it is a map of (prefix, key) -> bytes, changed only
by whole transactions, so that a kill -9 leaves either all of a change or none
of it. Values are msgpack-packed by the helpers here (the one codec).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sim import codec


@dataclass
class Transaction:
    """A batch of puts and erases applied atomically."""

    ops: list[tuple[str, str, bytes | None]] = field(default_factory=list)

    def put(self, prefix: str, key: str, value: Any) -> Transaction:
        self.ops.append((prefix, key, codec.pack(value)))
        return self

    def erase(self, prefix: str, key: str) -> Transaction:
        self.ops.append((prefix, key, None))
        return self

    def put_raw(self, prefix: str, key: str, raw: bytes) -> Transaction:
        """Put an already-packed value (replication ships values packed)."""
        self.ops.append((prefix, key, raw))
        return self

    def extend(self, other: Transaction) -> Transaction:
        self.ops.extend(other.ops)
        return self

    def __bool__(self) -> bool:
        return bool(self.ops)

    def to_wire(self) -> list[list[Any]]:
        return [[p, k, v] for p, k, v in self.ops]

    @classmethod
    def from_wire(cls, ops: list[list[Any]]) -> Transaction:
        return cls([(str(p), str(k), v) for p, k, v in ops])


class StoreReader(Protocol):
    """What services and command handlers may do with the store: read."""

    def get(self, prefix: str, key: str, default: Any = None) -> Any: ...
    def items(self, prefix: str) -> Iterator[tuple[str, Any]]: ...


class MonStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS kv ("
            " prefix TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,"
            " PRIMARY KEY (prefix, key))"
        )

    def apply(self, txn: Transaction) -> None:
        cur = self._db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            for prefix, key, value in txn.ops:
                if value is None:
                    cur.execute("DELETE FROM kv WHERE prefix=? AND key=?", (prefix, key))
                else:
                    cur.execute(
                        "INSERT OR REPLACE INTO kv (prefix, key, value) VALUES (?,?,?)",
                        (prefix, key, value),
                    )
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    def get(self, prefix: str, key: str, default: Any = None) -> Any:
        row = self._db.execute(
            "SELECT value FROM kv WHERE prefix=? AND key=?", (prefix, key)
        ).fetchone()
        return codec.unpack(row[0]) if row else default

    def items(self, prefix: str) -> Iterator[tuple[str, Any]]:
        for key, value in self._db.execute(
            "SELECT key, value FROM kv WHERE prefix=? ORDER BY key", (prefix,)
        ):
            yield key, codec.unpack(value)

    def raw_rows(self, exclude: frozenset[str] = frozenset()) -> list[tuple[str, str, bytes]]:
        """Every (prefix, key, packed value) outside ``exclude`` (a store snapshot)."""
        return [
            (p, k, v)
            for p, k, v in self._db.execute(
                "SELECT prefix, key, value FROM kv ORDER BY prefix, key"
            )
            if p not in exclude
        ]

    def close(self) -> None:
        self._db.close()
