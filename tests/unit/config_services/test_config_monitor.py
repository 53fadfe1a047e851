"""Unit tests of the ConfigMonitor (mon/config_monitor.py): set / rm / get, and module
options validated against the mgrs' available_modules. No processes.

A commit is simulated the way ``mon/commit.py`` does it (``harness.py``): encode
every service's pending changes into one transaction, apply it to a real
`MonStore` (SQLite in the test's tmp dir), then ``on_committed``.

Expected behaviour: Ceph 16.2's ConfigMonitor.cc / KVMonitor.cc /
options.cc / strtol.cc, and the golden outputs in
``tests/data/ceph16`` (compared byte for byte).
"""

from __future__ import annotations

import errno

import pytest

from .harness import FSID, Harness, cfg_set, error, golden_prometheus, mgrmap, module, opt

# =======================================================================================
# ConfigMonitor: set / rm / get
# =======================================================================================


def test_set_get_rm_round_trip(h: Harness) -> None:
    c = h.config_service
    assert c.get("mgr", "mgr_tick_period")[0] == "2\n"  # Ceph's default, not the profile's
    cfg_set(h, "mgr", "mgr_tick_period", "1")
    assert c.db == {"mgr": {"mgr_tick_period": "1"}}
    assert c.version == 1
    assert c.get("mgr", "mgr_tick_period")[0] == "1\n"
    assert c.get("mgr.x", "mgr_tick_period")[0] == "1\n"
    assert c.get("mon", "mgr_tick_period")[0] == "2\n"  # the mgr section is not the mon's
    assert c.rm("mgr", "mgr_tick_period")
    h.commit()
    assert c.db == {} and c.version == 2
    assert c.get("mgr", "mgr_tick_period")[0] == "2\n"


def test_precedence_daemon_over_type_over_global(h: Harness) -> None:
    c = h.config_service
    cfg_set(h, "global", "mgr_stats_period", "7")
    assert c.get("mgr.x", "mgr_stats_period")[0] == "7\n"
    cfg_set(h, "mgr", "mgr_stats_period", "8")
    assert c.get("mgr.x", "mgr_stats_period")[0] == "8\n"
    cfg_set(h, "mgr.x", "mgr_stats_period", "9")
    assert c.get("mgr.x", "mgr_stats_period")[0] == "9\n"
    assert c.get("mgr.y", "mgr_stats_period")[0] == "8\n"
    assert c.get("mgr", "mgr_stats_period")[0] == "8\n"
    assert c.get("osd.0", "mgr_stats_period")[0] == "7\n"
    # masked values never apply here (no daemon has a crush location)
    cfg_set(h, "mgr/host:h1", "mgr_stats_period", "10")
    assert c.get("mgr.y", "mgr_stats_period")[0] == "8\n"
    # client.* sees every dotted prefix
    cfg_set(h, "client.rgw", "log_file", "/a")
    assert c.get("client.rgw.z", "log_file")[0] == "/a\n"


def test_daemon_defaults_differ_from_client_defaults(h: Harness) -> None:
    c = h.config_service
    assert c.get("mgr.x", "log_file")[0] == "/var/log/ceph/$cluster-$name.log\n"
    assert c.get("client.admin", "log_file")[0] == "\n"
    assert c.get("mon", "mon_client_hunt_interval")[0] == "3.000000\n"


def test_set_normalizes_and_dedups(h: Harness) -> None:
    c = h.config_service
    cfg_set(h, "mgr", "mgr-tick-period", "1m")
    assert c.db == {"mgr": {"mgr_tick_period": "60"}}
    assert not c.set("mgr", "mgr_tick_period", "60s")  # the same normalized value
    h.commit()
    assert c.version == 1
    assert not c.rm("mgr", "nothing_here")
    assert not c.rm("osd", "mgr_tick_period")
    h.commit()
    assert c.version == 1
    cfg_set(h, "global", "mon_client_ping_timeout", "5")
    cfg_set(h, "global", "debug_mgr", "20")
    assert c.db["global"] == {"mon_client_ping_timeout": "5.000000", "debug_mgr": "20/20"}


