"""``config show``, ``show-with-defaults``, ``log``, ``generate-minimal-conf`` and
``assimilate-conf`` against real Ceph 16.2's captures (``config_*`` in
``tests/data/ceph16``), on the config harness (real services over a real
store, no processes). Exact bytes where the inputs are the capture's own
(the assimilated conf, the log of a fresh database), else the shape."""

from __future__ import annotations

import errno
import json
import re
from pathlib import Path
from typing import Any

import pytest

from mon.conf_file import ConfError, parse_conf
from sim.messages import MgrBeacon
from sim.options import CEPH_OPTIONS, Profile, defaults
from tests.golden import golden_text
from tests.unit.config_services.harness import Harness

# the conf capture/misc.sh assimilated
ASSIMILATE = """[global]
mon_osd_down_out_interval = 700
no_such_option_xyz = 1
fsid = 00000000-0000-0000-0000-000000000000
[mgr]
mgr_stats_period = 6
[osd.1]
osd_max_backfills = 3
"""
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000")


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = Harness(tmp_path)
    harness.spec.options = defaults(Profile.FAST)
    mm = harness.mgrmon
    mm.on_restart()
    for b in (MgrBeacon(gid=4100, name="x", available=False),
              MgrBeacon(gid=4100, name="x", available=True, addr="127.0.0.1:1")):  # fmt: skip
        mm.prepare_beacon(b)
        if mm.has_pending():
            mm.committed(mm.pending)
    return harness


def columns(text: str) -> list[list[str]]:
    """Rows of a TextTable cut at the header's column starts."""
    lines = text.splitlines()
    starts = [m.start() for m in re.finditer(r"\S+", lines[0])]
    return [
        [line[a:b].rstrip() for a, b in zip(starts, [*starts[1:], None], strict=True)]
        for line in lines
    ]


def test_show_plain_and_json_shape(h: Harness) -> None:
    real_txt, real_json = (
        golden_text("config_show_mgr_x.txt"),
        golden_text("config_show_mgr_x.json"),
    )
    ours_txt = h.cli("config show", who="mgr.x")
    ours_json = h.cli("config show", "json-pretty", who="mgr.x")
    assert ours_txt.splitlines()[0].split() == real_txt.splitlines()[0].split()
    assert [len(r) for r in columns(ours_txt)] == [5] * len(ours_txt.splitlines())
    # the real table's rows cut at its header's columns give its JSON (rows without the
    # <dir> placeholder, which shortened the others)
    real = {e["name"]: e for e in json.loads(real_json)}
    for name, value, source, _o, _i in columns(real_txt)[1:]:
        if "<dir>" not in value:
            assert (real[name]["value"], real[name]["source"]) == (value, source)
    ours = json.loads(ours_json)
    assert [e["name"] for e in ours] == sorted(e["name"] for e in ours)
    for e in ours + list(real.values()):
        assert set(e) <= {"name", "value", "source", "overrides"} and list(e)[:3] == [
            "name", "value", "source"]  # fmt: skip
    rows = {r[0]: r for r in columns(ours_txt)[1:]}
    for e in ours:
        assert rows[e["name"]][1:3] == [e["value"], e["source"]]
    by = {e["name"]: e for e in ours}
    assert by["mgr_tick_period"] == {
        "name": "mgr_tick_period",
        "value": "0.250000",
        "source": "file",
    }
    assert by["mon_host"]["source"] == "file"
    assert ours_txt == cli_compact_same(h)
    # a mon's, as the third capture's config_show_mon_a
    mon_txt = h.cli("config show", who="mon.a")
    real_mon = golden_text("config_show_mon_a.txt")
    assert mon_txt.splitlines()[0].split() == real_mon.splitlines()[0].split()
    real_sources = {e["source"] for e in json.loads(golden_text("config_show_mon_a.json"))}
    ours_sources = {e["source"] for e in json.loads(h.cli("config show", "json", who="mon.a"))}
    assert ours_sources <= real_sources | {"mon"}


