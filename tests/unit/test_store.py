"""Unit tests of the mon store (mon/store.py): SQLite in WAL mode, changed only by
whole transactions.

The crash test runs a writer in a subprocess, waits (on its stdout, no sleeps)
until it has reported N commits, kills it with SIGKILL and checks that every
reported commit survived and that each transaction is all-or-nothing.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mon.store import MonStore, Transaction
from sim import codec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[MonStore]:
    s = MonStore(tmp_path / "mon" / "store.db")
    yield s
    s.close()


# --- basic operations ---------------------------------------------------------------


def test_put_get_erase_items(store: MonStore) -> None:
    assert store.get("p", "k") is None
    assert store.get("p", "k", 42) == 42

    store.apply(
        Transaction()
        .put("p", "b", {"x": [1, 2], "y": b"\x00\xff"})
        .put("p", "a", 1.5)
        .put("p", "c", "s")
        .put("q", "a", None)  # a stored nil is a value, not an erase
    )

    assert store.get("p", "b") == {"x": [1, 2], "y": b"\x00\xff"}
    assert store.get("p", "a") == 1.5
    assert store.get("q", "a", "default") is None
    assert list(store.items("p")) == [
        ("a", 1.5),
        ("b", {"x": [1, 2], "y": b"\x00\xff"}),
        ("c", "s"),
    ]
    assert list(store.items("q")) == [("a", None)]
    assert list(store.items("none")) == []

    store.apply(Transaction().erase("p", "b").erase("p", "missing").put("p", "a", 2))
    assert store.get("p", "b") is None
    assert [k for k, _ in store.items("p")] == ["a", "c"]
    assert store.get("p", "a") == 2


def test_prefixes_are_separate_and_keys_are_exact(store: MonStore) -> None:
    store.apply(Transaction().put("mgrmap", "1", "m").put("mgr", "map1", "x").put("log", "1", "l"))
    assert store.get("mgrmap", "1") == "m"
    assert store.get("log", "1") == "l"
    assert store.get("mgr", "1") is None
    assert [k for k, _ in store.items("mgr")] == ["map1"]


def test_last_op_wins_within_a_transaction(store: MonStore) -> None:
    store.apply(Transaction().put("p", "k", 1).put("p", "k", 2).erase("p", "e").put("p", "e", 3))
    assert store.get("p", "k") == 2
    assert store.get("p", "e") == 3
    store.apply(Transaction().put("p", "k", 4).erase("p", "k"))
    assert store.get("p", "k") is None


def test_empty_transaction(store: MonStore) -> None:
    txn = Transaction()
    assert not txn
    store.apply(txn)
    assert list(store.items("p")) == []


def test_transaction_helpers() -> None:
    t = Transaction().put("p", "a", 1).erase("p", "b")
    assert t
    assert t.ops == [("p", "a", codec.pack(1)), ("p", "b", None)]
    assert Transaction.from_wire(t.to_wire()) == t
    wired = codec.unpack(codec.pack(t.to_wire()))  # as it would travel between mons
    assert Transaction.from_wire(wired) == t
    t2 = Transaction().put("q", "c", 2)
    assert t.extend(t2) is t
    assert [op[:2] for op in t.ops] == [("p", "a"), ("p", "b"), ("q", "c")]


def test_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    s = MonStore(path)
    s.apply(Transaction().put("p", "k", 1))
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        db.close()
        s.close()


def test_reopen_after_close_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "dir" / "store.db"  # parents are created
    s = MonStore(path)
    s.apply(Transaction().put("mgrmap", "last_committed", 3).put("mgrmap", "3", {"epoch": 3}))
    s.apply(Transaction().put("log", "0001", "a").erase("mgrmap", "nothing"))
    s.close()

    s = MonStore(path)
    try:
        assert s.get("mgrmap", "last_committed") == 3
        assert s.get("mgrmap", "3") == {"epoch": 3}
        assert list(s.items("log")) == [("0001", "a")]
        s.apply(Transaction().put("log", "0002", "b"))
    finally:
        s.close()
    s = MonStore(path)
    try:
        assert [k for k, _ in s.items("log")] == ["0001", "0002"]
    finally:
        s.close()


# --- atomicity -------------------------------------------------------------------------


class Boom(Exception):
    pass


def _raising_ops(ops: list[Any], exc: BaseException) -> Iterator[Any]:
    yield from ops
    raise exc


@pytest.mark.parametrize(
    "bad_op",
    [
        pytest.param(("p", "bad", object()), id="unbindable-value"),
        pytest.param((None, "bad", b"v"), id="null-prefix-constraint"),
        pytest.param(("p", None, b"v"), id="null-key-constraint"),
        pytest.param(("p", ["list"], b"v"), id="unbindable-key"),
    ],
)
def test_failed_transaction_applies_nothing(store: MonStore, bad_op: tuple[Any, ...]) -> None:
    store.apply(Transaction().put("p", "old", 1).put("p", "gone", 2))
    txn = Transaction()
    txn.put("p", "new", 10).put("p", "old", 11).erase("p", "gone")
    txn.ops.append(bad_op)  # type: ignore[arg-type]
    txn.put("p", "after", 12)

    with pytest.raises((sqlite3.Error, TypeError, ValueError)):
        store.apply(txn)

    assert list(store.items("p")) == [("gone", 2), ("old", 1)]
    # the store is still usable (no transaction left open)
    store.apply(Transaction().put("p", "next", 13))
    assert store.get("p", "next") == 13
    assert store.get("p", "new") is None


@pytest.mark.parametrize("exc", [Boom("mid-apply"), KeyboardInterrupt()], ids=["error", "base"])
def test_exception_mid_apply_rolls_back(store: MonStore, exc: BaseException) -> None:
    store.apply(Transaction().put("p", "old", 1))
    first = Transaction().put("p", "a", 1).put("p", "old", 2).erase("p", "old").ops
    txn = Transaction()
    txn.ops = _raising_ops(first, exc)  # type: ignore[assignment]

    with pytest.raises(type(exc)):
        store.apply(txn)

    assert list(store.items("p")) == [("old", 1)]
    store.apply(Transaction().put("p", "b", 3))
    assert [k for k, _ in store.items("p")] == ["b", "old"]


class _FailingCursor:
    """Wraps a real cursor; the ``fail_at``-th INSERT raises a disk error."""

    def __init__(self, cur: sqlite3.Cursor, fail_at: int) -> None:
        self._cur = cur
        self._inserts = 0
        self._fail_at = fail_at

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.startswith("INSERT"):
            self._inserts += 1
            if self._inserts == self._fail_at:
                raise sqlite3.OperationalError("disk I/O error")
        return self._cur.execute(sql, *args)


class _FailingConnection:
    def __init__(self, db: sqlite3.Connection, fail_at: int) -> None:
        self._db = db
        self._fail_at = fail_at

    def cursor(self) -> _FailingCursor:
        return _FailingCursor(self._db.cursor(), self._fail_at)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_disk_error_mid_apply_rolls_back(
    store: MonStore, monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    store.apply(Transaction().put("p", "old", 1).put("p", "gone", 0))
    real = store._db
    monkeypatch.setattr(store, "_db", _FailingConnection(real, fail_at))
    txn = Transaction().put("p", "a", 1).erase("p", "gone").put("p", "old", 2).put("p", "c", 3)

    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        store.apply(txn)

    monkeypatch.setattr(store, "_db", real)
    assert list(store.items("p")) == [("gone", 0), ("old", 1)]
    store.apply(txn)  # the same transaction applies whole once the disk is back
    assert list(store.items("p")) == [("a", 1), ("c", 3), ("old", 2)]


def test_uncommitted_changes_invisible_to_other_connection(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    s = MonStore(path)
    s.apply(Transaction().put("p", "k", 1))
    other = MonStore(path)
    try:
        seen: list[Any] = []

        def ops() -> Iterator[Any]:
            yield ("p", "k", codec.pack(2))
            seen.append(other.get("p", "k"))  # mid-transaction, from another connection
            yield ("p", "j", codec.pack(3))

        txn = Transaction()
        txn.ops = ops()  # type: ignore[assignment]
        s.apply(txn)
        assert seen == [1]
        assert other.get("p", "k") == 2 and other.get("p", "j") == 3
    finally:
        other.close()
        s.close()


# --- crash (kill -9) ------------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from mon.store import MonStore, Transaction

    store = MonStore(Path(sys.argv[1]))
    pad = "x" * 8192  # make each transaction span several pages
    i = 0
    while True:
        i += 1
        k = f"{i:08d}"
        txn = Transaction().put("a", k, [i, pad]).put("b", k, [i, pad])
        txn.put("meta", "last", i)
        if i > 5:
            txn.erase("a", f"{i - 5:08d}").erase("b", f"{i - 5:08d}")
        store.apply(txn)
        print(i, flush=True)
    """
)

REPORTED = 200


def test_kill_9_keeps_every_reported_commit_and_no_partial_one(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
        text=True,
    )
    last = 0
    try:
        assert proc.stdout is not None
        while last < REPORTED:
            line = proc.stdout.readline()
            if not line:
                proc.wait()
                pytest.fail(f"writer exited early: {proc.stderr.read() if proc.stderr else ''}")
            last = int(line)
        proc.send_signal(signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    s = MonStore(path)
    try:
        durable = s.get("meta", "last")
        assert durable is not None and durable >= last, "a reported commit was lost"
        a = dict(s.items("a"))
        b = dict(s.items("b"))
        # the window of the last 5 transactions is exactly present, in both halves
        expected = {f"{i:08d}" for i in range(max(1, durable - 4), durable + 1)}
        assert set(a) == expected
        assert set(b) == expected
        for k in expected:
            assert a[k][0] == b[k][0] == int(k)
        # and the store is writable again
        s.apply(Transaction().put("meta", "after", True))
        assert s.get("meta", "after") is True
    finally:
        s.close()
