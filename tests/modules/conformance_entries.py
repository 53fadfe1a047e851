"""The conformance suite's API entries: what a snippet run inside the active
``sim_selftest`` prints, for the embedded API and each release tree.

An expectation is one string (every target prints it) or a dict keyed by
target (``embedded``, ``16.2``, ``18.2``, ``20.2``; ``*`` for the rest).
Where the releases differ the embedded API prints what 20.2 prints, except
the daemon's identity (version, release name: the simulator is a Ceph 16.2
cluster); docs/releases.md, "The embedded API and the newest release".
"""

from __future__ import annotations

TARGETS = ("embedded", "16.2", "18.2", "20.2")
Expected = str | dict[str, str]


def expected(value: Expected, target: str) -> str:
    if isinstance(value, str):
        return value
    return value[target] if target in value else value["*"]


# API entry -> (snippet, expected output)
ENTRIES: dict[str, tuple[str, Expected]] = {
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
        "import socket; s = mgr.get_server(socket.gethostname()); print(sorted((x['type'], x['id']) for x in s['services']))",
        "[('mgr', 'x'), ('mgr', 'y'), ('mon', 'a')]",
    ),
    "list_servers": (
        "print(len(mgr.list_servers()), mgr.list_servers()[0]['ceph_version'][:12])",
        "1 ceph version",
    ),
    "get_metadata": (
        "print(mgr.get_metadata('mgr', mgr.get_mgr_id())['ceph_version_short'],"
        " mgr.get_metadata('osd', '0'), mgr.get_metadata('osd', '0', {}))",
        {"18.2": "18.2.7 None {}", "20.2": "20.2.4 None {}", "*": "16.2.15 None {}"},
    ),
    "get_daemon_status": (
        "print(mgr.get_daemon_status('mgr', mgr.get_mgr_id()), mgr.get_daemon_status('osd', '0'))",
        "{} None",
    ),
    "get_daemon_health_metrics": ("print(mgr.get_daemon_health_metrics())", "{}"),
    "have_mon_connection": ("print(mgr.have_mon_connection())", "True"),
    "get_mgr_ip/get_hostname": (
        "import socket; print(mgr.get_mgr_ip(), mgr.get_hostname() == socket.gethostname() if hasattr(mgr, 'get_hostname') else '-')",
        {"16.2": "127.0.0.1 -", "*": "127.0.0.1 True"},
    ),
    "version/release_name": (
        "print(mgr.version.split()[2], mgr.release_name, mgr.lookup_release_name(17))",
        {
            "18.2": "18.2.7 reef quincy",
            "20.2": "20.2.4 tentacle quincy",
            "*": "16.2.15 pacific quincy",  # the embedded API: the simulator is a 16.2 cluster
        },
    ),
    "get_context/conf/rocksdb": (
        # the context is the capsule `rados.Rados(context=…)` connects with (issue 12);
        # `track`: the hook librados calls run inside (mgr/host/rados_calls.py)
        "ctx = mgr.get_context(); print(sorted(ctx), ctx['name'] == 'mgr.' + mgr.get_mgr_id(),"
        " repr(mgr.get_ceph_conf_path()), getattr(mgr, 'get_rocksdb_version', lambda: '-')())",
        {
            "16.2": "['conf_get', 'name', 'run_dir', 'track'] True '' -",
            "*": "['conf_get', 'name', 'run_dir', 'track'] True '' 6.8.1",
        },
    ),
    "pool_exists/have_enough_osds": (
        "print(getattr(mgr, 'pool_exists', lambda n: '-')('rbd'),"
        " getattr(mgr, 'have_enough_osds', lambda: '-')())",
        {"16.2": "- -", "*": "False False"},
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
        {"16.2": "10 None\nNone", "*": "10 None\nValueError Value '43' is above maximum 42\nNone"},
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
        "print(getattr(mgr, 'osd_command', lambda c: '--')({'prefix': 'perf dump', 'id': 0})[0],"
        " getattr(mgr, 'tell_command', lambda *a: '--')('osd', '1', {'prefix': 'x'})[0])",
        {"16.2": "- -", "*": "-2 -2"},  # no OSD in this cluster: Objecter's "osd dne"
    ),
    # 20.2 renamed the flat getters (get_unlabeled_*); UNL picks the name the target has
    "get_counter/get_latest_counter (flat)": (
        "UNL = lambda old, new: getattr(mgr, old, None) or getattr(mgr, new)\n"
        "print(UNL('get_counter', 'get_unlabeled_counter')('osd', '0', 'osd.op'),"
        " UNL('get_latest', 'get_unlabeled_counter_latest')('mon', 'a', 'cluster.num_mon'),"
        " mgr.get_latest_unlabeled_counter('mon', 'a', 'cluster.num_mon')['cluster.num_mon'][1]"
        " if hasattr(mgr, 'get_latest_unlabeled_counter') else '-')",
        {"16.2": "{'osd.op': []} 1 -", "18.2": "{'osd.op': []} 1 -", "*": "{'osd.op': []} 1 1"},
    ),
    "get_perf_schema": (
        # flat ({path: schema}) up to Reef; labelled ({section: [{labels, counters}]}) in 20.2
        "s = mgr.get_perf_schema('mon', '')['mon.a']; print(mgr.get_perf_schema('osd', '0'),"
        " sorted(s), type(s['cluster.num_mon' if 'cluster.num_mon' in s else 'cluster']).__name__)",
        {
            "16.2": "{} ['cluster.num_mon', 'cluster.num_mon_quorum'] dict",
            "18.2": "{} ['cluster.num_mon', 'cluster.num_mon_quorum'] dict",
            "*": "{} ['cluster'] list",
        },
    ),
    "get_unlabeled_perf_schema": (
        "print(sorted(mgr.get_unlabeled_perf_schema('mon', 'a')['mon.a'])"
        " if hasattr(mgr, 'get_unlabeled_perf_schema') else '-')",
        {"16.2": "-", "18.2": "-", "*": "['cluster.num_mon', 'cluster.num_mon_quorum']"},
    ),
    "get_latest_counter (labelled)": (
        "try:\n    r = mgr.get_latest_counter('mon', 'a', 'cluster', 'num_mon', [])\n"
        "    print(list(r), r['cluster'][1])\nexcept TypeError:\n    print('TypeError')\n"
        "print(mgr.get_latest_counter('mon', 'a', 'cluster', 'num_mon', [('k', 'v')])"
        " if hasattr(mgr, 'get_counter_latest') else '-')",
        {"16.2": "TypeError\n-", "18.2": "TypeError\n-", "*": "['cluster'] 1\n{'cluster': []}"},
    ),
    "get_counter_latest/get_perf_counters": (
        "if not hasattr(mgr, 'get_perf_counters'):\n    print('-')\nelse:\n"
        "    print(mgr.get_counter_latest('mon', 'a', 'cluster', 'num_mon', []),"
        " mgr.get_counter_latest_avg('mon', 'a', 'cluster', 'num_mon', [('k', 'v')]),"
        " mgr.get_perf_counters()['mon.a']['cluster'][0]['counters']['num_mon']['value'])",
        {"16.2": "-", "18.2": "-", "*": "1 (0, 0) 1"},
    ),
    "get_all_perf_counters/get_unlabeled_perf_counters": (
        "f = getattr(mgr, 'get_all_perf_counters', None) or mgr.get_unlabeled_perf_counters\n"
        "print(sorted(f().get('mon.a', {})), hasattr(mgr, 'get_all_perf_counters'))",
        {
            "18.2": "['cluster.num_mon', 'cluster.num_mon_quorum'] False",
            "20.2": "['cluster.num_mon', 'cluster.num_mon_quorum'] False",
            # the embedded API keeps the older name beside the newer ones
            "*": "['cluster.num_mon', 'cluster.num_mon_quorum'] True",
        },
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
        {"16.2": "root root", "18.2": "root root", "*": "sim_selftest sim_selftest"},
    ),
    "osd/mds perf queries": (
        "print(mgr.add_osd_perf_query({}), mgr.get_osd_perf_counters(1), mgr.add_mds_perf_query({}))",
        "None None None",
    ),
}

