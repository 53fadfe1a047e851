"""``MgrModule.db`` of the embedded API over the ``ceph`` VFS (a FakeHost, an in-memory cluster)."""

from __future__ import annotations

import errno
import sqlite3
from typing import Any

import pytest
from _simnative import cephsqlite

from .fakerados import FakeCluster

from mgr_module import MgrDBNotAllowed, MgrDBNotReady, MgrModule, MgrModuleRecoverDB  # isort: skip
from mgr_testing import FakeHost  # isort: skip


class Things(MgrModule):
    SCHEMA = ["CREATE TABLE Things (k TEXT PRIMARY KEY, v TEXT NOT NULL);"]
    SCHEMA_VERSIONED = [SCHEMA]

    def put(self, k: str, v: str) -> None:
        with self._db_lock, self.db:
            self.db.execute("INSERT OR REPLACE INTO Things VALUES (?, ?)", (k, v))

    def things(self) -> list[tuple[str, str]]:
        with self.exclusive_db_cursor() as cur:
            return [(r["k"], r["v"]) for r in cur.execute("SELECT k, v FROM Things ORDER BY k")]

    @MgrModuleRecoverDB
    def count(self) -> int:
        with self._db_lock, self.db:
            return int(self.db.execute("SELECT count(*) FROM Things").fetchone()[0])


class ThingsV3(Things):
    SCHEMA_VERSIONED = [
        Things.SCHEMA,
        ["ALTER TABLE Things ADD COLUMN n INTEGER NOT NULL DEFAULT 0;"],
        ["CREATE TABLE Extra (id INTEGER PRIMARY KEY);"],
    ]


class Mon:
    """Answers the pool commands ``create_mgr_pool`` sends, on the cluster and the OSDMap."""

    def __init__(self, cluster: FakeCluster, host: FakeHost) -> None:
        self.cluster, self.host = cluster, host

    def __call__(self, cmd: dict[str, Any], inbuf: str | None) -> tuple[int, str, str]:
        pools = self.host.data["osd_map"]["pools"]
        if cmd["prefix"] == "osd pool create":
            pid = self.cluster.create_pool(cmd["pool"])
            pools.append({"pool": pid, "pool_name": cmd["pool"]})
        elif cmd["prefix"] == "osd pool rename":
            pid = self.cluster.pools.pop(cmd["srcpool"])
            self.cluster.pools[cmd["destpool"]] = pid
            next(p for p in pools if p["pool_name"] == cmd["srcpool"])["pool_name"] = cmd[
                "destpool"
            ]
        elif cmd["prefix"] != "osd pool application enable":
            return -errno.EINVAL, "", "unknown command"
        return 0, "", ""


def mgr_host(cluster: FakeCluster, osds: int = 3, **native: Any) -> FakeHost:
    host = FakeHost(native={"mgr_pool": True, "osd_pool_default_size": 3, **native})
    pools = [{"pool": pid, "pool_name": name} for name, pid in cluster.pools.items()]
    host.data["osd_map"] = {
        "pools": pools,
        "osds": [{"osd": i, "up": 1, "in": 1} for i in range(osds)],
    }
    host.mon_command_handler = Mon(cluster, host)
    return host


@pytest.fixture
def cluster() -> FakeCluster:
    cl = FakeCluster(pools=())
    cephsqlite.register(cl.client)
    return cl


def test_the_first_use_creates_the_mgr_pool_and_the_schema_and_a_new_active_reads_the_rows(
    cluster: FakeCluster,
) -> None:
    host = mgr_host(cluster)
    mod = host.load(Things, "things")
    assert mod.db_ready()
    mod.put("a", "1")
    mod.put("b", "2")
    mod.set_kv("colour", "blue")
    prefixes = [(c["prefix"], c.get("pool")) for c in host.mon_commands]
    assert prefixes == [("osd pool create", ".mgr"), ("osd pool application enable", ".mgr")]
    assert any(name.startswith("main.db.") for name in cluster.names(".mgr"))
    assert all(ns == "things" for _p, ns, _k in cluster.objects)
    mod.close_db()

    again = mgr_host(cluster).load(Things, "things")  # the next active mgr
    assert again.things() == [("a", "1"), ("b", "2")]
    assert again.get_kv("colour") == "blue"
    with again._db_lock, again.db:
        version = again.db.execute("SELECT value FROM MgrModuleKV WHERE key = '__version'")
        assert version.fetchone()[0] == 1
        assert again.db.execute("PRAGMA journal_mode").fetchone()[0] == "persist"
    again.close_db()


def test_too_few_osds_means_not_ready_and_no_pool(cluster: FakeCluster) -> None:
    host = mgr_host(cluster, osds=2)
    mod = host.load(Things, "things")
    assert not mod.db_ready()
    with pytest.raises(MgrDBNotReady), mod._db_lock:
        mod.db  # noqa: B018
    assert host.mon_commands == [] and cluster.pools == {}


def test_mgr_pool_false_refuses_the_database(cluster: FakeCluster) -> None:
    mod = mgr_host(cluster, mgr_pool=False).load(Things, "things")
    with pytest.raises(MgrDBNotAllowed), mod._db_lock:
        mod.db  # noqa: B018
    assert not mod.db_ready()


def test_devicehealths_old_pool_becomes_the_mgr_pool(cluster: FakeCluster) -> None:
    cluster.create_pool("device_health_metrics")
    host = mgr_host(cluster)
    mod = host.load(Things, "things")
    mod.put("k", "v")
    assert [c["prefix"] for c in host.mon_commands] == [
        "osd pool rename",
        "osd pool application enable",
    ]
    assert list(cluster.pools) == [".mgr"]
    mod.close_db()


def test_schema_upgrades_step_by_step_and_refuses_a_newer_database(cluster: FakeCluster) -> None:
    old = mgr_host(cluster).load(Things, "things")
    old.put("a", "1")
    old.close_db()
    new = mgr_host(cluster).load(ThingsV3, "things")
    with new._db_lock, new.db:
        assert (
            new.db.execute("SELECT value FROM MgrModuleKV WHERE key = '__version'").fetchone()[0]
            == 3
        )
        assert [tuple(r) for r in new.db.execute("SELECT k, n FROM Things")] == [("a", 0)]
        new.db.execute("INSERT INTO Extra VALUES (1)")
    new.close_db()
    older = mgr_host(cluster).load(Things, "things")
    with pytest.raises(RuntimeError, match="newer"), older._db_lock:
        older.db  # noqa: B018


def test_recover_db_reopens_after_the_client_was_blocklisted(cluster: FakeCluster) -> None:
    clients = []

    def new_client() -> object:
        clients.append(cluster.client())
        return clients[-1]

    cephsqlite.register(new_client)
    mod = mgr_host(cluster).load(Things, "things")
    mod.put("a", "1")
    cluster.blocklist.update(clients[0].addrs.strip("[]").split(","))
    with pytest.raises(sqlite3.DatabaseError), mod._db_lock, mod.db:
        mod.db.execute("SELECT count(*) FROM Things").fetchone()
    assert mod.count() == 1  # reopened on a new client
    assert len(clients) == 2
    mod.close_db()
