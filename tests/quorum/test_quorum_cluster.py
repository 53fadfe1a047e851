"""Real multi-mon clusters (fast profile): quorum at start, the leader's death,
losing and regaining the majority, partitions, health and the cluster log,
and clients (mgrs, the CLI) hunting through all of it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from sim.monc import MonUnavailable
from sim.testing import TestCluster, wait_until

pytestmark = pytest.mark.integration


def mon_status(c: TestCluster, mon: str) -> dict[str, Any]:
    return c.admin(f"mon.{mon}", "mon_status", timeout=1.0)


def quorum_of(c: TestCluster, mons: list[str]) -> tuple[str, list[str], int] | None:
    """(leader, quorum names, epoch) once every mon in ``mons`` agrees on it."""
    views = []
    for m in mons:
        st = mon_status(c, m)
        if st["state"] not in ("leader", "peon"):
            return None
        mons = st["monmap"]["mons"]
        if any(r >= len(mons) for r in st["quorum"]):
            return None  # a new monmap is committed, its election not called yet
        names = [mons[r]["name"] for r in st["quorum"]]
        views.append((st["leader"], names, st["election_epoch"]))
    return views[0] if all(v == views[0] for v in views) else None


def wait_quorum(
    c: TestCluster, members: list[str], timeout: float = 10.0
) -> tuple[str, list[str], int]:
    def agreed() -> tuple[str, list[str], int] | None:
        q = quorum_of(c, members)
        return q if q is not None and q[1] == members else None

    return wait_until(agreed, timeout, f"quorum {members}")


def kv_set(c: TestCluster, key: str, val: str, timeout: float = 10.0) -> None:
    rc, _, err = c.mon_command(
        {"prefix": "config-key set", "key": key, "val": val}, timeout=timeout
    )
    assert rc == 0, err


def kv_get(c: TestCluster, key: str) -> str:
    rc, out, err = c.mon_command({"prefix": "config-key get", "key": key})
    assert rc == 0, err
    return out.decode()


def active(c: TestCluster) -> tuple[str, int]:
    d = c.json("mgr dump")
    return d["active_name"], d["active_gid"]


@pytest.fixture
def three(cluster_factory: Callable[..., TestCluster]) -> TestCluster:
    return cluster_factory(mons=3)


def test_three_mons_form_one_quorum_and_report_it_like_ceph(three: TestCluster) -> None:
    c = three
    leader, names, epoch = wait_quorum(c, ["a", "b", "c"])
    assert leader == "a" and epoch % 2 == 0
    assert [mon_status(c, m)["state"] for m in "abc"] == ["leader", "peon", "peon"]
    qs = c.json("quorum_status")
    assert qs["quorum"] == [0, 1, 2] and qs["quorum_names"] == ["a", "b", "c"]
    assert qs["quorum_leader_name"] == "a" and qs["election_epoch"] == epoch
    assert [m["rank"] for m in qs["monmap"]["mons"]] == [0, 1, 2]
    stat = c.json("mon stat")
    assert stat["leader"] == "a" and stat["num_mons"] == 3
    assert stat["quorum"] == [{"rank": r, "name": n} for r, n in enumerate("abc")]
    dump = c.json("mon dump")
    assert dump["quorum"] == [0, 1, 2] and len(dump["mons"]) == 3
    rc, out, _ = c.mon_command({"prefix": "mon stat"})
    assert f"election epoch {epoch}, leader 0 a, quorum 0,1,2 a,b,c" in out.decode()
    # every mon serves the same replicated state
    kv_set(c, "q/k", "v1")
    for m in "abc":
        lc = mon_status(c, m)["paxos"]["last_committed"]
        assert lc > 0
    st = c.json("status")
    assert st["quorum_names"] == ["a", "b", "c"] and "MON_DOWN" not in st["health"]["checks"]


def test_the_leaders_death_elects_the_next_and_writes_resume(three: TestCluster) -> None:
    c = three
    wait_quorum(c, ["a", "b", "c"])
    kv_set(c, "q/before", "1")
    mgr_before = active(c)
    t0 = time.monotonic()
    c.supervisor({"prefix": "kill", "daemon": "mon.a"})
    leader, _, _ = wait_quorum(c, ["b", "c"], timeout=5.0)
    elected = time.monotonic() - t0
    assert leader == "b"
    kv_set(c, "q/after", "2", timeout=5.0)
    assert kv_get(c, "q/before") == "1" and kv_get(c, "q/after") == "2"
    assert elected < 5.0
    h = wait_until(
        lambda: (d := c.json("health", detail="detail"))["checks"].get("MON_DOWN") and d,
        5,
        "MON_DOWN",
    )
    mon_down = h["checks"]["MON_DOWN"]
    assert mon_down["summary"]["message"] == "1/3 mons down, quorum b,c"
    assert mon_down["detail"][0]["message"].startswith("mon.a (rank 0) addr [v2:127.0.0.1:")
    assert mon_down["detail"][0]["message"].endswith("/0] is down (out of quorum)")
    rc, out, _ = c.mon_command({"prefix": "status"})
    assert "quorum b,c (age" in out.decode() and "out of quorum: a" in out.decode()
    # the mon comes back: it rejoins, leads again, and health clears
    c.supervisor({"prefix": "restart", "daemon": "mon.a"})
    assert wait_quorum(c, ["a", "b", "c"])[0] == "a"
    wait_until(lambda: "MON_DOWN" not in c.json("health")["checks"], 5, "MON_DOWN to clear")
    assert kv_get(c, "q/after") == "2"
    assert active(c) == mgr_before  # no mgr failover
    log = c.mon_command({"prefix": "log last", "num": 100, "format": "json"})[1]
    messages = [e["message"] for e in json.loads(log)]
    assert "mon.b is new leader, mons b,c in quorum (ranks 1,2)" in messages
    assert "mon.a is new leader, mons a,b,c in quorum (ranks 0,1,2)" in messages
    assert "Health check failed: 1/3 mons down, quorum b,c (MON_DOWN)" in messages
    assert "Health check cleared: MON_DOWN (was: 1/3 mons down, quorum b,c)" in messages
    assert any(m.endswith("calling monitor election") for m in messages)


def test_without_a_majority_writes_fail_cleanly_and_all_comes_back(three: TestCluster) -> None:
    """Both meanings of have_mon_connection() at once: the active mgr has Ceph's (a
    session with some mon, the default), the standby the simulator's quorum option."""
    c = three
    wait_quorum(c, ["a", "b", "c"])
    kv_set(c, "q/k", "before")
    name, gid = active(c)
    me = f"mgr.{name}"
    pid = c.mgr_status(me)["pid"]
    other = next(m for m in c.mgr_names() if m != me)
    setting = {"prefix": "config set", "var": "mon_client_require_quorum", "val": ["true"]}
    assert c.daemon_command(other, setting)[0] == 0  # `ceph daemon mgr.N config set …`
    for m in ("b", "c"):
        c.supervisor({"prefix": "kill", "daemon": f"mon.{m}"})
    wait_until(lambda: mon_status(c, "a")["state"] == "electing", 5, "mon.a out of quorum")
    t0 = time.monotonic()
    with pytest.raises(MonUnavailable):
        c.mon_command({"prefix": "config-key set", "key": "q/k", "val": "lost"}, timeout=1.5)
    assert time.monotonic() - t0 < 3.0  # bounded: the timeout, not forever
    # the quorum semantics: no session while there is no quorum
    wait_until(lambda: not c.mgr_status(other)["have_mon_connection"], 5, f"{other} without")
    # Ceph's: attached to the lone mon.a, whose tick trims every client session once it
    # has been out of quorum for 2 x mon_lease; the mgr is back on it at once, each time
    before = c.mgr_status(me)["mon_sessions"]
    wait_until(
        lambda: (st := c.mgr_status(me))["mon_sessions"] >= before + 3 and st["mon"] == "a",
        10,
        f"{me} trimmed by mon.a and back on it, three times",
    )
    wait_until(lambda: c.mgr_status(me)["have_mon_connection"], 5, f"{me} on mon.a")
    assert not c.mgr_status(other)["have_mon_connection"]
    st = c.mgr_status(me)
    assert st["role"] == "active" and st["pid"] == pid  # keeps running on its last state
    c.supervisor({"prefix": "restart", "daemon": "mon.b"})
    wait_quorum(c, ["a", "b"])
    kv_set(c, "q/k", "after", timeout=5.0)
    assert kv_get(c, "q/k") == "after"
    for mgr in c.mgr_names():
        wait_until(
            lambda n=mgr: c.mgr_status(n)["have_mon_connection"],  # type: ignore[misc]
            10,
            f"{mgr} to reconnect",
        )
    assert active(c) == (name, gid)
    assert c.mgr_status(me)["pid"] == pid
    log = c.mon_command({"prefix": "log last", "num": 200, "level": "debug"})[1].decode()
    assert "unresponsive" not in log


