"""What a validated scenario is: its cluster, steps and invariants.

Built by `sim.scenario.loader` from a YAML file; the runner only ever sees
these objects, never raw YAML. The cluster part (`ClusterConfig`) has its own
file, `cluster_config`, since validation reads it before any step exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sim.scenario.cluster_config import ClusterConfig

__all__ = ["ClusterConfig", "Scenario"]

if TYPE_CHECKING:
    from sim.scenario.invariants import Invariant
    from sim.scenario.steps import Step


@dataclass
class Scenario:
    name: str
    about: str
    path: Path | None
    cluster: ClusterConfig
    steps: list[Step]
    invariants: list[Invariant]
    description: str = ""
    source: str = ""  # the file's text, for the report

    def expectation_count(self) -> int:
        return sum(1 for s in self.steps if s.expectation)
