"""The mon's store survives kill -9; mgrs ride out a mon outage shorter than
the grace without a failover (Ceph: beacon times restart with the mon)."""

from __future__ import annotations

import pytest

from sim.testing import TestCluster, wait_until

pytestmark = pytest.mark.integration


def test_mon_kill9_restart_keeps_mgrmap_and_enabled_modules(cluster: TestCluster) -> None:
    gid0 = cluster.json("mgr dump")["active_gid"]
    rc, _, err = cluster.mon_command(
        {"prefix": "mgr module enable", "module": "hello", "force": True}
    )
    assert rc == 0, err
    # Enabling a module respawns every mgr (as Ceph's QA does, wait for a new
    # active gid that is available).
    before = wait_until(
        lambda: (
            (d := cluster.json("mgr dump"))["active_gid"] not in (0, gid0)
            and d["available"]
            and len(d["standbys"]) == 1
            and d
        ),
        10,
        "the respawned mgrs",
    )
    assert "hello" in before["modules"]
    active = before["active_name"]
    active_pid = cluster.mgr_status(f"mgr.{active}")["pid"]

    cluster.supervisor({"prefix": "kill", "daemon": "mon.a"})
    for name in cluster.mgr_names():
        wait_until(
            lambda n=name: not cluster.mgr_status(n)["have_mon_connection"],  # type: ignore[misc]
            5,
            f"{name} to notice the mon is gone",
        )
    # The active keeps its role on its last state (its lease then runs out).
    st = cluster.mgr_status(f"mgr.{active}")
    assert st["role"] == "active"

    cluster.supervisor({"prefix": "restart", "daemon": "mon.a"})
    after = cluster.json("mgr dump")
    assert after["epoch"] >= before["epoch"]
    assert "hello" in after["modules"]
    for name in cluster.mgr_names():
        wait_until(
            lambda n=name: cluster.mgr_status(n)["have_mon_connection"],  # type: ignore[misc]
            10,
            f"{name} to reconnect",
        )
    # No failover: same active, same process, same gid.
    now = cluster.json("mgr dump")
    assert now["active_name"] == active and now["active_gid"] == before["active_gid"]
    assert cluster.mgr_status(f"mgr.{active}")["pid"] == active_pid
    log = cluster.mon_command({"prefix": "log last", "num": 50, "format": "plain"})[1].decode()
    assert "unresponsive" not in log


def test_mon_restart_keeps_cluster_log_and_down_flag(cluster: TestCluster) -> None:
    rc, _, err = cluster.mon_command({"prefix": "mgr set", "var": "down", "val": "true"})
    assert rc == 0, err
    wait_until(lambda: cluster.mgr_stat()["active_name"] == "", 5, "no active")
    log_before = cluster.mon_command({"prefix": "log last", "num": 50, "level": "debug"})[1]
    cluster.supervisor({"prefix": "kill", "daemon": "mon.a"})
    cluster.supervisor({"prefix": "restart", "daemon": "mon.a"})
    # Still down after the restart: standbys are not promoted.
    wait_until(lambda: len(cluster.json("mgr dump")["standbys"]) == 2, 10, "both standbys")
    assert cluster.mgr_stat()["active_name"] == ""
    log_after = cluster.mon_command({"prefix": "log last", "num": 50, "level": "debug"})[1]
    last_line = log_before.decode().strip().splitlines()[-1]
    assert last_line in log_after.decode().splitlines()


def test_a_mgr_started_while_the_mons_are_down_answers_the_admin_key(
    cluster: TestCluster,
) -> None:
    # Before its first auth database map a daemon knows the keys the cluster
    # was made with: the harness's client.admin (its own key) is not refused.
    standby = next(
        n for n in cluster.mgr_names() if n != f"mgr.{cluster.mgr_stat()['active_name']}"
    )
    cluster.supervisor({"prefix": "kill", "daemon": "mon.a"})
    cluster.supervisor({"prefix": "restart", "daemon": standby})
    st = wait_until(
        lambda: (s := cluster.mgr_status(standby)) and not s["have_mon_connection"] and s,
        10,
        f"{standby} up without a mon",
    )
    assert st["pid"] > 0
