"""The scenario engine's exceptions, one per way a run can end badly.

- `InvalidScenario` (exit 2): the file does not validate; it carries every
  `ScenarioError`, each with ``file:line:column`` and what was expected.
- `StepFailed` (exit 1): an expectation did not hold (or a fault could not be
  applied to the daemon's current state).
- `InvariantViolated` (exit 1): an invariant checked in the background broke.
- `SimulatorFailure` (exit 3): the simulator itself failed (the cluster did not
  start, the supervisor stopped answering, an engine bug).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.scenario.figures import Figure


@dataclass(frozen=True)
class Mark:
    """A position in a scenario file (1-based line and column)."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


class ScenarioError(Exception):
    """One validation error at one place."""

    def __init__(self, mark: Mark, message: str) -> None:
        super().__init__(f"{mark}: {message}")
        self.mark = mark
        self.message = message


class InvalidScenario(Exception):
    """A scenario did not validate; ``errors`` lists every problem found."""

    def __init__(self, errors: list[ScenarioError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.mark.file, e.mark.line, e.mark.col))
        super().__init__("\n".join(str(e) for e in self.errors))


class StepFailed(AssertionError):
    """An expectation did not hold; ``figure``: what a ``within`` step measured."""

    def __init__(self, message: str = "", figure: Figure | None = None) -> None:
        super().__init__(message)
        self.figure = figure


class InvariantViolated(AssertionError):
    """An invariant broke while the scenario ran."""


class SimulatorFailure(RuntimeError):
    """The simulator (not the scenario) failed."""


EXIT_PASS = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_SIMULATOR = 3
EXIT_INTERRUPTED = 130
