"""Unit tests of Ceph's value parsers (sim/options/values.py), the option table and the
config names, targets and entities (mon/config_monitor.py). No processes.

Expected behaviour: Ceph 16.2's ConfigMonitor.cc / KVMonitor.cc /
options.cc / strtol.cc, and the golden outputs in
``tests/data/ceph16`` (compared byte for byte).
"""

from __future__ import annotations

import errno

import pytest

from mon.config_monitor import normalize_key_name, parse_entity, parse_mask
from sim.options import CEPH_OPTIONS, FLAG_MGR, OPTIONS
from sim.options.modules import module_option
from sim.options.values import ParseError, parse_value, to_str

from .harness import FSID, golden_prometheus, opt

# =======================================================================================
# Value parsing (options.cc parse_value, strtol.cc, ceph_time.cc)
# =======================================================================================


@pytest.mark.parametrize(
    ("name", "raw", "normalized"),
    [
        ("mgr_tick_period", "1", "1"),  # secs
        ("mgr_tick_period", "2s", "2"),
        ("mgr_tick_period", "1m", "60"),
        ("mgr_tick_period", "1h 30m", "5400"),
        ("mgr_tick_period", " 5 sec ", "5"),
        ("mgr_tick_period", "", "0"),
        ("mon_tick_interval", "5", "5"),  # int (SI suffixes)
        ("mon_tick_interval", "-3", "-3"),
        ("mon_tick_interval", "+7", "7"),
        ("mon_tick_interval", "2K", "2000"),
        ("mon_tick_interval", "10B", "10"),
        ("osd_pool_default_size", "2", "2"),  # uint with min/max
        ("mon_client_hunt_interval", "0.5", "0.500000"),  # float
        ("mon_client_hunt_interval", "3", "3.000000"),
        ("mon_client_hunt_interval", "1e2", "100.000000"),
        ("mon_client_hunt_interval", " 2.5", "2.500000"),
        ("mgr_standby_modules", "true", "true"),  # bool
        ("mgr_standby_modules", "False", "false"),
        ("mgr_standby_modules", "0", "false"),
        ("mgr_standby_modules", "7", "true"),
        ("osd_memory_target", "1G", "1073741824"),  # size (IEC)
        ("osd_memory_target", "2Gi", "2147483648"),
        ("osd_memory_target", "1024M", "1073741824"),
        ("log_file", "/tmp/x.log", "/tmp/x.log"),  # str
        ("osd_pool_default_pg_autoscale_mode", "warn", "warn"),  # enum
        ("debug_mgr", "20", "20/20"),  # debug levels
        ("debug_mgr", "1/5", "1/5"),
        ("fsid", "E5A1C4F0-3D3B-4B7E-9C1A-0F0E0D0C0B0A", FSID),  # uuid
    ],
)
def test_parse_value_normalizes(name: str, raw: str, normalized: str) -> None:
    assert parse_value(CEPH_OPTIONS[name], raw)[1] == normalized


@pytest.mark.parametrize(
    ("name", "raw", "err", "message"),
    [
        ("mgr_tick_period", "notanint", errno.EINVAL, "expected digit"),  # errors.md
        ("mgr_tick_period", "1.5", errno.EINVAL, "unexpected trailing '.5'"),
        ("mgr_tick_period", "5 fortnights", errno.EINVAL, "unrecogized unit 'fortnights'"),
        (
            "mon_tick_interval",
            "1.5",
            errno.EINVAL,
            "Expected option value to be integer, got '1.5'",
        ),
        (
            "mon_tick_interval",
            "abc",
            errno.EINVAL,
            "Expected option value to be integer, got 'abc'",
        ),
        ("mon_tick_interval", "", errno.EINVAL, "strict_sistrtoll: value not specified"),
        (
            "mon_tick_interval",
            "99999999999999999999",
            errno.EINVAL,
            "The option value '99999999999999999999' seems to be invalid",
        ),
        (
            "osd_pool_default_size",
            "-1",
            errno.EINVAL,
            "strict_sistrtoll: value should not be negative",
        ),
        ("osd_pool_default_size", "11", errno.EINVAL, "Value '11' exceeds maximum 10"),
        ("mgr_stats_threshold", "-1", errno.EINVAL, "Value '-1' is below minimum 0"),
        (
            "mon_client_hunt_interval",
            "fast",
            errno.EINVAL,
            "strict_strtod: expected double, got: 'fast'",
        ),
        (
            "mon_client_hunt_interval",
            "1.5s",
            errno.EINVAL,
            "strict_strtod: garbage at end of string. got: '1.5s'",
        ),
        (
            "mon_client_hunt_interval",
            "1e999",
            errno.EINVAL,
            "strict_strtod: floating point overflow or underflow parsing '1e999'",
        ),
        (
            "mgr_standby_modules",
            "yes",
            errno.EINVAL,
            "Expected option value to be integer, got 'yes'",
        ),
        ("osd_memory_target", "1X", errno.EINVAL, "strict_iecstrtoll: unit prefix not recognized"),
        (
            "osd_memory_target",
            "1KiB",
            errno.EINVAL,
            "strict_iecstrtoll: illegal prefix (length > 2)",
        ),
        ("osd_memory_target", "1M", errno.EINVAL, "Value '1048576' is below minimum 939524096"),
        (
            "osd_pool_default_pg_autoscale_mode",
            "maybe",
            errno.EINVAL,
            "'maybe' is not one of the permitted values: off, warn, on",
        ),
        ("debug_mgr", "100", errno.ERANGE, "value must be in range [0, 99]"),
        (
            "debug_mgr",
            "loud",
            errno.EINVAL,
            "value must take the form N or N/M, where N and M are integers",
        ),
        ("fsid", "not-a-uuid", errno.EINVAL, ""),
    ],
)
def test_parse_value_errors(name: str, raw: str, err: int, message: str) -> None:
    with pytest.raises(ParseError) as ei:
        parse_value(CEPH_OPTIONS[name], raw)
    assert (ei.value.errno, str(ei.value)) == (err, message)


