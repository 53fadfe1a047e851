"""Unit tests of the pure mgr role state machine (mgr/role.py).

Events in, decisions out; time is passed to `observe` explicitly. Expected
behaviour: Ceph's MgrStandby::handle_mgr_map (``ceph_mgr_api.md`` §4.2,
``ceph_failover_behaviour.md`` §2.5) plus the simulator's fencing after a stall.
"""

from __future__ import annotations

from typing import Any

import pytest

from mgr.role import NOTHING, Action, Decision, MgrRole, Role

ME = 4100
OTHER = 4101
STALL = 1.0

START_ACTIVE = Action.START_ACTIVE
START_SB = Action.START_STANDBY_MODULES
STOP_SB = Action.STOP_STANDBY_MODULES
BEACON = Action.SEND_BEACON
RESPAWN = Action.RESPAWN


class Maps:
    """Builds MgrMap dicts (the ``ceph mgr dump`` shape the mgr receives) with
    increasing epochs."""

    def __init__(self, modules: list[str] | None = None) -> None:
        self.epoch = 0
        self.modules = list(modules or ["iostat", "nfs"])

    def next(self, active_gid: int, active_name: str = "", **kw: Any) -> dict[str, Any]:
        self.epoch += 1
        m = {
            "epoch": self.epoch,
            "active_gid": active_gid,
            "active_name": active_name or ("x" if active_gid == ME else "other"),
            "modules": list(self.modules),
        }
        m.update(kw)
        return m


def standby(standby_modules: bool = True) -> tuple[MgrRole, Maps]:
    r = MgrRole("x", stall_after=STALL, standby_modules=standby_modules)
    r.on_session(ME)
    return r, Maps()


def active() -> tuple[MgrRole, Maps]:
    r, maps = standby()
    r.on_mgrmap(maps.next(ME))
    r.on_activated()
    assert r.role is Role.ACTIVE
    return r, maps


def activating() -> tuple[MgrRole, Maps]:
    r, maps = standby()
    r.on_mgrmap(maps.next(ME))
    assert r.role is Role.ACTIVATING
    return r, maps


# --- boot and session --------------------------------------------------------


def test_boot_session_standby() -> None:
    r = MgrRole("x", stall_after=STALL)
    assert (r.role, r.gid, r.claims_active, r.is_active_role) == (Role.BOOTING, 0, False, False)

    d = r.on_session(ME)

    assert d.actions == (BEACON,)
    assert (r.role, r.gid) == (Role.STANDBY, ME)
    assert not r.claims_active
    # a reconnect to another mon with the same gid: still standby, beacon again
    assert r.on_session(ME).actions == (BEACON,)
    assert r.role is Role.STANDBY


@pytest.mark.parametrize("setup", [standby, activating, active])
def test_session_with_different_gid_respawns(setup: Any) -> None:
    r, _ = setup()
    d = r.on_session(ME + 50)
    assert d.actions == (RESPAWN,)
    assert r.role is Role.RESPAWNING
    assert r.gid == ME


def test_map_before_session_is_recorded_but_acts_on_nothing() -> None:
    r = MgrRole("x", stall_after=STALL)
    maps = Maps()
    assert r.on_mgrmap(maps.next(OTHER)) is NOTHING
    assert r.role is Role.BOOTING
    assert r.mgrmap_epoch == 1


# --- activation ---------------------------------------------------------------


def test_map_naming_me_starts_active_then_activated_is_active() -> None:
    r, maps = standby(standby_modules=False)

    d = r.on_mgrmap(maps.next(ME))

    assert d.actions == (START_ACTIVE,)
    assert r.role is Role.ACTIVATING
    assert r.is_active_role and not r.claims_active  # beacons not yet "available"
    assert r.active_name == "x"

    d = r.on_activated()
    assert d.actions == (BEACON,)  # beacon at once when init completes
    assert r.role is Role.ACTIVE and r.claims_active

    # a later map still naming me: nothing to do
    assert r.on_mgrmap(maps.next(ME)) is NOTHING
    assert r.role is Role.ACTIVE
    # a second on_activated is ignored
    assert r.on_activated() is NOTHING


@pytest.mark.parametrize("setup", [standby, active])
def test_on_activated_outside_activating_is_ignored(setup: Any) -> None:
    r, _ = setup()
    role = r.role
    assert r.on_activated() is NOTHING
    assert r.role is role


# --- losing the active role -------------------------------------------------------


@pytest.mark.parametrize("setup", [activating, active])
@pytest.mark.parametrize("new_active", [OTHER, 0])
def test_map_naming_someone_else_while_active_respawns(setup: Any, new_active: int) -> None:
    r, maps = setup()
    d = r.on_mgrmap(maps.next(new_active))
    assert d.actions == (RESPAWN,)
    assert d.reason == "I was active but no longer am"
    assert r.role is Role.RESPAWNING
    assert not r.claims_active


