"""The monmap change alone (no processes): ``mon add`` address parsing, rank
assignment, Ceph 16.2's errors and messages, the dump's shape against real
Ceph's, and the service's pending → committed hand-off."""

from __future__ import annotations

import errno
import json
import re
from typing import Any

import pytest

from mon.errors import CommandError
from mon.monmap_service import MonmapMonitor
from mon.store import Transaction
from sim.maps.monmap import MonMap, MonmapError, parse_mon_addr
from sim.monc_policy import endpoints_from_dump
from tests.golden import golden_text
from tests.unit.fake_mon import EmptyStore

FSID = "a7f64266-0894-4f1e-a635-d0aeaca0e993"
ABC = {m: f"tcp://127.0.0.1:{p}" for m, p in (("a", 3300), ("b", 3301), ("c", 3302))}


def initial() -> MonMap:
    return MonMap.initial(FSID, 1_700_000_000.0, ABC)


def shape(v: Any) -> Any:
    """Keys and nesting, not values."""
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(v[0])] if v else []
    return type(v).__name__


# --- addresses --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "addrs"),
    [
        ("127.0.0.1:6792", (("v2", "127.0.0.1:6792"),)),  # a bare ip:port is v2 only
        ("127.0.0.1:3300", (("v2", "127.0.0.1:3300"),)),
        ("v2:127.0.0.1:6792/0", (("v2", "127.0.0.1:6792"),)),
        # no port, or the legacy port: Ceph's two defaults
        ("127.0.0.1", (("v2", "127.0.0.1:3300"), ("v1", "127.0.0.1:6789"))),
        ("127.0.0.1:6789", (("v2", "127.0.0.1:3300"), ("v1", "127.0.0.1:6789"))),
        ("[::1]:6800", (("v2", "[::1]:6800"),)),
    ],
)
def test_parse_mon_addr(given: str, addrs: tuple[tuple[str, str], ...]) -> None:
    assert parse_mon_addr(given) == addrs


@pytest.mark.parametrize("bad", ["foo", "127.0.0.1:99999", "300.1.1.1:1", "127.0.0.1:x"])
def test_parse_mon_addr_refuses(bad: str) -> None:
    with pytest.raises(MonmapError) as exc:
        parse_mon_addr(bad)
    assert exc.value.errno == errno.EINVAL
    assert bad in str(exc.value)


# --- ranks --------------------------------------------------------------------------


def test_add_takes_the_next_rank_and_remove_shifts_the_ranks_above() -> None:
    m = initial().with_mon("d", (("v2", "127.0.0.1:6792"),), 5.0)
    assert m.epoch == 2 and m.names == ["a", "b", "c", "d"] and m.rank("d") == 3
    assert m.modified == 5.0 and m.created == 1_700_000_000.0
    m = m.without_mon("b", 6.0)
    assert m.epoch == 3 and m.names == ["a", "c", "d"]
    assert (m.rank("c"), m.rank("d")) == (1, 2)
    assert m.endpoints() == {
        "a": "tcp://127.0.0.1:3300",
        "c": "tcp://127.0.0.1:3302",
        "d": "tcp://127.0.0.1:6792",
    }
    assert MonMap.from_store(json.loads(json.dumps(m.to_store()))) == m


# --- the service: Ceph's messages and errors ------------------------------------------


def service() -> tuple[MonmapMonitor, list[tuple[str, int]], list[MonMap]]:
    published: list[tuple[str, int]] = []
    changes: list[MonMap] = []
    s = MonmapMonitor(initial(), lambda n, e, _b: published.append((n, e)))
    s.on_change = changes.append
    return s, published, changes


def commit(s: MonmapMonitor) -> Transaction:
    txn = Transaction()
    s.encode_pending(txn)
    s.on_committed()
    return txn


def test_mon_add_message_and_commit() -> None:
    s, published, changes = service()
    assert s.add("d", "127.0.0.1:6792", 7.0) == "adding mon.d at v2:127.0.0.1:6792/0"
    assert s.map.epoch == 1  # staged only
    txn = commit(s)
    assert [op[:2] for op in txn.to_wire()] == [["monmap", "map"]]
    assert s.map.names == ["a", "b", "c", "d"] and s.map.epoch == 2
    assert published == [("monmap", 2)] and changes == [s.map]


def test_mon_add_errors_are_cephs() -> None:
    s, _, _ = service()
    with pytest.raises(CommandError) as exc:
        s.add("a", "127.0.0.1:43999", 1.0)
    assert exc.value.errno == errno.EEXIST
    assert str(exc.value) == "mon.a already exists at address [v2:127.0.0.1:3300/0]"
    with pytest.raises(CommandError) as exc:
        s.add("e", "127.0.0.1:3301", 1.0)
    assert exc.value.errno == errno.EEXIST
    assert str(exc.value) == "mon.b already exists at address v2:127.0.0.1:3301/0"
    # the same name at the same address: nothing to do, rc 0
    assert s.add("a", "127.0.0.1:3300", 1.0) == "mon.a at v2:127.0.0.1:3300/0 already exists"
    assert s.take_pending() is None
    with pytest.raises(CommandError) as exc:
        s.add("e", "nonsense", 1.0)
    assert exc.value.errno == errno.EINVAL


