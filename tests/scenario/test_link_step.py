"""The `link` step: Maelstrom-style link faults in a scenario (issue 13 item 5)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.scenario import arrows
from sim.scenario.errors import InvalidScenario
from sim.scenario.live import LiveCluster
from sim.scenario.loader import load as load_scenario

from .conftest import DATA

pytestmark = pytest.mark.integration
Factory = Callable[..., LiveCluster]
CliRunner = Callable[..., tuple[int, str, str]]


def test_a_lossy_link_to_the_mon_fails_the_active_over(ceph_cluster: Factory) -> None:
    # Every message between the active and the mon lost: its beacons stop
    # arriving, the mon promotes the standby; heal and it rejoins as a standby.
    c = ceph_cluster(mgrs=2, invariants=["no_unexpected_crash", "single_active_mgr"])
    c.run("""
      - remember: {lossy: mgr.active}
      - link: {between: [$lossy, mon.a], loss: 100%, latency: 50ms}
      - expect: {$lossy: {link_faults: {mon.a: {latency: 0.05, loss: 1.0}}}}
      - wait_for: {mgrmap: {active: {not: $lossy}, available: true}, timeout: mon_mgr_beacon_grace + 4s}
      - heal: all
      - wait_for: {mgrmap: {standbys: [$lossy]}, $lossy: {role: standby}, timeout: 10s}
      - expect: {$lossy: {link_faults: {}}, mon.a: {link_faults: {}}}
    """)
    assert c.status("mon.a")["dropped"].get("link_loss", 0) > 0  # the mon's replies were lost too


def test_link_steps_are_validated_with_their_position(ceph_cluster: Factory) -> None:
    c = ceph_cluster(mgrs=1, invariants=[])
    with pytest.raises(InvalidScenario, match=r"link.loss: a probability between 0 and 1"):
        c.run("- link: {between: [mgr.x, mon.a], loss: 150%}")
    with pytest.raises(InvalidScenario, match=r"link: give at least one of latency"):
        c.run("- link: {between: [mgr.x, mon.a]}")
    with pytest.raises(InvalidScenario, match=r"unknown key 'lag'|lag"):
        c.run("- link: {between: [mgr.x, mon.a], lag: 1s}")


def test_a_run_on_a_slow_network(run_cli: CliRunner, tmp_path: Path) -> None:
    # cluster.network: every daemon link carries the latency from the first
    # message on (the recorded messages between daemons all took at least
    # that long), the harness's own links do not, and a failover still happens.
    code, out, _ = run_cli(DATA / "network.yaml", "--out", tmp_path / "out")
    assert code == 0, out
    events = [
        json.loads(line) for line in (tmp_path / "out" / "events.jsonl").read_text().splitlines()
    ]
    t0 = float(events[0]["stamp"])
    rows = sorted(
        ([float(r[0]) - t0, e["daemon"], *r[1:]] for e in events if e.get("kind") == "messages"
         for r in e.get("records", [])),
        key=lambda r: r[0],
    )  # fmt: skip
    took = [a["t1"] - a["t0"] for a in arrows.build(rows)["arrows"]
            if a["fate"] == "delivered" and a["t1"] != a["t0"]
            and a["from"].startswith(("mon.", "mgr.")) and a["to"].startswith(("mon.", "mgr."))]  # fmt: skip
    assert len(took) > 50, len(took)
    assert min(took) >= 0.095, min(took)  # 100 ms one way, never less
    assert max(took) < 2.0


def test_a_bad_network_is_refused_with_its_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("about: x\ncluster: {network: {latency: -5ms, loss: 2}}\nsteps: [{sleep: 1s}]\n")
    with pytest.raises(InvalidScenario) as exc:
        load_scenario(bad)
    text = str(exc.value)
    assert "cluster.network.loss: a probability between 0 and 1" in text, text
    assert "bad.yaml:2:" in text
    empty = tmp_path / "empty.yaml"
    empty.write_text("about: x\ncluster: {network: {}}\nsteps: [{sleep: 1s}]\n")
    with pytest.raises(InvalidScenario, match="give at least one of latency"):
        load_scenario(empty)
