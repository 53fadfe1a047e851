"""dbwriter: a module that writes a row to ``self.db`` every ``interval`` seconds
(for the mgr_db_blocked scenario).

``serve()`` inserts one row per tick into its table ``Ticks`` (n, the mgr that
wrote it, when the write started) in ``self.db``, the module's SQLite database
in the ``.mgr`` pool. A write on a PG that cannot serve blocks the serve thread
inside librados until the PG is back; the finisher stays free, so:

- ``ceph dbwriter status``: what serve() has done, from memory (never touches
  the database): committed, last_n, writing_for (s, None when not in a write),
  longest (s, the longest write), errors, have_mon_connection;
- ``ceph dbwriter rows``: what the database holds (count, max_n, mgrs: who
  wrote rows), read through ``self.db`` (waits for the database like any reader).
"""

import json
import threading
import time
from typing import Any

from mgr_module import CLIReadCommand, HandleCommandResult, MgrDBNotReady, MgrModule, Option


class DbWriter(MgrModule):
    SCHEMA = [
        "CREATE TABLE Ticks (n INTEGER PRIMARY KEY, mgr TEXT NOT NULL, started REAL NOT NULL);"
    ]
    SCHEMA_VERSIONED = [SCHEMA]
    MODULE_OPTIONS = [
        Option(name="interval", type="float", default=0.5, desc="seconds between writes",
               runtime=True),
    ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stop = threading.Event()
        self._writing: float | None = None
        self._status: dict[str, Any] = {"committed": 0, "last_n": None, "longest": 0.0,
                                        "errors": 0, "last_error": ""}  # fmt: skip

    @CLIReadCommand("dbwriter status")
    def status(self) -> HandleCommandResult:
        """What serve() has written (from memory: never waits for the database)"""
        writing = self._writing
        out = dict(self._status)
        out["writing_for"] = round(time.time() - writing, 3) if writing is not None else None
        out["have_mon_connection"] = self.have_mon_connection()
        return HandleCommandResult(stdout=json.dumps(out))

    @CLIReadCommand("dbwriter rows")
    def rows(self) -> HandleCommandResult:
        """The rows in the database: count, max_n, mgrs (who wrote them)"""
        with self._db_lock, self.db:
            count, max_n = self.db.execute("SELECT COUNT(*), MAX(n) FROM Ticks").fetchone()
            mgrs = [r[0] for r in self.db.execute("SELECT DISTINCT mgr FROM Ticks ORDER BY mgr")]
        return HandleCommandResult(stdout=json.dumps({"count": count, "max_n": max_n,
                                                      "mgrs": mgrs}))  # fmt: skip

    def serve(self) -> None:
        me = f"mgr.{self.get_mgr_id()}"
        while not self._stop.is_set():
            self._tick(me)
            self._stop.wait(float(self.get_module_option("interval") or 0.5))

    def _tick(self, me: str) -> None:
        started = time.time()
        self._writing = started
        try:
            with self._db_lock, self.db:
                (n,) = self.db.execute("SELECT COALESCE(MAX(n), 0) + 1 FROM Ticks").fetchone()
                self.db.execute("INSERT INTO Ticks VALUES (?, ?, ?)", (n, me, started))
        except MgrDBNotReady:
            return  # no .mgr pool yet (too few OSDs up): the next tick tries again
        except Exception as exc:  # shown, not raised: the scenario reads it
            self._status["errors"] += 1
            self._status["last_error"] = f"{type(exc).__name__}: {exc}"
            self.log.warning("write failed: %s", self._status["last_error"])
            return
        finally:
            self._writing = None
        took = time.time() - started
        self._status["committed"] += 1
        self._status["last_n"] = n
        self._status["longest"] = round(max(self._status["longest"], took), 3)
        if took > 1.0:
            self.log.info("row %d committed after %.2fs", n, took)

    def shutdown(self) -> None:
        self._stop.set()
