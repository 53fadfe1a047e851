"""The ``ceph`` VFS under the real stdlib ``sqlite3``: durability, rollback, crash recovery, locks.

Each test registers the VFS over a fresh in-memory cluster (`fakerados`),
with 64 KiB objects (so a few pages already span several) and a 1 s lock.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from _simnative import cephsqlite
from _simnative.cephsqlite.striper import XATTR_EXCL, XATTR_LAYOUT_OBJECT_SIZE, XATTR_SIZE

from .fakerados import FakeCluster

SETTINGS = cephsqlite.Settings(
    object_size=16, lock_renewal_timeout_ms=1000, lock_renewal_interval_ms=200
)
PAGE = 65536
DEADLINE = 20.0


@pytest.fixture
def cluster() -> FakeCluster:
    cl = FakeCluster()
    cephsqlite.register(cl.client, settings=SETTINGS)
    return cl


def connect(name: str = "main.db", vfs: str = "ceph", pool: str = ".mgr:mod") -> sqlite3.Connection:
    """Open as Ceph's mgr_module.open_db + configure_db do."""
    db = sqlite3.connect(
        f"file:///{pool}/{name}?vfs={vfs}", uri=True, check_same_thread=False, isolation_level=None
    )
    for pragma in ("JOURNAL_MODE = PERSIST", f"PAGE_SIZE = {PAGE}", "CACHE_SIZE = 64"):
        db.execute(f"PRAGMA {pragma}")
    db.execute("PRAGMA TEMP_STORE = memory")
    return db


@contextlib.contextmanager
def opened(**kw: str) -> Iterator[sqlite3.Connection]:
    db = connect(**kw)
    try:
        yield db
    finally:
        db.close()


def xattr(cl: FakeCluster, key: str, name: str) -> bytes:
    return cl.objects[(cl.pools[".mgr"], "mod", key)].xattrs[name]


def wait_for(cond: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not cond():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)


def rows(db: sqlite3.Connection) -> list[tuple[int, str]]:
    return db.execute("SELECT k, v FROM t ORDER BY k").fetchall()


def test_committed_rows_survive_reopen_and_are_striped_as_ceph_names_them(
    cluster: FakeCluster,
) -> None:
    with opened() as db:
        db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        with db:
            db.execute("BEGIN")
            db.executemany("INSERT INTO t VALUES (?, ?)", [(i, "x" * 900) for i in range(200)])
        pages = db.execute("PRAGMA page_count").fetchone()[0]
    with opened() as db:
        assert rows(db) == [(i, "x" * 900) for i in range(200)]
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    names = cluster.names()
    assert pages > 2
    db_objects = [n for n in names if n.startswith("main.db.")]
    assert db_objects == [f"main.db.{i:016x}" for i in range(pages)]  # one 64 KiB page per object
    assert "main.db-journal.0000000000000000" in names
    assert xattr(cluster, "main.db.0000000000000000", XATTR_SIZE) == b"%016d" % (pages * PAGE)
    assert xattr(cluster, "main.db.0000000000000000", XATTR_LAYOUT_OBJECT_SIZE) == b"%016d" % PAGE
    assert xattr(cluster, "main.db.0000000000000000", XATTR_EXCL) == b""  # unlocked when idle
    assert all(ns == "mod" for _p, ns, _k in cluster.objects)


def test_rollback_leaves_nothing(cluster: FakeCluster) -> None:
    with opened() as db:
        db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        db.execute("INSERT INTO t VALUES (1, 'kept')")
        db.execute("BEGIN")
        db.executemany("INSERT INTO t VALUES (?, ?)", [(i, "y" * 5000) for i in range(2, 100)])
        assert len(rows(db)) == 99
        db.execute("ROLLBACK")
        assert rows(db) == [(1, "kept")]
    with opened() as db:
        assert rows(db) == [(1, "kept")]


