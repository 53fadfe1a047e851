"""The little mon of the config service tests: ConfigMonitor and ConfigKeyService over a
real `MonStore`, with a settable MgrMap, and the module schemas a mgr reports.

A commit is simulated the way ``mon/commit.py`` does it: encode
every service's pending changes into one transaction, apply it to a real
`MonStore` (SQLite in the test's tmp dir), then ``on_committed``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mon import commands
from mon.config_key import ConfigKeyService
from mon.config_monitor import ConfigMonitor
from mon.errors import CommandError
from mon.mgr_map import MgrMap, Standby
from mon.service import PaxosService
from mon.store import MonStore, Transaction
from sim.formatting import cli_stdout
from sim.options import Options, Profile, defaults
from tests.golden import CEPH16
from tests.unit.fake_mon import FakeMon

GOLDEN = CEPH16
FSID = "e5a1c4f0-3d3b-4b7e-9c1a-0f0e0d0c0b0a"


def golden(name: str) -> str:
    path = GOLDEN / name
    return path.read_text()


# --- module schemas -------------------------------------------------------------------


def opt(name: str, type_: str = "str", default: str = "", **kw: Any) -> dict[str, Any]:
    """A ModuleInfo option dict as a mgr reports it (MgrMap.available_modules)."""
    return {
        "name": name,
        "type": type_,
        "level": kw.pop("level", "advanced"),
        "flags": kw.pop("flags", 0),
        "default_value": default,
        "min": kw.pop("min", ""),
        "max": kw.pop("max", ""),
        "enum_allowed": kw.pop("enum_allowed", []),
        "desc": kw.pop("desc", ""),
        "long_desc": "",
        "tags": [],
        "see_also": [],
    }


def module(name: str, *opts: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "can_run": True,
        "error_string": "",
        "module_options": {o["name"]: o for o in opts},
    }


# The prometheus options a real 16.2 mgr reports (mgr_dump.json), abridged.
PROMETHEUS = module(
    "prometheus",
    opt("cache", "bool", "True"),
    opt("scrape_interval", "float", "15.0"),
    opt("server_addr", "str", ""),
    opt("server_port", "int", "9283", flags=1),
    opt("standby_behaviour", "str", "default", flags=1, enum_allowed=["default", "error"]),
    opt("standby_error_status_code", "int", "500", flags=1, min="400", max="599"),
)
SELFTEST = module(
    "selftest",
    opt("rwoption2", "int"),
    opt("rwoption3", "float"),
    opt("rwoption5", "bool"),
    opt("roption2", "str", "xyz"),
)


def golden_prometheus() -> dict[str, Any]:
    """The prometheus ModuleInfo exactly as the golden `mgr dump` shows it."""
    d = json.loads(golden("mgr_dump.json"))
    return next(m for m in d["available_modules"] if m["name"] == "prometheus")


def mgrmap(active: list[dict[str, Any]] | None = None, **standbys: list[dict[str, Any]]) -> MgrMap:
    m = MgrMap(epoch=5)
    if active is not None:
        m.active_gid, m.active_name, m.available_modules = 4100, "x", list(active)
    for i, (name, mods) in enumerate(sorted(standbys.items())):
        m.standbys[4200 + i] = Standby(4200 + i, name, list(mods))
    return m


# --- a little mon ---------------------------------------------------------------------


class Harness(FakeMon):
    """The config services of one mon over a real store, with a settable MgrMap
    (a `FakeMon`, so it is a `MonContext` for the command handlers)."""

    store: MonStore

    def __init__(self, path: Path, options: dict[str, Any] | None = None) -> None:
        self.path = path
        self.map = mgrmap([PROMETHEUS, SELFTEST])
        self.initial = options if options is not None else defaults(Profile.FAST)
        super().__init__(self.initial)
        self.open()

    def open(self) -> None:
        self.store = MonStore(self.path / "store.db")
        self.options = Options(self.initial)  # a (re)started mon's options, from its spec
        self.config_service = ConfigMonitor(
            FSID,
            "a",
            self.options,
            lambda: self.map,
            lambda n, e, b: self.published.append((n, e, b)),
            lambda kind, **d: self.events.append((kind, d)),
        )
        self.kv_service = ConfigKeyService(
            lambda n, e, b: self.published.append((n, e, b)),
            max_entry_size=lambda: int(
                self.config_service.mon_value("mon_config_key_max_entry_size")
            ),
        )
        self.services: list[PaxosService] = [self.config_service, self.kv_service]
        for s in self.services:
            s.load(self.store)

    def reopen(self) -> None:
        self.store.close()
        self.open()

    def commit(self) -> None:
        txn = Transaction()
        for s in self.services:
            s.encode_pending(txn)
        if not txn:
            return
        self.store.apply(txn)
        for s in self.services:
            s.on_committed()

    # --- commands as the daemon runs them ---

    def run(self, prefix: str, fmt: str | None = None, **args: Any) -> tuple[int, str, str]:
        """Dispatch, commit, render: (retval, outbuf text, outs)."""
        cmd = {"prefix": prefix, **args}
        if fmt:
            cmd["format"] = fmt
        _, reply = commands.dispatch(self, cmd)
        self.commit()
        return reply.retval, reply.render(fmt).decode(), reply.outs

    def cli(self, prefix: str, fmt: str | None = None, **args: Any) -> str:
        """What `ceph <prefix> [-f fmt]` prints on stdout for a successful command."""
        rc, out, outs = self.run(prefix, fmt, **args)
        assert rc == 0, (rc, outs)
        return cli_stdout(fmt or "plain", out)


def h_at(path: Path, **kw: Any) -> Harness:
    harness = Harness(path, **kw)
    return harness


def cfg_set(h: Harness, who: str, name: str, value: str, force: bool = False) -> None:
    h.config_service.set(who, name, value, force=force)
    h.commit()


def error(fn: Any, *args: Any, **kw: Any) -> tuple[int, str]:
    with pytest.raises(CommandError) as ei:
        fn(*args, **kw)
    return ei.value.errno, str(ei.value)
