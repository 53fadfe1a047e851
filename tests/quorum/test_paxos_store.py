"""Paxos's durable state in SQLite (mon/paxos_store.py): commits apply the value
with the bookkeeping, values are trimmed, snapshots carry the replicated store
but nothing local, and everything survives a reopen."""

from __future__ import annotations

from pathlib import Path

from mon.elector import QuorumRecord
from mon.paxos_store import PaxosStore
from mon.store import MonStore, Transaction


def value(**kv: object) -> list[list[object]]:
    return Transaction().put("kv", "k", kv).to_wire()


def test_commit_applies_the_value_and_survives_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    ps = PaxosStore(MonStore(path))
    ps.promise(101)
    ps.accept(1, 101, value(a=1))
    assert ps.uncommitted() is not None
    ps.commit(1, value(a=1))
    assert ps.uncommitted() is None and ps.last_committed() == 1
    ps.store.close()
    again = PaxosStore(MonStore(path))
    assert again.last_committed() == 1 and again.accepted_pn() == 101
    assert again.store.get("kv", "k") == {"a": 1}
    assert again.values(1, 1) == [(1, value(a=1))]


def test_values_are_trimmed_to_the_window(tmp_path: Path) -> None:
    ps = PaxosStore(MonStore(tmp_path / "s.db"), keep=5)
    for v in range(1, 13):
        ps.commit(v, value(v=v))
    assert ps.first_committed() == 8 and ps.last_committed() == 12
    assert [v for v, _ in ps.values(1, 12)] == [8, 9, 10, 11, 12]


def test_a_snapshot_replaces_the_replicated_store_only(tmp_path: Path) -> None:
    src = PaxosStore(MonStore(tmp_path / "a.db"))
    for v in range(1, 4):
        src.commit(v, value(v=v))
    src.persist_election(6, QuorumRecord(6, (0, 1)))
    snap = src.snapshot()
    assert all(
        row[0] not in ("paxos", "paxos_values", "paxos_local", "election") for row in snap.rows
    )
    dst = PaxosStore(MonStore(tmp_path / "b.db"))
    dst.store.apply(Transaction().put("stale", "x", 1))
    dst.promise(505)
    dst.persist_election(8, QuorumRecord(8, (1, 2)))
    dst.install(snap)
    assert dst.store.get("kv", "k") == {"v": 3} and dst.store.get("stale", "x") is None
    assert dst.last_committed() == 3 and dst.first_committed() == 4
    assert dst.accepted_pn() == 505  # local state is kept
    assert dst.election_state() == (8, QuorumRecord(8, (1, 2)))
