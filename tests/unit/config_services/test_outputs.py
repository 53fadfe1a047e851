"""The config commands' outputs compared with Ceph 16.2's, byte for byte (``tests/data/ceph16``).
No processes.

A commit is simulated the way ``mon/commit.py`` does it (``harness.py``): encode
every service's pending changes into one transaction, apply it to a real
`MonStore` (SQLite in the test's tmp dir), then ``on_committed``.
"""

from __future__ import annotations

import errno
import json

from mon.text_table import text_table

from .harness import Harness, cfg_set, golden, golden_prometheus, mgrmap

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