def test_mon_remove() -> None:
    s, _, changes = service()
    assert s.remove("zz", 1.0) == "mon.zz does not exist or has already been removed"
    assert s.take_pending() is None
    assert s.remove("b", 2.0) == ""  # silent, as in Ceph 16.2
    commit(s)
    assert s.map.names == ["a", "c"] and changes[-1].epoch == 2
    s.remove("c", 3.0)
    commit(s)
    with pytest.raises(CommandError) as exc:
        s.remove("a", 4.0)
    assert exc.value.errno == errno.EINVAL
    assert str(exc.value) == "error: refusing removal of last monitor a"


def test_two_changes_in_one_batch_build_on_each_other() -> None:
    s, _, _ = service()
    s.add("d", "127.0.0.1:6792", 1.0)
    with pytest.raises(CommandError):
        s.add("e", "127.0.0.1:6792", 1.0)  # d's address, though d is only pending
    s.remove("a", 1.0)
    commit(s)
    assert s.map.names == ["b", "c", "d"] and s.map.epoch == 3


def test_a_peon_refresh_announces_the_new_map() -> None:
    leader, _, _ = service()
    leader.add("d", "127.0.0.1:6792", 1.0)
    txn = commit(leader)
    stored = {(p, k): v for p, k, v in ((op[0], op[1], op[2]) for op in txn.to_wire())}

    class Store(EmptyStore):
        def get(self, prefix: str, key: str, default: Any = None) -> Any:
            from sim import codec

            raw = stored.get((prefix, key))
            return default if raw is None else codec.unpack(raw)

    peon, _, changes = service()
    peon.refresh(EmptyStore())
    assert changes == []  # nothing changed
    peon.refresh(Store())
    assert [m.names for m in changes] == [["a", "b", "c", "d"]]


# --- shapes against real Ceph 16.2 --------------------------------------------------------


def test_dump_has_real_cephs_shape() -> None:
    m = initial().with_mon("d", (("v2", "127.0.0.1:6792"),), 1_700_000_100.0)
    ours = m.dump() | {"quorum": [0, 1, 2]}
    real = json.loads(golden_text("mon_dump_after_add.json"))
    assert shape(ours) == shape(real)
    assert ours["mons"][3] == real["mons"][3]  # the added mon, field for field
    assert json.loads(golden_text("mon_dump_after_add.compact.json")).keys() == ours.keys()


def test_plain_dump_lines_match_real_ceph() -> None:
    m = initial().with_mon("d", (("v2", "127.0.0.1:6792"),), 1_700_000_100.0)
    ours = m.plain().splitlines()
    real = golden_text("mon_dump_after_add.txt").splitlines()
    assert len(ours) == len(real)
    for o, r in zip(ours[:6], real[:6], strict=True):
        assert o.split(" ")[0] == r.split(" ")[0]
    assert ours[6:] and ours[-1] == real[-1] == "3: v2:127.0.0.1:6792/0 mon.d"
    assert re.fullmatch(r"0: \[v2:127\.0\.0\.1:3300/0\] mon\.a", ours[6])


def test_clients_read_the_addresses_from_a_dump() -> None:
    real = json.loads(golden_text("mon_dump_after_add.json"))
    assert endpoints_from_dump(real) == {
        "a": "tcp://127.0.0.1:3300",
        "b": "tcp://127.0.0.1:3301",
        "c": "tcp://127.0.0.1:3302",
        "d": "tcp://127.0.0.1:6792",
    }
    assert endpoints_from_dump({"epoch": 1}) == {}


# --- the command table ------------------------------------------------------------------


def test_commands_through_the_dispatch_point() -> None:
    from mon import commands
    from tests.unit.fake_mon import FakeMon

    mon = FakeMon()
    mc, r = commands.dispatch(mon, {"prefix": "mon add", "name": "d", "addr": "127.0.0.1:6792"})
    assert mc is not None and mc.writes
    assert (r.retval, r.outs) == (0, "adding mon.d at v2:127.0.0.1:6792/0")
    _, r = commands.dispatch(mon, {"prefix": "mon add", "name": "e", "addr": "127.0.0.1:6789"})
    assert r.outs == "adding mon.e at [v2:127.0.0.1:3300/0,v1:127.0.0.1:6789/0]"
    _, r = commands.dispatch(mon, {"prefix": "mon remove", "name": "a"})
    assert (r.retval, r.outs) == (0, "")
    _, r = commands.dispatch(mon, {"prefix": "mon rm", "name": "zz"})
    assert (r.retval, r.outs) == (0, "mon.zz does not exist or has already been removed")
    _, r = commands.dispatch(mon, {"prefix": "mon add", "name": "f"})
    assert r.retval == -errno.EINVAL
    _, r = commands.dispatch(mon, {"prefix": "mon getmap"})
    assert r.outs == "got monmap epoch 1" and r.text is not None
    assert MonMap.from_store(json.loads(r.text)).names == ["a"]