def test_to_str_is_ceph_stringify() -> None:
    assert to_str("float", 0.95) == "0.950000"
    assert to_str("bool", True) == "true"
    assert to_str("secs", 30) == "30"
    assert to_str("str", "x") == "x"


def test_option_table_covers_the_simulator_with_cephs_types() -> None:
    assert set(OPTIONS) <= set(CEPH_OPTIONS)
    types = {n: CEPH_OPTIONS[n].type for n in ("mgr_tick_period", "mon_mgr_beacon_grace")}
    assert types == {"mgr_tick_period": "secs", "mon_mgr_beacon_grace": "secs"}
    assert CEPH_OPTIONS["mon_tick_interval"].type == "int"
    assert CEPH_OPTIONS["mgr_stats_period"].type == "int"
    assert CEPH_OPTIONS["mgr_standby_modules"].type == "bool"
    assert CEPH_OPTIONS["mon_client_ping_timeout"].type == "float"
    assert CEPH_OPTIONS["osd_pool_default_size"].type == "uint"
    assert CEPH_OPTIONS["debug_mgr"].default == "2/5"
    assert len(CEPH_OPTIONS) > 1700  # Ceph 16.2's whole table (sim.options.facts)
    assert not [n for n in CEPH_OPTIONS if n.startswith("mgr/")]  # module options: beacons
    assert CEPH_OPTIONS["mon_osd_min_in_ratio"].default == 0.75  # devicehealth reads it
    outside_enum = []
    for o in CEPH_OPTIONS.values():
        if o.default is None:
            continue
        if o.enum_values and o.default == "":  # Ceph does not validate its defaults
            outside_enum.append(o.name)
            continue
        # every other default survives its own parser
        assert parse_value(o, to_str(o.type, o.default))[0] == o.default, o.name
    assert outside_enum == ["bdev_type"]


def test_can_update_at_runtime_rules() -> None:
    assert CEPH_OPTIONS["mgr_tick_period"].can_update_at_runtime  # numeric
    assert not CEPH_OPTIONS["log_file"].can_update_at_runtime  # str without RUNTIME
    assert CEPH_OPTIONS["debug_mgr"].can_update_at_runtime  # str with RUNTIME
    assert not CEPH_OPTIONS["mgr_disabled_modules"].can_update_at_runtime  # STARTUP
    assert not CEPH_OPTIONS["mgr_pool"].can_update_at_runtime  # bool but STARTUP
    opts = golden_prometheus()["module_options"].values()
    p = {o.name: o for o in (module_option("prometheus", d) for d in opts)}
    assert not p["mgr/prometheus/server_addr"].can_update_at_runtime  # flags 0 (a mgr option)
    assert not p["mgr/prometheus/cache"].can_update_at_runtime  # even a bool
    assert p["mgr/prometheus/server_port"].can_update_at_runtime  # flags 1 = RUNTIME


def test_module_option_from_moduleinfo() -> None:
    o = module_option(
        "prometheus", opt("standby_error_status_code", "int", "500", min="400", max="599")
    )
    assert (o.name, o.type, o.default, o.min, o.max) == (
        "mgr/prometheus/standby_error_status_code",
        "int",
        500,
        400,
        599,
    )
    assert o.flags & FLAG_MGR
    # min/max only when both are given; a default that does not parse is no default
    o = module_option("m", opt("x", "int", "nope", min="1"))
    assert (o.default, o.min, o.max) == (None, None, None)
    assert module_option("m", {"name": "y"}).type == "str"  # untyped -> str


# =======================================================================================
# Names, targets, entities
# =======================================================================================


def test_normalize_key_name() -> None:
    assert normalize_key_name("mgr-tick-period") == "mgr_tick_period"
    assert normalize_key_name(" mgr tick  period ") == "mgr_tick_period"


@pytest.mark.parametrize(
    ("who", "section", "mask"),
    [
        ("global", "global", ""),
        ("mgr", "mgr", ""),
        ("mgr.x", "mgr.x", ""),
        ("client.rgw.a", "client.rgw.a", ""),
        ("osd/host:h1", "osd", "host:h1"),
        ("osd/class:ssd", "osd", "class:ssd"),
        ("osd.1/host:h1/class:ssd", "osd.1", "host:h1/class:ssd"),
        ("host:h1", "", "host:h1"),
    ],
)
def test_parse_mask(who: str, section: str, mask: str) -> None:
    parsed = parse_mask(who)
    assert parsed is not None
    assert (parsed[0], str(parsed[1])) == (section, mask)


@pytest.mark.parametrize("who", ["foo", "rgw.a", "", "mgrx"])
def test_parse_mask_rejects_unknown_types(who: str) -> None:
    assert parse_mask(who) is None


def test_parse_entity() -> None:
    assert parse_entity("mgr") == ("mgr", "")
    assert parse_entity("mgr.x") == ("mgr", "x")
    assert parse_entity("client.rgw.a") == ("client", "rgw.a")
    assert parse_entity("global") is None
    assert parse_entity("foo.x") is None
