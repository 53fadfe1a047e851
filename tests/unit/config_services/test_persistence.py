"""The config services across a mon restart, what they publish, and the options a mon
applies to itself. No processes.

A commit is simulated the way ``mon/commit.py`` does it (``harness.py``): encode
every service's pending changes into one transaction, apply it to a real
`MonStore` (SQLite in the test's tmp dir), then ``on_committed``.
"""

from __future__ import annotations

from pathlib import Path

from sim.options import Profile, defaults

from .harness import Harness, cfg_set, h_at

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
