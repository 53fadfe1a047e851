"""Expectation steps: wait_for, expect, ceph, http.

Each is a JUnit test case. `wait_for` polls a condition until it holds or
its timeout passes and reports how long it took; `expect` checks once, now;
`ceph` and `http` run a command or a request once and check the answer.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from sim.scenario.clauses_io import CephClause, HttpClause
from sim.scenario.conditions import Condition
from sim.scenario.errors import StepFailed
from sim.scenario.figures import Figure
from sim.scenario.schema import Checker, ParseContext
from sim.scenario.steps.base import Outcome, Step
from sim.scenario.subjects import parse_condition
from sim.scenario.values import Duration, parse_duration
from sim.scenario.yamlnodes import Map, Node, Scalar

if TYPE_CHECKING:
    from sim.scenario.runtime import Runtime

POLL = Duration.of(0.05)
DISRUPTIVE = [["mgr", "fail"], ["mgr", "set"], ["mgr", "module", "enable"], ["mgr", "module", "disable"],
              ["osd", "down"], ["osd", "out"], ["mon", "remove"]]  # fmt: skip
EXPECT_BUDGET = 3.0


@dataclass
class WaitFor(Step):
    """Wait until a condition holds, polling, for at most ``timeout``
    (required); reports how long it took, and how long after the last fault.
    ``at_least`` fails it if it held sooner than that after the last fault (a
    failover before the grace); ``within`` is a threshold: it keeps polling up
    to ``timeout`` but fails if the condition held later than ``within``
    after the step started, and reports the measured figure either way (what
    ``python -m sim challenge grade`` prints); ``poll`` sets the interval
    (default 50ms). See ``--help-conditions`` for what to check.

        - wait_for:
            mgrmap: {active: {not: $old}, available: true}
            timeout: mon_mgr_beacon_grace + 3s
            at_least: 0.8 * mon_mgr_beacon_grace
        - wait_for: {http: {daemon: mgr.active, module: freshdash, path: /api/state,
                            json: {stale: true}}, within: 2s, timeout: 4s}"""

    keyword = "wait_for"
    expectation: ClassVar[bool] = True
    RESERVED: ClassVar[tuple[str, ...]] = ("timeout", "at_least", "within", "poll")
    condition: Condition | None = None
    timeout: Duration = POLL
    at_least: Duration | None = None
    within: Duration | None = None
    poll: Duration = POLL

    @classmethod
    def parse(cls, ck: Checker, node: Node, ctx: ParseContext) -> Step | None:
        if isinstance(node, Map) and node.get("timeout") is None:
            ck.error(
                node,
                "wait_for: missing required key 'timeout' (how long to wait at most, e.g. timeout: 5s)",
            )
            parse_condition(ck, node, "wait_for", ctx, cls.RESERVED)  # report its errors too
            return None
        cond = parse_condition(ck, node, "wait_for", ctx, cls.RESERVED)
        if cond is None or not isinstance(node, Map):
            return None
        timeout = parse_duration(ck, node.get("timeout") or node, "wait_for.timeout", minimum=0.01)
        out = cls(condition=cond, timeout=timeout or POLL)
        ok = timeout is not None
        if (n := node.get("at_least")) is not None:
            out.at_least = parse_duration(ck, n, "wait_for.at_least")
            ok = ok and out.at_least is not None
        if (n := node.get("within")) is not None:
            out.within = parse_duration(ck, n, "wait_for.within", minimum=0.001)
            ok = ok and out.within is not None
        if (n := node.get("poll")) is not None:
            p = parse_duration(ck, n, "wait_for.poll", minimum=0.001)
            ok, out.poll = ok and p is not None, p or POLL
        return out if ok else None

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        assert self.condition
        floor = f", at least {self.at_least} after the last fault" if self.at_least else ""
        ceiling = f", within {self.within}" if self.within else ""
        return f"wait_for {self.condition.describe(variables)} (timeout {self.timeout}{floor}{ceiling})"

    def run(self, rt: Runtime) -> Outcome:
        assert self.condition
        timeout = self.timeout.seconds(rt.options)
        at_least = self.at_least.seconds(rt.options) if self.at_least else 0.0
        within = self.within.seconds(rt.options) if self.within else None
        timeout = max(timeout, within or 0.0)
        poll = self.poll.seconds(rt.options)
        t0, started = time.monotonic(), time.time()
        while True:
            rt.check()
            verdict = self.condition.evaluate(rt, started, deadline=t0 + timeout + 0.5)
            took = time.monotonic() - t0
            if verdict.ok:
                after_fault = time.time() - rt.last_fault
                since = (
                    f" ({after_fault:.2f}s after the last fault)"
                    if rt.last_fault > rt.started
                    else ""
                )
                if self.at_least and after_fault < at_least:
                    raise StepFailed(
                        f"held {after_fault:.2f}s after the last fault, sooner than at_least {at_least:g}s ({verdict.text()})"
                    )
                fig = Figure(took, within, timeout) if within is not None else None
                if fig is not None and not fig.ok:
                    raise StepFailed(
                        f"held after {took:.2f}s, later than within {within:g}s ({verdict.text()})",
                        figure=fig,
                    )
                return Outcome(f"after {took:.2f}s{since}: {verdict.text()}", took=took, figure=fig)
            if took >= timeout:
                raise StepFailed(
                    f"still not true after {timeout:g}s: {verdict.text()}",
                    figure=Figure(None, within, timeout) if within is not None else None,
                )
            rt.timeline.progress(f"{'':21}⏳ {took:4.1f}s / {timeout:g}s  {verdict.text()}")
            rt.sleep(min(poll, max(0.0, timeout - took)))


@dataclass
class Expect(Step):
    """Check a condition once, now (no waiting). Same conditions as wait_for.

    - expect: {mgr.active: {active: true, have_mon_connection: false}}"""

    keyword = "expect"
    expectation: ClassVar[bool] = True
    condition: Condition | None = None

    @classmethod
    def parse(cls, ck: Checker, node: Node, ctx: ParseContext) -> Step | None:
        cond = parse_condition(ck, node, "expect", ctx)
        return cls(condition=cond) if cond else None

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        assert self.condition
        return f"expect {self.condition.describe(variables)}"

    def run(self, rt: Runtime) -> Outcome:
        assert self.condition
        verdict = self.condition.evaluate(
            rt, time.time(), deadline=time.monotonic() + EXPECT_BUDGET
        )
        if not verdict.ok:
            raise StepFailed(f"observed {verdict.text()}")
        return Outcome(verdict.text())


@dataclass
class Ceph(Step):
    """Run a ``ceph`` CLI command and check its answer (by default: it
    succeeds). ``show: true`` prints its output in the timeline; ``fault:
    true`` counts it as a fault (``since: last_fault``, the report), as the
    commands that fail daemons over always are; ``within: DURATION`` is a
    threshold on how long the command took to answer (the measured figure).
    Keys as for the ``ceph`` condition (see --help-conditions): cmd, timeout,
    retval, fails, stdout, stderr, json.

        - ceph: mgr fail
        - ceph: {cmd: status, timeout: 1s, fails: true}
        - ceph: {cmd: mgr stat, json: {available: true}, show: true}
        - ceph: {cmd: mgr self-test background start throw_exception, fault: true}
        - ceph: {cmd: pinger status, within: 250ms, timeout: 3s}"""

    keyword = "ceph"
    expectation: ClassVar[bool] = True
    clause: CephClause | None = None
    show: bool = False
    fault: bool = False
    within: Duration | None = None

    @classmethod
    def parse(cls, ck: Checker, node: Node, ctx: ParseContext) -> Step | None:
        flags: dict[str, bool | None] = {"show": False, "fault": False}
        if isinstance(node, Map):
            for name in flags:
                if (n := node.get(name)) is not None:
                    flags[name] = ck.boolean(n, f"ceph.{name}")
            within, ok = None, True
            if (n := node.get("within")) is not None:
                within = parse_duration(ck, n, "ceph.within", minimum=0.001)
                ok = within is not None
            node = Map(
                node.mark, [(k, v) for k, v in node.pairs if k.value not in (*flags, "within")]
            )
        else:
            within, ok = None, True
        clause = CephClause.parse(ck, Scalar(node.mark, "ceph"), node, ctx)
        if not isinstance(clause, CephClause) or None in flags.values() or not ok:
            return None
        return cls(
            clause=clause, show=bool(flags["show"]), fault=bool(flags["fault"]), within=within
        )

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        assert self.clause
        within = f" (within {self.within})" if self.within else ""
        return self.clause.describe(variables) + within

    def run(self, rt: Runtime) -> Outcome:
        assert self.clause
        self._note_fault(rt)
        condition = Condition([self.clause])
        t0 = time.monotonic()
        verdict = condition.evaluate(rt, time.time())
        if self.show and self.clause.last is not None:
            shown = self.clause.last.stdout or self.clause.last.stderr
            for line in shown.strip("\n").rstrip().splitlines():  # ceph -f json starts with \n
                rt.timeline.raw(f"{'':22}│ {line}", "dim")
        took = time.monotonic() - t0
        fig = None
        if self.within is not None:
            limit = self.clause.timeout.seconds(rt.options)
            fig = Figure(took if verdict.ok else None, self.within.seconds(rt.options), limit)
            if verdict.ok and not fig.ok:
                raise StepFailed(
                    f"answered after {took:.2f}s, later than within {fig.threshold:g}s ({verdict.text()})",
                    figure=fig,
                )
        if not verdict.ok:
            raise StepFailed(verdict.text(), figure=fig)
        return Outcome(verdict.text(), took=took, figure=fig)

    def _note_fault(self, rt: Runtime) -> None:
        """Commands that fail daemons over count as faults (``since: last_fault``)."""
        assert self.clause
        words = shlex.split(self.clause.cmd.render(rt.variables, rt.options))
        if not self.fault and not any(words[: len(p)] == p for p in DISRUPTIVE):
            return
        target = ""
        if words[:2] == ["mgr", "fail"]:
            who = next((w for w in words[2:] if not w.startswith("-")), "")
            target = f"mgr.{who}" if who else f"mgr.{rt.mgrmap_brief()[0]}"
        rt.last_fault = time.time()
        rt.record("fault", action=f"ceph {' '.join(words)}", target=target or "scenario")


@dataclass
class Http(Step):
    """Send one HTTP request to a module and check the response. Keys as for
    the ``http`` condition (see --help-conditions); to retry until it
    answers, use ``wait_for: {http: …, timeout: …}``.

        - http: {service: dashboard, path: /, status: 200}
        - http: {daemon: mgr.standby, module: dashboard, status: 303,
                 headers: {Location: {matches: "^http"}}}"""

    keyword = "http"
    expectation: ClassVar[bool] = True
    clause: HttpClause | None = None

    @classmethod
    def parse(cls, ck: Checker, node: Node, ctx: ParseContext) -> Step | None:
        clause = HttpClause.parse(ck, Scalar(node.mark, "http"), node, ctx)
        return cls(clause=clause) if isinstance(clause, HttpClause) else None

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        assert self.clause
        return self.clause.describe(variables)

    def run(self, rt: Runtime) -> Outcome:
        assert self.clause
        verdict = Condition([self.clause]).evaluate(rt, time.time())
        if not verdict.ok:
            raise StepFailed(verdict.text())
        return Outcome(verdict.text())
