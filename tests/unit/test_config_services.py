"""Unit tests of the mon's config services (no processes): ConfigMonitor
(mon/config_monitor.py), ConfigKeyService (mon/config_key.py), Ceph's value
parsers (sim/options/values.py) and the command handlers (mon/commands/config.py).

A commit is simulated the way ``mon/commit.py`` does it: encode
every service's pending changes into one transaction, apply it to a real
`MonStore` (SQLite in the test's tmp dir), then ``on_committed``.

Expected behaviour: Ceph 16.2's ConfigMonitor.cc / KVMonitor.cc /
options.cc / strtol.cc, and the golden outputs in
``tests/data/ceph16`` (compared byte for byte).
"""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

import pytest

from mon import commands
from mon.config_key import ConfigKeyService, is_binary
from mon.config_monitor import ConfigMonitor, normalize_key_name, parse_entity, parse_mask
from mon.errors import CommandError
from mon.mgr_map import MgrMap, Standby
from mon.service import PaxosService
from mon.store import MonStore, Transaction
from mon.text_table import text_table
from sim.cmdparse import Flag
from sim.formatting import cli_stdout
from sim.options import CEPH_OPTIONS, FLAG_MGR, OPTIONS, Options, Profile, defaults
from sim.options.modules import module_option
from sim.options.values import ParseError, parse_value, to_str
from tests.golden import CEPH16
from tests.unit.fake_mon import FakeMon

GOLDEN = CEPH16
FSID = "e5a1c4f0-3d3b-4b7e-9c1a-0f0e0d0c0b0a"


def golden(name: str) -> str:
    path = GOLDEN / name
    return path.read_text()


# --- module schemas -------------------------------------------------------------------


def opt(name: str, type_: str = "str", default: str = "", **kw: Any) -> dict[str, Any]:
    """A ModuleInfo option dict as a mgr reports it (MgrMap.available_modules)."""
    return {
        "name": name,
        "type": type_,
        "level": kw.pop("level", "advanced"),
        "flags": kw.pop("flags", 0),
        "default_value": default,
        "min": kw.pop("min", ""),
        "max": kw.pop("max", ""),
        "enum_allowed": kw.pop("enum_allowed", []),
        "desc": kw.pop("desc", ""),
        "long_desc": "",
        "tags": [],
        "see_also": [],
    }


def module(name: str, *opts: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "can_run": True,
        "error_string": "",
        "module_options": {o["name"]: o for o in opts},
    }


# The prometheus options a real 16.2 mgr reports (mgr_dump.json), abridged.
PROMETHEUS = module(
    "prometheus",
    opt("cache", "bool", "True"),
    opt("scrape_interval", "float", "15.0"),
    opt("server_addr", "str", ""),
    opt("server_port", "int", "9283", flags=1),
    opt("standby_behaviour", "str", "default", flags=1, enum_allowed=["default", "error"]),
    opt("standby_error_status_code", "int", "500", flags=1, min="400", max="599"),
)
SELFTEST = module(
    "selftest",
    opt("rwoption2", "int"),
    opt("rwoption3", "float"),
    opt("rwoption5", "bool"),
    opt("roption2", "str", "xyz"),
)


def golden_prometheus() -> dict[str, Any]:
    """The prometheus ModuleInfo exactly as the golden `mgr dump` shows it."""
    d = json.loads(golden("mgr_dump.json"))
    return next(m for m in d["available_modules"] if m["name"] == "prometheus")


def mgrmap(active: list[dict[str, Any]] | None = None, **standbys: list[dict[str, Any]]) -> MgrMap:
    m = MgrMap(epoch=5)
    if active is not None:
        m.active_gid, m.active_name, m.available_modules = 4100, "x", list(active)
    for i, (name, mods) in enumerate(sorted(standbys.items())):
        m.standbys[4200 + i] = Standby(4200 + i, name, list(mods))
    return m


