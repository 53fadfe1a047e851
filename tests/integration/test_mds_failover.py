"""The MDSMonitor on a real cluster (mon, mgr and fleet processes) with Ceph
16.2's own manager Python: the fleet's two MDS daemons boot, the mon gives
rank 0 to mds.a and keeps mds.b as a standby; killing mds.a (its beacons stop)
makes mds.b active after ``mds_beacon_grace`` — in ``fs dump``, in the cluster
log, and in the mgr's ``get('fs_map')`` as Ceph's unmodified ``status`` module
(``fs status``) reads it. A restarted mds.a boots again as a standby.

Needs the 16.2 release tree (``python -m sim release fetch 16.2``); without it
this skips, with CI set it fails.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from sim.release.store import tree_for
from sim.testing import TestCluster, running_cluster, wait_until
from tests.golden import golden_text

KEEP = {"status"}  # the stock modules this test needs (the others: a faster start)


def release_mgr_dir() -> Path:
    tree = tree_for("16.2")
    if tree is None:
        why = "Ceph 16.2 is not fetched (python -m sim release fetch 16.2)"
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    return tree.mgr_dir


def mgr_out(c: TestCluster, prefix: str, **args: Any) -> str:
    rc, out, err = c.mgr_command({"prefix": prefix, **args})
    assert rc == 0, f"{prefix}: {rc} {err}"
    return out.decode()


def fs_status(c: TestCluster) -> dict[str, Any]:
    return json.loads(mgr_out(c, "fs status", format="json"))


def ranks(c: TestCluster) -> tuple[str | None, list[str]]:
    """(the name holding rank 0, the standbys' names) from the mon's ``fs dump``."""
    d = c.json("fs dump")
    mdsmap = d["filesystems"][0]["mdsmap"]
    gid = mdsmap["up"].get("mds_0")
    active = mdsmap["info"][f"gid_{gid}"]["name"] if gid is not None else None
    return active, sorted(s["name"] for s in d["standbys"])


def strip_ansi(s: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", s)


def test_active_mds_killed_standby_takes_rank_0(tmp_path: Path) -> None:
    mgr_dir = release_mgr_dir()
    stock = {p.name for p in mgr_dir.iterdir() if (p / "module.py").is_file()}
    options = {"mgr_disabled_modules": " ".join(sorted(stock - KEEP))}
    with running_cluster(
        tmp_path / "run", mons=1, mgrs=1, osds=3, mds=2, options=options, ceph_release="16.2"
    ) as c:
        wait_until(lambda: ranks(c) == ("a", ["b"]), 30, "mds.a active, mds.b standby")
        first = c.json("fs dump")["epoch"]

        # fs status through the stock module: the shape of Ceph's, our pools and MDS
        def both() -> dict[str, Any] | None:  # and the MDS metadata (from the fleet's open)
            st = fs_status(c)
            return st if len(st.get("mdsmap", [])) == 2 and st.get("mds_version") else None

        out = wait_until(both, 30, "fs status with both MDS and their version")
        real = json.loads(golden_text("fs_status.json"))
        assert sorted(out) == sorted(real)
        assert sorted(out["mdsmap"][0]) == sorted(real["mdsmap"][0])
        assert [(m["name"], m["state"]) for m in out["mdsmap"]] == [
            ("a", "active"),
            ("b", "standby"),
        ]
        assert [p["name"] for p in out["pools"]] == ["cephfs.cephfs.meta", "cephfs.cephfs.data"]
        assert out["mds_version"].startswith("ceph version 16.2")
        text = strip_ansi(mgr_out(c, "fs status")).splitlines()
        gold = strip_ansi(golden_text("fs_status.txt")).splitlines()
        assert text[0] == "cephfs - 0 clients" and text[1] == gold[1]
        assert text[2].split() == gold[2].split()  # RANK STATE MDS ACTIVITY DNS INOS DIRS CAPS
        assert text[3].split()[:3] == ["0", "active", "a"]

        # kill the active: its beacons stop, the standby takes rank 0 after the grace
        c.supervisor({"prefix": "kill", "daemon": "mds.a"})
        wait_until(lambda: ranks(c) == ("b", []), 30, "mds.b active in fs dump")
        assert c.json("fs dump")["epoch"] > first
        plain = c.mon_command({"prefix": "fs dump"})[1].decode()
        assert "[mds.b{0:4201} state up:active" in plain and "mds.a" not in plain
        lines = [e["message"] for e in c.json("log last", num=100, level="debug")]
        assert "Replacing daemon mds.a as rank 0 with standby daemon mds.b" in lines
        assert any(m.startswith("fsmap cephfs:1 {0=b=up:active}") for m in lines)
        # the mgr follows the mon's map (get('fs_map'), as the stock module reads it)
        wait_until(
            lambda: [(m["name"], m["state"]) for m in fs_status(c)["mdsmap"]] == [("b", "active")],
            15, "fs status shows mds.b active",
        )  # fmt: skip
        assert c.mon_command({"prefix": "mds stat"})[1].decode() == "cephfs:1 {0=b=up:active}\n"

        # a restarted mds.a is a new incarnation: it boots as a standby
        c.supervisor({"prefix": "restart", "daemon": "mds.a"})
        wait_until(lambda: ranks(c) == ("b", ["a"]), 30, "mds.a back as a standby")
        stat = c.mon_command({"prefix": "mds stat"})[1].decode()
        assert stat == "cephfs:1 {0=b=up:active} 1 up:standby\n"
