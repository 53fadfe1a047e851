"""A measured figure: what a step with a ``within`` threshold measured.

`wait_for` and `ceph` steps given ``within: DURATION`` measure how long the
condition took to hold (or the command to answer) and compare it with that
threshold; the step fails if the figure is over it. The steps put the figure
on their `Outcome` or their `StepFailed`, the runner copies it onto the
`StepRecord`, and `python -m sim challenge grade` prints it. Imports nothing
of the simulator.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """``value`` seconds measured against ``threshold``; None: it never held
    (or never answered) within ``limit``, the longest the step waited."""

    value: float | None
    threshold: float
    limit: float

    @property
    def ok(self) -> bool:
        return self.value is not None and self.value <= self.threshold

    def text(self) -> str:
        if self.value is None:
            return f"never within {self.limit:g}s (threshold {self.threshold:g}s)"
        sign = "≤" if self.ok else ">"
        return f"{self.value:.2f}s {sign} {self.threshold:g}s"

    def as_dict(self) -> dict[str, float | None]:
        return {"value": self.value, "threshold": self.threshold, "limit": self.limit}
