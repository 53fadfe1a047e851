"""Link faults on a live cluster: a latency between the active mgr and its mon
shows in how long ``set_module_option`` blocks, and `heal` takes it away
(issue 13 item 5). Driven through ``python -m sim link`` as an operator would."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sim.testing import TestCluster

from .helpers import active_name, mgr

MODULES = Path(__file__).resolve().parents[2] / "scenarios" / "modules"


def sim(c: TestCluster, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "sim", *args, "--dir", str(c.run.path)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def committed_ms(c: TestCluster, value: str) -> float:
    rc, out, err = mgr(c, "optwriter set", key="color", value=value)
    assert rc == 0, err
    m = re.search(r"committed in ([\d.]+) ms", out)
    assert m, out
    return float(m.group(1))


def test_latency_to_the_mon_shows_in_set_module_option(
    module_cluster: Callable[..., TestCluster],
) -> None:
    c = module_cluster("optwriter", mgrs=1, options={"mgr_module_path": str(MODULES)})
    before = committed_ms(c, "red")
    active = f"mgr.{active_name(c)}"
    r = sim(c, "link", active, "mon.a", "--latency", "300ms")
    assert r.returncode == 0, r.stderr
    assert f"{active} -> mon.a: {{'latency': 0.3}}" in r.stdout
    assert c.admin(active, "status")["link_faults"] == {"mon.a": {"latency": 0.3}}
    slow = committed_ms(c, "green")
    assert slow >= 600, (before, slow)  # the command and its reply each wait 300 ms
    assert sim(c, "heal", active, "mon.a").returncode == 0
    assert (
        c.admin(active, "status")["link_faults"] == {}
        and c.admin("mon.a", "status")["link_faults"] == {}
    )
    after = committed_ms(c, "blue")
    assert after < 300, (before, slow, after)


def test_bad_link_faults_are_refused_and_change_nothing(
    module_cluster: Callable[..., TestCluster],
) -> None:
    c = module_cluster(mgrs=1)
    r = sim(c, "link", "mgr.x", "mon.a", "--loss", "150%")
    assert r.returncode == 2 and "loss must be a probability between 0 and 1" in r.stderr
    try:
        c.admin("mgr.x", {"prefix": "link", "peers": ["mon.a"], "jitter": "lots"})
        raise AssertionError("a bad jitter was taken")
    except RuntimeError as exc:
        assert "jitter must be between 0 and 3600 seconds" in str(exc)
    assert c.admin("mgr.x", "status")["link_faults"] == {}
