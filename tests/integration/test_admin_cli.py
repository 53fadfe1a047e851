"""``ceph tell``, ``ceph daemon`` and ``ceph --admin-daemon`` on a real cluster,
compared with real Ceph 16.2's captures (``tell_*``, ``daemon_*``,
``admin_daemon_*`` in ``tests/data/ceph16``): exact bytes where the values
are the same (``version``), else the shape."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.testing import TestCluster, wait_until
from tests.golden import golden_text

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def ceph(cluster: TestCluster, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SIM_DIR=str(cluster.run.path))
    return subprocess.run(
        [sys.executable, "-m", "sim", "ceph", *args],
        capture_output=True, text=True, timeout=timeout, env=env, cwd=REPO,
    )  # fmt: skip


def out(cluster: TestCluster, *args: str) -> str:
    r = ceph(cluster, *args)
    assert r.returncode == 0, (args, r.returncode, r.stderr)
    return r.stdout


def test_tell_daemon_admin_daemon(cluster_factory: Callable[..., TestCluster]) -> None:
    c = cluster_factory(osds=2, mds=1)
    wait_until(lambda: c.json("osd stat")["num_up_osds"] == 2, 30, "2 OSDs up")
    # version: the same bytes as real Ceph's, from every kind of daemon
    active = c.mgr_stat()["active_name"]  # the capture's mgr.x was the active
    for who, real in (("mgr", "mgr"), (f"mgr.{active}", "mgr_x"), ("mon.a", "mon_a"),
                      ("osd.0", "osd_0")):  # fmt: skip
        for fmt, suffix in ((None, "txt"), ("json", "compact.json"), ("json-pretty", "json")):
            args = ["tell", who, "version"] + (["-f", fmt] if fmt else [])
            assert out(c, *args) == golden_text(f"tell_{real}_version.{suffix}"), args
    # tell WHO help: the table of the daemon's commands, whatever the format
    real = golden_text("tell_mgr_help.txt").splitlines()
    for fmt in ([], ["-f", "json"]):
        lines = out(c, "tell", "mgr", "help", *fmt).splitlines()
        assert lines[:3] == real[:3] and all(line in real for line in lines)
    # config get through tell and the admin socket: {name: "value"}
    got = out(c, "tell", "mgr", "config", "get", "mgr_tick_period", "-f", "json-pretty")
    assert got.startswith('\n{\n    "mgr_tick_period": "') and got.endswith('"\n}\n')
    for how in (["daemon", "mgr.x"], ["--admin-daemon", str(c.run.asok_path("mgr.x"))]):
        plain = out(c, *how, "config", "get", "mgr_tick_period")
        assert plain == out(c, *how, "config", "get", "mgr_tick_period", "-f", "json-pretty")
        assert list(json.loads(plain)) == ["mgr_tick_period"] and plain.endswith("}\n")
        compact = out(c, *how, "config", "get", "mgr_tick_period", "-f", "json")
        assert json.loads(compact) == json.loads(plain) and not compact.endswith("\n")
    # help: the same bytes through the name and the path (as in the captures)
    assert out(c, "daemon", "mon.a", "help") == out(
        c, "--admin-daemon", str(c.run.asok_path("mon.a")), "help"
    )
    real_help = json.loads(golden_text("daemon_osd_0_help.txt"))
    ours = json.loads(out(c, "daemon", "osd.0", "help"))
    assert set(ours) <= set(real_help) | {"get_command_descriptions"}
    # status: an OSD's and a mgr's, with the captures' keys
    for name, real_name in (("osd.1", "osd_0"), ("mgr.x", "mgr_x")):
        got_status = json.loads(out(c, "daemon", name, "status"))
        assert list(got_status) == list(json.loads(golden_text(f"daemon_{real_name}_status.txt")))
    assert json.loads(out(c, "daemon", "osd.1", "status"))["whoami"] == 1

    def mds_status() -> dict | None:  # once the mon's FSMap gave mds.a rank 0
        st = json.loads(out(c, "daemon", "mds.a", "status"))
        return st if st["state"] == "up:active" else None

    mds = wait_until(mds_status, 30, "mds.a up:active")
    assert list(mds) == list(json.loads(golden_text("daemon_mds_a_status.txt")))
    assert mds["whoami"] == 0 and mds["fs_name"] == "cephfs"
    mon_status = json.loads(out(c, "tell", "mon.a", "mon_status"))
    assert list(mon_status) == list(json.loads(golden_text("tell_mon_a_mon_status.txt")))
    assert mon_status["name"] == "a" and mon_status["state"] == "leader"
    # config set through the admin socket changes that daemon's running config
    r = json.loads(out(c, "daemon", "osd.0", "config", "set", "osd_heartbeat_interval", "5"))
    assert r == {
        "success": "osd_heartbeat_interval = '5' (not observed, change may require restart) "
    }
    assert json.loads(out(c, "daemon", "osd.0", "config", "show"))["osd_heartbeat_interval"] == "5"
    assert json.loads(out(c, "daemon", "osd.1", "config", "get", "osd_heartbeat_interval")) != {
        "osd_heartbeat_interval": "5"
    }

    # on a mon, an admin socket override outlives a config commit until unset
    def mon_tick() -> str:
        got = json.loads(out(c, "daemon", "mon.a", "config", "get", "mon_tick_interval"))
        return str(got["mon_tick_interval"])

    out(c, "daemon", "mon.a", "config", "set", "mon_tick_interval", "3")
    out(c, "config", "set", "mon", "mon_tick_interval", "2")  # an int in Ceph's table
    assert mon_tick() == "3"
    out(c, "daemon", "mon.a", "config", "unset", "mon_tick_interval")
    assert mon_tick() == "2"
    out(c, "config", "rm", "mon", "mon_tick_interval")
    assert mon_tick() == "0.250000"  # the fast profile's, again
    # perf dump and dump_mempools: JSON objects of loggers / pools
    perf = json.loads(out(c, "daemon", "osd.0", "perf", "dump"))
    assert isinstance(perf["osd"]["op_latency"], dict) and isinstance(perf["osd"]["numpg"], int)
    pools = json.loads(out(c, "daemon", "mon.a", "dump_mempools"))
    assert list(pools["mempool"]) == ["by_pool", "total"]
    # an unknown command: refused locally with the closest matches, exit 22
    r = ceph(c, "daemon", "mgr.x", "no_such_command")
    assert r.returncode == 22 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert lines[0] == "no valid command found; 10 closest matches:"
    assert lines[-1] == "admin_socket: invalid command" and len(lines) == 12
    r = ceph(c, "tell", "mgr", "no_such_command")
    assert r.returncode == 22 and r.stderr.splitlines()[-1] == "Error EINVAL: invalid command"
    assert ceph(c, "daemon", "mon.a", "status").returncode == 22  # a mon has no status
    r = ceph(c, "tell")
    assert r.returncode == 22 and "requires additional arguments" in r.stderr
    standby = "y" if active == "x" else "x"
    # a tell to the standby waits for it to be the active, as 16.2's does (it blocked
    # until the CLI's timeout in tell_mgr_y_version_standby): here within --timeout
    r = ceph(c, "tell", f"mgr.{standby}", "version", "--timeout", "1.5")
    assert r.returncode == 110 and r.stdout == golden_text("tell_mgr_y_version_standby.txt")
    assert r.stderr == f"error: mgr.{standby} is not the active mgr (timeout 1.5s)\n"
    r = ceph(c, "daemon", "mgr.zz", "version")  # no such daemon: no socket file
    assert r.returncode == 22 and r.stdout == ""
    assert r.stderr == golden_text("daemon_mgr_zz_version_nosocket.stderr.txt")
    # a daemon that is gone: its socket refuses, as Ceph's does
    c.supervisor({"prefix": "kill", "daemon": "mgr.y"})
    wait_until(lambda: ceph(c, "daemon", "mgr.y", "version").returncode != 0, 15, "mgr.y gone")
    r = ceph(c, "daemon", "mgr.y", "version")
    assert r.returncode == 22
    assert r.stderr.startswith("admin_socket: exception getting command descriptions: [Errno")
    c.supervisor({"prefix": "kill", "daemon": "osd.1"})
    r = ceph(c, "daemon", "osd.1", "version")
    assert r.returncode != 0 and "Connection refused" in r.stderr


def test_tell_mgr_follows_a_kill9_failover(cluster_factory: Callable[..., TestCluster]) -> None:
    """Real 16.2: right after kill -9 of the active, ``tell mgr`` blocks until the
    mon has promoted the standby (5.6 s, grace 5 s), then answers (rc 0)."""
    c = cluster_factory()
    before = c.mgr_stat()["active_name"]
    wait_until(lambda: len(c.json("mgr dump")["standbys"]) == 1, 20, "a standby")
    c.supervisor({"prefix": "kill", "daemon": "mgr.active"})
    started = time.monotonic()
    r = ceph(c, "tell", "mgr", "status", "--timeout", "30")
    took = time.monotonic() - started
    assert r.returncode == 0, r.stderr
    after = c.mgr_stat()["active_name"]
    assert after != before
    gid = json.loads(r.stdout)["inst"]["name"]["num"]
    assert gid == c.json("mgr dump")["active_gid"]
    grace = float(c.core.options["mon_mgr_beacon_grace"])
    assert took < grace + 15


def test_config_show_log_assimilate_through_the_cli(
    cluster_factory: Callable[..., TestCluster], tmp_path: Path
) -> None:
    c = cluster_factory()
    header = out(c, "config", "show", "mgr.x").splitlines()[0].split()
    assert header == golden_text("config_show_mgr_x.txt").splitlines()[0].split()
    shown = json.loads(out(c, "config", "show", "mgr.x", "-f", "json"))
    assert {e["name"] for e in shown} >= {"mgr_tick_period", "mon_host"}
    r = ceph(c, "config", "show", "mgr.zz")
    assert (r.returncode, r.stderr) == (2, golden_text("config_show_mgr_zz.stderr.txt"))
    r = ceph(c, "config", "show", "mgr")
    assert (r.returncode, r.stderr) == (22, golden_text("config_show_mgr.stderr.txt"))
    assert out(c, "config", "show", "mgr.x", "mon_max_pg_per_osd") == golden_text(
        "config_show_mgr_x_mon_max_pg_per_osd.txt"
    )
    conf = tmp_path / "assimilate.conf"
    conf.write_text(
        "[global]\nmon_osd_down_out_interval = 700\nno_such_option_xyz = 1\n"
        "fsid = 00000000-0000-0000-0000-000000000000\n[mgr]\nmgr_stats_period = 6\n"
        "[osd.1]\nosd_max_backfills = 3\n"
    )
    assert out(c, "config", "assimilate-conf", "-i", str(conf)) == golden_text(
        "config_assimilate_conf.txt"
    )
    log = out(c, "config", "log").splitlines()
    assert log[1:4] == golden_text("config_log_after_changes.txt").splitlines()[1:4]
    assert log[-1] == "--- 1 --- 0.000000 ---" and log[0].startswith("--- 2 --- ")
    r = ceph(c, "config", "sho")
    assert r.returncode == 22
    assert r.stderr == golden_text("nocmd_config_sho.stderr.txt")