@pytest.mark.parametrize(
    ("who", "name", "value", "err", "message"),
    [
        ("mgr", "nosuchoption", "1", errno.EINVAL, "unrecognized config option 'nosuchoption'"),
        ("mgr", "mgr_tick_period", "notanint", errno.EINVAL, "error parsing value: expected digit"),
        (
            "mgr",
            "debug_mgr",
            "200",
            errno.ERANGE,
            "error parsing value: value must be in range [0, 99]",
        ),
        ("rgw", "mgr_tick_period", "1", errno.EINVAL, "unrecognized config target 'rgw'"),
        ("foo", "nosuchoption", "1", errno.EINVAL, "unrecognized config option 'nosuchoption'"),
        ("global", "fsid", FSID, errno.EINVAL, "fsid is special and cannot be stored by the mon"),
        (
            "mon",
            "mgr_initial_modules",
            "x",
            errno.EINVAL,
            "mgr_initial_modules is special and cannot be stored by the mon",
        ),
    ],
)
def test_set_errors(h: Harness, who: str, name: str, value: str, err: int, message: str) -> None:
    assert error(h.config_service.set, who, name, value) == (err, message)
    assert not h.config_service.pending


def test_force_skips_validation_but_not_the_target(h: Harness) -> None:
    c = h.config_service
    cfg_set(h, "mgr", "nosuchoption", "1", force=True)
    cfg_set(h, "mgr", "mgr_tick_period", "notanint", force=True)
    assert c.db["mgr"] == {"nosuchoption": "1", "mgr_tick_period": "notanint"}
    assert error(c.set, "rgw", "x", "1", force=True) == (
        errno.EINVAL,
        "unrecognized config target 'rgw'",
    )
    # an unknown stored option is still unknown to `config get <key>`, shown in `get <who>`
    assert error(c.get, "mgr", "nosuchoption") == (errno.ENOENT, "unrecognized key 'nosuchoption'")
    entries = {e.name: e for e in c.get("mgr", None)[1]}
    assert entries["nosuchoption"].opt.level == "unknown" and entries["nosuchoption"].ro == "*"


def test_get_errors_and_special_options(h: Harness) -> None:
    c = h.config_service
    assert error(c.get, "mgr", "nosuchoption") == (errno.ENOENT, "unrecognized key 'nosuchoption'")
    assert error(c.get, "global", "mgr_tick_period") == (
        errno.EINVAL,
        "unrecognized entity 'global'",
    )
    assert error(c.get, "host", None) == (errno.EINVAL, "unrecognized entity 'host'")
    assert c.get("mgr", "fsid")[0] == FSID + "\n"
    assert error(c.get, "mgr", "host") == (
        errno.EINVAL,
        "host is special and cannot be stored by the mon",
    )


def test_get_entity_lists_sources(h: Harness) -> None:
    cfg_set(h, "global", "mgr_stats_period", "7")
    cfg_set(h, "mgr", "mgr_tick_period", "1")
    cfg_set(h, "mgr.x", "mgr_stats_period", "9")
    cfg_set(h, "osd", "osd_max_backfills", "3")
    line, entries = h.config_service.get("mgr.x", None)
    assert line is None
    assert [(e.name, e.value, e.section) for e in entries] == [
        ("mgr_stats_period", "9", "mgr.x"),
        ("mgr_tick_period", "1", "mgr"),
    ]


# =======================================================================================
# Module options (validated against the mgrs' available_modules)
# =======================================================================================


def test_module_option_accepted_when_a_mgr_reports_it(h: Harness) -> None:
    c = h.config_service
    cfg_set(h, "mgr", "mgr/prometheus/server_addr", "127.0.0.1")
    cfg_set(h, "mgr", "mgr/prometheus/x/server_port", "19283")  # localized for mgr.x
    cfg_set(h, "global", "mgr/selftest/rwoption3", "2")
    assert c.db == {
        "mgr": {"mgr/prometheus/server_addr": "127.0.0.1", "mgr/prometheus/x/server_port": "19283"},
        "global": {"mgr/selftest/rwoption3": "2.000000"},
    }
    assert c.get("mgr", "mgr/prometheus/server_addr")[0] == "127.0.0.1\n"
    assert c.get("mgr", "mgr/prometheus/x/server_port")[0] == "19283\n"
    assert c.get("mgr", "mgr/prometheus/server_port")[0] == "9283\n"  # the declared default


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("mgr/nosuch/opt", "1", "unrecognized config option 'mgr/nosuch/opt'"),
        ("mgr/prometheus/nosuch", "1", "unrecognized config option 'mgr/prometheus/nosuch'"),
        ("mgr/prometheus", "1", "unrecognized config option 'mgr/prometheus'"),
        (
            "mgr/prometheus/x/y/server_port",
            "1",
            "unrecognized config option 'mgr/prometheus/x/y/server_port'",
        ),
        (
            "mgr/prometheus/server_port",
            "http",
            "error parsing value: Expected option value to be integer, got 'http'",
        ),
        (
            "mgr/prometheus/x/server_port",
            "1.5",
            "error parsing value: Expected option value to be integer, got '1.5'",
        ),
        (
            "mgr/prometheus/standby_error_status_code",
            "600",
            "error parsing value: Value '600' exceeds maximum 599",
        ),
        (
            "mgr/prometheus/standby_error_status_code",
            "399",
            "error parsing value: Value '399' is below minimum 400",
        ),
        (
            "mgr/prometheus/standby_behaviour",
            "panic",
            "error parsing value: 'panic' is not one of the permitted values: default, error",
        ),
        (
            "mgr/prometheus/cache",
            "maybe",
            "error parsing value: Expected option value to be integer, got 'maybe'",
        ),
        (
            "mgr/prometheus/scrape_interval",
            "soon",
            "error parsing value: strict_strtod: expected double, got: 'soon'",
        ),
    ],
)
def test_module_option_errors(h: Harness, name: str, value: str, message: str) -> None:
    assert error(h.config_service.set, "mgr", name, value) == (errno.EINVAL, message)


