"""The mon's operator commands through ``python -m sim ceph`` on a real cluster
(3 mons, 3 OSDs): ``osd pool get/set``, ``osd reweight``, ``osd crush tree``,
``health mute/unmute``, with real Ceph 16.2's shapes (``tests/data/ceph16``),
stderr status lines and exit codes; a change is a new osdmap epoch that the
fleet and the mgr receive."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.testing import TestCluster, wait_until
from tests.golden import golden_text

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def ceph(c: TestCluster, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SIM_DIR=str(c.run.path))
    return subprocess.run(
        [sys.executable, "-m", "sim", "ceph", *args],
        capture_output=True, text=True, timeout=60, env=env, cwd=REPO,
    )  # fmt: skip


def seen(c: TestCluster, daemon: str, key: str) -> int:
    """The osdmap epoch a daemon has (its admin socket's ``status``)."""
    r = ceph(c, "daemon", daemon, "status")
    return int(json.loads(r.stdout)[key]) if r.returncode == 0 else 0


def keys(text: str) -> list[str]:
    return list(json.loads(text))


def shape(text: str) -> list[str]:
    """The ``key:`` column of a ``key: value`` listing."""
    return [line.split(":")[0] for line in text.splitlines()]


def test_pool_get_set_reweight_crush_tree(cluster_factory: Callable[..., TestCluster]) -> None:
    c = cluster_factory(mons=3, mgrs=1, osds=3)
    wait_until(lambda: c.json("osd stat")["num_up_osds"] == 3, 30, "3 OSDs up")
    wait_until(lambda: c.mgr_stat()["available"], 30, "an active mgr")

    r = ceph(c, "osd", "pool", "get", "rbd", "all")
    assert r.returncode == 0 and shape(r.stdout) == shape(golden_text("osd_pool_get_p1_all.txt"))
    r = ceph(c, "osd", "pool", "get", "rbd", "all", "-f", "json")
    assert keys(r.stdout) == keys(golden_text("osd_pool_get_p1_all.compact.json"))
    r = ceph(c, "osd", "pool", "get", "rbd", "size", "-f", "json-pretty")
    assert keys(r.stdout) == keys(golden_text("osd_pool_get_p1_size.json"))
    assert r.stdout.startswith('\n{\n    "pool": "rbd",\n')

    pool_id = json.loads(r.stdout)["pool_id"]
    epoch = c.json("osd dump")["epoch"]
    r = ceph(c, "osd", "pool", "set", "rbd", "size", "2")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", f"set pool {pool_id} size to 2\n")
    assert ceph(c, "osd", "pool", "get", "rbd", "size").stdout == golden_text(
        "osd_pool_get_p1_size_after_set.txt"
    )
    new = c.json("osd dump")["epoch"]
    assert new > epoch
    # the fleet and the active mgr receive the new map
    mgr = f"mgr.{c.mgr_stat()['active_name']}"
    wait_until(lambda: seen(c, "osd.0", "newest_map") >= new, 30, "the fleet's map")
    wait_until(lambda: seen(c, mgr, "osd_epoch") >= new, 30, "the mgr's map")
    # refused: Ceph's message, rc 1 (EPERM) and 22 (EINVAL)
    r = ceph(c, "osd", "pool", "set", "rbd", "size", "1", "--yes-i-really-mean-it")
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == "Error EPERM: configuring pool size as 1 is disabled by default.\n"
    r = ceph(c, "osd", "pool", "set", "rbd", "min_size", "5")
    assert r.returncode == 22
    assert r.stderr == "Error EINVAL: pool min_size must be between 1 and size, which is set to 2\n"
    r = ceph(c, "osd", "pool", "get")
    assert r.returncode == 22 and "osd pool get <pool> size|min_size|" in r.stderr

    r = ceph(c, "osd", "reweight", "1", "0.5")
    assert (r.returncode, r.stdout, r.stderr) == (
        0, golden_text("osd_reweight_1_0.5.txt"), "reweighted osd.1 to 0.5 (8000)\n",
    )  # fmt: skip
    row = next(line for line in ceph(c, "osd", "tree").stdout.splitlines() if "osd.1 " in line)
    assert row.split()[-2:] == ["0.50000", "1.00000"]
    r = ceph(c, "osd", "reweight", "osd.1", "2")
    assert r.returncode == 22 and "Invalid command: 2.0 not in range [0.0, 1.0]" in r.stderr
    r = ceph(c, "osd", "reweight", "9", "0.5")
    assert (r.returncode, r.stderr) == (2, "Error ENOENT: osd.9 does not exist\n")

    text = ceph(c, "osd", "crush", "tree").stdout
    real = golden_text("osd_crush_tree.txt")
    assert text.splitlines()[0].split() == real.splitlines()[0].split()
    assert [ln.split()[-1] for ln in text.splitlines()[3:]] == ["osd.0", "osd.1", "osd.2"]
    tree = json.loads(ceph(c, "osd", "crush", "tree", "-f", "json").stdout)
    want = json.loads(golden_text("osd_crush_tree.compact.json"))
    assert [sorted(n) for n in tree["nodes"]] == [sorted(n) for n in want["nodes"]]


def test_health_mute_unmute(cluster_factory: Callable[..., TestCluster]) -> None:
    c = cluster_factory(mons=3, mgrs=1)
    assert ceph(c, "osd", "set", "noout").returncode == 0
    wait_until(lambda: "OSDMAP_FLAGS" in c.json("health")["checks"], 30, "OSDMAP_FLAGS")

    # a plain mute goes when the check's count grows (noout: 5 -> nodown,noout: 12)
    assert ceph(c, "health", "mute", "OSDMAP_FLAGS").returncode == 0
    assert ceph(c, "health").stdout == "HEALTH_OK (muted: OSDMAP_FLAGS)\n"
    assert ceph(c, "osd", "set", "nodown").returncode == 0
    wait_until(lambda: not c.json("health")["mutes"], 30, "the mute dropped")
    line = "[INF] Health alert mute OSDMAP_FLAGS cleared (count increased from 5 to 12)"
    wait_until(lambda: line in ceph(c, "log", "last", "5").stdout, 30, "the mute's log line")
    assert ceph(c, "osd", "unset", "nodown").returncode == 0
    wait_until(lambda: c.json("health")["checks"]["OSDMAP_FLAGS"]["summary"]["count"] == 5, 30,
               "noout alone")  # fmt: skip

    r = ceph(c, "health", "mute", "OSDMAP_FLAGS", "1h")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert ceph(c, "health").stdout == golden_text("health_muted.txt")
    assert ceph(c, "health", "detail").stdout == golden_text("health_detail_muted.txt")
    got = json.loads(ceph(c, "health", "detail", "-f", "json").stdout)
    want = json.loads(golden_text("health_detail_muted.compact.json"))
    assert got["checks"] == want["checks"] and got["status"] == "HEALTH_OK"
    assert [sorted(m) for m in got["mutes"]] == [sorted(m) for m in want["mutes"]]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000", got["mutes"][0]["ttl"])
    status = ceph(c, "-s").stdout
    assert "    health: HEALTH_OK\n            (muted: OSDMAP_FLAGS(59m))\n" in status

    assert ceph(c, "health", "unmute", "OSDMAP_FLAGS").returncode == 0
    assert ceph(c, "health", "mute", "OSDMAP_FLAGS", "--sticky").returncode == 0
    assert ceph(c, "health", "detail").stdout == golden_text("health_detail_muted_sticky.txt")
    assert ceph(c, "osd", "unset", "noout").returncode == 0
    wait_until(lambda: not c.json("health")["checks"], 30, "OSDMAP_FLAGS cleared")
    assert ceph(c, "health", "detail").stdout == golden_text("health_detail_sticky_after_clear.txt")
    assert ceph(c, "health", "unmute").returncode == 0
    assert c.json("health")["mutes"] == []

    r = ceph(c, "health", "mute", "OSDMAP_FLAGS", "1x")
    assert (r.returncode, r.stderr) == (22, golden_text("health_mute_bogus_ttl.stderr.txt"))
    r = ceph(c, "health", "mute", "NO_SUCH_CHECK", "10m")
    assert r.returncode == 2
    assert r.stderr == "Error ENOENT: health alert NO_SUCH_CHECK is not currently raised\n"
    r = ceph(c, "health", "mut")
    assert (r.returncode, r.stderr) == (22, golden_text("nocmd_health_mut.stderr.txt"))