def test_a_crash_mid_transaction_leaves_a_hot_journal_that_the_next_client_rolls_back(
    cluster: FakeCluster,
) -> None:
    with opened() as db:
        db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        db.executemany("INSERT INTO t VALUES (?, ?)", [(i, "a" * 3000) for i in range(60)])
    committed = {
        k: bytes(o.data) for k, o in cluster.objects.items() if k[2].startswith("main.db.")
    }
    crashed: list[FakeCluster] = []
    db_writes = 0

    def crash_point(key: str) -> None:
        nonlocal db_writes
        if key.startswith("main.db.") and not crashed:
            db_writes += 1
            if db_writes == 3:  # two database pages written in place, the third not
                crashed.append(cluster.snapshot())

    db = connect()
    db.execute("BEGIN")
    db.execute("UPDATE t SET v = ?", ("b" * 3000,))
    db.executemany("INSERT INTO t VALUES (?, ?)", [(i, "c" * 3000) for i in range(60, 90)])
    cluster.on_write = crash_point
    db.execute("COMMIT")
    cluster.on_write = None
    db.close()
    assert crashed, "the transaction never wrote the database"
    dead = crashed[0]
    jkey = (dead.pools[".mgr"], "mod", "main.db-journal.0000000000000000")
    assert dead.objects[jkey].data[:8] == bytes.fromhex("d9d505f920a163d7")  # a journal header
    torn = {k: bytes(o.data) for k, o in dead.objects.items() if k[2].startswith("main.db.")}
    assert torn != committed  # the database objects were half written
    first = dead.objects[(dead.pools[".mgr"], "mod", "main.db.0000000000000000")]
    assert first.xattrs[XATTR_EXCL]  # the dead client never unlocked

    vfs = cephsqlite.registered()
    assert vfs is not None
    dead_addrs = set(vfs.status()["addr"].strip("[]").split(","))
    survivor = dead.client()
    cephsqlite.register(lambda: survivor, settings=SETTINGS)  # the next client of that cluster
    t0 = time.monotonic()
    with opened() as db:
        assert rows(db) == [(i, "a" * 3000) for i in range(60)]
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert time.monotonic() - t0 >= 0.9  # it waited for the dead client's lock to expire
    assert [c["prefix"] for c in survivor.commands] == ["osd blocklist", "osd blocklist"]
    assert dead.blocklist == dead_addrs


def test_two_connections_see_each_others_commits(cluster: FakeCluster) -> None:
    with opened() as a, opened() as b:
        a.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        a.execute("INSERT INTO t VALUES (1, 'from a')")
        assert rows(b) == [(1, "from a")]
        b.execute("INSERT INTO t VALUES (2, 'from b')")
        assert rows(a) == [(1, "from a"), (2, "from b")]


def test_a_second_connection_waits_while_the_first_holds_a_transaction(
    cluster: FakeCluster,
) -> None:
    with opened() as a, opened() as b:
        a.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        a.execute("BEGIN IMMEDIATE")
        a.execute("INSERT INTO t VALUES (1, 'late')")
        seen: list[object] = []
        reader = threading.Thread(target=lambda: seen.append(rows(b)), daemon=True)
        reader.start()
        wait_for(lambda: cluster.busy > 0, "the reader to be refused the lock")
        assert reader.is_alive() and not seen  # blocked on the RADOS lock
        a.execute("COMMIT")
        reader.join(DEADLINE)
        assert seen == [[(1, "late")]]


def test_the_keeper_renews_a_lock_held_longer_than_its_timeout(cluster: FakeCluster) -> None:
    with opened() as a:
        a.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        a.execute("BEGIN IMMEDIATE")
        first = cluster.objects[(cluster.pools[".mgr"], "mod", "main.db.0000000000000000")]
        expiry = first.locks["striper.lock"][2]
        wait_for(lambda: first.locks["striper.lock"][2] != expiry, "the lock's renewal")
        a.execute("INSERT INTO t VALUES (1, 'x')")
        a.execute("COMMIT")
        assert "striper.lock" not in first.locks


