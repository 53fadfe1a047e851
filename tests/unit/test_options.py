"""Unit tests of the option table, profiles and ``--set`` overrides (sim/options/)."""

from __future__ import annotations

from typing import Any

import pytest

from sim.options import OPTIONS, Options, OptionSpec, Profile, defaults, parse_overrides

# Ceph's own defaults (ceph_mgr_api.md §4.8, ceph_failover_behaviour.md §0, mon.yaml.in).
CEPH_DEFAULTS = {
    "mgr_tick_period": 2.0,
    "mon_mgr_beacon_grace": 30.0,
    "mon_tick_interval": 5.0,
    "mon_mgr_inactive_grace": 60.0,
    "mon_mgr_mkfs_grace": 120.0,
    "mon_client_hunt_interval": 3.0,
    "mon_client_ping_interval": 10.0,
    "mon_client_ping_timeout": 30.0,
    "mgr_standby_modules": True,
    "mgr_stats_period": 5.0,
}


# --- defaults and profiles ------------------------------------------------------------


@pytest.mark.parametrize(("name", "value"), sorted(CEPH_DEFAULTS.items()))
def test_ceph_profile_matches_ceph_defaults(name: str, value: Any) -> None:
    got = defaults(Profile.CEPH)[name]
    assert got == value
    assert type(got) is type(value)


def test_default_profile_is_fast() -> None:
    assert defaults() == defaults(Profile.FAST)
    assert defaults(Profile.FAST) != defaults(Profile.CEPH)


@pytest.mark.parametrize("profile", list(Profile))
def test_profiles_cover_every_option_with_its_type(profile: Profile) -> None:
    d = defaults(profile)
    assert set(d) == set(OPTIONS)
    for name, value in d.items():
        assert isinstance(value, OPTIONS[name].reads), name
    assert Profile(profile.value) is profile


@pytest.mark.parametrize("profile", list(Profile))
def test_profile_timings_are_consistent(profile: Profile) -> None:
    """The failover machinery only works if these hold (MgrMonitor.tick)."""
    d = defaults(profile)
    grace, tick, mon_tick = d["mon_mgr_beacon_grace"], d["mgr_tick_period"], d["mon_tick_interval"]
    assert 0 < tick < grace
    # a normal mon tick gap must not trip the slow-tick reset (gap > grace - tick),
    # or beacon times would be reset on every tick and no failover would ever happen
    assert mon_tick < grace - tick
    assert d["mon_client_ping_interval"] < d["mon_client_ping_timeout"]
    assert d["mon_mgr_inactive_grace"] > 0 and d["mon_mgr_mkfs_grace"] >= 0


def test_fast_profile_is_faster() -> None:
    fast, ceph = defaults(Profile.FAST), defaults(Profile.CEPH)
    for name in (
        "mgr_tick_period",
        "mon_mgr_beacon_grace",
        "mon_tick_interval",
        "mon_mgr_inactive_grace",
        "mon_client_ping_timeout",
    ):
        assert fast[name] < ceph[name], name


def test_defaults_returns_a_fresh_dict() -> None:
    d = defaults()
    d["mgr_tick_period"] = 99.0
    assert defaults()["mgr_tick_period"] != 99.0


