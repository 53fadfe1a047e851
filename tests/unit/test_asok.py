"""The admin socket commands (`sim.asok`) against real Ceph 16.2's captures.

No processes: an `AdminSocket` over a small host (a running config from the
fast profile, the mgr's perf schema). Each test compares with the capture of
the same command on a real 16.2.15 cluster (``daemon_*``, ``admin_daemon_*``,
``tell_*`` in ``tests/data/ceph16``): exact bytes where the values are the
same on both (``version``, an unknown option), else the shape — keys, types,
layout (pretty JSON with a final newline, compact without)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from mgr import asok as mgr_asok
from mon import asok as mon_asok
from sim.asok import AdminSocket, AsokTable, RunningConfig, common
from sim.cmdparse.usage import tell_help
from sim.fleet import asok as fleet_asok
from sim.options import CEPH_OPTIONS, Options, Profile, defaults
from sim.options.honoured import SIM_ONLY
from sim.perf import SCHEMAS, Schema, admin_dump, admin_schema, row_of
from tests.golden import golden_text


class Host:
    """A daemon as its admin socket sees it (`sim.asok.AsokHost`)."""

    def __init__(self, name: str, tables: list[AsokTable], dtype: str = "mgr") -> None:
        self.name = name
        self.options = Options(defaults(Profile.FAST))
        self.config = RunningConfig(
            name, self.options, {"admin_socket": f"/r/ceph-{name}.asok"}, self.observe
        )
        self.schema = Schema.of(SCHEMAS[dtype])
        self.asok = AdminSocket(self, tables)
        self.gid, self.osdmap_epoch = 4102, 18

    def observe(self, name: str, value: Any) -> bool:
        if name not in self.options.as_dict():
            return False
        self.options.update({name: value})
        return True

    def perf_dump(self) -> dict[str, Any]:
        return admin_dump(self.schema, row_of(self.schema, {"paxos.commit_latency": (3e9, 2)}))

    def perf_schema(self) -> dict[str, Any]:
        return admin_schema(self.schema)

    def mempools(self) -> dict[str, tuple[int, int]]:
        return {"osdmap": (45, 4160)}


def call(host: Host, prefix: str, fmt: str | None = None, **args: Any) -> str:
    cmd: dict[str, Any] = {"prefix": prefix, **args}
    if fmt:
        cmd["format"] = fmt
    reply = host.asok.call(cmd)
    assert reply.retval == 0, reply.outs
    return reply.outbuf.decode()


@pytest.fixture
def mgr() -> Host:
    return Host("mgr.x", [common.TABLE, mgr_asok.TABLE])


def test_version_is_byte_for_byte_the_real_one(mgr: Host) -> None:
    assert call(mgr, "version") == golden_text("tell_mgr_version.txt")
    assert call(mgr, "version", "json-pretty") == golden_text("tell_mgr_version.txt")
    # tell's -f json: the CLI adds its newline before the compact JSON
    assert "\n" + call(mgr, "version", "json") == golden_text("tell_mgr_version.compact.json")


def test_config_get_shape(mgr: Host) -> None:
    real = golden_text("daemon_mgr_x_config_get_mgr_tick_period.txt")
    ours = call(mgr, "config get", var="mgr_tick_period")
    assert list(json.loads(ours)) == list(json.loads(real)) == ["mgr_tick_period"]
    assert ours.startswith('{\n    "mgr_tick_period": "') and ours.endswith('"\n}\n')
    compact = call(mgr, "config get", "json", var="mgr_tick_period")
    assert re.fullmatch(r'\{"mgr_tick_period":"[^"]+"\}', compact)
    assert re.fullmatch(r'\{"mgr_tick_period":"[^"]+"\}', golden_text(
        "daemon_mgr_x_config_get_mgr_tick_period.compact.json"))  # fmt: skip
    # dashes are Ceph's spelling too
    assert json.loads(call(mgr, "config get", var="mgr-tick-period")) == json.loads(ours)


def test_config_get_of_an_unknown_option_prints_the_real_error(mgr: Host) -> None:
    ours = call(mgr, "config get", var="no_such_option")
    assert ours == golden_text("daemon_mgr_x_config_get_bogus.txt")


def test_config_set_answers_as_16_2_does(mgr: Host) -> None:
    real = json.loads(golden_text("daemon_mgr_x_config_set_mgr_tick_period.txt"))
    assert real == {"success": "mgr_tick_period = '1' (not observed, change may require restart) "}
    ours = json.loads(call(mgr, "config set", var="mon_osd_full_ratio", val=["0.9"]))
    assert ours == {
        "success": "mon_osd_full_ratio = '0.900000' (not observed, change may require restart) "
    }
    # an option this daemon reads takes effect (and says so: no "not observed")
    ours = json.loads(call(mgr, "config set", var="mgr_tick_period", val=["1"]))
    assert ours == {"success": "mgr_tick_period = '1' "}
    assert mgr.options["mgr_tick_period"] == 1.0
    # the same value again changes nothing: the capture's second set
    again = call(mgr, "config set", "json", var="mgr_tick_period", val=["1"])
    assert again == golden_text("daemon_mgr_x_config_set_mgr_tick_period.compact.json")
    assert json.loads(call(mgr, "config get", var="mgr_tick_period")) == {"mgr_tick_period": "1"}
    call(mgr, "config unset", var="mgr_tick_period")
    assert mgr.options["mgr_tick_period"] == defaults(Profile.FAST)["mgr_tick_period"]


def test_config_set_of_an_unknown_option_prints_the_real_error(mgr: Host) -> None:
    ours = call(mgr, "config set", var="no_such_option", val=["1"])
    assert ours == golden_text("daemon_mgr_x_config_set_bogus.txt")
    bad = call(mgr, "config set", var="mgr_tick_period", val=["abc"])
    assert bad.startswith("ERROR: (22) Invalid argument\nerror setting 'mgr_tick_period'")
    assert mgr.options["mgr_tick_period"] == defaults(Profile.FAST)["mgr_tick_period"]


# ceph.conf of the capture (tests/data/ceph16/README.md) and its paths
CONF_SET = {
    "auth_client_required", "auth_cluster_required", "auth_service_required",
    "mgr_tick_period", "mon_host", "mon_mgr_beacon_grace", "mon_tick_interval",
    "mon_warn_on_insecure_global_id_reclaim_allowed", "mon_warn_on_pool_no_redundancy",
    "mon_warn_on_too_few_osds", "osd_pool_default_size", "public_network",
    "osd_objectstore", "memstore_device_bytes", "osd_crush_chooseleaf_type",
    "daemonize",  # the capture ran every daemon with -f
}  # fmt: skip
PATHS = {
    "fsid", "keyring", "log_file", "mgr_data", "public_addr", "run_dir", "crash_dir",
    "pid_file", "mon_cluster_log_file", "mon_data", "mds_data", "osd_data",
    "admin_socket",  # $run_dir/$cluster-$name.asok, with the capture's run dir
}  # fmt: skip


def test_config_show_shape(mgr: Host) -> None:
    real = json.loads(golden_text("daemon_mgr_x_config_show.txt"))
    ours = json.loads(call(mgr, "config show"))
    assert list(ours)[:2] == list(real)[:2] == ["name", "cluster"]
    assert ours["name"] == "mgr.x" and ours["cluster"] == "ceph"
    assert list(ours)[2:] == sorted(list(ours)[2:])  # as in the capture
    assert all(isinstance(v, str) for v in ours.values())
    sim_only = {s.name for s in SIM_ONLY} | {"mgr_pool"}  # mgr_pool: a 17.2 option
    assert set(ours) - set(real) <= sim_only
    assert len(ours) == len(set(CEPH_OPTIONS) | {"admin_socket"}) + 2
    # With Ceph's defaults every value is the capture's, as Ceph prints it, but for
    # what the capture's ceph.conf set and the paths of its temporary folder.
    ceph = RunningConfig("mgr.x", Options(defaults(Profile.CEPH))).show()
    differ = {n for n in ceph if n in real and ceph[n] != real[n]}
    assert differ == CONF_SET | PATHS
    assert len(ceph) - len(differ) > 100
    assert ours["admin_socket"] == "/r/ceph-mgr.x.asok"
    compact = call(mgr, "config show", "json")
    assert json.loads(compact) == ours and not compact.endswith("\n")


def test_help_lists_real_commands_with_their_real_help(mgr: Host) -> None:
    for daemon, tables in (
        ("mgr_x", [common.TABLE, mgr_asok.TABLE]),
        ("mon_a", [common.TABLE, mon_asok.TABLE]),
        ("osd_0", [common.TABLE, fleet_asok.OSD_TABLE]),
        ("mds_a", [common.TABLE, fleet_asok.MDS_TABLE]),
    ):
        real = json.loads(golden_text(f"daemon_{daemon}_help.txt"))
        host = Host(daemon.replace("_", "."), tables)
        ours = json.loads(call(host, "help"))
        assert list(ours) == sorted(ours)
        assert set(ours) - {"get_command_descriptions"} <= set(real)
        for prefix, text in ours.items():
            assert text == real[prefix], prefix
    assert golden_text("daemon_mgr_x_help.txt") == golden_text("admin_daemon_mgr_x_help.txt")


def test_tell_help_table_lines_are_the_real_ones(mgr: Host) -> None:
    descs = [s.to_json() for s in mgr.asok.signatures()]
    ours = tell_help(descs, "mgr").splitlines()
    real = golden_text("tell_mgr_help.txt").splitlines()
    assert ours[:3] == real[:3] == ["", " Tell mgr commands ", " ================="]
    missing = [line for line in ours if line not in real]
    assert not missing
    assert len(ours) > 20
    osd = Host("osd.0", [common.TABLE, fleet_asok.OSD_TABLE])
    lines = tell_help([s.to_json() for s in osd.asok.signatures()], "osd").splitlines()
    real_osd = golden_text("tell_osd_0_help.txt").splitlines()
    assert lines[:3] == real_osd[:3] and [x for x in lines if x not in real_osd] == []


def test_perf_dump_and_schema_shape() -> None:
    mon = Host("mon.a", [common.TABLE], dtype="mon")
    real_dump = json.loads(golden_text("daemon_mon_a_perf_dump.txt"))
    real_schema = json.loads(golden_text("daemon_mon_a_perf_schema.txt"))
    dump = json.loads(call(mon, "perf dump"))
    schema = json.loads(call(mon, "perf schema"))
    assert list(dump) == list(schema)
    for logger, counters in schema.items():
        assert logger in real_schema, logger
        for name, fields in counters.items():
            want = real_schema[logger][name]
            assert list(fields) == list(want), (logger, name)
            for key in ("type", "metric_type", "value_type", "units"):
                assert fields[key] == want[key], (logger, name, key)
            got, real = dump[logger][name], real_dump[logger][name]
            assert type(got) is type(real), (logger, name)
            if isinstance(real, dict):
                assert list(got) == list(real)
    lat = dump["paxos"]["commit_latency"]
    assert lat == {"avgcount": 2, "sum": 3.0, "avgtime": 1.5}
    one = json.loads(call(mon, "perf dump", logger="mon", counter="num_elections"))
    assert one == {"mon": {"num_elections": 0}}


def test_dump_mempools_shape(mgr: Host) -> None:
    real = json.loads(golden_text("daemon_mgr_x_dump_mempools.txt"))
    ours = json.loads(call(mgr, "dump_mempools"))
    assert list(ours) == list(real) == ["mempool"]
    assert list(ours["mempool"]) == list(real["mempool"]) == ["by_pool", "total"]
    assert list(ours["mempool"]["by_pool"]) == list(real["mempool"]["by_pool"])
    assert ours["mempool"]["by_pool"]["osdmap"] == {"items": 45, "bytes": 4160}
    assert ours["mempool"]["total"] == {"items": 45, "bytes": 4160}


def test_mgr_status_shape(mgr: Host) -> None:
    real = json.loads(golden_text("daemon_mgr_x_status.txt"))
    ours = json.loads(call(mgr, "status"))
    assert list(ours) == list(real)
    assert ours["inst"]["name"] == {"type": "mgr", "num": 4102} and ours["osd_epoch"] == 18
    assert re.fullmatch(r"mgr\.4102 127\.0\.0\.1:0/\d+", ours["inst_str"])


def test_an_unknown_command_is_refused_and_a_failing_one_is_an_error(mgr: Host) -> None:
    assert mgr.asok.call({"prefix": "no_such_command"}).retval == -22
    assert mgr.asok.call({"prefix": 5}).retval == -22
    boom = AsokTable()

    @boom.command("boom", "fails")
    def _boom(host: Any, cmd: dict[str, Any]) -> Any:
        raise RuntimeError("bad")

    host = Host("mgr.z", [common.TABLE, boom])
    reply = host.asok.call({"prefix": "boom"})
    assert reply.retval == -22 and "RuntimeError: bad" in reply.outs
    assert host.asok.call({"prefix": "version"}).retval == 0  # still serving
