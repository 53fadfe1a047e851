"""Steps that explain and pace: say, sleep, remember."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.scenario.schema import Checker, ParseContext
from sim.scenario.steps import _NAME, Outcome, Step, step
from sim.scenario.steps.faults import resolve, shown
from sim.scenario.values import (
    DaemonRef,
    Duration,
    Template,
    parse_daemon,
    parse_duration,
    parse_template,
)
from sim.scenario.yamlnodes import Map, Node

if TYPE_CHECKING:
    from sim.scenario.runtime import Runtime


@step("say")
@dataclass
class Say(Step):
    """Narration for students: printed in the timeline and drawn in the
    report at the moment it is said. ``${var}`` and ``${option_name}`` are
    filled in (``${mon_mgr_beacon_grace}`` is the grace of this run's profile).

        - say: The mon waits mon_mgr_beacon_grace (${mon_mgr_beacon_grace}s) before it gives up on a mgr."""

    text: Template = field(default_factory=lambda: Template(""))

    @classmethod
    def parse(cls, ck: Checker, node: Node, ctx: ParseContext) -> Step | None:
        t = parse_template(ck, node, "say", ctx)
        return cls(text=t) if t else None

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        return f"say {self.text}"

    def run(self, rt: Runtime) -> Outcome:
        text = self.text.render(rt.variables, rt.options)
        rt.timeline.say(text)
        rt.record("say", text=text)
        return Outcome(text)


@step("sleep")
@dataclass
class Sleep(Step):
    """Let time pass (invariants are still checked meanwhile). Prefer
    wait_for to synchronise: sleep is for "and nothing happens for a while".

        - sleep: 2s"""

    duration: Duration = field(default_factory=lambda: Duration.of(0))

    @classmethod
    def parse(cls, ck: Checker, node: Node, ctx: ParseContext) -> Step | None:
        d = parse_duration(ck, node, "sleep")
        return cls(duration=d) if d else None

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        return f"sleep {self.duration}"

    def run(self, rt: Runtime) -> Outcome:
        seconds = self.duration.seconds(rt.options)
        rt.timeline.progress(f"{'':21}… sleeping {seconds:g}s")
        rt.sleep(seconds)
        return Outcome(f"{seconds:g}s", took=seconds)


@step("remember")
@dataclass
class Remember(Step):
    """Bind variables to the daemons that hold a role now, for later steps
    (``$name`` where a daemon goes, ``${name}`` in text).

        - remember: {old: mgr.active, spare: mgr.standby}"""

    refs: list[tuple[str, DaemonRef]] = field(default_factory=list)

    @classmethod
    def parse(cls, ck: Checker, node: Node, ctx: ParseContext) -> Step | None:
        if not isinstance(node, Map) or not node.pairs:
            ck.expected(
                node, "remember", "a mapping of variable names to daemons, e.g. {old: mgr.active}"
            )
            return None
        refs, ok = [], True
        for key, value in node.pairs:
            name = str(key.value)
            if not _NAME.match(name):
                ck.error(
                    key, f"remember: a variable name is a word (letters, digits, _), got {name!r}"
                )
                ok = False
                continue
            ref = parse_daemon(ck, value, f"remember.{name}", ctx)
            if ref is None:
                ok = False
                continue
            refs.append((name, ref))
        for name, ref in refs:
            ctx.variables[name] = ref.type
        return cls(refs=refs) if ok else None

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        return "remember " + ", ".join(f"${n} = {shown(r, variables)}" for n, r in self.refs)

    def run(self, rt: Runtime) -> Outcome:
        bound = []
        for name, ref in self.refs:
            rt.variables[name] = resolve(rt, ref, "remember")
            bound.append(f"${name} = {rt.variables[name]}")
        return Outcome(", ".join(bound))
