"""Conformance: one test per API entry of shared/reference/ceph_mgr_api.md §1.4,
run inside a real active mgr.

Each test evaluates a snippet in the running ``selftest`` module (``mgr
self-test eval``: ``mgr`` is the module instance) and checks what it
printed, then, where the entry has an effect outside the mgr (health, the
cluster log, services, config-key), checks that effect through the mon. One
cluster serves the whole file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.testing import TestCluster, running_cluster, wait_until

from .helpers import enable_modules, mgr

SNIPPET_TIMEOUT = 10.0


@pytest.fixture(scope="module")
def c(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestCluster]:
    path: Path = tmp_path_factory.mktemp("conformance")
    with running_cluster(path / "c", mons=1, mgrs=2) as cl:
        enable_modules(cl, "sim_selftest", "hello")
        yield cl


def ev(c: TestCluster, source: str) -> str:
    """Run ``source`` inside the active selftest module; returns what it printed."""
    rc, out, err = mgr(c, "mgr self-test eval", s=source)
    assert rc == 0 and not err, f"{source!r} -> {rc}: {err}"
    return out.strip()


# API entry -> (snippet, expected output)
ENTRIES: dict[str, tuple[str, str]] = {
    "get": (
        "print(mgr.get('mgr_map')['active_name'] == mgr.get_mgr_id(), mgr.get('__OBJ_DNE__'),"
        " mgr.get('config_nonexistent'), sorted(mgr.get('osd_map'))[:3])",
        "True None {} ['backfillfull_ratio', 'blocklist', 'cluster_snapshot']",
    ),
    "get(health)": (
        "import json; print(sorted(json.loads(mgr.get('health')['json'])))",
        "['checks', 'mutes', 'status']",
    ),
    "get(mon_status)": (
        "import json; print(json.loads(mgr.get('mon_status')['json'])['quorum'])",
        "[0]",
    ),
    "get(mon_map)": ("print([m['name'] for m in mgr.get('mon_map')['mons']])", "['a']"),
    "get(config)": ("print(mgr.get('config')['mgr_standby_modules'])", "true"),
    "get(fs_map/service_map/pg_*)": (
        "print(mgr.get('fs_map')['filesystems'], mgr.get('service_map')['services'],"
        " mgr.get('pg_summary')['all'], mgr.get('df')['pools'], mgr.get('pg_ready'))",
        "[] {} {} [] {'pg_ready': True}",
    ),
    "get_osdmap": (
        "m = mgr.get_osdmap(); print(m.get_epoch(), m.get_pools(), m.get_crush().find_roots())",
        "1 {} [-1]",
    ),
    "get_server": (
        "s = mgr.get_server(mgr.get_hostname()); print(sorted((x['type'], x['id']) for x in s['services']))",
        "[('mgr', 'x'), ('mgr', 'y'), ('mon', 'a')]",
    ),
    "list_servers": (
        "print(len(mgr.list_servers()), mgr.list_servers()[0]['ceph_version'][:12])",
        "1 ceph version",
    ),
    "get_metadata": (
        "print(mgr.get_metadata('mgr', mgr.get_mgr_id())['ceph_version_short'],"
        " mgr.get_metadata('osd', '0'), mgr.get_metadata('osd', '0', {}))",
        "16.2.15 None {}",
    ),
    "get_daemon_status": (
        "print(mgr.get_daemon_status('mgr', mgr.get_mgr_id()), mgr.get_daemon_status('osd', '0'))",
        "{} None",
    ),
    "get_daemon_health_metrics": ("print(mgr.get_daemon_health_metrics())", "{}"),
    "have_mon_connection": ("print(mgr.have_mon_connection())", "True"),
    "get_mgr_ip/get_hostname": (
        "import socket; print(mgr.get_mgr_ip(), mgr.get_hostname() == socket.gethostname())",
        "127.0.0.1 True",
    ),
    "version/release_name": (
        "print(mgr.version.startswith('ceph version 16.2'), mgr.release_name, mgr.lookup_release_name(17))",
        "True pacific quincy",
    ),
    "get_context/conf/rocksdb": (
        # the context is the capsule `rados.Rados(context=…)` connects with (issue 12);
        # `track`: the hook librados calls run inside (mgr/host/rados_calls.py)
        "ctx = mgr.get_context(); print(sorted(ctx), ctx['name'] == 'mgr.' + mgr.get_mgr_id(),"
        " repr(mgr.get_ceph_conf_path()), mgr.get_rocksdb_version())",
        "['conf_get', 'name', 'run_dir', 'track'] True '' 6.8.1",
    ),
    "pool_exists/have_enough_osds": (
        "print(mgr.pool_exists('rbd'), mgr.have_enough_osds())",
        "False False",
    ),
    "get_ceph_option": (
        "print(type(mgr.get_ceph_option('mgr_tick_period')).__name__,"
        " type(mgr.get_ceph_option('mgr_stats_period')).__name__,"
        " mgr.get_ceph_option('mgr_standby_modules'), mgr.get_ceph_option('debug_mgr'))\n"
        "try:\n    mgr.get_ceph_option('no_such')\nexcept KeyError as e:\n    print(e)",
        "float int True 2/5\n'option not found: no_such'",
    ),
    "get_foreign_ceph_option": (
        "print(mgr.get_foreign_ceph_option('mon.a', 'mon_allow_pool_delete'))",
        "False",
    ),
    "get_module_option": (
        "print(mgr.get_module_option('roption2'), mgr.get_module_option('roption1'),"
        " mgr.get_module_option('roption1', 'd'))\n"
        "try:\n    mgr.get_module_option('nope')\nexcept RuntimeError as e:\n    print(e)",
        "xyz None d\nConfig option 'nope' is not in Module.MODULE_OPTIONS",
    ),
    "set_module_option": (
        "mgr.set_module_option('rwoption2', 10); a = mgr.get_module_option('rwoption2')\n"
        "mgr.set_module_option('rwoption2', None); print(a, mgr.get_module_option('rwoption2'))\n"
        # Pacific logs a refused value and returns (a real 16.2 mgr does); Quincy+ raise
        "try:\n    mgr.set_module_option('rwoption7', 43)\nexcept ValueError as e:\n    print('ValueError', e)\n"
        "print(mgr.get_module_option('rwoption7'))",
        "10 None\nNone",
    ),
    "get_localized_module_option/set_localized_module_option": (
        "mgr.set_module_option('testlkey', 'global'); a = mgr.get_localized_module_option('testlkey')\n"
        "mgr.set_localized_module_option('testlkey', 'mine')\n"
        "print(a, mgr.get_localized_module_option('testlkey'), mgr.get_module_option('testlkey'))",
        "global mine global",
    ),
    "get_module_option_ex/set_module_option_ex": (
        "mgr.set_module_option_ex('hello', 'place', 'mars')\n"
        "print(mgr.get_module_option_ex('hello', 'place'), mgr.get_module_option_ex('hello', 'emphatic', 'd'),"
        " mgr.get_module_option_ex('nomodule', 'x'))",
        "mars d None",
    ),
    "get_store/set_store": (
        "mgr.set_store('k1', 'v1'); a = mgr.get_store('k1'); mgr.set_store('k1', None)\n"
        "print(a, mgr.get_store('k1'), mgr.get_store('k1', 'dflt'))",
        "v1 None dflt",
    ),
    "get_store_prefix": (
        "mgr.set_store('p/a', '1'); mgr.set_store('p/b', '2'); print(sorted(mgr.get_store_prefix('p/').items()))",
        "[('p/a', '1'), ('p/b', '2')]",
    ),
    "get_localized_store/set_localized_store": (
        "mgr.set_store('ls', 'g'); mgr.set_localized_store('ls', 'l')\n"
        "print(mgr.get_localized_store('ls'), mgr.get_store('ls'), mgr.get_localized_store('none', 'd'))",
        "l g d",
    ),
    "send_command": (
        "import json; from mgr_module import CommandResult\n"
        "r = CommandResult('t1'); mgr.send_command(r, 'mon', '', json.dumps({'prefix': 'mgr stat', 'format': 'json'}), 't1')\n"
        "rc, out, err = r.wait(); print(rc, json.loads(out)['available'])\n"
        "try:\n    mgr.send_command(CommandResult(), 'osd', 'x', '{}', '')\nexcept ValueError as e:\n    print(e)\n"
        "try:\n    mgr.send_command(CommandResult(), 'nope', '0', '{}', '')\nexcept ValueError as e:\n    print(e)",
        "0 True\ninvalid osd_id\nunknown service type",
    ),
    "mon_command": (
        "rc, out, err = mgr.mon_command({'prefix': 'no such'}); print(rc, repr(out), err)",
        "-22 '' unrecognized command",
    ),
    "check_mon_command": (
        "from mgr_module import MonCommandFailed\n"
        "print(mgr.check_mon_command({'prefix': 'mgr stat'}).retval)\n"
        "try:\n    mgr.check_mon_command({'prefix': 'nope'})\nexcept MonCommandFailed as e:\n    print(e)",
        "0\nnope failed: unrecognized command retval: -22",
    ),
    "osd_command/tell_command": (
        "print(mgr.osd_command({'prefix': 'perf dump', 'id': 0})[0], mgr.tell_command('osd', '1', {'prefix': 'x'})[0])",
        "-2 -2",  # no OSD in this cluster: Objecter's "osd dne"
    ),
    "get_perf_schema/get_counter/get_latest_counter": (
        "print(mgr.get_perf_schema('osd', '0'), mgr.get_counter('osd', '0', 'osd.op'),"
        " mgr.get_latest_counter('osd', '0', 'osd.op'), mgr.get_latest('osd', '0', 'osd.op'))",
        "{} {'osd.op': []} {'osd.op': []} 0",
    ),
    "get_counter(mon)": (
        "s = mgr.get_perf_schema('mon', '')\n"
        "print(sorted(s.get('mon.a', {})), mgr.get_latest('mon', 'a', 'cluster.num_mon'))",
        "['cluster.num_mon', 'cluster.num_mon_quorum'] 1",
    ),
    "get_all_perf_counters": (
        "print(sorted(mgr.get_all_perf_counters().get('mon.a', {})))",
        "['cluster.num_mon', 'cluster.num_mon_quorum']",
    ),
    "remote": (
        "mgr._test_remote_calls(); print(mgr.remote('hello', 'get_module_option', 'foo'))",
        "a",
    ),
    "progress events": (
        "mgr.update_progress_event('e1', 'doing', 0.5, True); mgr.complete_progress_event('e1');"
        " mgr.clear_all_progress_events(); print('ok')",
        "ok",
    ),
    "is_authorized": ("print(mgr.is_authorized({'pool': 'x'}))", "True"),
    "log": (
        "mgr.log.info('conformance log line'); print(mgr.log.name, mgr.getLogger().name)",
        "sim_selftest sim_selftest",
    ),
    "osd/mds perf queries": (
        "print(mgr.add_osd_perf_query({}), mgr.get_osd_perf_counters(1), mgr.add_mds_perf_query({}))",
        "None None None",
    ),
}


@pytest.mark.parametrize("entry", list(ENTRIES))
def test_api_entry(c, entry):
    snippet, expected = ENTRIES[entry]
    assert ev(c, snippet) == expected


def test_notify_health_and_command(c):
    """notify() only for NOTIFY_TYPES: health on every digest, command after send_command."""
    before = json.loads(ev(c, "import json; print(json.dumps(mgr.notified))"))
    ev(c, "from mgr_module import CommandResult; r = CommandResult(); "
          "mgr.send_command(r, 'mon', '', '{\"prefix\": \"mgr stat\"}', 'tag'); r.wait()")  # fmt: skip

    def grown() -> bool:
        now = json.loads(ev(c, "import json; print(json.dumps(mgr.notified))"))
        return now.get("health", 0) > before.get("health", 0) and now.get(
            "command", 0
        ) > before.get("command", 0)

    wait_until(grown, SNIPPET_TIMEOUT, "health and command notifications")


def test_notify_clog_delivers_new_cluster_log_entries(c):
    """notify('clog', entry) for each new cluster-log entry; the id is the entry dict."""
    rc, _, err = mgr(
        c,
        "mgr self-test cluster-log",
        channel="cluster",
        priority="warning",
        message="conformance clog probe",
    )
    assert rc == 0, err

    def received() -> dict | None:
        last = json.loads(ev(c, "import json; print(json.dumps(mgr.last_clog))"))
        return last if last.get("message") == "conformance clog probe" else None

    entry = wait_until(received, SNIPPET_TIMEOUT, "the clog notify for the new entry")
    assert entry["priority"] == "[WRN]" and entry["channel"] == "cluster"
    assert isinstance(entry["seq"], int) and entry["name"].startswith("mgr.")


def test_set_health_checks_reach_ceph_health(c):
    ev(
        c,
        "mgr.set_health_checks({'CONF_TEST': {'severity': 'warning', 'summary': 'conformance',"
        " 'count': 2, 'detail': ['line 1', 'line 2']}})",
    )

    def shown() -> dict | None:
        return c.json("health", detail="detail")["checks"].get("CONF_TEST")

    check = wait_until(shown, SNIPPET_TIMEOUT, "CONF_TEST in ceph health")
    assert check["severity"] == "HEALTH_WARN"
    assert check["summary"] == {"message": "conformance", "count": 2}
    assert [d["message"] for d in check["detail"]] == ["line 1", "line 2"]
    ev(c, "mgr.set_health_checks({})")
    wait_until(lambda: shown() is None, SNIPPET_TIMEOUT, "CONF_TEST cleared")


def test_cluster_log_reaches_log_last(c):
    ev(c, "mgr.cluster_log('audit', mgr.ClusterLogPrio.WARN, 'conformance audit line')")

    def logged() -> bool:
        entries = c.json("log last", num=50, level="debug", channel="audit")
        return any(
            e["message"] == "conformance audit line" and e["priority"] == "[WRN]" for e in entries
        )

    wait_until(logged, SNIPPET_TIMEOUT, "the audit line in `log last`")


def test_set_uri_reaches_mgr_services(c):
    ev(c, "mgr.set_uri('http://conformance.example:1/')")
    wait_until(
        lambda: c.json("mgr services").get("sim_selftest") == "http://conformance.example:1/",
        SNIPPET_TIMEOUT,
        "the URI in `mgr services`",
    )


def test_set_store_is_config_key(c):
    ev(c, "mgr.set_store('viaapi', 'stored'); mgr.set_device_wear_level('dev1', 0.5)")
    rc, out, _ = c.mon_command({"prefix": "config-key get", "key": "mgr/sim_selftest/viaapi"})
    assert (rc, out) == (0, b"stored")
    rc, out, _ = c.mon_command({"prefix": "config-key get", "key": "device/dev1"})
    assert rc == 0 and json.loads(out) == {"wear_level": 0.5}


def test_selftest_commands(c):
    assert mgr(c, "mgr self-test run") == (0, "", "Self-test succeeded")
    assert mgr(c, "mgr self-test remote") == (0, "", "Successfully called")
    assert mgr(c, "mgr self-test module", module="hello") == (0, "None", "Self-test OK")
    rc, out, _ = mgr(c, "mgr self-test python-version")
    assert rc == 0 and out.count(".") == 2
    assert mgr(c, "mgr self-test config get", key="roption2") == (0, "xyz", "")
    assert mgr(c, "mgr self-test config get", key="roption1") == (0, "None", "")
    assert mgr(c, "mgr self-test config get_localized", key="rwoption6") == (0, "True", "")
    assert mgr(c, "mgr self-test background stop") == (0, "", "No background workload was running")
    rc, _, err = mgr(c, "mgr self-test insights_set_now_offset", hours=1)
    assert rc == -22 and "ImportError: Module not found" in err
    rc, _, err = mgr(c, "mgr self-test eval", b"print(1 +")
    assert rc == 2
    assert mgr(c, "mgr self-test eval", b"print(6 * 7)") == (0, "42\n", "")
    assert (
        mgr(c, "mgr self-test cluster-log", channel="nope", priority="info", message="m")[0] == -95
    )
    rc, _, err = mgr(c, "mgr self-test cluster-log", channel="cluster", priority="bad", message="m")
    assert rc == -22 and "KeyError" in err


def test_selftest_health_set_and_clear(c):
    checks = {"SELFTEST_A": {"severity": "error", "summary": "a", "detail": ["x"]}}
    assert mgr(c, "mgr self-test health set", checks=json.dumps(checks))[0] == 0
    h = wait_until(
        lambda: c.json("health", detail="detail")["checks"].get("SELFTEST_A"),
        SNIPPET_TIMEOUT,
        "SELFTEST_A",
    )
    assert h["severity"] == "HEALTH_ERR" and h["summary"]["count"] == 123
    assert mgr(c, "mgr self-test health set", checks="{")[2].startswith(
        "Failed to decode JSON input"
    )
    assert mgr(c, "mgr self-test health clear", checks=["SELFTEST_A"])[0] == 0
    wait_until(
        lambda: "SELFTEST_A" not in c.json("health", detail="detail")["checks"],
        SNIPPET_TIMEOUT,
        "SELFTEST_A cleared",
    )


def test_log_to_file_writes_the_module_log(c):
    me = c.mgr_stat()["active_name"]
    rc, _, err = c.mon_command(
        {
            "prefix": "config set",
            "who": "mgr",
            "name": "mgr/sim_selftest/log_to_file",
            "value": "true",
        }
    )
    assert rc == 0, err
    wait_until(lambda: ev(c, "print(mgr.log_to_file)") == "True", SNIPPET_TIMEOUT, "log_to_file on")
    ev(c, "mgr.log.warning('conformance line in the module log')")
    path = c.run.log_dir / f"mgr.{me}.sim_selftest.log"
    wait_until(
        lambda: path.exists() and "conformance line in the module log" in path.read_text(),
        SNIPPET_TIMEOUT,
        f"the line in {path.name}",
    )
