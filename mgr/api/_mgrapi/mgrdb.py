"""``MgrModule.db``: a module's SQLite database in the ``.mgr`` pool (Ceph 17.2 "quincy" and later).

The semantics of Ceph's mgr_module (18.2 / 20.2), in our own code:

- ``db`` (with ``_db_lock`` held) opens the database lazily, once: refused
  with `MgrDBNotAllowed` when the native option ``mgr_pool`` is false, and
  `MgrDBNotReady` while it cannot be opened (no ``.mgr`` pool and too few
  OSDs up and in to create one).
- ``open_db`` creates the ``.mgr`` pool through the mon when it is missing
  (renaming devicehealth's old pool if it exists, as Ceph does), opens
  ``file:///.mgr:<module>/main.db?vfs=ceph`` with the stdlib ``sqlite3``
  (the VFS ``ceph`` is registered by the mgr's native side,
  ``_simnative.cephsqlite``), registers the VFS's RADOS client address as
  ``libcephsqlite`` (so a failed-over mgr's client can be blocklisted) and
  runs ``configure_db``: PERSIST journal, 64 KiB pages, temp store in memory,
  ``sqlite3.Row`` rows, then ``load_schema``.
- ``load_schema`` creates ``MgrModuleKV`` and its ``__version`` row, then
  ``maybe_upgrade``: version 0 runs ``SCHEMA`` and sets version 1; a
  version below ``len(SCHEMA_VERSIONED)`` runs the missing steps; a newer
  one is refused (RuntimeError). The ``sqlite3_killpoint`` option, when a
  module declares it, exits the process at Ceph's three points.
- ``set_kv`` / ``get_kv``, ``db_ready``, ``close_db``,
  ``exclusive_db_access`` / ``exclusive_db_cursor`` (20.2) and the
  `MgrModuleRecoverDB` decorator (close, reopen and retry on a
  ``sqlite3.DatabaseError``, up to `MAX_DBCLEANUP_RETRIES` times).
"""

from __future__ import annotations

import functools
import inspect
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar, cast

from _mgrapi import types as t

MAX_DBCLEANUP_RETRIES = 3


def MgrModuleRecoverDB(func: Callable[..., Any]) -> Callable[..., Any]:  # noqa: N802 - Ceph's name
    """Retry ``func`` after reopening the database when it failed with a DatabaseError."""

    @functools.wraps(func)
    def check(self: Any, *args: Any, **kwargs: Any) -> Any:
        retries = 0
        while True:
            try:
                return func(self, *args, **kwargs)
            except sqlite3.DatabaseError as e:
                self.log.error(f"Caught fatal database error: {e}")
                retries += 1
                if retries > MAX_DBCLEANUP_RETRIES:
                    raise
                self.log.debug("attempting reopen of database")
                self.close_db()
                self.open_db()

    check.__signature__ = inspect.signature(func)  # type: ignore[attr-defined]
    return check