def cli_compact_same(h: Harness) -> str:
    compact = h.cli("config show", "json", who="mgr.x")
    assert compact.startswith("\n") and "\n" not in compact[1:]
    return h.cli("config show", who="mgr.x")


def test_show_file_beats_mon_except_what_a_mon_applies(h: Harness) -> None:
    h.run("config set", who="mgr", name="mgr_tick_period", value="1")
    h.run("config set", who="mon", name="mon_tick_interval", value="1")
    assert h.run("config set", who="global", name="mon_max_pg_per_osd", value="300")[0] == 0
    mgr = {e["name"]: e for e in json.loads(h.cli("config show", "json", who="mgr.x"))}
    # the mgr runs with what it was started with: the database's value is overridden
    assert mgr["mgr_tick_period"] == {
        "name": "mgr_tick_period", "value": "0.250000", "source": "file",
        "overrides": [{"source": "mon", "value": "1"}],
    }  # fmt: skip
    assert mgr["mon_max_pg_per_osd"] == {
        "name": "mon_max_pg_per_osd",
        "value": "300",
        "source": "mon",
    }
    mon = {e["name"]: e for e in json.loads(h.cli("config show", "json", who="mon.a"))}
    assert mon["mon_tick_interval"]["source"] == "mon"  # the mon applies it (and does)
    assert mon["mon_tick_interval"]["overrides"] == [{"source": "file", "value": "0.250000"}]
    assert h.options["mon_tick_interval"] == 1.0
    line = [r for r in columns(h.cli("config show", who="mgr.x")) if r[0] == "mgr_tick_period"]
    assert line[0][3] == "mon[1]"  # as the capture's default[$mgr_data/keyring]
    assert h.cli("config show", who="mon.a", key="mon_tick_interval") == "1\n"
    assert h.cli("config show", who="mgr.x", key="mon_osd_full_ratio") == "0.950000\n"  # a default
    assert h.run("config show", who="mgr.x", key="no_such_thing")[0] == -2


def test_show_of_an_unknown_daemon(h: Harness) -> None:
    for who, name, rc in (("mgr.zz", "config_show_mgr_zz", -2), ("mgr", "config_show_mgr", -22)):
        got = h.run("config show", who=who)
        assert (got[0], f"Error {errno.errorcode[-rc]}: {got[2]}\n") == (
            rc, golden_text(f"{name}.stderr.txt"))  # fmt: skip
        assert golden_text(f"{name}.txt") == ""
    assert h.run("config show", who="osd.0")[0] == -2


def test_show_of_one_key_prints_the_value_alone(h: Harness) -> None:
    h.spec.options = dict(h.spec.options, mgr_tick_period=1.0)  # as the capture's ceph.conf
    assert h.cli("config show", who="mgr.x", key="mgr_tick_period") == golden_text(
        "config_show_mgr_x_mgr_tick_period.txt")  # fmt: skip
    assert h.cli("config show", who="mgr.x", key="mon_max_pg_per_osd") == golden_text(
        "config_show_mgr_x_mon_max_pg_per_osd.txt")  # fmt: skip


def test_show_with_defaults_shape(h: Harness) -> None:
    real = json.loads(golden_text("config_show_with_defaults_mgr_x.json"))
    ours = json.loads(h.cli("config show-with-defaults", "json-pretty", who="mgr.x"))
    assert len(ours) >= len(CEPH_OPTIONS)
    real_names = {e["name"] for e in real}
    sources = {e["source"] for e in ours}
    assert sources == {"default", "file"}
    for e in ours:
        if e["name"] in real_names and e["source"] == "default":
            want = next(r for r in real if r["name"] == e["name"])
            # (mgr_disabled_modules: a 16.2 mgr sets its own default at start)
            if want["source"] == "default" and e["name"] != "mgr_disabled_modules":
                assert e["value"] == want["value"], e["name"]
    txt = h.cli("config show-with-defaults", who="mgr.x")
    assert txt.splitlines()[0].split() == golden_text(
        "config_show_with_defaults_mgr_x.txt").splitlines()[0].split()  # fmt: skip
    assert len(txt.splitlines()) == len(ours) + 1