def test_a_partitioned_minority_drops_out_and_heals_back(three: TestCluster) -> None:
    c = three
    wait_quorum(c, ["a", "b", "c"])
    for other in ("a", "b"):
        c.admin("mon.c", {"prefix": "partition", "peers": [f"mon.{other}"]})
        c.admin(f"mon.{other}", {"prefix": "partition", "peers": ["mon.c"]})
    wait_quorum(c, ["a", "b"])
    assert mon_status(c, "c")["state"] == "electing"
    kv_set(c, "q/p", "during", timeout=5.0)
    time.sleep(0.5)
    assert mon_status(c, "c")["state"] == "electing"  # keeps trying, serves nothing
    for name in ("mon.a", "mon.b", "mon.c"):
        c.admin(name, {"prefix": "heal"})
    wait_quorum(c, ["a", "b", "c"])
    assert kv_get(c, "q/p") == "during"
    # every mon caught up (commits keep coming: beacons, the log; so wait for a moment
    # when all three report the same version)
    wait_until(
        lambda: len({mon_status(c, m)["paxos"]["last_committed"] for m in "abc"}) == 1,
        5,
        "the same version everywhere",
    )


def test_the_mgr_follows_when_its_mon_dies_without_a_failover(three: TestCluster) -> None:
    c = three
    wait_quorum(c, ["a", "b", "c"])
    name, gid = active(c)
    mon = c.mgr_status(f"mgr.{name}")["mon"]
    c.supervisor({"prefix": "kill", "daemon": f"mon.{mon}"})
    wait_until(
        lambda: (st := c.mgr_status(f"mgr.{name}"))["have_mon_connection"] and st["mon"] != mon,
        5,
        "the active mgr on another mon",
    )
    beacons = c.mgr_status(f"mgr.{name}")["beacons_sent"]
    wait_until(lambda: c.mgr_status(f"mgr.{name}")["beacons_sent"] > beacons + 2, 5, "beacons")
    assert active(c) == (name, gid)