# --- a little mon ---------------------------------------------------------------------


class Harness(FakeMon):
    """The config services of one mon over a real store, with a settable MgrMap
    (a `FakeMon`, so it is a `MonContext` for the command handlers)."""

    store: MonStore

    def __init__(self, path: Path, options: dict[str, Any] | None = None) -> None:
        self.path = path
        self.map = mgrmap([PROMETHEUS, SELFTEST])
        self.initial = options if options is not None else defaults(Profile.FAST)
        super().__init__(self.initial)
        self.open()

    def open(self) -> None:
        self.store = MonStore(self.path / "store.db")
        self.options = Options(self.initial)  # a (re)started mon's options, from its spec
        self.config_service = ConfigMonitor(
            FSID,
            "a",
            self.options,
            lambda: self.map,
            lambda n, e, b: self.published.append((n, e, b)),
            lambda kind, **d: self.events.append((kind, d)),
        )
        self.kv_service = ConfigKeyService(
            lambda n, e, b: self.published.append((n, e, b)),
            max_entry_size=lambda: int(
                self.config_service.mon_value("mon_config_key_max_entry_size")
            ),
        )
        self.services: list[PaxosService] = [self.config_service, self.kv_service]
        for s in self.services:
            s.load(self.store)

    def reopen(self) -> None:
        self.store.close()
        self.open()

    def commit(self) -> None:
        txn = Transaction()
        for s in self.services:
            s.encode_pending(txn)
        if not txn:
            return
        self.store.apply(txn)
        for s in self.services:
            s.on_committed()

    # --- commands as the daemon runs them ---

    def run(self, prefix: str, fmt: str | None = None, **args: Any) -> tuple[int, str, str]:
        """Dispatch, commit, render: (retval, outbuf text, outs)."""
        cmd = {"prefix": prefix, **args}
        if fmt:
            cmd["format"] = fmt
        _, reply = commands.dispatch(self, cmd)
        self.commit()
        return reply.retval, reply.render(fmt).decode(), reply.outs

    def cli(self, prefix: str, fmt: str | None = None, **args: Any) -> str:
        """What `ceph <prefix> [-f fmt]` prints on stdout for a successful command."""
        rc, out, outs = self.run(prefix, fmt, **args)
        assert rc == 0, (rc, outs)
        return cli_stdout(fmt or "plain", out)


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return h_at(tmp_path)


def h_at(path: Path, **kw: Any) -> Harness:
    harness = Harness(path, **kw)
    return harness


def cfg_set(h: Harness, who: str, name: str, value: str, force: bool = False) -> None:
    h.config_service.set(who, name, value, force=force)
    h.commit()


def error(fn: Any, *args: Any, **kw: Any) -> tuple[int, str]:
    with pytest.raises(CommandError) as ei:
        fn(*args, **kw)
    return ei.value.errno, str(ei.value)


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


# =======================================================================================
# Outputs compared with Ceph 16.2's (byte for byte)
# =======================================================================================


def test_golden_config_dump_empty(h: Harness) -> None:
    assert h.cli("config dump") == golden("config_dump.txt")
    assert h.cli("config dump", "json-pretty") == golden("config_dump.json")


def test_golden_config_dump_tick_period_set(h: Harness) -> None:
    assert h.run("config set", who="mgr", name="mgr_tick_period", value="1")[0] == 0
    assert h.cli("config dump") == golden("config_dump_tick_period_set.txt")
    assert h.cli("config dump", "json-pretty") == golden("config_dump_tick_period_set.json")


def test_golden_config_dump_prometheus_opts_set(h: Harness) -> None:
    h.map = mgrmap([golden_prometheus()])
    for name, value in (("server_addr", "127.0.0.1"), ("server_port", "19283")):
        rc, _, outs = h.run("config set", who="mgr", name=f"mgr/prometheus/{name}", value=value)
        assert rc == 0, outs
    assert h.cli("config dump") == golden("config_dump_prometheus_opts_set.txt")
    assert h.cli("config dump", "json-pretty") == golden("config_dump_prometheus_opts_set.json")
    assert h.cli("config get", who="mgr", key="mgr/prometheus/server_addr") == golden(
        "config_get_mgr_prometheus_server_addr.txt"
    )