# --- overrides -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        pytest.param([], {}, id="none"),
        pytest.param(["mgr_tick_period=1"], {"mgr_tick_period": 1.0}, id="float-from-int-text"),
        pytest.param(["mgr_tick_period=0.5"], {"mgr_tick_period": 0.5}, id="float"),
        pytest.param(
            ["mon_mgr_beacon_grace= 7.5 "], {"mon_mgr_beacon_grace": 7.5}, id="value-whitespace"
        ),
        pytest.param(["mgr-tick-period=3"], {"mgr_tick_period": 3.0}, id="dashes"),
        pytest.param(["mgr tick period=3"], {"mgr_tick_period": 3.0}, id="spaces"),
        pytest.param([" mgr_tick_period =3"], {"mgr_tick_period": 3.0}, id="name-whitespace"),
        pytest.param(["mon_cluster_log_keep=12"], {"mon_cluster_log_keep": 12}, id="int"),
        pytest.param(["mgr_standby_modules=false"], {"mgr_standby_modules": False}, id="bool"),
        pytest.param(
            ["mgr_tick_period=1", "mgr_tick_period=2"], {"mgr_tick_period": 2.0}, id="last-wins"
        ),
        pytest.param(
            ["mgr_tick_period=1", "mon_mgr_beacon_grace=9"],
            {"mgr_tick_period": 1.0, "mon_mgr_beacon_grace": 9.0},
            id="several",
        ),
    ],
)
def test_parse_overrides(pairs: list[str], expected: dict[str, Any]) -> None:
    got = parse_overrides(pairs)
    assert got == expected
    for name, value in got.items():
        assert type(value) is type(expected[name])


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        pytest.param("x=1", "unrecognized config option 'x'", id="unknown"),
        pytest.param(
            "mgr_tick_periodd=1", "unrecognized config option 'mgr_tick_periodd'", id="typo"
        ),
        pytest.param("=1", "unrecognized config option ''", id="empty-name"),
        pytest.param(
            "mgr_tick_period", "expected OPTION=VALUE, got 'mgr_tick_period'", id="no-equals"
        ),
        pytest.param(
            "mgr_tick_period=fast",
            "mgr_tick_period: expected float, got 'fast'",
            id="float-garbage",
        ),
        pytest.param(
            "mgr_tick_period=", "mgr_tick_period: expected float, got ''", id="float-empty"
        ),
        pytest.param(
            "mon_cluster_log_keep=1.5",
            "mon_cluster_log_keep: expected int, got '1.5'",
            id="int-from-float",
        ),
        pytest.param(
            "mgr_standby_modules=maybe",
            "mgr_standby_modules: expected a boolean, got 'maybe'",
            id="bool-garbage",
        ),
    ],
)
def test_parse_overrides_errors(pair: str, message: str) -> None:
    with pytest.raises(ValueError) as ei:
        parse_overrides(["mgr_tick_period=1", pair])
    assert str(ei.value) == message


def test_unknown_name_reported_before_value_checked() -> None:
    with pytest.raises(ValueError, match=r"^unrecognized config option 'nope'$"):
        parse_overrides(["nope=notanumber"])


def test_value_may_contain_equals() -> None:
    spec = OptionSpec("s", "str", "advanced", desc="a string option", sim=str)
    assert spec.parse("a=b") == "a=b"


# --- bool parsing -----------------------------------------------------------------------------

BOOL = OPTIONS["mgr_standby_modules"]


@pytest.mark.parametrize(
    "text", ["true", "True", "TRUE", "1", "yes", "Yes", "on", "ON", " true ", "\ttrue\n"]
)
def test_bool_true(text: str) -> None:
    assert BOOL.parse(text) is True


@pytest.mark.parametrize("text", ["false", "False", "0", "no", "NO", "off", "Off", " false "])
def test_bool_false(text: str) -> None:
    assert BOOL.parse(text) is False


@pytest.mark.parametrize("text", ["", "2", "tru", "y", "n", "enable", "-1", "none"])
def test_bool_invalid(text: str) -> None:
    with pytest.raises(ValueError, match=r"^mgr_standby_modules: expected a boolean, got "):
        BOOL.parse(text)


# --- Options ----------------------------------------------------------------------------------


def test_options_view() -> None:
    o = Options(defaults(Profile.CEPH))
    assert o["mon_mgr_beacon_grace"] == 30.0
    assert o.get("mon_mgr_beacon_grace") == 30.0
    assert o.get("nope") is None and o.get("nope", 5) == 5
    with pytest.raises(KeyError):
        o["nope"]
    o.update(parse_overrides(["mon_mgr_beacon_grace=4"]))
    assert o["mon_mgr_beacon_grace"] == 4.0
    snap = o.as_dict()
    snap["mon_mgr_beacon_grace"] = 100.0
    assert o["mon_mgr_beacon_grace"] == 4.0  # a copy


def test_options_copies_its_input() -> None:
    values = defaults()
    o = Options(values)
    values["mgr_tick_period"] = 42.0
    assert o["mgr_tick_period"] == defaults()["mgr_tick_period"]