@pytest.mark.parametrize("setup", [standby, activating, active])
def test_modules_change_respawns(setup: Any) -> None:
    r, maps = setup()
    gid = ME if r.is_active_role else OTHER
    if r.modules is None:  # the standby has not seen a map yet
        r.on_mgrmap(maps.next(gid))
    maps.modules.append("prometheus")
    d = r.on_mgrmap(maps.next(gid))
    assert d.actions == (RESPAWN,)
    assert "modules" in d.reason
    assert r.role is Role.RESPAWNING


def test_modules_reordered_is_not_a_change() -> None:
    r, maps = active()
    maps.modules.reverse()
    assert r.on_mgrmap(maps.next(ME)) is NOTHING
    assert r.role is Role.ACTIVE


def test_first_map_sets_modules_without_respawn() -> None:
    r, maps = standby(standby_modules=False)
    assert r.modules is None
    assert r.on_mgrmap(maps.next(OTHER)) is NOTHING
    assert r.modules == ["iostat", "nfs"]


@pytest.mark.parametrize("setup", [standby, activating, active])
def test_beacon_ack_null_map_respawns(setup: Any) -> None:
    r, maps = setup()
    d = r.on_beacon_ack(active=False, null_map=True, epoch=maps.epoch)
    assert d.actions == (RESPAWN,)
    assert r.role is Role.RESPAWNING


@pytest.mark.parametrize("setup", [activating, active])
def test_beacon_ack_not_active_at_current_epoch_respawns(setup: Any) -> None:
    r, maps = setup()
    d = r.on_beacon_ack(active=False, null_map=False, epoch=maps.epoch)
    assert d.actions == (RESPAWN,)


@pytest.mark.parametrize("setup", [activating, active])
def test_beacon_ack_not_active_at_older_epoch_is_stale(setup: Any) -> None:
    r, maps = setup()
    role = r.role
    assert r.on_beacon_ack(active=False, null_map=False, epoch=maps.epoch - 1) is NOTHING
    assert r.role is role


def test_beacon_ack_while_standby() -> None:
    r, maps = standby()
    assert r.on_beacon_ack(active=False, null_map=False, epoch=maps.epoch) is NOTHING
    assert r.on_beacon_ack(active=True, null_map=False, epoch=maps.epoch) is NOTHING
    assert r.role is Role.STANDBY


def test_respawning_ignores_everything() -> None:
    r, maps = active()
    r.on_mgrmap(maps.next(OTHER))
    assert r.role is Role.RESPAWNING
    assert r.on_mgrmap(maps.next(ME)) is NOTHING
    assert r.on_beacon_ack(active=True, null_map=False, epoch=maps.epoch) is NOTHING
    assert r.on_beacon_ack(active=False, null_map=True, epoch=maps.epoch) is NOTHING
    assert r.on_activated() is NOTHING
    assert r.observe(0.0) is NOTHING and r.observe(100.0) is NOTHING
    assert r.role is Role.RESPAWNING


# --- old epochs ---------------------------------------------------------------------


@pytest.mark.parametrize("setup", [standby, active])
def test_old_and_repeated_epochs_ignored(setup: Any) -> None:
    r, maps = setup()
    current = maps.next(ME if r.is_active_role else OTHER)
    r.on_mgrmap(current)
    role = r.role
    stale_other = {
        "epoch": current["epoch"] - 1,
        "active_gid": OTHER + 7,
        "active_name": "q",
        "modules": ["different"],
    }
    same_epoch = dict(stale_other, epoch=current["epoch"])
    assert r.on_mgrmap(stale_other) is NOTHING
    assert r.on_mgrmap(same_epoch) is NOTHING
    assert r.role is role
    assert r.mgrmap_epoch == current["epoch"]
    assert r.active_name == current["active_name"]
    assert r.modules == ["iostat", "nfs"]


# --- standby modules -----------------------------------------------------------------


def test_standby_modules_started_once_then_stopped_on_activation() -> None:
    r, maps = standby()
    assert r.on_mgrmap(maps.next(0, active_name="")) is NOTHING  # nobody active yet

    d = r.on_mgrmap(maps.next(OTHER))
    assert d.actions == (START_SB,)
    assert r.standby_modules_running
    assert r.on_mgrmap(maps.next(OTHER)) is NOTHING  # only once
    assert r.on_mgrmap(maps.next(OTHER + 1)) is NOTHING  # another active: still running

    d = r.on_mgrmap(maps.next(ME))
    assert d.actions == (STOP_SB, START_ACTIVE)  # stop first, then activate
    assert not r.standby_modules_running
    assert r.role is Role.ACTIVATING


def test_standby_modules_disabled() -> None:
    r, maps = standby(standby_modules=False)
    assert r.on_mgrmap(maps.next(OTHER)) is NOTHING
    assert not r.standby_modules_running
    assert r.on_mgrmap(maps.next(ME)).actions == (START_ACTIVE,)


