"""Run as a script: one mgr's life over a cluster saved in a file, maybe dying at a killpoint.

``python killpoint_child.py STORE KILLPOINT NATIVE_DIR API_DIR`` loads the
in-memory cluster from STORE (`fakerados.FakeCluster.load`), registers the
``ceph`` VFS over a new client of it (1 s locks), and opens the ``things``
module's database through the embedded API with ``sqlite3_killpoint`` set:
Ceph's ``load_schema`` then exits the process (status 120) at that point of
its first transaction. A run that lives prints the module's tables and the
client's mon commands, as JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(store: str, killpoint: str, native: str, api: str) -> None:
    sys.path[:0] = [native, api, str(Path(__file__).resolve().parent)]
    from _simnative import cephsqlite
    from fakerados import FakeCluster
    from mgr_module import MgrModule, Option
    from mgr_testing import FakeHost

    cluster = FakeCluster.load(Path(store))
    client = cluster.client()
    settings = cephsqlite.Settings(lock_renewal_timeout_ms=1000, lock_renewal_interval_ms=200)
    cephsqlite.register(lambda: client, settings=settings)

    class Things(MgrModule):  # type: ignore[misc]
        MODULE_OPTIONS = [Option(name="sqlite3_killpoint", type="int", default=0)]
        SCHEMA = ["CREATE TABLE Things (k TEXT PRIMARY KEY, v TEXT NOT NULL);"]
        SCHEMA_VERSIONED = [SCHEMA]

    host = FakeHost(native={"mgr_pool": True, "osd_pool_default_size": 1})
    host.data["osd_map"] = {
        "pools": [{"pool": 1, "pool_name": ".mgr"}],
        "osds": [{"osd": 0, "up": 1, "in": 1}],
    }
    host.config["mgr/things/sqlite3_killpoint"] = killpoint
    mod = host.load(Things, "things")
    assert mod.db_ready()
    with mod._db_lock, mod.db:
        tables = [
            r[0]
            for r in mod.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        version = mod.db.execute("SELECT value FROM MgrModuleKV WHERE key = '__version'")
        out = {"tables": tables, "version": version.fetchone()[0]}
    out["commands"] = [c["prefix"] for c in client.commands]
    mod.close_db()
    print(json.dumps(out))


if __name__ == "__main__":
    main(*sys.argv[1:5])
