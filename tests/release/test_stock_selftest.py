"""Ceph's own stock ``selftest``, unmodified, for 16.2, 18.2 and 20.2: the
mgr runs the release's ``mgr_module.py`` and stock modules on our native side
(each module in its own import namespace, as in Ceph's sub-interpreters),
``mgr self-test run`` succeeds and ``mgr self-test module M`` passes for
every stock module with a ``self_test`` that needs no libcephfs (devicehealth's
scrapes an OSD's ``smart`` and keeps the metrics in RADOS: the 16.2 pool's omap,
18.2/20.2's ``.mgr`` database); our shipped modules load and answer on each
release too. The trees come from `python -m sim release fetch` (CI fetches all
three); without one this skips, with CI set it fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sim.release.store import tree_for
from sim.testing import running_cluster
from tests.modules.helpers import enable_modules, mgr

# stock modules with a self_test() and no CephFS need, per release
SELF_TESTED = {
    "16.2": [
        "crash",
        "devicehealth",
        "influx",
        "iostat",
        "prometheus",
        "telegraf",
        "telemetry",
        "zabbix",
    ],
    "18.2": [
        "crash",
        "devicehealth",
        "influx",
        "iostat",
        "prometheus",
        "telegraf",
        "telemetry",
        "zabbix",
    ],
    "20.2": [
        "balancer",
        "crash",
        "devicehealth",
        "influx",
        "iostat",
        "prometheus",
        "telegraf",
        "telemetry",
    ],
}


SHIPPED = {"hello", "sim_selftest", "sim_dashboard"}  # modules/, written for every release


def release_tree(series: str) -> Path:
    tree = tree_for(series)
    if tree is None:
        why = f"Ceph {series} is not fetched (python -m sim release fetch {series})"
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    return tree.mgr_dir


@pytest.mark.parametrize("series", sorted(SELF_TESTED))
def test_stock_selftest_passes(series: str, tmp_path: Path) -> None:
    mgr_dir = release_tree(series)
    wanted = {"selftest", *SELF_TESTED[series]}
    stock = {p.name for p in mgr_dir.iterdir() if (p / "module.py").is_file()}
    assert wanted <= stock, f"{series} lacks {wanted - stock}"
    options = {"mgr_disabled_modules": " ".join(sorted(stock - wanted))}  # a faster start
    # as a user selects it (`sim up --ceph-release`); enabling modules respawns the mgr
    with running_cluster(
        tmp_path / "run", mons=1, mgrs=1, osds=3, options=options, ceph_release=series
    ) as c:
        listed = c.json("mgr module ls")
        cannot = {
            m["name"]: m["error_string"] for m in listed["disabled_modules"] if not m["can_run"]
        }
        assert not set(cannot) & (wanted | SHIPPED), cannot  # ours load on every release too
        enable_modules(c, *sorted(wanted), "hello")
        assert mgr(c, "hello", person_name="ceph") == (0, "Hello, ceph!", "")
        assert mgr(c, "mgr self-test run") == (0, "", "Self-test succeeded")
        for module in SELF_TESTED[series]:
            rc, _out, err = mgr(c, "mgr self-test module", module=module)
            assert (rc, err) == (0, "Self-test OK"), f"{module}: {rc} {err}"
        # over RADOS: the report counts the rbd pool's images (librbd's directory)
        rc, _out, err = mgr(c, "telemetry show")
        assert rc == 0, err