# --- fencing after a stall -------------------------------------------------------------


def test_observe_first_call_and_small_gaps_do_nothing() -> None:
    r, _ = active()
    assert r.observe(100.0) is NOTHING
    assert r.observe(100.0 + STALL) is NOTHING  # exactly stall_after: not a stall
    assert r.observe(100.0 + 2 * STALL - 0.01) is NOTHING
    assert r.role is Role.ACTIVE


def test_stall_while_active_confirms_then_ack_restores_active() -> None:
    r, maps = active()
    r.observe(100.0)

    d = r.observe(100.0 + STALL + 0.5)

    assert d.actions == (BEACON,)
    assert "stalled" in d.reason
    assert r.role is Role.CONFIRMING
    assert not r.claims_active  # fenced: no "available" beacons, no serving
    assert r.is_active_role

    # a second stall while confirming changes nothing
    assert r.observe(200.0) is NOTHING
    assert r.role is Role.CONFIRMING

    d = r.on_beacon_ack(active=True, null_map=False, epoch=maps.epoch)
    assert d.actions == ()
    assert r.role is Role.ACTIVE and r.claims_active


def test_stall_while_active_then_map_naming_another_respawns() -> None:
    r, maps = active()
    r.observe(0.0)
    r.observe(10.0)
    assert r.role is Role.CONFIRMING

    d = r.on_mgrmap(maps.next(OTHER))

    assert d.actions == (RESPAWN,)
    assert r.role is Role.RESPAWNING


def test_stall_while_active_then_ack_denies_respawns() -> None:
    r, maps = active()
    r.observe(0.0)
    r.observe(10.0)
    d = r.on_beacon_ack(active=False, null_map=False, epoch=maps.epoch)
    assert d.actions == (RESPAWN,)


def test_stall_while_active_then_new_map_naming_me_restores_active() -> None:
    r, maps = active()
    r.observe(0.0)
    r.observe(10.0)
    assert r.on_mgrmap(maps.next(ME)) is NOTHING
    assert r.role is Role.ACTIVE


@pytest.mark.parametrize("standby_modules", [True, False])
def test_stall_while_standby_does_nothing(standby_modules: bool) -> None:
    r, maps = standby(standby_modules)
    r.on_mgrmap(maps.next(OTHER))
    r.observe(0.0)
    assert r.observe(1000.0) is NOTHING
    assert r.role is Role.STANDBY


def test_stall_before_session_does_nothing() -> None:
    r = MgrRole("x", stall_after=STALL)
    r.observe(0.0)
    assert r.observe(1000.0) is NOTHING
    assert r.role is Role.BOOTING


def test_stall_while_activating_confirms_but_does_not_skip_activation() -> None:
    """A stall during ACTIVATING fences too; but the mon's confirmation must not
    make the mgr claim ACTIVE (beacons say ``available``) before the module
    host has reported the modules started (`on_activated`)."""
    r, maps = activating()
    r.observe(0.0)
    d = r.observe(10.0)
    assert d.actions == (BEACON,)
    assert r.role is Role.CONFIRMING
    assert not r.claims_active

    r.on_beacon_ack(active=True, null_map=False, epoch=maps.epoch)

    assert not r.claims_active, "claims active (available) before its modules started"
    d = r.on_activated()
    assert r.role is Role.ACTIVE
    assert d.actions == (BEACON,)


def test_activation_finishing_while_confirming_is_not_lost() -> None:
    r, maps = activating()
    r.observe(0.0)
    r.observe(10.0)
    assert r.role is Role.CONFIRMING
    r.on_activated()  # the module host finished during the confirmation
    assert not r.claims_active  # still fenced until the mon confirms

    r.on_beacon_ack(active=True, null_map=False, epoch=maps.epoch)

    assert r.role is Role.ACTIVE and r.claims_active


def test_decision_defaults() -> None:
    assert Decision() == NOTHING
    assert NOTHING.actions == () and NOTHING.reason == ""


def test_ack_for_a_beacon_sent_before_the_stall_does_not_confirm() -> None:
    """A late ack for a pre-stall beacon must not end CONFIRMING (fencing race)."""
    r = MgrRole("x", stall_after=1.0, lease_span=3.0)
    r.on_session(10)
    r.on_mgrmap({"epoch": 1, "active_gid": 10, "active_name": "x", "modules": []})
    r.on_activated()
    r.observe(100.0)
    assert r.observe(105.0).actions  # stalled for 5 s: CONFIRMING
    assert r.role is Role.CONFIRMING
    assert r.on_beacon_ack(True, False, 1, sent_at=99.5) is NOTHING
    assert r.role is Role.CONFIRMING and not r.claims_active
    r.on_beacon_ack(True, False, 1, sent_at=105.1)
    assert r.role is Role.ACTIVE and r.holds_lease(105.2)
