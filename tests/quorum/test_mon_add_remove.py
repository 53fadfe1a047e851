"""``ceph mon add`` / ``ceph mon remove`` on a real 3-mon cluster (fast profile):
the monmap change commits, an election follows, MON_DOWN 1/4 until the new mon
is started (`sim start mon.d`) and joins, quorum a,b,c,d; removing it elects
a,b,c again and the removed mon's process exits by itself. Output shapes are
compared with Ceph 16.2's captures (tests/data/ceph16/)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sim.formatting import utc_stamp
from sim.mon_join import MonJoinError, prepare_mon
from sim.ports import reserve_ports
from sim.testing import TestCluster, wait_until
from tests.golden import golden_text
from tests.quorum.test_quorum_cluster import wait_quorum

pytestmark = pytest.mark.integration


def shape(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(v[0])] if v else []
    return type(v).__name__


@pytest.fixture
def port() -> Iterator[int]:
    """A loopback port for mon.d, reserved for the test (as `sim up` reserves its mons')."""
    [(p, fd)] = reserve_ports(1)
    try:
        yield p
    finally:
        os.close(fd)


def health_check(c: TestCluster, code: str) -> dict[str, Any] | None:
    checks = c.json("health", detail="detail")["checks"]
    return checks.get(code)  # type: ignore[no-any-return]


def log_messages(c: TestCluster, since: float) -> list[str]:
    """The cluster log's messages stamped at ``since`` or later."""
    after = utc_stamp(since)
    return [e["message"] for e in c.json("log last", num=200) if e["stamp"] >= after]


def wait_logged(c: TestCluster, since: float, *lines: str) -> None:
    """Until every one of ``lines`` is in the cluster log (committed after ``since``)."""
    wait_until(
        lambda: set(lines) <= set(log_messages(c, since)), 10.0, f"cluster log lines {lines}"
    )


def test_mon_add_then_remove(cluster_factory: Callable[..., TestCluster], port: int) -> None:
    c = cluster_factory(mons=3, mgrs=1)
    wait_quorum(c, ["a", "b", "c"])
    # past mon_down_mkfs_grace, so that MON_DOWN may be raised
    wait_until(lambda: time.time() - c.core.spec.created > 2.2 or None, 5.0, "the mkfs grace")

    # a mon that is not in the monmap cannot be made
    with pytest.raises(MonJoinError, match="not in monmap e1"):
        prepare_mon(c, "d")

    t_add = time.time()
    rc, _, outs = c.mon_command({"prefix": "mon add", "name": "d", "addr": f"127.0.0.1:{port}"})
    assert (rc, outs) == (0, f"adding mon.d at v2:127.0.0.1:{port}/0")

    # the monmap change alone: an election, a,b,c in quorum of a 4-mon map, MON_DOWN 1/4
    def mon_down() -> dict[str, Any] | None:
        return health_check(c, "MON_DOWN")

    check = wait_until(mon_down, 10.0, "MON_DOWN after mon add")
    assert check["summary"]["message"] == "1/4 mons down, quorum a,b,c"
    assert [d["message"] for d in check["detail"]] == [
        f"mon.d (rank 3) addr v2:127.0.0.1:{port}/0 is down (out of quorum)"
    ]
    wait_logged(
        c,
        t_add,
        "mon.a calling monitor election",
        "mon.a is new leader, mons a,b,c in quorum (ranks 0,1,2)",
        "Health check failed: 1/4 mons down, quorum a,b,c (MON_DOWN)",
    )

    dump = c.json("mon dump")
    real = json.loads(golden_text("mon_dump_after_add.json"))
    assert shape(dump) == shape(real)
    assert dump["epoch"] == 2 and dump["quorum"] == [0, 1, 2]
    assert [m["name"] for m in dump["mons"]] == ["a", "b", "c", "d"]
    assert dump["mons"][3]["public_addrs"] == {
        "addrvec": [{"type": "v2", "addr": f"127.0.0.1:{port}", "nonce": 0}]
    }
    rc, plain, _ = c.mon_command({"prefix": "mon dump"})
    assert plain.decode().splitlines()[-1] == f"3: v2:127.0.0.1:{port}/0 mon.d"
    # adding it again: the same address is rc 0, another one EEXIST
    rc, _, outs = c.mon_command({"prefix": "mon add", "name": "d", "addr": f"127.0.0.1:{port}"})
    assert (rc, outs) == (0, f"mon.d at v2:127.0.0.1:{port}/0 already exists")
    rc, _, outs = c.mon_command({"prefix": "mon add", "name": "d", "addr": "127.0.0.1:1"})
    assert rc == -17 and outs == f"mon.d already exists at address v2:127.0.0.1:{port}/0"

    # the operator makes mon.d from the current monmap and starts it
    made = prepare_mon(c, "d")
    assert made is not None and made.epoch == 2
    started = c.supervisor({"prefix": "start", "daemon": "mon.d"}, timeout=10.0)
    assert started["state"] == "running"
    wait_quorum(c, ["a", "b", "c", "d"])
    qs = c.json("quorum_status")
    real = json.loads(golden_text("quorum_status_4mons.json"))
    assert shape(qs) == shape(real)
    assert (qs["quorum"], qs["quorum_names"]) == ([0, 1, 2, 3], ["a", "b", "c", "d"])
    assert qs["quorum_leader_name"] == "a"
    wait_until(lambda: mon_down() is None, 10.0, "MON_DOWN cleared")
    wait_logged(c, t_add, "mon.a is new leader, mons a,b,c,d in quorum (ranks 0,1,2,3)")
    # clients learn the monmap: this one and the mgr would hunt to mon.d now
    wait_until(lambda: "d" in c.core.monc.mon_addrs or None, 5.0, "the client's monmap")
    mgr_log = c.run.log_file("mgr.x")
    wait_until(lambda: "monmap e2: mons a, b, c, d" in mgr_log.read_text(), 5.0, "mgr's monmap")

    # mon remove: silent, another election, mon.d exits by itself
    t_rm = time.time()
    rc, _, outs = c.mon_command({"prefix": "mon remove", "name": "d"})
    assert (rc, outs) == (0, "")
    wait_quorum(c, ["a", "b", "c"])

    def d_exited() -> dict[str, Any] | None:
        st = c.supervisor("status")["daemons"]["mon.d"]
        return st if st["state"] == "exited" else None

    st = wait_until(d_exited, 10.0, "mon.d's exit")
    assert st["exits"][-1]["returncode"] == 0 and not st["exits"][-1]["expected"]
    assert any(e["kind"] == "daemon_exited" and e["daemon"] == "mon.d" for e in c.events())
    wait_logged(c, t_rm, "mon.a is new leader, mons a,b,c in quorum (ranks 0,1,2)")
    dump = c.json("mon dump")
    assert dump["epoch"] == 3 and [m["name"] for m in dump["mons"]] == ["a", "b", "c"]
    assert shape(dump) == shape(json.loads(golden_text("mon_dump_after_remove.json")))
    assert health_check(c, "MON_DOWN") is None
    wait_until(lambda: "d" not in c.core.monc.mon_addrs or None, 5.0, "the client forgets d")

    # an unknown mon is rc 0 with Ceph's words (the last one's refusal: tests/unit/test_monmap.py)
    rc, _, outs = c.mon_command({"prefix": "mon rm", "name": "d"})
    assert (rc, outs) == (0, "mon.d does not exist or has already been removed")


def test_one_mon_grows_to_two_shrinks_and_grows_again(
    cluster_factory: Callable[..., TestCluster], port: int
) -> None:
    """The last mon cannot be removed; adding a second to one mon loses the quorum
    (1 of 2) until it runs, so `sim start` takes the map from the running mon's
    admin endpoint; a mon removed and added again gets a new store."""
    c = cluster_factory(mons=1, mgrs=1)
    wait_quorum(c, ["a"])
    rc, _, outs = c.mon_command({"prefix": "mon rm", "name": "a"})
    assert (rc, outs) == (-22, "error: refusing removal of last monitor a")

    for round_ in (1, 2):
        rc, _, outs = c.mon_command({"prefix": "mon add", "name": "b", "addr": f"127.0.0.1:{port}"})
        assert (rc, outs) == (0, f"adding mon.b at v2:127.0.0.1:{port}/0")
        made = prepare_mon(c, "b")  # no quorum now: from mon.a's admin endpoint
        assert made is not None and made.names == ["a", "b"]
        c.supervisor({"prefix": "start", "daemon": "mon.b"}, timeout=10.0)
        wait_quorum(c, ["a", "b"], timeout=15.0)
        assert c.json("mon dump")["epoch"] == 2 * round_
        rc, _, outs = c.mon_command({"prefix": "mon rm", "name": "b"}, timeout=15.0)
        assert (rc, outs) == (0, "")
        wait_quorum(c, ["a"])
        wait_until(
            lambda: c.supervisor("status")["daemons"]["mon.b"]["state"] == "exited",
            10.0,
            "mon.b's exit",
        )
    log = c.run.log_file("mon.b").read_text()
    assert "a store from before its removal; new store" in log