def test_golden_config_get_tick_period(h: Harness) -> None:
    args = {"who": "mgr", "key": "mgr_tick_period"}
    assert h.cli("config get", **args) == golden("config_get_mgr_mgr_tick_period.txt")
    assert h.cli("config get", "json-pretty", **args) == golden(
        "config_get_mgr_mgr_tick_period.json"
    )
    h.run("config set", who="mgr", name="mgr_tick_period", value="1")
    assert h.cli("config get", **args) == golden("config_get_mgr_mgr_tick_period_after_set.txt")
    assert h.cli("config get", "json-pretty", **args) == golden(
        "config_get_mgr_mgr_tick_period_after_set.json"
    )


def test_config_dump_order_masks_and_indent(h: Harness) -> None:
    for who, name, value in [
        ("osd.1", "osd_max_backfills", "2"),
        ("mgr.x", "mgr_stats_period", "9"),
        ("osd", "osd_max_backfills", "3"),
        ("osd/class:ssd", "osd_max_backfills", "4"),
        ("global", "osd_pool_default_size", "2"),
        ("mon", "mon_allow_pool_delete", "true"),
        ("client.rgw", "log_file", "/x"),
        ("auth", "debug_mgr", "1"),  # an `auth` section: stored, but `config dump` skips it
    ]:
        cfg_set(h, who, name, value)
    assert h.cli("config dump") == (
        "WHO             MASK       LEVEL     OPTION                 VALUE  RO\n"
        "global                     advanced  osd_pool_default_size  2        \n"
        "  mon                      advanced  mon_allow_pool_delete  true     \n"
        "    mgr.x                  basic     mgr_stats_period       9        \n"
        "  osd                      advanced  osd_max_backfills      3        \n"
        "  osd           class:ssd  advanced  osd_max_backfills      4        \n"
        "    osd.1                  advanced  osd_max_backfills      2        \n"
        "    client.rgw             basic     log_file               /x     * \n"
    )
    masked = [e for e in json.loads(h.cli("config dump", "json")) if e["mask"]]
    assert masked == [
        {
            "section": "osd",
            "name": "osd_max_backfills",
            "value": "4",
            "level": "advanced",
            "can_update_at_runtime": True,
            "mask": "class:ssd",
            "device_class": "ssd",
        }
    ]


def test_config_get_entity_outputs(h: Harness) -> None:
    cfg_set(h, "mgr", "mgr_tick_period", "1")
    cfg_set(h, "mgr.x", "log_file", "/l")
    assert h.cli("config get", who="mgr.x") == (
        "WHO    MASK  LEVEL     OPTION           VALUE  RO\n"
        "mgr.x        basic     log_file         /l     * \n"
        "mgr          advanced  mgr_tick_period  1        \n"
    )
    assert json.loads(h.cli("config get", "json", who="mgr.x")) == {
        "log_file": {"value": "/l", "section": "mgr.x", "mask": {}, "can_update_at_runtime": False},
        "mgr_tick_period": {
            "value": "1",
            "section": "mgr",
            "mask": {},
            "can_update_at_runtime": True,
        },
    }
    assert h.cli("config get", who="osd") == "WHO  MASK  LEVEL  OPTION  VALUE  RO\n"


def test_text_table() -> None:
    assert text_table(("A", "BB"), [("xyz", "")]) == "A    BB\nxyz    \n"
    assert text_table(("A",), []) == "A\n"


