"""The step base: `Step` (one class per step keyword, its docstring its help),
`Outcome`, and the keys every step may carry (``label``, ``as``).

Step modules (`checks`, `faults`, `narration`, `nemesis`) import this; the
table of steps is built from them in `sim.scenario.steps` (the package).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from sim.scenario.errors import Mark
from sim.scenario.figures import Figure
from sim.scenario.schema import Checker, ParseContext
from sim.scenario.yamlnodes import Node

if TYPE_CHECKING:
    from sim.scenario.runtime import Runtime

COMMON_KEYS = ("label", "as")
VARIABLE_NAME = re.compile(r"^[A-Za-z_]\w*$")


@dataclass
class Outcome:
    """What a step that did not raise reports (for the timeline and JUnit)."""

    message: str = ""
    took: float | None = None
    figure: Figure | None = None  # what a step with `within` measured


@dataclass
class Step:
    """Base class. Subclasses set ``keyword`` and implement `parse`, `describe`, `run`;
    a new step is listed in `sim.scenario.steps.REGISTERED`."""

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
