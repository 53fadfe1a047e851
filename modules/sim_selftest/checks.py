"""What ``mgr self-test run`` checks, one function per part of the API.

Each takes the running selftest module and raises AssertionError (or
whatever the API raised) on a failure.
"""

import json
from typing import Any

from mgr_module import CommandResult, MonCommandFailed, NotifyType

GETTERS = [
    "fs_map", "osdmap_crush_map_text", "osd_map", "config", "mon_map", "service_map",
    "osd_metadata", "pg_summary", "pg_status", "pg_dump", "pg_ready", "df", "pg_stats",
    "pool_stats", "osd_stats", "osd_ping_times", "health", "mon_status", "mgr_map",
    "io_rate", "osd_map_tree", "osd_map_crush", "devices", "mds_metadata", "mgr_ips",
    "osd_pool_stats", "have_local_config_map", "modified_config_options", "config_options",
]  # fmt: skip


def getters(m: Any) -> None:
    assert m.version.startswith("ceph version "), m.version
    assert m.release_name in ("pacific", "quincy", "reef", "squid", "tentacle"), m.release_name
    assert m.get_mgr_id()
    m.get_context()
    for name in GETTERS:
        assert m.get(name) is not None, name
    assert m.get("__OBJ_DNE__") is None
    assert m.get("osd_map_nonexistent") == {}
    health = json.loads(m.get("health")["json"])
    assert "status" in health and "checks" in health
    json.loads(m.get("mon_status")["json"])
    assert m.get("mgr_map")["active_name"] == m.get_mgr_id()
    assert m.get("mon_map")["mons"]
    servers = m.list_servers()
    for s in servers:
        assert m.get_server(s["hostname"])["services"]
    assert m.get_server("no-such-host")["services"] == []
    for o in m.get("osd_map")["osds"]:
        m.get_metadata("osd", str(o["osd"]))
    assert m.get_metadata("mgr", m.get_mgr_id())["hostname"]
    assert m.get_metadata("osd", "999") is None
    assert m.get_metadata("osd", "999", default={}) == {}
    assert m.get_daemon_status("osd", "0") is None
    assert m.get_daemon_status("mgr", m.get_mgr_id()) == {}
    assert isinstance(m.have_mon_connection(), bool)


def config(m: Any) -> None:
    m.set_module_option("testkey", "testvalue")
    assert m.get_module_option("testkey") == "testvalue"
    m.set_localized_module_option("testlkey", "foo")
    assert m.get_localized_module_option("testlkey") == "foo"
    assert m.get_localized_module_option("rwoption6") is True
    assert m.get_module_option("roption1") is None
    assert m.get_module_option("roption1", "foobar") == "foobar"
    assert m.get_module_option("roption2") == "xyz"
    assert m.get_module_option("roption2", "foobar") == "xyz"
    for key, value, expect in [
        ("rwoption1", 8080, "8080"),
        ("rwoption2", 10, 10),
        ("rwoption3", 1.5, 1.5),
        ("rwoption4", "foo", "foo"),
        ("rwoption5", False, False),
    ]:
        m.set_module_option(key, value)
        got = m.get_module_option(key)
        assert got == expect and type(got) is type(expect), (key, got)
    # a value above Option.max is refused: Quincy and newer raise ValueError,
    # Pacific (as a real 16.2 mgr) logs it and returns; the option is unchanged either way
    before = m.get_module_option("rwoption7")
    try:
        m.set_module_option("rwoption7", 43)
    except ValueError:
        pass
    else:
        if m.release_name not in ("pacific", "octopus"):
            raise AssertionError("set_module_option should raise on a value above Option.max")
    assert m.get_module_option("rwoption7") == before, "a refused value was stored"
    try:
        m.get_module_option("undeclared")
    except RuntimeError:
        pass
    else:
        raise AssertionError("an undeclared option must raise RuntimeError")
    m.set_module_option("rwoption2", None)
    assert m.get_module_option("rwoption2") is None
    assert m.get_module_option_ex("foo", "bar") is None
    assert m.get_module_option_ex("sim_dashboard", "bar") is None
    assert m.get_module_option_ex("sim_dashboard", "password", "foobar") == "foobar"
    m.set_module_option_ex("sim_selftest", "rwoption1", 1234)
    assert m.get_module_option_ex("sim_selftest", "rwoption1") == "1234"
    assert isinstance(m.get_ceph_option("mgr_tick_period"), float)
    assert isinstance(m.get_ceph_option("mgr_stats_period"), int)
    assert isinstance(m.get_ceph_option("mgr_standby_modules"), bool)
    assert m.get_ceph_option("debug_mgr")
    try:
        m.get_ceph_option("no_such_option")
    except KeyError:
        pass
    else:
        raise AssertionError("an unknown native option must raise KeyError")
    assert isinstance(m.get_foreign_ceph_option("mon.a", "mon_allow_pool_delete"), bool)