def test_log_of_a_fresh_database_is_the_real_one(h: Harness) -> None:
    assert h.cli("config log") == golden_text("config_log.txt")
    assert h.cli("config log", "json") == golden_text("config_log.compact.json")
    assert h.cli("config log", "json-pretty") == golden_text("config_log.json")


def test_assimilate_conf_and_the_log_as_the_capture(h: Harness) -> None:
    h.run("config set", who="mon", name="mon_allow_pool_delete", value="true")
    h.inbuf = ASSIMILATE.encode()
    assert h.cli("config assimilate-conf") == golden_text("config_assimilate_conf.txt")
    h.inbuf = b""
    assert h.cli("config dump") == golden_text("config_dump_after_changes.txt")

    def unstamp(text: str) -> str:
        return STAMP.sub("<stamp>", text)

    assert unstamp(h.cli("config log")) == unstamp(golden_text("config_log_after_changes.txt"))
    assert unstamp(h.cli("config log", "json-pretty")) == unstamp(
        golden_text("config_log_after_changes.json"))  # fmt: skip
    assert unstamp(h.cli("config log", num=3)) == unstamp(golden_text("config_log_3.txt"))
    assert h.cli("config log", num=1).count("---") == 3
    # a change and a removal: the old value is logged ("-") before the new ("+")
    h.run("config set", who="mgr", name="mgr_stats_period", value="7")
    h.run("config rm", who="osd.1", name="osd_max_backfills")
    log = STAMP.sub("<stamp>", h.cli("config log", num=2)).splitlines()
    assert log == [
        "--- 5 --- <stamp> ---",
        "- osd.1/osd_max_backfills = 3",
        "--- 4 --- <stamp> ---",
        "- mgr/mgr_stats_period = 6",
        "+ mgr/mgr_stats_period = 7",
    ]
    h.reopen()  # the history is in the store
    assert unstamp(h.cli("config log", num=3)).startswith("--- 5 --- <stamp> ---\n")


def test_assimilate_conf_refuses_an_unreadable_file(h: Harness) -> None:
    h.inbuf = b"mon_osd_down_out_interval = 1\n"  # no section
    rc, _out, outs = h.run("config assimilate-conf")
    assert rc == -22 and outs.startswith("failed to parse config file")
    h.inbuf = b""
    assert h.cli("config dump") == golden_text("config_dump.txt")  # nothing changed
    with pytest.raises(ConfError):
        parse_conf("[global\nx = 1\n")
    assert parse_conf("[global]\n  mon osd-full ratio = 0.9 # c\n") == {
        "global": {"mon_osd_full_ratio": "0.9"}}  # fmt: skip


def test_generate_minimal_conf_shape(h: Harness) -> None:
    ours = h.cli("config generate-minimal-conf").splitlines()
    real = golden_text("config_generate_minimal_conf.txt").splitlines()
    assert len(ours) == len(real) == 4
    assert ours[0] == f"# minimal ceph.conf for {h.spec.fsid}" and real[0].startswith(
        "# minimal ceph.conf for ")  # fmt: skip
    assert ours[1] == real[1] == "[global]"
    assert ours[2] == f"\tfsid = {h.spec.fsid}"
    pattern = r"\tmon_host = \[v2:127\.0\.0\.1:\d+/0[^\]]*\]( \[v2:127\.0\.0\.1:\d+/0[^\]]*\])*"
    assert re.fullmatch(pattern, ours[3]) and re.fullmatch(pattern, real[3])
    out: Any = h.cli("config generate-minimal-conf", "json")
    assert out.startswith("\n# minimal")  # text whatever the format


