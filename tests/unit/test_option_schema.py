"""The one option schema (sim/options/): one table, one parser, one validator.

The table's fields are those of Ceph's ``config help -f json`` (a real 16.2
dump is ``tests/data/ceph16/config_help_all.json``); the mon's ``config
set``, the mgr's module options (its host and the module API's FakeHost)
and the launcher's ``--set`` all type and check values with it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mgr.host.native import NativeOptions
from sim.options import OPTIONS, Profile, defaults, option_table, parse_overrides
from sim.options.ceph16 import SPECS
from sim.options.modules import module_option, module_value, module_value_problem, schema_entry
from sim.options.spec import from_help_record
from sim.options.table import TABLE_ENV, load_help_json
from sim.options.types import ALL_TYPES, CEPH_LEVELS, FLAG_NO_MON_UPDATE, FLAG_RUNTIME
from sim.options.values import ParseError, parse_value, typed_default
from tests.golden import CEPH16

REPO = Path(__file__).resolve().parents[2]
HELP_ALL = CEPH16 / "config_help_all.json"


@pytest.fixture(scope="module")
def ceph16() -> dict[str, object]:
    return {s.name: s for s in load_help_json(HELP_ALL)}


def test_every_record_of_cephs_config_help_becomes_a_spec(ceph16: dict) -> None:
    records = json.loads(HELP_ALL.read_text())
    assert len(ceph16) == len(records) == 1956
    assert all(s.type in ALL_TYPES and s.level in CEPH_LEVELS for s in ceph16.values())
    stats = ceph16["mgr_stats_period"]
    assert (stats.type, stats.level, stats.default, stats.services) == ("int", "basic", 5, ("mgr",))
    host = ceph16["host"]
    assert host.flags == FLAG_NO_MON_UPDATE and host.tags == ("network",)
    assert ceph16["mon_osd_down_out_interval"].flags & FLAG_RUNTIME == 0
    mode = ceph16["device_failure_prediction_mode"]
    assert mode.enum_values == ("none", "local", "cloud")
    assert ceph16["mds_max_snaps_per_dir"].min == 0 and ceph16["mds_max_snaps_per_dir"].max == 4096
    log_file = ceph16["log_file"]
    assert log_file.default == "" and log_file.daemon_default == "/var/log/ceph/$cluster-$name.log"


def test_a_help_record_is_parsed_by_the_one_parser() -> None:
    spec = from_help_record(
        {"name": "x_secs", "type": "secs", "level": "dev", "default": "1m", "min": "", "max": 90}
    )
    assert (spec.default, spec.min, spec.max) == (60, None, 90)
    with pytest.raises(ParseError, match="exceeds maximum 90"):
        parse_value(spec, "2m")
    assert parse_value(spec, "1m 30s") == (90, "90")


def test_the_built_in_table_agrees_with_ceph_16_on_types_and_defaults(ceph16: dict) -> None:
    packaging = {"mgr_disabled_modules"}  # Debian's build sets its own default
    checked = 0
    for spec in SPECS:
        real = ceph16.get(spec.name)
        if real is None or spec.name in packaging:
            continue
        assert spec.type == real.type, spec.name
        assert typed_default(spec, daemon=False) == typed_default(real, daemon=False), spec.name
        checked += 1
    assert checked > 80


def test_mgr_stats_period_has_one_type() -> None:
    """Ceph's type is int; the simulator's daemons read it as float (the fast
    profile's 1.0); a module's get_ceph_option gets Ceph's int."""
    spec = option_table()["mgr_stats_period"]
    assert spec is OPTIONS["mgr_stats_period"]
    assert (spec.type, spec.reads) == ("int", float)
    assert defaults(Profile.CEPH)["mgr_stats_period"] == 5.0
    native = NativeOptions(defaults(Profile.FAST), {})
    assert native.typed("mgr_stats_period", {}) == 1
    assert isinstance(native.typed("mgr_stats_period", {"mgr_stats_period": "7"}), int)


def test_a_release_table_replaces_the_built_in_one() -> None:
    code = (
        "from sim.options import OPTIONS, option_table\n"
        "t = option_table()\n"
        "print(len(t), t['mgr_tick_period'].reads.__name__, 'mon_cluster_log_keep' in t,"
        " t['mgr_disabled_modules'].default, len(OPTIONS))"
    )
    env = dict(os.environ, **{TABLE_ENV: str(HELP_ALL)})
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    total, reads, sim_only, disabled, honoured = out.stdout.split()
    assert int(total) > 1956  # the release's options, then the built-in ones it lacks
    assert (reads, sim_only, disabled) == ("float", "True", "diskprediction_local")
    assert int(honoured) == len(OPTIONS)


def test_a_malformed_release_table_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "help.json"
    bad.write_text('[{"type": "int"}]')
    with pytest.raises(ValueError, match="record 0 has no name"):
        load_help_json(bad)
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="option table"):
        load_help_json(bad)


COUNT = {"name": "count", "type": "int", "min": 1, "max": 42, "runtime": True}
MODE = {"name": "mode", "type": "str", "enum_allowed": ["a", "b"]}
FLAG = {"name": "flag", "type": "bool"}


@pytest.mark.parametrize(
    ("opt", "text", "problem"),
    [
        (COUNT, "7", None),
        (COUNT, "43", "Value '43' is above maximum 42"),
        (COUNT, "0", "Value '0' is below minimum 1"),
        (COUNT, "seven", "error parsing value: Expected option value to be integer, got 'seven'"),
        (MODE, "b", None),
        (MODE, "c", "'c' is not one of the permitted values: a, b"),
        (FLAG, "false", None),
        (FLAG, "maybe", "error parsing value: Expected option value to be integer, got 'maybe'"),
    ],
)
def test_the_mgr_refuses_a_module_value_the_mon_refuses(opt: dict, text: str, problem: str) -> None:
    assert module_value_problem("m", opt, text) == problem
    mon_spec = module_option("m", schema_entry(opt))  # what the mon builds from the MgrMap
    try:
        parse_value(mon_spec, text)
        mon_refuses = False
    except ParseError:
        mon_refuses = True
    assert mon_refuses is (problem is not None)


def test_a_module_reads_stored_values_typed_by_its_schema() -> None:
    assert module_value("m", COUNT, "7") == 7
    assert module_value("m", FLAG, "true") is True
    assert module_value("m", {"name": "r", "type": "float"}, "0.500000") == 0.5
    assert module_value("m", {"name": "s", "type": "secs"}, "60") == 60.0
    assert module_value("m", COUNT, "junk") == "junk"  # stored by --force: as stored


def test_set_is_checked_by_the_same_validator() -> None:
    assert parse_overrides(["osd_pool_default_size=2", "osd_memory_target=1G"]) == {
        "osd_pool_default_size": 2,
        "osd_memory_target": 1 << 30,
    }
    with pytest.raises(ValueError, match="osd_pool_default_size: Value '11' exceeds maximum 10"):
        parse_overrides(["osd_pool_default_size=11"])
    with pytest.raises(ValueError, match="not one of the permitted values: off, warn, on"):
        parse_overrides(["osd_pool_default_pg_autoscale_mode=maybe"])
