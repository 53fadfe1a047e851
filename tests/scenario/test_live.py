"""The ceph_cluster fixture: steps from Python against a live cluster,
partitions and delays, validation errors, invariants, teardown."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

import pytest

from sim import launcher
from sim.cluster import RunDir
from sim.scenario.errors import InvalidScenario, InvariantViolated, StepFailed
from sim.scenario.live import LiveCluster

pytestmark = pytest.mark.integration
Factory = Callable[..., LiveCluster]


def test_partition_heal_and_delay(ceph_cluster: Factory) -> None:
    # An active cut off from the mon keeps its role but its lease runs out
    # before the mon can promote a standby: never two claims at once.
    c = ceph_cluster(mgrs=2, invariants=["no_unexpected_crash", "single_active_mgr"])
    c.run("""
      - remember: {cut: mgr.active}
      - partition: [$cut, mon.a]
      - wait_for: {$cut: {have_mon_connection: false}, timeout: mon_client_ping_timeout + 2s}
      - wait_for: {mgrmap: {active: {not: $cut}, available: true}, timeout: mon_mgr_beacon_grace + 4s}
      - heal: all
      - wait_for: {mgrmap: {standbys: [$cut]}, $cut: {role: standby}, timeout: 10s}
    """)
    assert c.variables["cut"] in ("mgr.x", "mgr.y")
    assert c.status(c.variables["cut"])["blocked_peers"] == []
    c.run([{"delay": {"daemon": "mgr.standby", "for": "1s"}, "as": "slow"}])
    c.expect({"$slow": {"reachable": False}})
    rec = c.wait_for({"$slow": {"reachable": True}}, timeout="3s")
    assert rec.status == "passed"
    stat = c.ceph("mgr stat -f json")
    assert stat.retval == 0 and stat.json()["available"] is True
    with pytest.raises(StepFailed, match="still not true after 0.3s"):
        c.wait_for({"mgrmap": {"num_standby": 5}}, timeout=0.3)


def test_invalid_steps_name_their_position(ceph_cluster: Factory) -> None:
    c = ceph_cluster(mgrs=1, invariants=[])
    with pytest.raises(
        InvalidScenario, match=r"<ceph_cluster.run>:3:19: kill: unknown daemon 'mgr.q'"
    ):
        c.run("""
          - say: hi
          - kill: mgr.q
        """)
    with pytest.raises(InvalidScenario, match="unknown invariant"):
        ceph_cluster(invariants=["never_fails"])


def test_unexpected_crash_breaks_the_invariant_and_teardown_is_complete(
    ceph_cluster: Factory,
) -> None:
    c = ceph_cluster(mgrs=1, invariants=["no_unexpected_crash"])
    run_dir = RunDir(c.run_dir)
    os.kill(c.status("mgr.x")["pid"], signal.SIGKILL)  # behind the supervisor's back: a crash
    deadline = time.monotonic() + 10
    while c.rt.failure is None and time.monotonic() < deadline:
        time.sleep(0.05)
    with pytest.raises(InvariantViolated, match="no_unexpected_crash violated: mgr.x crashed"):
        c.run("- sleep: 0.1s")
    with pytest.raises(InvariantViolated):
        c.close()
    assert launcher.cluster_processes(run_dir) == []


def test_cluster_modules_are_enabled_and_the_mgrs_settle_after_respawning(
    ceph_cluster: Factory,
) -> None:
    c = ceph_cluster(mgrs=2, modules=["nosuchmodule"])  # --force: enabled even if no mgr has it
    c.expect(
        {"mgrmap": {"modules": {"contains": "nosuchmodule"}, "available": True, "num_standby": 1}}
    )
    respawned = {e["daemon"] for e in c.events() if e["kind"] == "respawn"}
    assert respawned == {"mgr.x", "mgr.y"}  # the set of enabled modules changed
    dump = c.ceph("mgr dump -f json").json()
    gids = {dump["active_name"]: dump["active_gid"]} | {
        s["name"]: s["gid"] for s in dump["standbys"]
    }
    assert {m: c.status(f"mgr.{m}")["gid"] for m in ("x", "y")} == gids