@pytest.mark.parametrize("object_size", [16, 22])
def test_a_blob_larger_than_an_object_spans_stripes(cluster: FakeCluster, object_size: int) -> None:
    cephsqlite.register(cluster.client, settings=cephsqlite.Settings(object_size=object_size))
    blob = bytes(range(256)) * (9 * 1024 * 1024 // 256)  # 9 MiB: three 4 MiB objects
    with opened() as db:
        db.execute("CREATE TABLE b (k INTEGER PRIMARY KEY, v BLOB)")
        db.execute("INSERT INTO b VALUES (1, ?)", (blob,))
    with opened() as db:
        assert db.execute("SELECT v FROM b WHERE k = 1").fetchone()[0] == blob
        size = db.execute("PRAGMA page_count").fetchone()[0] * PAGE
    objects = [n for n in cluster.names() if n.startswith("main.db.")]
    assert len(objects) == -(-size // (1 << object_size)) >= 3


def test_vacuum_shrinks_the_file_and_removes_its_tail_objects(cluster: FakeCluster) -> None:
    with opened() as db:
        db.execute("CREATE TABLE b (k INTEGER PRIMARY KEY, v BLOB)")
        db.execute("INSERT INTO b VALUES (1, ?)", (b"z" * (2 << 20),))
        before = len(cluster.names())
        db.execute("DELETE FROM b")
        db.execute("VACUUM")
        pages = db.execute("PRAGMA page_count").fetchone()[0]
    objects = [n for n in cluster.names() if n.startswith("main.db.")]
    assert len(objects) == pages < before
    assert xattr(cluster, "main.db.0000000000000000", XATTR_SIZE) == b"%016d" % (pages * PAGE)


def test_wal_is_refused_as_libcephsqlite_refuses_it(cluster: FakeCluster) -> None:
    with opened() as db:
        assert db.execute("PRAGMA journal_mode = WAL").fetchone() == ("persist",)


def test_ceph_status_and_ceph_perf_describe_the_client(cluster: FakeCluster) -> None:
    with opened() as db:
        db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        (addr,) = db.execute('SELECT json_extract(ceph_status(), "$.addr");').fetchone()
        status = json.loads(db.execute("SELECT ceph_status()").fetchone()[0])
        perf = json.loads(db.execute("SELECT ceph_perf()").fetchone()[0])
    vfs = cephsqlite.registered()
    assert vfs is not None and status == vfs.status() and addr == status["addr"]
    assert addr.startswith("[v2:") and isinstance(status["id"], int)
    assert perf["libcephsqlite_vfs"]["op_open"]["avgcount"] >= 1
    assert perf["libcephsqlite_striper"]["lock"] >= 1


def test_a_blocklisted_client_gets_io_errors_and_the_next_open_reconnects(
    cluster: FakeCluster,
) -> None:
    clients = []

    def new_client() -> object:
        clients.append(cluster.client())
        return clients[-1]

    cephsqlite.register(new_client, settings=SETTINGS)
    db = connect()
    db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
    cluster.blocklist.update(clients[0].addrs.strip("[]").split(","))
    with pytest.raises(sqlite3.OperationalError):
        db.execute("INSERT INTO t VALUES (1, 'lost')")
    db.close()
    with opened() as db:  # as MgrModuleRecoverDB: close, reopen
        db.execute("INSERT INTO t VALUES (2, 'kept')")
        assert rows(db) == [(2, "kept")]
    assert len(clients) == 2


def test_a_missing_pool_or_a_bad_path_cannot_be_opened(cluster: FakeCluster) -> None:
    with pytest.raises(sqlite3.OperationalError):
        connect(pool="nopool:mod")
    with pytest.raises(sqlite3.OperationalError):
        sqlite3.connect("file:///no-colon/main.db?vfs=ceph", uri=True)


def test_a_pool_given_by_id_reaches_the_same_objects(cluster: FakeCluster) -> None:
    with opened() as db:
        db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        db.execute("INSERT INTO t VALUES (1, 'by name')")
    with opened(pool=f"*{cluster.pools['.mgr']}:mod") as db:
        assert rows(db) == [(1, "by name")]


def test_concurrent_writers_on_their_own_connections_lose_nothing(cluster: FakeCluster) -> None:
    with opened() as db:
        db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with opened() as db:
                for i in range(20):
                    db.execute("INSERT INTO t VALUES (?, ?)", (n * 100 + i, f"w{n}"))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(DEADLINE)
    assert not errors and not any(th.is_alive() for th in threads)
    with opened() as db:
        assert len(rows(db)) == 80
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_the_mgr_hook_reads_the_cephsqlite_options_and_keeps_cephs_defaults() -> None:
    from _simnative.cephsqlite.mgrhook import settings_from

    def options(values: dict[str, object]) -> object:
        def get(key: str) -> object:
            if key not in values:
                raise KeyError(key)
            return values[key]

        return get

    assert settings_from(options({})) == cephsqlite.Settings()
    s = settings_from(
        options(
            {
                "cephsqlite_lock_renewal_timeout": "5000",
                "cephsqlite_lock_renewal_interval": 250,
                "cephsqlite_blocklist_dead_locker": "false",
            }
        )
    )
    assert (s.lock_renewal_timeout_ms, s.lock_renewal_interval_ms) == (5000, 250)
    assert s.blocklist_dead_locker is False and s.lock_duration_s == 5
    bad = settings_from(
        options(
            {"cephsqlite_lock_renewal_timeout": "soon", "cephsqlite_blocklist_dead_locker": "maybe"}
        )
    )
    assert bad == cephsqlite.Settings()


def test_journal_mode_delete_removes_the_journal_objects(cluster: FakeCluster) -> None:
    db = sqlite3.connect("file:///.mgr:mod/main.db?vfs=ceph", uri=True, isolation_level=None)
    try:
        db.execute("PRAGMA TEMP_STORE = memory")
        db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        db.execute("INSERT INTO t VALUES (1, 'x')")
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert rows(db) == [(1, "x")]
    finally:
        db.close()
    assert not [n for n in cluster.names() if "journal" in n]  # xDelete removed them
    assert not any(o.locks for o in cluster.objects.values())


def test_a_database_keeps_the_object_size_it_was_created_with(cluster: FakeCluster) -> None:
    with opened() as db:  # 64 KiB objects (the fixture's settings)
        db.execute("CREATE TABLE b (k INTEGER PRIMARY KEY, v BLOB)")
        db.execute("INSERT INTO b VALUES (1, ?)", (b"q" * 300_000,))
    cephsqlite.register(cluster.client)  # Ceph's 4 MiB for new files from now on
    with opened() as db:
        db.execute("INSERT INTO b VALUES (2, ?)", (b"r" * 300_000,))
        assert [len(v) for (v,) in db.execute("SELECT v FROM b ORDER BY k")] == [300_000] * 2
        pages = db.execute("PRAGMA page_count").fetchone()[0]
    assert len([n for n in cluster.names() if n.startswith("main.db.")]) == pages


def test_a_statement_blocks_while_the_pool_is_unavailable_and_completes_after(
    cluster: FakeCluster,
) -> None:
    cephsqlite.register(cluster.client, settings=cephsqlite.Settings(object_size=16))
    with opened() as db:
        db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        cluster.up.clear()  # the PGs go down
        done: list[object] = []
        writer = threading.Thread(
            target=lambda: done.append(db.execute("INSERT INTO t VALUES (1, 'late')")),
            daemon=True,
        )
        writer.start()
        wait_for(lambda: cluster.waiting > 0, "the insert to wait for the pool")
        assert writer.is_alive() and not done  # blocked, not failed
        cluster.up.set()  # they come back
        writer.join(DEADLINE)
        assert done and rows(db) == [(1, "late")]


def test_a_python_whose_sqlite_takes_no_vfs_leaves_the_mgr_running(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from _simnative.cephsqlite import capi, mgrhook

    monkeypatch.setattr(capi, "LOAD_ERROR", "no symbols")
    with pytest.raises(OSError, match="no symbols"):
        cephsqlite.register(FakeCluster().client, name="ceph-none")
    assert mgrhook.start(lambda key: (_ for _ in ()).throw(KeyError(key))) is None
    assert "the VFS 'ceph' is not available: no symbols" in caplog.text
    assert cephsqlite.registered("ceph-none") is None


def test_a_binding_without_cls_lock_gets_a_clear_error(
    cluster: FakeCluster, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from .fakerados import FakeIoctx

    monkeypatch.delattr(FakeIoctx, "lock_exclusive")
    with pytest.raises(sqlite3.OperationalError), opened() as db:
        db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
    assert "has no Ioctx.lock_exclusive (cls_lock)" in caplog.text
