"""Our shipped ``sim_selftest`` passes its own ``mgr self-test run`` on each
release tree, not only on the embedded API: its checks follow what that
release's ``MgrModule`` has (18.2 dropped ``get_all_perf_counters``; 20.2's
counters are labelled, without ``get_counter``/``get_latest``) and what it
does with a refused option (Pacific logs it, Quincy and newer raise)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.testing import running_cluster
from tests.modules.helpers import enable_modules, mgr
from tests.release.test_stock_selftest import release_tree

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("series", ["16.2", "18.2", "20.2"])
def test_sim_selftest_runs_on_each_release(series: str, tmp_path: Path) -> None:
    mgr_dir = release_tree(series)
    stock = {p.name for p in mgr_dir.iterdir() if (p / "module.py").is_file()}
    options = {"mgr_disabled_modules": " ".join(sorted(stock))}  # a faster start
    with running_cluster(
        tmp_path / "run", mons=1, mgrs=1, options=options, ceph_release=series
    ) as c:
        enable_modules(c, "sim_selftest")
        assert mgr(c, "mgr self-test run") == (0, "", "Self-test succeeded")
