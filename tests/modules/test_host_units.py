"""The module host's pure parts: loading, caches, health, caps, help, object_format, mgr_util."""

from __future__ import annotations

import datetime
import errno
import json
import textwrap
from pathlib import Path

import pytest
from mgr_util import build_url, format_bytes, format_dimless, to_pretty_timedelta
from object_format import ErrorResponse, Responder

from mgr.host.config_cache import ConfigView, KVStore
from mgr.host.health import module_health
from mgr.host.native import NativeOptions
from mgr.host.registry import discover, load
from sim.caps import allows, service_cap


def write_module(base: Path, name: str, body: str, init: str | None = None) -> Path:
    d = base / name
    d.mkdir(parents=True)
    (d / "__init__.py").write_text(init if init is not None else "from .module import *  # noqa\n")
    (d / "module.py").write_text(textwrap.dedent(body))
    return d


GOOD = """
from mgr_module import CLIReadCommand, HandleCommandResult, MgrModule, MgrStandbyModule, Option

class Mod(MgrModule):
    COMMANDS = [{"cmd": "legacy cmd name=x,type=CephInt", "desc": "legacy", "perm": "w"},
                {"cmd": "bad cmd name=,type=Nope", "desc": "unparseable", "perm": "r"}]
    MODULE_OPTIONS = [Option("opt", type="int", default=3, min=1, runtime=True, desc="an int")]
    NOTIFY_TYPES = ["health"]

    @CLIReadCommand("good ping", poll=True)
    def ping(self) -> HandleCommandResult:
        '''Ping'''
        return HandleCommandResult(stdout="pong")

class Standby(MgrStandbyModule):
    MODULE_OPTIONS = [Option("standby_only", default="s")]
    def serve(self): pass
"""


def test_load_a_good_module(tmp_path):
    rec = load("good", write_module(tmp_path, "good", GOOD))
    assert rec.loaded and rec.can_run and rec.error_string == ""
    assert rec.active_cls.__name__ == "Mod" and rec.standby_cls.__name__ == "Standby"
    assert rec.notify_types == frozenset({"health"})
    assert rec.perms == {"legacy cmd": "w", "good ping": "r"}  # the bad descriptor is left out
    ping = next(c for c in rec.commands if c["cmd"].startswith("good ping"))
    assert ping == {"cmd": "good ping", "help": "Ping", "perm": "r", "flags": 16, "module": "good"}
    info = rec.info()
    assert set(info) == {"name", "can_run", "error_string", "module_options"}
    opt = info["module_options"]["opt"]
    assert opt == {
        "name": "opt",
        "type": "int",
        "level": "advanced",
        "flags": 1,
        "default_value": "3",
        "min": "1",
        "max": "",
        "enum_allowed": [],
        "desc": "an int",
        "long_desc": "",
        "tags": [],
        "see_also": [],
    }
    assert "standby_only" in info["module_options"] and "log_level" in info["module_options"]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("import no_such_dependency\n", "No module named 'no_such_dependency'"),
        ("x = 1\n", "no MgrModule subclass found in module 'm'"),
        (
            "from mgr_module import MgrModule\nclass M(MgrModule):\n"
            "    @staticmethod\n    def can_run():\n        return False, 'needs a GPU'\n",
            "needs a GPU",
        ),
        (
            "from mgr_module import MgrModule\nclass M(MgrModule):\n"
            "    @staticmethod\n    def can_run():\n        return 'yes'\n",
            "wrong type returned from can_run",
        ),
        (
            "from mgr_module import MgrModule\nclass M(MgrModule):\n    COMMANDS = 'nope'\n",
            "Missing or invalid COMMANDS attribute",
        ),
        (
            "from mgr_module import MgrModule\nclass M(MgrModule):\n    COMMANDS = [{'cmd': 'x'}]\n",
            "Invalid COMMANDS entry",
        ),
    ],
)
def test_a_broken_module_reports_why(tmp_path, body, error):
    rec = load("m", write_module(tmp_path, "m", body))
    assert rec.can_run is False
    assert error in rec.error_string
    assert rec.info()["can_run"] is False


