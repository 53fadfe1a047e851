"""What a scenario run gives back: one `StepRecord` per step and the `RunResult`.

The runner fills them in; the outputs (`junit`, `report`, `lanes`), `replay` and the
pytest plugin read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.scenario.errors import EXIT_PASS
from sim.scenario.figures import Figure

if TYPE_CHECKING:
    from sim.scenario.invariants import Invariant
    from sim.scenario.model import Scenario


@dataclass
class StepRecord:
    index: int
    keyword: str
    text: str
    mark: str
    expectation: bool
    status: str = "skipped"  # passed | failed | skipped | interrupted
    message: str = ""
    start: float = 0.0
    end: float = 0.0
    figure: Figure | None = None  # a `within` step's measured figure

    @property
    def took(self) -> float:
        return max(0.0, self.end - self.start) if self.end else 0.0


@dataclass
class RunResult:
    scenario: Scenario
    exit_code: int
    records: list[StepRecord]
    invariants: list[Invariant]
    started: float
    ended: float
    out_dir: Path
    seed: int
    failure: str = ""
    profile: str = ""
    transcript: list[str] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    watch: str = ""  # what `ceph -w` printed during the run (sim.scenario.watch)

    @property
    def passed(self) -> bool:
        return self.exit_code == EXIT_PASS