def test_config_help_and_ls(h: Harness) -> None:
    text = h.cli("config help", key="mgr_tick_period")
    assert text.startswith("mgr_tick_period - Period in seconds of beacon messages to monitor\n")
    assert "  (secs, advanced)\n  Default: 2\n" in text
    d = json.loads(h.cli("config help", "json", key="mgr/prometheus/server_port"))
    assert (d["type"], d["default"], d["can_update_at_runtime"]) == ("int", 9283, True)
    assert h.run("config help", key="nope") == (
        -errno.ENOENT,
        "",
        "configuration option 'nope' not recognized",
    )
    names = json.loads(h.cli("config ls", "json"))
    assert "mgr_tick_period" in names and "mgr/prometheus/server_port" in names


# =======================================================================================
# Persistence and publication
# =======================================================================================


def test_config_persists_across_restart(h: Harness) -> None:
    cfg_set(h, "mgr", "mgr_tick_period", "1")
    cfg_set(h, "mgr", "mgr/prometheus/server_addr", "::")
    cfg_set(h, "osd/host:h1", "osd_max_backfills", "2")
    h.config_service.rm("mgr", "mgr_tick_period")
    h.commit()
    before = (h.config_service.version, h.config_service.db)
    h.reopen()
    assert (h.config_service.version, h.config_service.db) == before
    assert before[0] == 4


def test_config_publishes_the_contract_snapshot(h: Harness) -> None:
    assert h.config_service.current_map() == (0, {"sections": {}})
    cfg_set(h, "mgr", "mgr/prometheus/server_addr", "127.0.0.1")
    cfg_set(h, "global", "mgr_stats_period", "7")
    cfg_set(h, "mgr.x", "mgr/prometheus/x/server_port", "1")
    assert [p for p in h.published if p[0] == "config"][-1] == (
        "config",
        3,
        {
            "sections": {
                "global": {"mgr_stats_period": "7"},
                "mgr": {"mgr/prometheus/server_addr": "127.0.0.1"},
                "mgr.x": {"mgr/prometheus/x/server_port": "1"},
            }
        },
    )
    assert h.config_service.current_map() == h.published[-1][1:]
    n = len(h.published)
    h.config_service.set("global", "mgr_stats_period", "7")  # no change: no epoch, no push
    h.commit()
    assert len(h.published) == n
    assert h.events[-1] == (
        "config",
        {
            "epoch": 3,
            "changes": [{"who": "mgr.x", "name": "mgr/prometheus/x/server_port", "value": "1"}],
        },
    )


def test_mon_applies_its_own_options(tmp_path: Path) -> None:
    h = h_at(tmp_path)
    base = defaults(Profile.FAST)
    cfg_set(h, "mon", "mon_mgr_beacon_grace", "7")
    assert h.options["mon_mgr_beacon_grace"] == 7.0
    cfg_set(h, "global", "mon_tick_interval", "2")
    assert h.options["mon_tick_interval"] == 2.0
    cfg_set(h, "mon.a", "mon_tick_interval", "3")
    assert h.options["mon_tick_interval"] == 3.0
    cfg_set(h, "mon.b", "mon_tick_interval", "4")  # another mon's
    cfg_set(h, "mgr", "mgr_tick_period", "9")  # the mgrs'
    assert h.options["mon_tick_interval"] == 3.0
    assert h.options["mgr_tick_period"] == base["mgr_tick_period"]
    cfg_set(h, "global", "mgr_standby_modules", "false")
    assert h.options["mgr_standby_modules"] is False
    cfg_set(h, "mon", "mon_mgr_mkfs_grace", "junk", force=True)  # unparsable: ignored
    assert h.options["mon_mgr_mkfs_grace"] == base["mon_mgr_mkfs_grace"]
    cfg_set(h, "mon.a", "mon_tick_interval", "0")  # a tick loop must not spin: ignored
    assert h.options["mon_tick_interval"] == base["mon_tick_interval"]
    assert h.config_service.get("mon.a", "mon_tick_interval")[0] == "0\n"  # but stored
    # a restarted mon starts with the stored values; `config rm` reverts to the baseline
    h.reopen()
    assert h.options["mon_mgr_beacon_grace"] == 7.0
    h.config_service.rm("mon", "mon_mgr_beacon_grace")
    h.commit()
    assert h.options["mon_mgr_beacon_grace"] == base["mon_mgr_beacon_grace"]