def test_discovery_order_and_disabled(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write_module(a, "one", GOOD)
    write_module(b, "one", GOOD)
    write_module(b, "two", GOOD)
    (b / "notamodule").mkdir()
    found = discover([a, b], disabled={"two"})
    assert found == {"one": a / "one"}


def test_config_view_resolution():
    v = ConfigView(
        "mgr.x",
        {
            "global": {"mgr/m/o": "g", "a": "1"},
            "mgr": {"mgr/m/o": "m"},
            "mgr.x": {"mgr/m/o": "x"},
            "mgr.y": {"mgr/m/o": "y"},
        },
    )
    assert v.get("mgr/m/o") == "x" and v.get("a") == "1"
    assert v.for_entity("mgr.y")["mgr/m/o"] == "y"
    assert v.with_value("mgr.x", "mgr/m/o", None).get("mgr/m/o") == "m"


def test_kv_store_keeps_unacknowledged_writes():
    kv = KVStore()
    kv.apply_map({"prefix": "mgr/", "values": {"mgr/m/a": "1", "mgr/m/b": "2"}})
    kv.begin_write("mgr/m/a", "new")
    kv.begin_write("mgr/m/b", None)
    kv.apply_map({"prefix": "mgr/", "values": {"mgr/m/a": "1", "mgr/m/b": "2"}})  # older snapshot
    assert kv.get("mgr/m/a") == "new" and kv.get("mgr/m/b") is None
    assert kv.prefix("mgr/m/") == {"mgr/m/a": "new"}
    kv.end_write("mgr/m/a", "new", ok=True)
    kv.end_write("mgr/m/b", None, ok=True)
    assert kv.pending() == {} and kv.get("mgr/m/a") == "new" and kv.get("mgr/m/b") is None


def test_module_health_texts():
    checks = module_health(
        {"a": "No module named 'x'"},
        {"b": "Synthetic exception in serve", "c": "boom"},
        {"mod": {"MY_CHECK": {"severity": "warning", "summary": "s", "detail": []}}},
    )
    assert checks["MGR_MODULE_DEPENDENCY"]["summary"] == (
        "Module 'a' has failed dependency: No module named 'x'"
    )
    err = checks["MGR_MODULE_ERROR"]
    assert err["severity"] == "error" and err["summary"] == "2 mgr modules have failed"
    assert err["detail"] == [
        "Module 'b' has failed: Synthetic exception in serve",
        "Module 'c' has failed: boom",
    ]
    assert "MY_CHECK" in checks


def test_caps_from_the_auth_database():
    assert service_cap(None, "mgr") == "allow *"  # not in the database: a daemon
    assert service_cap({"mon": "allow r"}, "mgr") == "allow r"  # no mgr cap: the mon's
    assert service_cap({"mon": "allow *", "mgr": "allow r"}, "mgr") == "allow r"
    assert service_cap({"mgr": "allow *"}, "mon") == ""
    assert allows("allow r", "r") and not allows("allow r", "rw") and not allows("allow r", "w")
    assert allows("allow *", "rw")


def test_native_options_are_typed():
    n = NativeOptions({"mgr_tick_period": 0.25, "mgr_stats_period": 1.0}, {"log_file": "/l"})
    assert n.typed("mgr_tick_period", {}) == 0.25
    assert n.typed("mgr_tick_period", {"mgr_tick_period": "3"}) == 3.0
    assert n.typed("mgr_stats_period", {}) == 1 and isinstance(n.typed("mgr_stats_period", {}), int)
    assert n.typed("mgr_standby_modules", {"mgr_standby_modules": "false"}) is False
    with pytest.raises(KeyError, match="option not found: nope"):
        n.typed("nope", {})
    assert n.as_strings({})["mgr_standby_modules"] == "true"


class Thing:
    def __init__(self, n: int) -> None:
        self.n = n

    def to_simplified(self) -> dict[str, int]:
        return {"n": self.n}


class Cmds:
    @Responder()
    def get(self, n: int) -> Thing:
        if n < 0:
            raise ErrorResponse("negative", return_value=-errno.ERANGE)
        return Thing(n)


def test_responder_formats():
    c = Cmds()
    assert c.get(1) == (0, json.dumps({"n": 1}, indent=2), "")
    assert c.get(1, format="json-pretty")[1] == json.dumps({"n": 1}, indent=2)
    assert c.get(1, format="yaml") == (0, "n: 1\n", "")
    assert c.get(1, format="toml") == (-errno.EINVAL, "", "Unknown format name: toml")
    assert c.get(1, format="xml") == (-errno.EINVAL, "", "Unsupported format: xml")
    assert c.get(-1) == (-errno.ERANGE, "", "negative")
    assert Cmds.get.extra_args == {"format": str}


def test_mgr_util_helpers():
    assert format_bytes(1024 * 1024, 5) == "1024k"
    assert format_dimless(1500, 5) == "1500 "
    assert to_pretty_timedelta(datetime.timedelta(seconds=42)) == "42s"
    assert to_pretty_timedelta(datetime.timedelta(hours=5)) == "5h"
    assert build_url("example.com", "https", 443) == "https://example.com:443"
    assert build_url("::1", "http", 80) == "http://[::1]:80"