# Names 20.2's MgrModule has (docs/releases.md, "The embedded API and the newest
# release"); a release without one prints "-" (or the error it raises)
NEWEST: dict[str, tuple[str, Expected]] = {
    "send_command(one_shot=)/tell_command(one_shot)": (
        "import json; from mgr_module import CommandResult; r = CommandResult('t')\n"
        "try:\n    mgr.send_command(r, 'mon', '', json.dumps({'prefix': 'mgr stat'}), 't',"
        " one_shot=True); print(r.wait()[0])\nexcept TypeError:\n    print('TypeError')\n"
        "try:\n    print(mgr.tell_command('osd', '1', {'prefix': 'x'}, one_shot=True)[0])\n"
        "except (TypeError, AttributeError) as e:\n    print(type(e).__name__)",
        {"16.2": "TypeError\nAttributeError", "18.2": "TypeError\nTypeError", "*": "0\n-2"},
    ),
    "db/exclusive_db_access (no OSDs: no .mgr pool)": (
        "import mgr_module\ntry:\n    mgr.db\nexcept Exception as e:\n"
        "    print(type(e).__name__, isinstance(e, getattr(mgr_module, 'MgrDBNotReady', ())))\n"
        "print(hasattr(mgr, 'exclusive_db_access'), hasattr(mgr, 'exclusive_db_cursor'))",
        {
            "16.2": "AttributeError False\nFalse False",
            "18.2": "AssertionError False\nFalse False",
            "*": "AssertionError False\nTrue True",
        },
    ),
    "CLICommandBase.make_registry_subtype": (
        "try:\n    from mgr_module import CLICommandBase\n"
        "    C = CLICommandBase.make_registry_subtype('XCLICommand')\n"
        "    print(C.__name__, C.COMMANDS, issubclass(C, CLICommandBase), C.COMMANDS is not"
        " CLICommandBase.make_registry_subtype('Y').COMMANDS)\nexcept ImportError:\n    print('-')",
        {"16.2": "-", "18.2": "-", "*": "XCLICommand {} True True"},
    ),
    "NotifyType": (
        "from mgr_module import NotifyType; print(sorted(n.value for n in NotifyType))",
        "['clog', 'command', 'fs_map', 'health', 'mon_map', 'osd_map', 'pg_summary']",
    ),
    "get_quiesce_leader_gid": (
        "print(mgr.get_quiesce_leader_gid(1) if hasattr(mgr, 'get_quiesce_leader_gid') else '-')",
        {"16.2": "-", "18.2": "-", "*": "None"},
    ),
    "tool_exec": (
        "rc, out, _ = mgr.tool_exec(['echo', 'arg']); print(rc, repr(out.replace(mgr.get_mgr_id(), 'ID')))",
        "0 '-k  -n mgr.ID arg\\n'",
    ),
    "API.expose": (
        "from mgr_module import API\nprint(API.expose(lambda: 0).__dict__, API.perm('w')(lambda: 0).__dict__)",
        "{'__ATTR_EXPOSE__': True} {'__ATTR_PERM__': 'w'}",
    ),
    "MODULE_OPTION_DEFAULTS per class": (
        "from mgr_module import MgrModule; print(mgr.MODULE_OPTION_DEFAULTS is not"
        " getattr(MgrModule, 'MODULE_OPTION_DEFAULTS', None), mgr.MODULE_OPTION_DEFAULTS['roption2'])",
        {"16.2": "False xyz", "18.2": "False xyz", "*": "True xyz"},
    ),
}
ENTRIES.update(NEWEST)
