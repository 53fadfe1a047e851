"""Validation helpers: typed reads of located YAML nodes that collect errors.

Every step, condition and invariant validates its own piece of the file
through a `Checker`, which never raises on the first problem: it records a
`ScenarioError` (``file:line:col: what was expected``) and returns ``None`` so
validation can go on and report everything at once. `ParseContext` carries
what a piece needs to know about the rest of the file: the cluster's daemon
names and the variables bound by earlier steps.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sim.scenario.errors import InvalidScenario, Mark, ScenarioError
from sim.scenario.yamlnodes import Map, Node, Scalar, Seq

if TYPE_CHECKING:
    from sim.scenario.cluster_config import ClusterConfig

T = TypeVar("T")


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a close match exists, else ``''``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass
class ParseContext:
    """What a step needs to know about the rest of the scenario."""

    cluster: ClusterConfig
    base_dir: Path = field(default_factory=Path.cwd)
    variables: dict[str, str] = field(default_factory=dict)  # name -> daemon type

    def daemon_ids(self, dtype: str) -> list[str]:
        return self.cluster.daemon_ids(dtype)


class Checker:
    """Collects errors while reading nodes; each getter returns None on error."""

    def __init__(self) -> None:
        self.errors: list[ScenarioError] = []

    def error(self, where: Node | Mark, message: str) -> None:
        mark = where if isinstance(where, Mark) else where.mark
        self.errors.append(ScenarioError(mark, message))

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InvalidScenario(self.errors)

    def expected(self, node: Node, what: str, expectation: str) -> None:
        self.error(node, f"{what}: expected {expectation}, got {node.kind()}")

    # --- structure --------------------------------------------------------------

    def fields(
        self,
        node: Node,
        what: str,
        required: Iterable[str] = (),
        optional: Iterable[str] = (),
        hints: dict[str, str] | None = None,
    ) -> dict[str, Node] | None:
        """A mapping with exactly these keys; unknown keys and missing required
        keys are errors (missing ones reported at the mapping's position).
        Unknown keys are left out of what is returned, so validation of the
        rest goes on; None only when it is not a mapping or lacks a required key."""
        if not isinstance(node, Map):
            self.expected(node, what, "a mapping")
            return None
        req, opt = list(required), list(optional)
        allowed = list(dict.fromkeys(req + opt))  # a key listed as both counts once
        out: dict[str, Node] = {}
        ok = True
        for key, value in node.pairs:
            name = str(key.value)
            if name not in allowed:
                self.error(
                    key,
                    f"{what}: unknown key {name!r}{suggest(name, allowed)}; "
                    f"expected one of: {', '.join(allowed)}",
                )
            else:
                out[name] = value
        for name in req:
            if name not in out:
                hint = (hints or {}).get(name, "")
                self.error(
                    node, f"{what}: missing required key {name!r}{f' ({hint})' if hint else ''}"
                )
                ok = False
        return out if ok else None

    def seq(self, node: Node, what: str, allow_single: bool = False) -> list[Node] | None:
        if isinstance(node, Seq):
            return node.items
        if allow_single and isinstance(node, Scalar):
            return [node]
        self.expected(node, what, "a list")
        return None

    def each(
        self, node: Node, what: str, fn: Callable[[Node], T | None], allow_single: bool = False
    ) -> list[T] | None:
        items = self.seq(node, what, allow_single)
        if items is None:
            return None
        out = [fn(i) for i in items]
        if any(v is None for v in out):
            return None
        return [v for v in out if v is not None]

    # --- scalars ----------------------------------------------------------------

    def string(self, node: Node, what: str, allow_empty: bool = False) -> str | None:
        if isinstance(node, Scalar) and isinstance(node.value, str):
            if not node.value.strip() and not allow_empty:
                self.error(node, f"{what}: must not be empty")
                return None
            return node.value
        if (
            isinstance(node, Scalar)
            and isinstance(node.value, int | float)
            and not isinstance(node.value, bool)
        ):
            return str(node.value)  # "ceph: 1" is odd but a word all the same
        self.expected(node, what, "a string")
        return None

    def integer(
        self, node: Node, what: str, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        if not (
            isinstance(node, Scalar)
            and isinstance(node.value, int)
            and not isinstance(node.value, bool)
        ):
            self.expected(node, what, "a whole number")
            return None
        v = int(node.value)
        if minimum is not None and v < minimum:
            self.error(node, f"{what}: must be at least {minimum}, got {v}")
            return None
        if maximum is not None and v > maximum:
            self.error(node, f"{what}: must be at most {maximum}, got {v}")
            return None
        return v

    def number(self, node: Node, what: str, minimum: float | None = None) -> float | None:
        if not (
            isinstance(node, Scalar)
            and isinstance(node.value, int | float)
            and not isinstance(node.value, bool)
        ):
            self.expected(node, what, "a number")
            return None
        v = float(node.value)
        if minimum is not None and v < minimum:
            self.error(node, f"{what}: must be at least {minimum:g}, got {v:g}")
            return None
        return v

    def boolean(self, node: Node, what: str) -> bool | None:
        if isinstance(node, Scalar) and isinstance(node.value, bool):
            return node.value
        self.expected(node, what, "true or false")
        return None

    def choice(self, node: Node, what: str, choices: Iterable[str]) -> str | None:
        opts = list(choices)
        if isinstance(node, Scalar) and isinstance(node.value, str) and node.value in opts:
            return node.value
        got = node.value if isinstance(node, Scalar) else None
        extra = suggest(str(got), opts) if isinstance(got, str) else ""
        self.error(node, f"{what}: expected one of {', '.join(opts)}, got {node.kind()}{extra}")
        return None

    def strings(self, node: Node, what: str, allow_single: bool = True) -> list[str] | None:
        return self.each(
            node, what, lambda n: self.string(n, f"{what} item"), allow_single=allow_single
        )