def test_module_option_values_are_normalized_by_their_type(h: Harness) -> None:
    c = h.config_service
    cfg_set(h, "mgr", "mgr/prometheus/cache", "False")
    cfg_set(h, "mgr", "mgr/prometheus/scrape_interval", "30")
    cfg_set(h, "mgr", "mgr/prometheus/standby_behaviour", "error")
    assert c.db["mgr"] == {
        "mgr/prometheus/cache": "false",
        "mgr/prometheus/scrape_interval": "30.000000",
        "mgr/prometheus/standby_behaviour": "error",
    }


def test_module_option_defaults_for_config_get(h: Harness) -> None:
    c = h.config_service
    get = {n: c.get("mgr", n)[0] for n in (
        "mgr/prometheus/cache", "mgr/prometheus/scrape_interval", "mgr/prometheus/server_addr",
        "mgr/selftest/rwoption2", "mgr/selftest/rwoption5", "mgr/selftest/roption2",
    )}  # fmt: skip
    assert get == {
        "mgr/prometheus/cache": "true\n",
        "mgr/prometheus/scrape_interval": "15.000000\n",
        "mgr/prometheus/server_addr": "\n",
        "mgr/selftest/rwoption2": "0\n",  # no declared default: the type's zero
        "mgr/selftest/rwoption5": "false\n",
        "mgr/selftest/roption2": "xyz\n",
    }


def test_module_option_reported_by_a_standby_only(h: Harness) -> None:
    h.map = mgrmap([], y=[module("hello", opt("place", "str", "world"))])
    cfg_set(h, "mgr", "mgr/hello/place", "earth")
    assert h.config_service.db == {"mgr": {"mgr/hello/place": "earth"}}
    h.map = mgrmap(None)  # no mgr at all: module options are unknown, --force still works
    assert error(h.config_service.set, "mgr", "mgr/hello/place", "mars") == (
        errno.EINVAL,
        "unrecognized config option 'mgr/hello/place'",
    )
    cfg_set(h, "mgr", "mgr/hello/place", "mars", force=True)
    (entry,) = h.config_service.entries()
    assert (entry.opt.level, entry.ro) == ("unknown", "*")


def test_the_actives_schema_wins(h: Harness) -> None:
    h.map = mgrmap([module("m", opt("o", "int", "1"))], y=[module("m", opt("o", "str", "a"))])
    assert h.config_service.find_option("mgr/m/o").type == "int"  # type: ignore[union-attr]


def test_golden_prometheus_schema(h: Harness) -> None:
    h.map = mgrmap([golden_prometheus()])
    c = h.config_service
    cfg_set(h, "mgr", "mgr/prometheus/server_addr", "127.0.0.1")
    cfg_set(h, "mgr", "mgr/prometheus/server_port", "19283")
    assert error(c.set, "mgr", "mgr/prometheus/standby_error_status_code", "600") == (
        errno.EINVAL,
        "error parsing value: Value '600' exceeds maximum 599",
    )
    assert error(c.set, "mgr", "mgr/prometheus/log_level", "loud") == (
        errno.EINVAL,
        "error parsing value: 'loud' is not one of the permitted values: , critical, debug, "
        "error, info, warning",
    )
