"""What the module scenarios added to the engine, without processes:
``remember`` of observed values, ``cluster.assign_ports``, ``ceph … fault:
true``, and free ports."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import pytest

from sim.scenario import loader
from sim.scenario.cluster_config import ClusterConfig
from sim.scenario.errors import InvalidScenario, StepFailed
from sim.scenario.runtime import free_port
from sim.scenario.schema import Checker, ParseContext
from sim.scenario.steps.checks import Ceph, WaitFor
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


class _Timeline:
    def progress(self, text: str) -> None:
        pass


class _Runtime(FakeObserver):
    """FakeObserver as the runtime a step runs against; mgr.x claims active
    only from the ``flip_after``-th look on (None: never)."""

    def __init__(self, flip_after: int | None) -> None:
        super().__init__()
        self.timeline = _Timeline()
        self.started = self.last_fault = 0.0
        self.looks, self.flip_after = 0, flip_after
        self.status["mgr.x"] = dict(self.status["mgr.x"] or {}, active=False)

    def check(self) -> None:
        pass

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)  # the step's own poll interval, as the real runtime's

    def admin(self, daemon: str, prefix: str, timeout: float = 0.5, **args: Any) -> Any:
        self.looks += 1
        st = super().admin(daemon, prefix, timeout, **args)
        flipped = self.flip_after is not None and self.looks >= self.flip_after
        return dict(st, active=flipped)


def _wait_for(within: str, timeout: str) -> WaitFor:
    sc = load(
        f"  - wait_for: {{mgr.x: {{active: true}}, within: {within}, timeout: {timeout}, poll: 10ms}}\n"
    )
    (step,) = sc.steps
    assert isinstance(step, WaitFor)
    return step


def test_wait_for_within_measures_a_figure() -> None:
    out = _wait_for("1s", "2s").run(_Runtime(flip_after=1))  # type: ignore[arg-type]
    assert out.figure is not None and out.figure.ok
    assert out.figure.threshold == 1.0 and out.figure.limit == 2.0
    assert out.figure.value is not None and out.figure.value < 1.0


def test_wait_for_within_fails_when_it_held_too_late() -> None:
    with pytest.raises(StepFailed) as exc:
        _wait_for("20ms", "3s").run(_Runtime(flip_after=8))  # type: ignore[arg-type]
    fig = exc.value.figure
    assert fig is not None and fig.value is not None and fig.value > 0.02 and not fig.ok
    assert "later than within 0.02s" in str(exc.value)


def test_wait_for_within_reports_never() -> None:
    with pytest.raises(StepFailed) as exc:
        _wait_for("50ms", "150ms").run(_Runtime(flip_after=None))  # type: ignore[arg-type]
    fig = exc.value.figure
    assert fig is not None and fig.value is None and fig.limit == 0.15
    assert fig.text() == "never within 0.15s (threshold 0.05s)"


def test_ceph_within_measures_the_answer_time() -> None:
    sc = load("  - ceph: {cmd: mgr stat, within: 5s, timeout: 1s}\n")
    (step,) = sc.steps
    assert isinstance(step, Ceph) and "(within 5s)" in step.describe()
    rt = _Runtime(flip_after=None)
    out = step.run(rt)  # type: ignore[arg-type]
    assert out.figure is not None and out.figure.ok and out.figure.limit == 1.0
    rt.mon_up = False  # the command fails: no figure value, the step fails
    with pytest.raises(StepFailed) as exc:
        step.run(rt)  # type: ignore[arg-type]
    assert exc.value.figure is not None and exc.value.figure.value is None
    assert "t.yaml:4:35: ceph.within: unknown timing option 'soon'" in errors(
        HEAD + "  - ceph: {cmd: mgr stat, within: soon}\n"
    )
