"""The `link` step: Maelstrom-style link faults in a scenario (issue 13 item 5)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sim.scenario.errors import InvalidScenario
from sim.scenario.live import LiveCluster

pytestmark = pytest.mark.integration
Factory = Callable[..., LiveCluster]


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
