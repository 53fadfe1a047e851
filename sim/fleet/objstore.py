"""One OSD's object store: a SQLite file under the run directory (``osd.N/objects.db``).

One row per object (tombstones included) keyed by (pool, namespace, name),
with its PG (``ps``) indexed for recovery and listing, its version, mtime,
data, and xattrs and omap packed with `sim.codec`. WAL journal, one
transaction per applied op: a write acknowledged by the fleet is on disk in
every up OSD of its PG, and survives a fleet restart. Why SQLite: see
docs/rados.md.

Who may import it: `sim.fleet.pgs` (the OSDs' op and recovery side) and tests.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sim import codec
from sim.fleet.objops import ObjectState

SEP = "\037"  # namespace / name, as Ceph joins them for the hash

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    pool INTEGER NOT NULL, nspace TEXT NOT NULL, oid TEXT NOT NULL, ps INTEGER NOT NULL,
    version INTEGER NOT NULL, exists_ INTEGER NOT NULL, mtime REAL NOT NULL,
    data BLOB NOT NULL, xattrs BLOB NOT NULL, omap BLOB NOT NULL,
    PRIMARY KEY (pool, nspace, oid)
);
CREATE INDEX IF NOT EXISTS objects_pg ON objects (pool, ps);
"""


def object_key(nspace: str, oid: str) -> str:
    return f"{nspace}{SEP}{oid}"


def split_key(key: str) -> tuple[str, str]:
    nspace, _, oid = key.partition(SEP)
    return nspace, oid


class ObjectStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def get(self, pool: int, nspace: str, oid: str) -> ObjectState:
        row = self.db.execute(
            "SELECT version, exists_, mtime, data, xattrs, omap FROM objects "
            "WHERE pool=? AND nspace=? AND oid=?",
            (pool, nspace, oid),
        ).fetchone()
        if row is None:
            return ObjectState()
        return ObjectState(bool(row[1]), row[0], row[2], bytes(row[3]),
                           codec.unpack(row[4]), codec.unpack(row[5]))  # fmt: skip

    def put(self, pool: int, ps: int, nspace: str, oid: str, o: ObjectState) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO objects VALUES (?,?,?,?,?,?,?,?,?,?)",
            (pool, nspace, oid, ps, o.version, int(o.exists), o.mtime, o.data,
             codec.pack(o.xattrs), codec.pack(o.omap)),
        )  # fmt: skip

    def versions(self, pool: int, ps: int) -> dict[str, int]:
        """``{object key: version}`` of one PG, tombstones included."""
        rows = self.db.execute(
            "SELECT nspace, oid, version FROM objects WHERE pool=? AND ps=?", (pool, ps)
        )
        return {object_key(ns, oid): v for ns, oid, v in rows}

    def last_version(self, pool: int, ps: int) -> int:
        row = self.db.execute(
            "SELECT MAX(version) FROM objects WHERE pool=? AND ps=?", (pool, ps)
        ).fetchone()
        return int(row[0] or 0)

    def list_pg(self, pool: int, ps: int, nspace: str | None) -> list[tuple[str, str]]:
        """Live objects of a PG as (namespace, name); ``nspace`` None: every namespace."""
        if nspace is None:
            rows = self.db.execute(
                "SELECT nspace, oid FROM objects WHERE pool=? AND ps=? AND exists_=1 "
                "ORDER BY nspace, oid", (pool, ps))  # fmt: skip
        else:
            rows = self.db.execute(
                "SELECT nspace, oid FROM objects WHERE pool=? AND ps=? AND nspace=? "
                "AND exists_=1 ORDER BY oid", (pool, ps, nspace))  # fmt: skip
        return [(ns, oid) for ns, oid in rows]

    def pgs(self) -> Iterator[tuple[int, int]]:
        """Every (pool, ps) this store holds objects (or tombstones) of."""
        yield from self.db.execute("SELECT DISTINCT pool, ps FROM objects")

    def pg_usage(self) -> dict[tuple[int, int], tuple[int, int]]:
        """``{(pool, ps): (objects, bytes)}`` of the live objects."""
        rows = self.db.execute(
            "SELECT pool, ps, COUNT(*), SUM(LENGTH(data)) FROM objects WHERE exists_=1 "
            "GROUP BY pool, ps"
        )
        return {(p, ps): (n, int(b or 0)) for p, ps, n, b in rows}

    def drop_pools(self, keep: set[int]) -> int:
        """Forget every pool not in ``keep`` (deleted pools); returns rows removed."""
        pools = [p for (p,) in self.db.execute("SELECT DISTINCT pool FROM objects")]
        gone = [p for p in pools if p not in keep]
        n = 0
        for p in gone:
            n += self.db.execute("DELETE FROM objects WHERE pool=?", (p,)).rowcount
        return n

    def begin(self) -> None:
        self.db.execute("BEGIN")

    def commit(self) -> None:
        self.db.execute("COMMIT")
