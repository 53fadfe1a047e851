"""The module host's parts against a fake host (`mgr.host.py_modules.PyModules`): no processes.

`FakePyModules` (``fake_py_modules.py``) implements the protocol the way
`PyModuleHost` does, with plain attributes; mypy checks that it does (no
``type: ignore``). Command dispatch, a module handle, the writes' local
checks and the digest run against it.
"""

from __future__ import annotations

import asyncio
import errno
from pathlib import Path
from typing import Any

import pytest

from mgr.host import digest
from mgr.host.commands import dispatch
from mgr.host.config_cache import ConfigView
from mgr.host.handle import ModuleHandle, StandbyHandle
from mgr.host.py_modules import PyModules
from mgr.host.registry import ModuleRecord
from sim.messages import CommandReply

from .fake_py_modules import FakeMonc, FakePyModules


def _record(name: str, **kw: Any) -> ModuleRecord:
    rec = ModuleRecord(name, Path("/nowhere"), loaded=True, can_run=True, **kw)
    return rec


def _host(**kw: Any) -> FakePyModules:
    return FakePyModules(**kw)


def _as_protocol(host: PyModules) -> PyModules:  # mypy: the fake is a PyModules
    return host


# --- command dispatch ------------------------------------------------------------------------


def _run(
    host: FakePyModules, prefix: str, sender: str = "client.admin", cap: str = "allow *"
) -> CommandReply:
    return asyncio.run(dispatch(_as_protocol(host), {"prefix": prefix}, b"", sender, cap))


def test_dispatch_refusals_in_cephs_order() -> None:
    host = _host(records={"m": _record("m", perms={"m ping": "r", "m set": "w"})})
    assert _run(host, "nope") == CommandReply(-errno.EINVAL, outs="No handler found for 'nope'")
    reply = _run(host, "m ping")
    assert reply.retval == -errno.EOPNOTSUPP
    assert reply.outs.startswith("Module 'm' is not enabled/loaded (required by command 'm ping')")
    host.enabled.add("m")
    assert _run(host, "m ping") == CommandReply(-errno.ENOENT, outs="Module 'm' is not available")
    host.records["m"].can_run, host.records["m"].error_string = False, "no numpy"
    assert _run(host, "m ping").outs == (
        "Module 'm' has experienced an error and cannot handle commands: no numpy"
    )
    assert asyncio.run(dispatch(host, {}, b"", "client.admin")).retval == -errno.EINVAL


def test_dispatch_checks_caps_first() -> None:
    host = _host(records={"m": _record("m", perms={"m set": "w"})})
    reply = _run(host, "m set", sender="client.foo", cap="allow r")  # the mgr cap from the auth db
    assert reply.retval == -errno.EACCES
    assert _run(host, "m set", sender="client.foo", cap="allow rw").retval != -errno.EACCES


# --- a module's handle -------------------------------------------------------------------------


def test_handle_reads_options_typed_by_the_schema() -> None:
    rec = _record("m", options=[{"name": "count", "type": "int"}, {"name": "on", "type": "bool"}])
    host = _host(records={"m": rec})
    host.config = ConfigView.from_map(
        "mgr.x",
        {"sections": {"mgr": {"mgr/m/count": "7", "mgr/m/on": "true", "mgr/m/x/count": "9"}}},
    )
    h = ModuleHandle(host, "m")
    assert h.get_module_option("m", "count") == 7
    assert h.get_module_option("m", "count", "x") == 9
    assert h.get_module_option("m", "on") is True
    assert h.get_module_option("m", "unset") is None
    assert h.get("have_local_config_map") == {"have_local_config_map": True}
    assert h.get_option("mgr_tick_period") == 2.0
    assert h.get("modified_config_options") == {"options": []}
    h.set_health_checks({"M_CHECK": {"severity": "warning"}})
    assert host.health == {"m": {"M_CHECK": {"severity": "warning"}}}
    h.update_progress_event("e1", "doing", 0.5, True)
    assert host.progress["e1"]["progress"] == 0.5
    assert StandbyHandle(host, "m").get_option("mgr_standby_modules") == "true"


def test_handle_remote_to_a_module_not_running_here_raises() -> None:
    h = ModuleHandle(_host(), "m")
    with pytest.raises(ImportError):
        h.dispatch_remote("absent", "f", (), {})


# --- writes: local checks before any mon round trip ---------------------------------------------


def test_writes_refuse_undeclared_and_invalid_values_locally() -> None:
    rec = _record("m", options=[{"name": "count", "type": "int", "min": 1, "max": 42}])
    host = _host(records={"m": rec})
    host.ceph_release = "reef"  # Quincy and newer raise (Reef's selftest checks it)
    with pytest.raises(ValueError, match=r"^unrecognized config option 'mgr/m/nope'$"):
        host.writes.set_module_option("m", "m", "nope", "1")
    with pytest.raises(ValueError, match="42"):
        host.writes.set_module_option("m", "m", "count", "43")


def test_pacific_logs_a_refused_module_option_and_returns(caplog: pytest.LogCaptureFixture) -> None:
    rec = _record("m", options=[{"name": "count", "type": "int", "min": 1, "max": 42}])
    host = _host(records={"m": rec})
    assert host.ceph_release == "pacific"
    host.writes.set_module_option("m", "m", "count", "43")  # returns, as a 16.2 mgr does
    assert "`config set mgr/m/count 43` failed" in caplog.text and "42" in caplog.text


def test_the_embedded_api_raises_on_a_refused_module_option_as_the_newest_release() -> None:
    rec = _record("m", options=[{"name": "count", "type": "int", "min": 1, "max": 42}])
    host = _host(records={"m": rec})
    host.embedded_api = True  # ceph_release stays "pacific": the daemon's identity
    with pytest.raises(ValueError, match="above maximum 42"):
        host.writes.set_module_option("m", "m", "count", "43")


# --- the digest --------------------------------------------------------------------------------


def test_digest_refresh_stores_health_and_metadata() -> None:
    host, monc = _host(), FakeMonc()
    asyncio.run(digest.refresh(host, monc))
    assert monc.asked == ["health", "quorum_status", "mgr metadata"]
    assert host.state.health["status"] == "HEALTH_WARN"
    assert host.state.mgr_metadata == {"x": {"hostname": "h"}}
    assert digest.period({"mon_mgr_digest_period": 2}) == 2.0
    assert digest.period({"mgr_tick_period": 2.0}) == 5.0