def test_mon_value_for_ceph_only_options(h: Harness) -> None:
    assert h.config_service.mon_value("mon_config_key_max_entry_size") == 65536
    cfg_set(h, "mon", "mon_config_key_max_entry_size", "4")
    assert h.config_service.mon_value("mon_config_key_max_entry_size") == 4


# =======================================================================================
# ConfigKeyService (config-key)
# =======================================================================================


def fill_kv_golden(h: Harness) -> None:
    d = json.loads(golden("config_key_dump.json"))
    for key, value in d.items():  # any order: the store sorts
        rc, _, outs = h.run("config-key set", key=key, val=value)
        assert (rc, outs) == (0, f"set {key}")


def test_golden_config_key_ls_and_dump(h: Harness) -> None:
    fill_kv_golden(h)
    assert h.cli("config-key ls") == golden("config_key_ls.txt")
    assert h.cli("config-key ls", "json-pretty") == golden("config_key_ls.json")
    assert h.cli("config-key dump") == golden("config_key_dump.txt")
    assert h.cli("config-key dump", "json-pretty") == golden("config_key_dump.json")
    keys = sorted(json.loads(golden("config_key_dump.json")))
    assert h.cli("config-key ls", "json") == "\n" + json.dumps(keys, separators=(",", ":"))


def test_config_key_get_set_exists_rm(h: Harness) -> None:
    assert h.run("config-key get", key="k") == (-errno.ENOENT, "", "")
    assert h.run("config-key set", key="k", val="v1") == (0, "", "set k")
    assert h.run("config-key get", key="k") == (0, "v1", "")  # raw: no newline added
    assert h.run("config-key get", "json-pretty", key="k") == (0, "v1", "")
    assert h.run("config-key exists", key="k") == (0, "", "key 'k' exists")
    assert h.run("config-key exists", key="z") == (-errno.ENOENT, "", "key 'z' doesn't exist")
    assert h.run("config-key rm", key="k") == (0, "", "key deleted")
    assert h.run("config-key rm", key="k") == (0, "", "key deleted")  # KVMonitor: same text
    assert h.run("config-key del", key="z") == (0, "", "key deleted")
    assert h.run("config-key put", key="p", val="") == (0, "", "set p")
    assert h.run("config-key get", key="p") == (0, "", "")
    assert h.run("config-key list") == (0, '[\n    "p"\n]\n', "")
    assert h.kv_service.version == 3  # set k, rm k, put p (no-ops do not commit)


def test_config_key_value_from_inbuf_is_binary_safe(h: Harness) -> None:
    blob = b"\x00\xffbin\n"
    h.inbuf = blob
    assert h.run("config-key set", key="mgr/m/blob")[0] == 0
    assert h.kv_service.get("mgr/m/blob") == blob
    _, reply = commands.dispatch(h, {"prefix": "config-key get", "key": "mgr/m/blob"})
    assert reply.render(None) == blob
    assert json.loads(h.cli("config-key dump", "json")) == {
        "mgr/m/blob": "<<< binary blob of length 6 >>>"
    }
    h.inbuf = b"from file"
    assert h.run("config-key set", key="k2", val="from val")[0] == 0  # val wins over -i
    assert h.kv_service.get("k2") == b"from val"
    h.reopen()
    assert h.kv_service.get("mgr/m/blob") == blob


def test_is_binary() -> None:
    assert not is_binary(b"plain text\twith\ttabs\nand lines")
    assert is_binary(b"\x01")
    assert is_binary(b"\x7f")
    assert is_binary("caf\u00e9".encode())  # any byte >= 0x80 (a signed char in C++)