def test_five_mons_survive_two_deaths_but_not_three(
    cluster_factory: Callable[..., TestCluster],
) -> None:
    c = cluster_factory(mons=5)
    wait_quorum(c, list("abcde"))
    for m in ("a", "c"):
        c.supervisor({"prefix": "kill", "daemon": f"mon.{m}"})
    leader, _, _ = wait_quorum(c, ["b", "d", "e"])
    assert leader == "b"
    kv_set(c, "q/five", "1", timeout=5.0)
    h = c.json("health")
    assert h["checks"]["MON_DOWN"]["summary"]["message"] == "2/5 mons down, quorum b,d,e"
    c.supervisor({"prefix": "kill", "daemon": "mon.e"})
    wait_until(lambda: mon_status(c, "b")["state"] == "electing", 5, "no quorum")
    with pytest.raises(MonUnavailable):
        c.mon_command({"prefix": "config-key get", "key": "q/five"}, timeout=1.0)
    c.supervisor({"prefix": "restart", "daemon": "mon.a"})
    wait_quorum(c, ["a", "b", "d"])
    assert kv_get(c, "q/five") == "1"


def test_a_mon_cut_off_from_the_leader_only_leaves_a_stable_quorum(three: TestCluster) -> None:
    """`partition mon.a mon.c`: c still reaches b, but b (hearing its leader)
    does not follow c's elections, so a,b stay in quorum and writeable."""
    c = three
    wait_quorum(c, ["a", "b", "c"])
    c.admin("mon.a", {"prefix": "partition", "peers": ["mon.c"]})
    c.admin("mon.c", {"prefix": "partition", "peers": ["mon.a"]})
    _, _, epoch = wait_quorum(c, ["a", "b"])
    time.sleep(1.5)
    assert quorum_of(c, ["a", "b"]) == ("a", ["a", "b"], epoch)  # no flapping
    kv_set(c, "q/partial", "ok", timeout=5.0)
    for name in ("mon.a", "mon.c"):
        c.admin(name, {"prefix": "heal"})
    wait_quorum(c, ["a", "b", "c"])
    assert kv_get(c, "q/partial") == "ok"
