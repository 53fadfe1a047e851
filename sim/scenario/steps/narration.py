"""Steps that explain and pace: say, sleep, remember."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sim.scenario.conditions import Snapshot, Unobservable
from sim.scenario.errors import StepFailed
from sim.scenario.matchers import MISSING, show
from sim.scenario.schema import Checker, ParseContext
from sim.scenario.steps.base import VARIABLE_NAME, Outcome, Step
from sim.scenario.steps.faults import resolve, shown
from sim.scenario.values import (
    DaemonRef,
    Duration,
    Template,
    parse_daemon,
    parse_duration,
    parse_template,
)
from sim.scenario.yamlnodes import Map, Node, Scalar

if TYPE_CHECKING:
    from sim.scenario.runtime import Runtime


@dataclass
class Say(Step):
    """Narration for students: printed in the timeline and drawn in the
    report at the moment it is said. ``${var}`` and ``${option_name}`` are
    filled in (``${mon_mgr_beacon_grace}`` is the grace of this run's profile).

        - say: The mon waits mon_mgr_beacon_grace (${mon_mgr_beacon_grace}s) before it gives up on a mgr."""

    keyword = "say"

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


@dataclass
class Sleep(Step):
    """Let time pass (invariants are still checked meanwhile). Prefer
    wait_for to synchronise: sleep is for "and nothing happens for a while".

        - sleep: 2s"""

    keyword = "sleep"

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


@dataclass(frozen=True)
class Observed:
    """A value read now: a field of the MgrMap or of a daemon's admin status."""

    daemon: DaemonRef | None  # None: the MgrMap
    path: str  # dotted: services.dashboard, modules.modules.dashboard.uri

    def __str__(self) -> str:
        return f"{self.daemon or 'mgrmap'}.{self.path}"

    def read(self, rt: Runtime) -> str:
        from sim.scenario.clauses import daemon_view, mgrmap_view
        from sim.scenario.conditions import _path

        snap = Snapshot(rt, time.time(), deadline=time.monotonic() + 3.0)
        try:
            if self.daemon is None:
                view = mgrmap_view(snap)
            else:
                view = daemon_view(snap, rt.resolve(self.daemon))
        except Unobservable as exc:
            raise StepFailed(f"remember {self}: {exc}") from None
        value: Any = _path(view, self.path)
        if value is MISSING or isinstance(value, dict | list) or value is None:
            what = "nothing" if value is MISSING else show(value)
            raise StepFailed(f"remember {self}: expected a single value, found {what}")
        return str(value).lower() if isinstance(value, bool) else str(value)


@dataclass
class Remember(Step):
    """Bind variables for later steps (``$name`` where a daemon or a value
    goes, ``${name}`` in text): to the daemon that holds a role now, or to a
    value observed now — a field of the MgrMap (``{mgrmap: <field>}``) or of a
    daemon's admin status (``{mgr.x: <field>}``), dotted.

        - remember: {old: mgr.active, spare: mgr.standby}
        - remember: {uri: {mgrmap: services.dashboard}, gid: {mgr.x: gid}}"""

    keyword = "remember"

    refs: list[tuple[str, DaemonRef | Observed]] = field(default_factory=list)

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
            if not VARIABLE_NAME.match(name):
                ck.error(
                    key, f"remember: a variable name is a word (letters, digits, _), got {name!r}"
                )
                ok = False
                continue
            ref = (
                _observed(ck, value, f"remember.{name}", ctx)
                if isinstance(value, Map)
                else parse_daemon(ck, value, f"remember.{name}", ctx)
            )
            if ref is None:
                ok = False
                continue
            refs.append((name, ref))
        for name, ref in refs:
            ctx.variables[name] = ref.type if isinstance(ref, DaemonRef) else "value"
        return cls(refs=refs) if ok else None

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        return "remember " + ", ".join(
            f"${n} = {shown(r, variables) if isinstance(r, DaemonRef) else r}" for n, r in self.refs
        )

    def run(self, rt: Runtime) -> Outcome:
        bound = []
        for name, ref in self.refs:
            if isinstance(ref, DaemonRef):
                rt.variables[name] = resolve(rt, ref, "remember")
            else:
                rt.variables[name] = ref.read(rt)
            bound.append(f"${name} = {rt.variables[name]}")
        return Outcome(", ".join(bound))


def _observed(ck: Checker, node: Map, what: str, ctx: ParseContext) -> Observed | None:
    """``{mgrmap: services.dashboard}`` or ``{mgr.x: gid}`` (any daemon or role, or $var)."""
    from sim.scenario.clauses import MGRMAP_FIELDS

    if len(node.pairs) != 1:
        ck.expected(node, what, "one subject and a field, e.g. {mgrmap: services.dashboard}")
        return None
    key, value = node.pairs[0]
    path = ck.string(value, f"{what}.{key.value}")
    if path is None:
        return None
    if not isinstance(value, Scalar) or not all(path.split(".")):
        ck.error(value, f"{what}: expected a dotted field name such as services.dashboard")
        return None
    if key.value == "mgrmap":
        head = path.split(".")[0]
        if head not in MGRMAP_FIELDS:
            ck.error(
                value, f"{what}: unknown MgrMap field {head!r}; known: {', '.join(MGRMAP_FIELDS)}"
            )
            return None
        return Observed(None, path)
    daemon = parse_daemon(ck, key, what, ctx)
    return Observed(daemon, path) if daemon is not None else None