def store(m: Any) -> None:
    existing = m.get_store_prefix("test")
    for k in existing:
        m.set_store(k, None)
    m.set_store("testkey", "testvalue")
    assert m.get_store("testkey") == "testvalue"
    assert m.get_store_prefix("test") == {"testkey": "testvalue"}
    m.set_localized_store("testlkey", "lvalue")
    assert m.get_localized_store("testlkey") == "lvalue"
    assert m.get_localized_store("testkey") == "testvalue"
    m.set_store("testkey", None)
    assert m.get_store("testkey") is None
    assert m.get_store("testkey", "default") == "default"


def misc(m: Any) -> None:
    m.set_uri("http://this.is.a.test.com")
    m.set_health_checks({})
    r, outb, _ = m.mon_command({"prefix": "mgr stat", "format": "json"})
    assert r == 0 and json.loads(outb)["active_name"] == m.get_mgr_id()
    assert m.check_mon_command({"prefix": "mgr stat", "format": "json"}).retval == 0
    try:
        m.check_mon_command({"prefix": "no such command"})
    except MonCommandFailed:
        pass
    else:
        raise AssertionError("check_mon_command must raise MonCommandFailed")
    result = CommandResult("tag")
    m.send_command(result, "mon", "", json.dumps({"prefix": "mon stat", "format": "json"}), "tag")
    assert result.wait()[0] == 0
    try:
        m.send_command(CommandResult(""), "osd", "x", "{}", "")
    except ValueError:
        pass
    else:
        raise AssertionError("send_command to a non-numeric osd id must raise ValueError")
    assert NotifyType.command in m.NOTIFY_TYPES
    m.log.debug("misc checks done")


def perf_counters(m: Any) -> None:
    """The counter getters a release's MgrModule has: 18.2 dropped
    get_all_perf_counters; 20.2's are labelled (get_latest_counter takes a
    sub-counter and labels) and it dropped get_counter and get_latest."""
    assert isinstance(m.get_perf_schema("osd", "0"), dict)
    if hasattr(m, "get_counter"):
        assert m.get_counter("osd", "0", "osd.op") == {"osd.op": []}
        assert m.get_latest_counter("osd", "0", "osd.op") == {"osd.op": []}
    if hasattr(m, "get_latest"):
        assert m.get_latest("osd", "0", "osd.op") == 0
    if hasattr(m, "get_all_perf_counters"):
        assert isinstance(m.get_all_perf_counters(), dict)


def osdmap(m: Any) -> None:
    om = m.get_osdmap()
    assert om.get_epoch() >= 1
    om.get_crush_version()
    assert "pools" in om.dump()
    inc = om.new_incremental()
    assert inc.get_epoch() == om.get_epoch() + 1
    om2 = om.apply_incremental(inc)
    assert om2.get_epoch() == inc.get_epoch()
    crush = om.get_crush()
    assert "buckets" in crush.dump()
    assert crush.get_item_name(-1) == "default"
    crush.get_item_weight(-1)
    assert crush.find_takes() == [-1]
    crush.get_take_weight_osd_map(-1)


ALL = [getters, config, store, misc, perf_counters, osdmap]