def test_config_key_dump_prefix(h: Harness) -> None:
    for key in ("a/1", "a/2", "ab", "b"):
        h.run("config-key set", key=key, val=key)
    assert json.loads(h.cli("config-key dump", "json", key="a/")) == {"a/1": "a/1", "a/2": "a/2"}
    assert json.loads(h.cli("config-key dump", "json", key="a")) == {
        "a/1": "a/1",
        "a/2": "a/2",
        "ab": "ab",
    }
    assert json.loads(h.cli("config-key dump", "json", key="zz")) == {}


def test_config_key_entry_size_limit(h: Harness) -> None:
    cfg_set(h, "mon", "mon_config_key_max_entry_size", "4")
    assert h.run("config-key set", key="k", val="12345") == (
        -errno.EFBIG,
        "",
        "error: entry size limited to 4 bytes. Use 'mon config key max entry size' to manually adjust",
    )
    assert h.run("config-key set", key="k", val="1234")[0] == 0


def test_kv_persists_and_publishes_mgr_prefix(h: Harness) -> None:
    assert h.kv_service.current_map() == (0, {"prefix": "mgr/", "values": {}})
    h.run("config-key set", key="mgr/b/k", val="2")
    h.run("config-key set", key="device/x", val="not published")
    h.run("config-key set", key="mgr/a/k", val="1")
    kv = [p for p in h.published if p[0] == "kv"]
    assert [e for _, e, _ in kv] == [1, 2, 3]
    assert kv[-1] == ("kv", 3, {"prefix": "mgr/", "values": {"mgr/a/k": "1", "mgr/b/k": "2"}})
    h.run("config-key rm", key="mgr/b/k")
    assert h.published[-1] == ("kv", 4, {"prefix": "mgr/", "values": {"mgr/a/k": "1"}})
    h.reopen()
    assert h.kv_service.current_map() == (4, {"prefix": "mgr/", "values": {"mgr/a/k": "1"}})
    assert h.kv_service.keys() == ["device/x", "mgr/a/k"]


# =======================================================================================
# Command table
# =======================================================================================


def test_command_descriptors_are_cephs() -> None:
    usage = {p: c.sig.usage() for p, c in commands.COMMANDS.items() if p.startswith("config")}
    assert usage["config set"] == "config set <who> <name> <value> [--force]"
    assert usage["config get"] == "config get <who> [<key>]"
    assert usage["config rm"] == "config rm <who> <name>"
    assert usage["config dump"] == "config dump"
    assert usage["config-key set"] == "config-key set <key> [<val>]"
    assert usage["config-key dump"] == "config-key dump [<key>]"
    deprecated = {p for p, c in commands.COMMANDS.items() if c.sig.flags & Flag.DEPRECATED}
    assert deprecated == {"config-key put", "config-key del", "config-key list"}
    writes = {p for p, c in commands.COMMANDS.items() if p.startswith("config") and c.writes}
    assert writes == {
        "config set",
        "config rm",
        "config assimilate-conf",  # rw in Ceph 16.2's table too
        "config-key set",
        "config-key put",
        "config-key del",
        "config-key rm",
    }


def test_handlers_on_a_fake_mon() -> None:
    """The handlers run on any `MonContext`: here a fake mon with nothing stored."""
    fake = FakeMon()
    _, reply = commands.dispatch(fake, {"prefix": "config dump"})
    assert reply.render(None) == b"WHO  MASK  LEVEL  OPTION  VALUE  RO\n"


def test_discard_pending_forgets_staged_changes(h: Harness) -> None:
    h.config_service.set("mgr", "mgr_tick_period", "1")
    h.kv_service.set("k", b"v")
    for s in h.services:
        s.discard_pending()
    h.commit()
    assert (h.config_service.version, h.config_service.db) == (0, {})
    assert (h.kv_service.version, h.kv_service.data) == (0, {})