class MgrDBMixin:
    """The database half of `MgrModule` (it supplies ``log``, ``get``, options and mon commands)."""

    SCHEMA: ClassVar[list[str] | None] = None
    SCHEMA_VERSIONED: ClassVar[list[list[str]] | None] = None
    MGR_POOL_NAME = t.MGR_POOL_NAME
    module_name: str
    log: Any
    _db: sqlite3.Connection | None
    _db_lock: threading.Lock

    def _init_db(self) -> None:
        self._db = None
        self._db_lock = threading.Lock()

    # --- the .mgr pool ------------------------------------------------------------

    def _mgr(self) -> Any:
        return cast(Any, self)

    def rename_pool(self, srcpool: str, destpool: str) -> None:
        self._mgr().check_mon_command(
            {
                "prefix": "osd pool rename",
                "format": "json",
                "srcpool": srcpool,
                "destpool": destpool,
                "yes_i_really_mean_it": True,
            }
        )

    def create_pool(self, pool: str) -> None:
        self._mgr().check_mon_command(
            {
                "prefix": "osd pool create",
                "format": "json",
                "pool": pool,
                "pg_num": 1,
                "pg_num_min": 1,
                "pg_num_max": 32,
                "yes_i_really_mean_it": True,
            }
        )

    def appify_pool(self, pool: str, app: str) -> None:
        self._mgr().check_mon_command(
            {
                "prefix": "osd pool application enable",
                "format": "json",
                "pool": pool,
                "app": app,
                "yes_i_really_mean_it": True,
            }
        )

    def create_mgr_pool(self) -> None:
        self.log.info("creating mgr pool")
        mgr = self._mgr()
        devhealth = mgr.get_module_option_ex("devicehealth", "pool_name", "device_health_metrics")
        if devhealth is not None and mgr.pool_exists(devhealth):
            self.log.debug("reusing devicehealth pool")
            self.rename_pool(str(devhealth), self.MGR_POOL_NAME)
        else:
            self.log.debug("creating new mgr pool")
            self.create_pool(self.MGR_POOL_NAME)
        self.appify_pool(self.MGR_POOL_NAME, "mgr")

    # --- schema ---------------------------------------------------------------------

    def create_skeleton_schema(self, db: sqlite3.Connection) -> None:
        db.execute(
            "CREATE TABLE IF NOT EXISTS MgrModuleKV (key TEXT PRIMARY KEY, value NOT NULL) WITHOUT ROWID;"
        )
        db.execute("INSERT OR IGNORE INTO MgrModuleKV (key, value) VALUES ('__version', 0);")

    def update_schema_version(self, db: sqlite3.Connection, version: int) -> None:
        db.execute(
            "UPDATE OR ROLLBACK MgrModuleKV SET value = ? WHERE key = '__version';", (version,)
        )

    def set_kv(self, key: str, value: Any) -> None:
        assert key[:2] != "__"
        self.log.debug(f"set_kv('{key}', '{value}')")
        with self._db_lock, self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO MgrModuleKV (key, value) VALUES (?, ?);", (key, value)
            )

    def get_kv(self, key: str) -> Any:
        assert key[:2] != "__"
        self.log.debug(f"get_kv('{key}')")
        with self._db_lock, self.db:
            row = self.db.execute("SELECT value FROM MgrModuleKV WHERE key = ?;", (key,)).fetchone()
            return None if row is None else row["value"]

    def maybe_upgrade(self, db: sqlite3.Connection, version: int) -> None:
        if version <= 0:
            self.log.info(f"creating main.db for {self.module_name}")
            assert self.SCHEMA is not None
            for sql in self.SCHEMA:
                db.execute(sql)
            self.update_schema_version(db, 1)
            return
        assert self.SCHEMA_VERSIONED is not None
        latest = len(self.SCHEMA_VERSIONED)
        if latest < version:
            raise RuntimeError(f"main.db version is newer ({version}) than module ({latest})")
        for i in range(version, latest):
            self.log.info(f"upgrading main.db for {self.module_name} from {i - 1}:{i}")
            for sql in self.SCHEMA_VERSIONED[i]:
                db.execute(sql)
        if version < latest:
            self.update_schema_version(db, latest)

    def _killpoint(self) -> int:
        mgr = self._mgr()
        if "sqlite3_killpoint" not in [o["name"] for o in mgr.MODULE_OPTIONS]:
            return 0
        return int(mgr.get_module_option("sqlite3_killpoint") or 0)

    def load_schema(self, db: sqlite3.Connection) -> None:
        kv = self._killpoint()
        with db:
            db.execute("BEGIN;")
            self.create_skeleton_schema(db)
            if kv == 1:
                os._exit(120)
            cur = db.execute("SELECT value FROM MgrModuleKV WHERE key = '__version';")
            row = cur.fetchone()
            self.maybe_upgrade(db, int(row["value"]))
            assert cur.fetchone() is None
            cur.close()
            if kv == 2:
                os._exit(120)
        if kv == 3:
            os._exit(120)

    def configure_db(self, db: sqlite3.Connection) -> None:
        db.execute("PRAGMA FOREIGN_KEYS = 1")
        db.execute("PRAGMA JOURNAL_MODE = PERSIST")
        db.execute("PRAGMA PAGE_SIZE = 65536")
        db.execute("PRAGMA CACHE_SIZE = 64")
        db.execute("PRAGMA TEMP_STORE = memory")
        db.row_factory = sqlite3.Row
        self.load_schema(db)

    # --- the connection -------------------------------------------------------------

    def close_db(self) -> None:
        with self._db_lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def open_db(self) -> sqlite3.Connection | None:
        mgr = self._mgr()
        if not mgr.pool_exists(self.MGR_POOL_NAME):
            if not mgr.have_enough_osds():
                self.log.warning("not enough osds to create mgr pool")
                return None
            self.create_mgr_pool()
        uri = f"file:///{self.MGR_POOL_NAME}:{self.module_name}/main.db?vfs=ceph"
        self.log.debug(f"using uri {uri}")
        db = sqlite3.connect(uri, check_same_thread=False, uri=True, isolation_level=None)
        # if libcephsqlite reconnects, update the addrv for blocklist
        with db:
            (addrv,) = db.execute('SELECT json_extract(ceph_status(), "$.addr");').fetchone()
            assert addrv is not None
            self.log.debug(f"new libcephsqlite addrv = {addrv}")
            mgr._ceph_register_client("libcephsqlite", addrv, True)
        self.configure_db(db)
        return db

    def db_ready(self) -> bool:
        with self._db_lock:
            try:
                return self.db is not None
            except t.MgrDBNotReady:
                return False

    @property
    def db(self) -> sqlite3.Connection:
        assert self._db_lock.locked()
        if self._db is not None:
            return self._db
        if not self._mgr().get_ceph_option("mgr_pool"):
            raise t.MgrDBNotAllowed()
        self._db = self.open_db()
        if self._db is None:
            raise t.MgrDBNotReady()
        return self._db

    @contextmanager
    def exclusive_db_access(self) -> Iterator[sqlite3.Connection]:
        """The connection, held exclusively, inside one transaction."""
        with self._db_lock, self.db:
            yield self.db

    @contextmanager
    def exclusive_db_cursor(self) -> Iterator[sqlite3.Cursor]:
        """A cursor of `exclusive_db_access`."""
        with self.exclusive_db_access() as db:
            yield db.cursor()