def test_published_in_cephs_order_mgr_builtins_then_modules_then_mon(h: Harness) -> None:
    from mon.commands import CEPH_MGR_BUILTINS, dispatch
    from sim.cmdparse import CommandSig, NoMatchingCommand, validate

    h.mgrmon.map.command_descs = [{"cmd": "hello name=person_name,type=CephString,req=false",
                                   "help": "Say hello", "perm": "r"}]  # fmt: skip
    _mc, reply = dispatch(h, {"prefix": "get_command_descriptions", "format": "json"})
    descs = json.loads(reply.render("json"))
    prefixes = [CommandSig.from_json(d).prefix for d in descs]
    assert prefixes[:3] == ["config show", "config show-with-defaults", "hello"]
    assert set(prefixes[3:]).isdisjoint(CEPH_MGR_BUILTINS)
    # the real table's order of the same commands
    real = json.loads(golden_text("get_command_descriptions_mon.compact.json"))
    real_prefixes = [" ".join(w for w in d["sig"] if isinstance(w, str)) for d in real.values()]
    assert real_prefixes[: len(CEPH_MGR_BUILTINS)] == list(CEPH_MGR_BUILTINS)
    with pytest.raises(NoMatchingCommand) as ei:
        validate(["config", "sho"], [CommandSig.from_json(d) for d in descs])
    assert ei.value.render() + "\n" == golden_text("nocmd_config_sho.stderr.txt")


def test_an_admin_socket_override_on_a_mon_outlives_config_commits(h: Harness) -> None:
    """``ceph daemon mon.a config set mon_tick_interval 5`` beats the database (Ceph's
    override level) until ``config unset``; a later ``config set mon …`` does not undo it."""
    h.config_service.set_override("mon_tick_interval", 5.0)
    assert h.options["mon_tick_interval"] == 5.0
    assert h.run("config set", who="mon", name="mon_tick_interval", value="2")[0] == 0
    assert h.options["mon_tick_interval"] == 5.0
    h.config_service.set_override("mon_tick_interval", None)
    assert h.options["mon_tick_interval"] == 2.0  # the database's, now
    h.run("config rm", who="mon", name="mon_tick_interval")
    assert h.options["mon_tick_interval"] == defaults(Profile.FAST)["mon_tick_interval"]


def test_a_database_value_under_a_conf_one_and_the_log_of_changes_as_captured(h: Harness) -> None:
    """The steps of capture/opcmds2.sh, on a cluster whose ceph.conf set mgr_tick_period 1."""
    h.spec.options = dict(h.spec.options, mgr_tick_period=1.0)
    for who, name, value in (("mgr", "mgr_tick_period", "3"), ("mgr", "mgr_stats_period", "7"),
                             ("mon", "mon_max_pg_per_osd", "300")):  # fmt: skip
        assert h.run("config set", who=who, name=name, value=value)[0] == 0
    real = {e["name"]: e for e in json.loads(golden_text("config_show_mgr_x_db_under_file.json"))}
    ours = {e["name"]: e for e in json.loads(h.cli("config show", "json", who="mgr.x"))}
    assert ours["mgr_tick_period"] == real["mgr_tick_period"]
    # a real mgr follows the database where ceph.conf is silent; the simulator's daemons
    # run with their start-up value (a `file` one for every option they read), and say so
    assert real["mgr_stats_period"] == {"name": "mgr_stats_period", "value": "7", "source": "mon"}
    assert ours["mgr_stats_period"]["overrides"] == [{"source": "mon", "value": "7"}]
    rows = {r[0]: r for r in columns(golden_text("config_show_mgr_x_db_under_file.txt"))}
    ours_rows = {r[0]: r for r in columns(h.cli("config show", who="mgr.x"))}
    assert ours_rows["mgr_tick_period"] == rows["mgr_tick_period"]  # 1  file  mon[3]
    mon_real = {e["name"]: e for e in json.loads(golden_text("config_show_mon_a_db.json"))}
    mon_ours = {e["name"]: e for e in json.loads(h.cli("config show", "json", who="mon.a"))}
    assert mon_ours["mon_max_pg_per_osd"] == mon_real["mon_max_pg_per_osd"]
    h.run("config rm", who="mgr", name="mgr_stats_period")
    h.run("config set", who="mgr", name="mgr_tick_period", value="4")
    for fmt, suffix in ((None, "txt"), ("json", "compact.json"), ("json-pretty", "json")):
        ours_log = STAMP.sub("<stamp>", h.cli("config log", fmt))
        assert ours_log == STAMP.sub("<stamp>", golden_text(f"config_log_with_rm.{suffix}")), fmt
