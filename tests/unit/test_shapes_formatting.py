"""Golden tests of Ceph 16.2's output shapes: sim.formatting (JSON, plain, YAML, units, stamps).

Every expected text is read from the captured outputs of a real Ceph 16.2.15
cluster (``tests/data/ceph16``).
"""

from __future__ import annotations

import pytest
import yaml

from sim.formatting import (
    byte_u_t,
    cli_stdout,
    parse_utc_stamp,
    render,
    si_u_t,
    timespan_str,
    utc_stamp,
)

from .shapes_goldens import GOLDEN, golden_json, text

# --- sim.formatting ---------------------------------------------------------------------

# Not plain JSON documents: osd_status.json is a table (``-f`` ignored); the mgr's
# ``pg stat``/``osd perf`` wrap their reply in {"pg_ready": ...} and print a blank line
# before the last "}" (a quirk of those commands, not of the formatter).
NOT_RENDERED = {"osd_status.json", "pg_stat.json", "osd_perf.json"}
PRETTY_GOLDENS = sorted(
    p.name
    for p in GOLDEN.glob("*.json")
    if not p.name.endswith(".compact.json") and p.name not in NOT_RENDERED
)


@pytest.mark.parametrize("name", PRETTY_GOLDENS)
def test_json_pretty_matches_every_golden(name: str) -> None:
    data = golden_json(name)
    assert cli_stdout("json-pretty", render(data, "json-pretty")) == text(name)


@pytest.mark.parametrize(
    "name", ["health_detail.compact.json", "mgr_dump.compact.json", "mgr_stat.compact.json"]
)
def test_json_compact(name: str) -> None:
    data = golden_json(name)
    assert cli_stdout("json", render(data, "json")) == text(name)


def test_json_compact_status_has_the_mons_newline() -> None:
    # `status` is the one reply whose JSON the mon ends with "\n" (health/mgr ones do not).
    data = golden_json("status_s.compact.json")
    assert cli_stdout("json", render(data, "json") + "\n") == text("status_s.compact.json")


@pytest.mark.parametrize("name", ["mgr_stat", "mgr_dump", "mgr_services", "versions"])
def test_no_plain_formatter_prints_pretty_json(name: str) -> None:
    data = golden_json(f"{name}.json")
    assert cli_stdout(None, render(data, None)) == text(f"{name}.txt")
    assert cli_stdout("plain", render(data, "plain")) == text(f"{name}.txt")


def test_render_plain_and_yaml() -> None:
    assert render({"a": 1}, "plain", lambda d: f"a={d['a']}\n") == "a=1\n"
    assert render({"a": 1}, None, lambda d: "x") == "x"
    assert render({"a": 1}, "json", lambda d: "x") == '{"a":1}'
    data = {"b": [1, 2], "a": {"c": "d"}}
    out = render(data, "yaml")
    assert yaml.safe_load(out) == data
    assert out.startswith("b:\n- 1\n")  # block style, key order kept
    assert cli_stdout("yaml", out) == out


def test_ceph_floats() -> None:
    assert render([-0.0, 1.0, 0.95], "json") == "[-0,1,0.94999999999999996]"


TIMESPANS = [
    (0.0, "0s"),
    (0.0129465, "0.0129465s"),
    (0.00837064, "0.00837064s"),
    (0.001118785, "0.00111879s"),  # (float)seconds: the double would print 0.00111878
    (0.402283, "0.402283s"),
    (1.04567, "1.04567s"),
    (1.0123, "1.0123s"),
    (1.7248, "1.7248s"),
    (1.99999, "1.99999s"),
    (2.0, "2s"),
    (20.9, "20s"),
    (118.9, "118s"),
    (119.999, "119s"),
    (120.0, "2m"),
    (158.0, "2m"),
    (7199.0, "119m"),
    (7200.0, "2h"),
    (47 * 3600 + 3599, "47h"),
    (48 * 3600, "2d"),
    (13 * 86400 + 86399, "13d"),
    (14 * 86400, "2w"),
    (84 * 86400, "2M"),
    (719 * 86400, "23M"),
    (720 * 86400, "1y"),  # Ceph's rule: 24 months of 30 days fall back to whole years
    (730 * 86400, "2y"),
    (-5.0, "0s"),
]


@pytest.mark.parametrize(("seconds", "expected"), TIMESPANS)
def test_timespan_str(seconds: float, expected: str) -> None:
    assert timespan_str(seconds) == expected


def test_stamps_round_trip_the_goldens() -> None:
    for st in ("2026-11-22T12:46:44.400375+0000", "2026-11-22T12:48:26.828620+0000"):
        assert utc_stamp(parse_utc_stamp(st)) == st
    created = golden_json("mon_dump.json")["created"]
    assert created.endswith("Z")
    assert utc_stamp(parse_utc_stamp(created), zulu=True) == created
    assert utc_stamp(0) == "1970-01-01T00:00:00.000000+0000"


def test_units() -> None:
    assert [byte_u_t(v) for v in (0, 1023, 1024, 1536, 191958, 805114410, 805306368)] == [
        "0 B",
        "1023 B",
        "1 KiB",
        "1.5 KiB",
        "187 KiB",
        "768 MiB",
        "768 MiB",
    ]
    assert [si_u_t(v) for v in (0, 999, 1000, 1500, 12345678)] == [
        "0",
        "999",
        "1k",
        "1.50k",
        "12.35M",
    ]
