"""Conditions evaluated against a fake observer: what each subject reads,
how unreachable daemons count, messages, and the http subject against a
local server (a standby's 303 redirect). No cluster processes."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sim.scenario.cluster_config import ClusterConfig
from sim.scenario.conditions import CliResult, Condition, Unobservable
from sim.scenario.schema import Checker, ParseContext
from sim.scenario.subjects import parse_condition
from sim.scenario.values import DaemonRef
from sim.scenario.yamlnodes import compose

MGRMAP = {
    "epoch": 7,
    "active_name": "x",
    "active_gid": 4101,
    "available": True,
    "standbys": [{"name": "y", "gid": 4102}],
    "modules": [],
    "available_modules": [{"name": "dashboard"}],
    "services": {"dashboard": "http://127.0.0.1:{port}/"},
}


class FakeObserver:
    def __init__(self, port: int = 0) -> None:
        self.variables: dict[str, str] = {"old": "mgr.x"}
        self.options: dict[str, Any] = {"mon_mgr_beacon_grace": 3.0}
        self.last_fault = 0.0
        self.mon_up = True
        self.port = port
        self.status = {
            "mgr.x": {"active": True, "role": "active", "have_mon_connection": False, "gid": 4101,
                      "modules": {"modules": {"dashboard": {"state": "running", "uri": f"http://127.0.0.1:{port}/"}}}},
            "mgr.y": None,  # frozen: does not answer
        }  # fmt: skip
        self.events = [
            {
                "stamp": 10.0,
                "daemon": "mgr.x",
                "kind": "respawn",
                "reason": "I was active but no longer am",
            }
        ]

    def mon_json(self, prefix: str, timeout: float = 2.0, **args: Any) -> Any:
        if not self.mon_up:
            raise Unobservable("no mon answered")
        if prefix == "mgr dump":
            return dict(MGRMAP)
        if prefix == "mgr services":
            return {k: v.format(port=self.port) for k, v in MGRMAP["services"].items()}  # type: ignore[attr-defined]
        if prefix == "health":
            return {"status": "HEALTH_WARN", "checks": {"MGR_DOWN": {}}}
        raise Unobservable(f"`{prefix}` failed: unknown command")

    def admin(self, daemon: str, prefix: str, timeout: float = 0.5, **args: Any) -> Any:
        st = self.status.get(daemon)
        if st is None:
            raise Unobservable(f"{daemon} does not answer")
        if prefix == "module_option":
            raise Unobservable(f"{daemon}: unknown admin command 'module_option'")
        return st

    def resolve(self, ref: DaemonRef) -> str:
        if ref.var:
            return self.variables[ref.var]
        if ref.role == "active":
            return "mgr.x"
        if ref.role == "standby":
            return "mgr.y"
        return ref.concrete

    def events_since(self, stamp: float) -> list[dict[str, Any]]:
        return [e for e in self.events if e["stamp"] >= stamp]

    def ceph_cli(self, line: str, timeout: float) -> CliResult:
        if not self.mon_up:
            return CliResult(-110, "", "error: no mon reachable")
        return CliResult(0, '{"available": true, "active_name": "x"}', "")

    def now(self) -> float:
        return time.time()


def cond(text: str, variables: tuple[str, ...] = ("old",)) -> Condition:
    ck = Checker()
    ctx = ParseContext(ClusterConfig(mons=1, mgrs=2), Path.cwd(), {v: "mgr" for v in variables})
    c = parse_condition(ck, compose(text, "t.yaml"), "expect", ctx)
    assert c is not None, [str(e) for e in ck.errors]
    return c


def test_mgrmap_fields() -> None:
    obs = FakeObserver()
    v = cond(
        "{mgrmap: {active: $old, available: true, standbys: [mgr.y], num_standby: 1}}"
    ).evaluate(obs, 0)
    assert v.ok, v.text()
    v = cond("{mgrmap: {active: {not: $old}}}").evaluate(obs, 0)
    assert not v.ok and "mgrmap.active = mgr.x" in v.text()


def test_unreachable_daemon_counts_as_not_reachable_and_not_active() -> None:
    obs = FakeObserver()
    assert cond("{mgr.y: {reachable: false}}").evaluate(obs, 0).ok
    v = cond("{mgr.standby: {active: true}}").evaluate(obs, 0)
    assert not v.ok and "mgr.y.active = nothing" in v.text()
    assert cond("{mgr.active: {active: true, have_mon_connection: false}}").evaluate(obs, 0).ok


def test_module_state_and_module_option_hook() -> None:
    obs = FakeObserver()
    assert cond("{mgr.x: {module: {name: dashboard, state: running}}}").evaluate(obs, 0).ok
    v = cond("{mgr.x: {module_option: {module: dashboard, key: ssl, value: false}}}").evaluate(
        obs, 0
    )
    assert not v.ok and "module_option" in v.text()


def test_mon_down_makes_mon_subjects_fail_with_a_reason() -> None:
    obs = FakeObserver()
    obs.mon_up = False
    v = cond("{mgrmap: {available: true}}").evaluate(obs, 0)
    assert not v.ok and "no mon answered" in v.text()
    v = cond("{ceph: {cmd: status, timeout: 1s, retval: ETIMEDOUT}}").evaluate(obs, 0)
    assert v.ok, v.text()


def test_health_event_and_ceph_json() -> None:
    obs = FakeObserver()
    assert cond("{health: {status: HEALTH_WARN, checks: {contains: MGR_DOWN}}}").evaluate(obs, 0).ok
    assert not cond("{health: HEALTH_OK}").evaluate(obs, 0).ok
    assert (
        cond("{event: {kind: respawn, daemon: $old, reason: {matches: no longer}}}")
        .evaluate(obs, 0)
        .ok
    )
    obs.last_fault = 11.0
    v = cond("{event: {kind: respawn, since: last_fault}}").evaluate(obs, 0)
    assert not v.ok and "0 respawn" in v.text()
    assert (
        cond("{ceph: {cmd: mgr stat, json: {available: true, active_name: x}}}").evaluate(obs, 0).ok
    )


class Redirect(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/standby"):
            self.send_response(303)
            self.send_header("Location", "http://active.example:8443/")
            self.end_headers()
        else:
            body = b'{"have_mon_connection": false, "health": "HEALTH_OK"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[int]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield srv.server_address[1]
    finally:
        srv.shutdown()
        srv.server_close()
        t.join(5)


def test_http_subject(server: int) -> None:
    obs = FakeObserver(server)
    url = f"http://127.0.0.1:{server}"
    c = cond(
        f"{{http: {{url: '{url}/standby', status: 303, headers: {{Location: {{matches: '^http://active'}}}}}}}}"
    )
    assert c.evaluate(obs, 0).ok
    assert (
        cond(
            "{http: {service: dashboard, path: /api, status: 200, json: {have_mon_connection: false}}}"
        )
        .evaluate(obs, 0)
        .ok
    )
    assert (
        cond("{http: {url: dashboard, status: 200, body_contains: HEALTH_OK}}").evaluate(obs, 0).ok
    )
    assert (
        cond(
            "{http: {daemon: mgr.active, module: dashboard, path: /standby, status: {in: [301, 303]}}}"
        )
        .evaluate(obs, 0)
        .ok
    )
    v = cond(f"{{http: {{url: '{url}/', status: 500}}}}").evaluate(obs, 0)
    assert not v.ok and "-> 200" in v.text()
    v = cond("{http: {url: 'http://127.0.0.1:9/', status: 200, timeout: 0.5s}}").evaluate(obs, 0)
    assert not v.ok and "ConnectionRefused" in v.text()


def test_condition_schema_errors() -> None:
    ck = Checker()
    ctx = ParseContext(ClusterConfig(mons=1, mgrs=2), Path.cwd())
    node = compose(
        "{http: {url: x, service: y}, mgr.x: {have_mon_conection: true}, quorum: [a, b]}", "c.yaml"
    )
    assert parse_condition(ck, node, "expect", ctx) is None
    msgs = [str(e) for e in ck.errors]
    assert any("give exactly one target" in m for m in msgs)
    assert any(
        "unknown field 'have_mon_conection' (did you mean 'have_mon_connection'?)" in m
        for m in msgs
    )
    assert any("quorum: unknown mon 'b'" in m for m in msgs)
