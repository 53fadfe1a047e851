"""What the module scenarios added to the engine, without processes:
``remember`` of observed values, ``cluster.assign_ports``, ``ceph … fault:
true``, and free ports."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from sim.scenario import loader
from sim.scenario.cluster_config import ClusterConfig
from sim.scenario.errors import InvalidScenario, StepFailed
from sim.scenario.runtime import free_port
from sim.scenario.schema import Checker, ParseContext
from sim.scenario.steps.checks import Ceph
from sim.scenario.steps.narration import Observed, Remember
from sim.scenario.subjects import parse_condition
from sim.scenario.yamlnodes import compose

from .test_conditions import FakeObserver

HEAD = "about: t\ncluster: {mgrs: 2}\nsteps:\n"


def load(steps: str, head: str = HEAD) -> loader.Scenario:
    return loader.load_text(head + steps, "t.yaml")


def errors(text: str) -> str:
    with pytest.raises(InvalidScenario) as exc:
        loader.load_text(text, "t.yaml")
    return str(exc.value)


def test_remember_binds_observed_values_usable_in_matchers_and_text() -> None:
    sc = load(
        "  - remember: {uri: {mgrmap: services.dashboard}, gid: {mgr.active: gid}, old: mgr.active}\n"
        "  - http: {url: '${uri}api', status: 303, headers: {Location: $uri}}\n"
        "  - say: the active was ${old} at ${uri}\n"
    )
    remember = sc.steps[0]
    assert isinstance(remember, Remember)
    assert [str(r) for _, r in remember.refs] == [
        "mgrmap.services.dashboard",
        "mgr.active.gid",
        "mgr.active",
    ]
    obs = FakeObserver(port=8080)
    outcome = remember.run(obs)  # type: ignore[arg-type]  # the fake is enough of a Runtime
    assert obs.variables["uri"] == "http://127.0.0.1:{port}/"  # MGRMAP as the fake serves it
    assert obs.variables["gid"] == "4101" and obs.variables["old"] == "mgr.x"
    assert "$uri = http://127.0.0.1:{port}/" in outcome.message


def test_remember_reports_what_it_could_not_read() -> None:
    obs = FakeObserver()
    for observed, message in [
        (Observed(None, "services.prometheus"), "expected a single value, found nothing"),
        (Observed(None, "standbys"), r"expected a single value, found \["),
    ]:
        with pytest.raises(StepFailed, match=message):
            observed.read(obs)  # type: ignore[arg-type]


def test_value_variables_are_not_daemons_and_fields_are_checked() -> None:
    text = errors(
        HEAD + "  - remember: {uri: {mgrmap: servics.dashboard}, ok: {mgrmap: epoch}}\n"
        "  - remember: {two: {mgrmap: epoch, mgr.x: gid}}\n"
        "  - kill: $ok\n"
    )
    assert "t.yaml:4:30: remember.uri: unknown MgrMap field 'servics'" in text
    assert "t.yaml:5:21: remember.two: expected one subject and a field" in text
    assert "t.yaml:6:11: kill: $ok is a value, expected a mon or mgr" in text


def test_assign_ports_is_parsed_and_checked() -> None:
    sc = load(
        "  - say: hi\n",
        "about: t\ncluster: {mgrs: 2, assign_ports: {dashboard: server_port}}\nsteps:\n",
    )
    assert sc.cluster.assign_ports == {"dashboard": "server_port"}
    text = errors("about: t\ncluster: {assign_ports: [dashboard]}\nsteps:\n  - say: hi\n")
    assert "cluster.assign_ports: expected a mapping of module to port option" in text


def test_ceph_step_can_count_as_a_fault() -> None:
    sc = load(
        "  - ceph: {cmd: mgr self-test background start throw_exception, fault: true, show: true}\n"
        "  - ceph: {cmd: hello}\n"
    )
    first, second = sc.steps
    assert isinstance(first, Ceph) and first.fault and first.show
    assert isinstance(second, Ceph) and not second.fault
    assert "ceph.fault: expected true or false" in errors(
        HEAD + "  - ceph: {cmd: hello, fault: maybe}\n"
    )


def test_free_ports_are_below_the_ephemeral_range_and_bindable() -> None:
    taken: set[int] = set()
    for _ in range(20):
        taken.add(free_port(exclude=taken))
    assert len(taken) == 20  # never one handed out already
    for port in taken:
        assert 15000 <= port < 32000
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))


def test_a_value_variable_is_no_condition_subject() -> None:
    ck = Checker()
    ctx = ParseContext(ClusterConfig(mgrs=2), Path.cwd(), {"uri": "value"})
    c = parse_condition(ck, compose("{$uri: {reachable: true}}", "t.yaml"), "expect", ctx)
    assert c is None and "$uri is a value" in str(ck.errors[0])
