"""Conditions on observable state, shared by `wait_for` and `expect`.

A condition is a mapping of *subjects* to what must hold of them; every
subject must hold at once::

    wait_for:
      mgrmap: {active: {not: $old}, available: true}
      mgr.y: {have_mon_connection: true}
      timeout: mon_mgr_beacon_grace + 2s

Subjects (``--help-conditions`` prints each one's help): ``mgrmap``,
``mgr.<id>`` / ``mgr.active`` / ``mgr.standby`` / ``$var``, ``mon.<id>`` /
``mon.leader``, ``osd.<n>``, ``quorum``, ``health``, ``event``, ``http`` and
``ceph``; their table is `sim.scenario.subjects`. State is read through the daemons' admin endpoints and the mon
(never from inside a process); what cannot be read counts as not holding, and
the message says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from sim.scenario.matchers import MISSING, Matcher, parse_matcher, show
from sim.scenario.schema import Checker, ParseContext, suggest
from sim.scenario.values import DaemonRef, Template
from sim.scenario.yamlnodes import Map, Node, Scalar


class Unobservable(Exception):
    """The state could not be read (daemon unreachable, no mon, no such command)."""


@dataclass
class CliResult:
    retval: int  # 0 or a negative errno, as Ceph's API returns it
    stdout: str
    stderr: str


class Observer(Protocol):
    """What conditions need from the running scenario (the `Runtime`)."""

    variables: dict[str, str]
    options: dict[str, Any]
    last_fault: float

    def mon_json(self, prefix: str, timeout: float = 2.0, **args: Any) -> Any: ...

    def admin(self, daemon: str, prefix: str, timeout: float = 0.5, **args: Any) -> Any: ...

    def resolve(self, ref: DaemonRef) -> str: ...

    def events_since(self, stamp: float) -> list[dict[str, Any]]: ...

    def ceph_cli(self, line: str, timeout: float) -> CliResult: ...

    def now(self) -> float: ...


class Snapshot:
    """One evaluation round: each observation is made at most once."""

    def __init__(self, obs: Observer, step_started: float, deadline: float | None = None) -> None:
        self.obs = obs
        self.step_started = step_started
        self.deadline = deadline  # time.monotonic() by which the round should end
        self._memo: dict[Any, Any] = {}

    def budget(self, default: float) -> float:
        """How long one observation may take: its default, cut to the deadline."""
        if self.deadline is None:
            return default
        return max(0.05, min(default, self.deadline - time.monotonic()))

    def get(self, key: Any, fn: Callable[[], Any]) -> Any:
        if key not in self._memo:
            try:
                self._memo[key] = fn()
            except Unobservable as exc:
                self._memo[key] = exc
        value = self._memo[key]
        if isinstance(value, Unobservable):
            raise value
        return value


class Clause:
    """One subject of a condition."""

    subject: ClassVar[str] = ""  # its key in a condition (``mgr.*``: any ``mgr.<id>``)
    aliases: ClassVar[tuple[str, ...]] = ()  # further keys parsed by the same class

    @classmethod
    def parse(cls, ck: Checker, key: Scalar, node: Node, ctx: ParseContext) -> Clause | None:
        raise NotImplementedError

    def evaluate(self, snap: Snapshot) -> tuple[bool, str]:
        raise NotImplementedError

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        raise NotImplementedError

    def label(self) -> str:
        return self.subject


def check_fields(
    checks: list[tuple[str, Matcher]], values: Mapping[str, Any], prefix: str, snap: Snapshot
) -> tuple[bool, str]:
    ok, seen = True, []
    for name, m in checks:
        actual = _path(values, name)
        good = m.test(actual, snap.obs.variables)
        ok = ok and good
        seen.append(f"{prefix}.{name} = {show(actual)}")
    return ok, ", ".join(seen)


def _path(values: Mapping[str, Any], name: str) -> Any:
    cur: Any = values
    for part in name.split("."):
        if isinstance(cur, Mapping) and part in cur:
            cur = cur[part]
        else:
            return MISSING
    return cur


def describe_fields(
    checks: list[tuple[str, Matcher]], prefix: str, variables: Mapping[str, str] | None
) -> str:
    return ", ".join(f"{prefix}.{n} {m.describe(variables)}" for n, m in checks)


def parse_field_checks(
    ck: Checker,
    node: Node,
    what: str,
    ctx: ParseContext,
    known: Mapping[str, str],
    open_prefixes: tuple[str, ...] = ("status.",),
) -> list[tuple[str, Matcher]] | None:
    """``{field: matcher, …}`` with field names checked against ``known``."""
    if not isinstance(node, Map) or not node.pairs:
        ck.expected(node, what, f"a mapping of fields to values (fields: {', '.join(known)})")
        return None
    out, ok = [], True
    for key, vnode in node.pairs:
        name = str(key.value)
        if name not in known and not name.startswith(open_prefixes):
            ck.error(
                key,
                f"{what}: unknown field {name!r}{suggest(name, known)}; known: {', '.join(known)}",
            )
            ok = False
            continue
        m = parse_matcher(ck, vnode, f"{what}.{name}", ctx)
        if m is None:
            ok = False
        else:
            out.append((name, m))
    return out if ok else None


@dataclass
class Verdict:
    ok: bool
    observed: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "; ".join(self.observed)


@dataclass
class Condition:
    clauses: list[Clause]

    def evaluate(
        self, obs: Observer, step_started: float, deadline: float | None = None
    ) -> Verdict:
        snap = Snapshot(obs, step_started, deadline)
        ok, seen = True, []
        for c in self.clauses:
            try:
                good, text = c.evaluate(snap)
            except Unobservable as exc:
                good, text = False, f"{c.label()}: {exc}"
            ok = ok and good
            seen.append(text)
        return Verdict(ok, seen)

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        return "; ".join(c.describe(variables) for c in self.clauses)


def render(t: Template, obs: Observer) -> str:
    return t.render(obs.variables, obs.options)
