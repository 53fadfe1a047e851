"""Module options and the KV store against the real mon, including a mon outage.

Reads are local: an outside ``config set`` / ``config-key set`` reaches the
running module asynchronously (and calls ``config_notify()``). Writes block
until the mon has committed them; while no mon is reachable they wait,
visibly, and go through when it is back, nothing lost.
"""

from __future__ import annotations

import json

from sim.testing import TestCluster, wait_until

from .helpers import active_name, config_set, mgr

DEADLINE = 10.0


def ev(c: TestCluster, source: str) -> str:
    rc, out, err = mgr(c, "mgr self-test eval", s=source)
    assert rc == 0 and not err, f"{source!r}: {rc} {err}"
    return out.strip()


def test_outside_config_changes_reach_the_module(module_cluster):
    c = module_cluster("sim_selftest")
    me = active_name(c)
    before = int(ev(c, "print(mgr.config_notified)"))
    assert mgr(c, "mgr self-test config get", key="testkey") == (0, "None", "")
    config_set(c, "mgr/sim_selftest/testkey", "foo")
    wait_until(
        lambda: mgr(c, "mgr self-test config get", key="testkey")[1] == "foo",
        DEADLINE,
        "testkey=foo",
    )
    assert int(ev(c, "print(mgr.config_notified)")) > before
    assert mgr(c, "mgr self-test config get_localized", key="testkey")[1] == "foo"
    config_set(c, f"mgr/sim_selftest/{me}/testkey", "bar")
    wait_until(
        lambda: mgr(c, "mgr self-test config get_localized", key="testkey")[1] == "bar",
        DEADLINE,
        "localized testkey=bar",
    )
    assert mgr(c, "mgr self-test config get", key="testkey")[1] == "foo"
    # an outside `config rm` reverts to the declared default (Ceph 16 kept the old value)
    config_set(c, "mgr/sim_selftest/roption2", "abc")
    wait_until(
        lambda: mgr(c, "mgr self-test config get", key="roption2")[1] == "abc", DEADLINE, "abc"
    )
    assert (
        c.mon_command({"prefix": "config rm", "who": "mgr", "name": "mgr/sim_selftest/roption2"})[0]
        == 0
    )
    wait_until(
        lambda: mgr(c, "mgr self-test config get", key="roption2")[1] == "xyz", DEADLINE, "xyz"
    )


def test_module_writes_are_committed_before_returning(module_cluster):
    c = module_cluster("sim_selftest")
    assert (
        ev(c, "mgr.set_module_option('testkey', 'v1'); print(mgr.get_module_option('testkey'))")
        == "v1"
    )
    rc, out, _ = c.mon_command(
        {"prefix": "config get", "who": "mgr", "key": "mgr/sim_selftest/testkey"}
    )
    assert rc == 0 and out.decode().strip() == "v1"
    assert ev(c, "mgr.set_store('k', 'v'); print(mgr.get_store('k'))") == "v"
    assert c.mon_command({"prefix": "config-key get", "key": "mgr/sim_selftest/k"})[:2] == (0, b"v")
    assert (
        c.mon_command({"prefix": "config-key set", "key": "mgr/sim_selftest/k", "val": "outside"})[
            0
        ]
        == 0
    )
    wait_until(
        lambda: ev(c, "print(mgr.get_store('k'))") == "outside", DEADLINE, "outside KV value"
    )
    assert c.mon_command({"prefix": "config-key rm", "key": "mgr/sim_selftest/k"})[0] == 0
    wait_until(lambda: ev(c, "print(mgr.get_store('k'))") == "None", DEADLINE, "KV key removed")


BLOCKED_WRITES = """
import threading
def writes():
    mgr.set_store('offline', 'stored while the mon was down')
    mgr.set_module_option('testkey', 'set while the mon was down')
mgr.offline_writer = threading.Thread(target=writes, daemon=True)
mgr.offline_writer.start()
"""


def test_writes_wait_for_the_mon_and_are_not_lost(module_cluster):
    c = module_cluster("sim_selftest", mgrs=1)
    me = f"mgr.{active_name(c)}"
    c.supervisor({"prefix": "kill", "daemon": "mon.a"})
    wait_until(lambda: ev(c, "print(mgr.have_mon_connection())") == "False", DEADLINE, "no mon")
    ev(c, BLOCKED_WRITES)
    # the KV cache has the value at once; the write itself is blocked, visibly
    assert ev(c, "print(mgr.get_store('offline'))") == "stored while the mon was down"
    blocked = wait_until(lambda: c.mgr_status(me)["modules"]["blocked_writes"], DEADLINE, "blocked")
    assert (
        blocked[0]["module"] == "sim_selftest"
        and "config-key set mgr/sim_selftest/offline" in blocked[0]["what"]
    )
    assert ev(c, "print(mgr.offline_writer.is_alive())") == "True"
    c.supervisor({"prefix": "restart", "daemon": "mon.a"})
    wait_until(lambda: ev(c, "print(mgr.have_mon_connection())") == "True", DEADLINE, "mon back")
    wait_until(
        lambda: ev(c, "print(mgr.offline_writer.is_alive())") == "False", DEADLINE, "writes done"
    )
    assert c.mon_command({"prefix": "config-key get", "key": "mgr/sim_selftest/offline"})[1] == (
        b"stored while the mon was down"
    )
    rc, out, _ = c.mon_command(
        {"prefix": "config get", "who": "mgr", "key": "mgr/sim_selftest/testkey"}
    )
    assert out.decode().strip() == "set while the mon was down"
    assert ev(c, "print(mgr.get_module_option('testkey'))") == "set while the mon was down"
    assert c.mgr_status(me)["modules"]["blocked_writes"] == []
    kinds = [(e.get("kind"), e.get("state")) for e in c.events()]
    assert ("blocked_write", "blocked") in kinds and ("blocked_write", "done") in kinds


def test_reads_are_served_while_the_mon_is_down(module_cluster):
    c = module_cluster("sim_selftest", mgrs=1)
    me = active_name(c)
    ev(c, "mgr.set_store('r', 'x')")
    c.supervisor({"prefix": "kill", "daemon": "mon.a"})
    wait_until(lambda: ev(c, "print(mgr.have_mon_connection())") == "False", DEADLINE, "no mon")
    out = ev(
        c,
        "import json; print(json.dumps([mgr.get_store('r'), mgr.get_module_option('roption2'),"
        " mgr.get('mgr_map')['active_name'], bool(mgr.list_servers())]))",
    )
    assert json.loads(out) == ["x", "xyz", me, True]
    c.supervisor({"prefix": "restart", "daemon": "mon.a"})
    wait_until(lambda: ev(c, "print(mgr.have_mon_connection())") == "True", DEADLINE, "mon back")
