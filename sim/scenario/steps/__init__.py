"""Scenario steps: one registered class per step keyword; its docstring is
its help (``python -m sim scenario --help-steps``).

In YAML a step is a one-key mapping (``- kill: mgr.active``) plus optional
common keys: ``label`` (a name for reports and JUnit) and, for steps that pick
a daemon, ``as`` (bind the daemon picked to a variable for later steps)::

    - kill: mgr.active
      as: old
      label: the active mgr dies
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from sim.scenario.errors import Mark
from sim.scenario.schema import Checker, ParseContext, suggest
from sim.scenario.yamlnodes import Map, Node

if TYPE_CHECKING:
    from sim.scenario.runtime import Runtime

COMMON_KEYS = ("label", "as")
_NAME = re.compile(r"^[A-Za-z_]\w*$")


@dataclass
class Outcome:
    """What a step that did not raise reports (for the timeline and JUnit)."""

    message: str = ""
    took: float | None = None


@dataclass
class Step:
    """Base class. Subclasses set ``keyword`` and implement `parse`, `describe`, `run`."""

    keyword: ClassVar[str] = ""
    expectation: ClassVar[bool] = False  # counts as a JUnit test case
    binds: ClassVar[bool] = False  # accepts `as:` (it picks a daemon)
    bind_type: ClassVar[str] = "mgr"  # the kind of daemon `as:` binds, by default

    mark: Mark = field(default_factory=lambda: Mark("?", 0, 0), kw_only=True)
    label: str = field(default="", kw_only=True)
    bind: str = field(default="", kw_only=True)

    @classmethod
    def parse(cls, ck: Checker, node: Node, ctx: ParseContext) -> Step | None:
        raise NotImplementedError

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        raise NotImplementedError

    def run(self, rt: Runtime) -> Outcome:
        raise NotImplementedError

    def title(self, variables: Mapping[str, str] | None = None) -> str:
        return self.label or self.describe(variables)

    def daemon_type(self) -> str:
        """The type of daemon `as:` binds (steps that pick several override)."""
        return self.bind_type


STEPS: dict[str, type[Step]] = {}


def step(keyword: str) -> Callable[[type[Step]], type[Step]]:
    def deco(cls: type[Step]) -> type[Step]:
        cls.keyword = keyword
        STEPS[keyword] = cls
        return cls

    return deco


def _load_all() -> None:
    from sim.scenario.steps import checks, faults, narration, nemesis  # noqa: F401


def parse_step(ck: Checker, node: Node, ctx: ParseContext) -> Step | None:
    _load_all()
    if not isinstance(node, Map):
        ck.expected(
            node, "step", f"a mapping such as `- kill: mgr.active` (steps: {', '.join(STEPS)})"
        )
        return None
    keywords = [(k, v) for k, v in node.pairs if k.value in STEPS]
    unknown = [k for k, _ in node.pairs if k.value not in STEPS and k.value not in COMMON_KEYS]
    for k in unknown:
        ck.error(
            k,
            f"unknown step {k.value!r}{suggest(str(k.value), [*STEPS, *COMMON_KEYS])}; steps are: {', '.join(STEPS)}",
        )
    if len(keywords) > 1:
        ck.error(
            keywords[1][0],
            f"one step per list item: found {', '.join(str(k.value) for k, _ in keywords)}",
        )
        return None
    if not keywords:
        if not unknown:
            ck.error(node, f"a step needs one of: {', '.join(STEPS)}")
        return None
    key, value = keywords[0]
    cls = STEPS[str(key.value)]
    label, bind = _common(ck, node, cls)
    s = cls.parse(ck, value, ctx)
    if s is None or label is None or bind is None or unknown:
        return None
    s.mark, s.label, s.bind = key.mark, label, bind
    if bind:
        ctx.variables[bind] = s.daemon_type()
    return s


def _common(ck: Checker, node: Map, cls: type[Step]) -> tuple[str | None, str | None]:
    label: str | None = ""
    bind: str | None = ""
    ln = node.get("label")
    if ln is not None:
        label = ck.string(ln, "label")
    an = node.get("as")
    if an is not None:
        if not cls.binds:
            ck.error(
                node.key_node("as") or an,
                f"`as:` binds the daemon a step picks; {cls.keyword} picks none",
            )
            return label, None
        bind = ck.string(an, "as")
        if bind is not None and not _NAME.match(bind):
            ck.error(an, f"as: a variable name is a word (letters, digits, _), got {bind!r}")
            bind = None
    return label, bind
