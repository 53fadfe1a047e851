"""Matchers: what an observed value must look like.

A plain value means equality (``available: true``). A mapping of operators
states anything else, all of which must hold::

    active: {not: $old}              # differs from what $old was bound to
    standbys: {contains: $old}
    checks: {lacks: MGR_DOWN}
    epoch: {ge: 5}
    outs: {matches: "not found"}     # a regular expression, searched
    services: {exists: true}

``$name`` anywhere stands for a variable bound earlier (a daemon name).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.scenario.schema import Checker, ParseContext, suggest
from sim.scenario.yamlnodes import Map, Node, Scalar, Seq

OPS = (
    "eq",
    "not",
    "in",
    "not_in",
    "contains",
    "lacks",
    "gt",
    "ge",
    "lt",
    "le",
    "matches",
    "exists",
)
SYMBOL = {"eq": "=", "not": "≠", "gt": ">", "ge": "≥", "lt": "<", "le": "≤"}


class Missing:
    """The observed state has no such field (or could not be observed)."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING = Missing()


@dataclass(frozen=True)
class Var:
    name: str

    def __str__(self) -> str:
        return f"${self.name}"


_VAR = re.compile(r"^\$\{?([A-Za-z_]\w*)\}?$")


def resolve(value: Any, variables: Mapping[str, str]) -> Any:
    if isinstance(value, Var):
        return variables.get(value.name, MISSING)
    if isinstance(value, list):
        return [resolve(v, variables) for v in value]
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return bool(a == b)


def _contains(container: Any, item: Any) -> bool:
    if isinstance(container, str):
        return isinstance(item, str) and item in container
    if isinstance(container, list | tuple | set):
        return any(_same(x, item) for x in container)
    if isinstance(container, dict):
        return item in container
    return False


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


@dataclass(frozen=True)
class Matcher:
    ops: tuple[tuple[str, Any], ...]

    def test(self, actual: Any, variables: Mapping[str, str]) -> bool:
        return all(
            self._one(op, _like(want, resolve(want, variables), actual), actual)
            for op, want in self.ops
        )

    @staticmethod
    def _one(op: str, want: Any, actual: Any) -> bool:
        if op == "exists":
            return (actual is not MISSING) == bool(want)
        if op == "not":
            return actual is MISSING or not _same(actual, want)
        if actual is MISSING:
            return False
        if op == "eq":
            return _same(actual, want)
        if op == "in":
            return any(_same(actual, w) for w in want)
        if op == "not_in":
            return not any(_same(actual, w) for w in want)
        if op == "contains":
            return _contains(actual, want)
        if op == "lacks":
            return not _contains(actual, want)
        if op == "matches":
            return isinstance(actual, str) and re.search(want, actual) is not None
        a, w = _num(actual), _num(want)
        if a is None or w is None:
            return False
        return {"gt": a > w, "ge": a >= w, "lt": a < w, "le": a <= w}[op]

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        parts = []
        for op, want in self.ops:
            shown = _show(want)
            if variables is not None and _has_var(want):
                shown += f" ({_show(resolve(want, variables))})"
            parts.append(
                f"{SYMBOL[op]} {shown}" if op in SYMBOL else f"{op.replace('_', ' ')} {shown}"
            )
        return " and ".join(parts)


def _like(want: Any, value: Any, actual: Any) -> Any:
    """A value variable holds text (``remember`` binds ``"2"``); compared with
    an observed number it stands for that number."""
    if isinstance(want, Var) and isinstance(value, str) and _num(actual) is not None:
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _has_var(v: Any) -> bool:
    return isinstance(v, Var) or (isinstance(v, list) and any(isinstance(x, Var) for x in v))


def _show(v: Any) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, Var | Missing):
        return str(v) if isinstance(v, Var) else "nothing"
    if isinstance(v, list):
        return "[" + ", ".join(_show(x) for x in v) + "]"
    if v is None:
        return "null"
    return str(v)


def show(v: Any, limit: int = 120) -> str:
    """An observed value, briefly and on one line, for messages."""
    s = " ⏎ ".join(line.strip() for line in _show(v).strip().splitlines()) or _show(v)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _value(ck: Checker, node: Node, what: str, ctx: ParseContext) -> tuple[bool, Any]:
    """A literal, with ``$var`` strings turned into `Var` (validated)."""
    if isinstance(node, Scalar) and isinstance(node.value, str):
        m = _VAR.match(node.value.strip())
        if m:
            if m.group(1) not in ctx.variables:
                ck.error(
                    node,
                    f"{what}: unknown variable ${m.group(1)}{suggest(m.group(1), ctx.variables)}",
                )
                return False, None
            return True, Var(m.group(1))
        return True, node.value
    if isinstance(node, Seq):
        out = [_value(ck, i, what, ctx) for i in node.items]
        return all(ok for ok, _ in out), [v for _, v in out]
    return True, node.plain()


def parse_matcher(ck: Checker, node: Node, what: str, ctx: ParseContext) -> Matcher | None:
    if isinstance(node, Map):
        keys = node.keys()
        if any(k in OPS for k in keys):
            ops = []
            ok = True
            for key, vnode in node.pairs:
                op = str(key.value)
                if op not in OPS:
                    ck.error(
                        key,
                        f"{what}: unknown matcher {op!r}{suggest(op, OPS)}; expected one of: {', '.join(OPS)}",
                    )
                    ok = False
                    continue
                good, want = _value(ck, vnode, f"{what} {op}", ctx)
                ok = ok and good and _check_op(ck, vnode, what, op, want)
                ops.append((op, want))
            return Matcher(tuple(ops)) if ok else None
        if len(keys) == 1 and suggest(keys[0], OPS):
            ck.error(
                node.pairs[0][0], f"{what}: unknown matcher {keys[0]!r}{suggest(keys[0], OPS)}"
            )
            return None
    good, want = _value(ck, node, what, ctx)
    return Matcher((("eq", want),)) if good else None


def _check_op(ck: Checker, node: Node, what: str, op: str, want: Any) -> bool:
    if op in ("in", "not_in") and not isinstance(want, list):
        ck.expected(node, f"{what} {op}", "a list")
        return False
    if op in ("gt", "ge", "lt", "le") and _num(want) is None and not isinstance(want, Var):
        ck.expected(node, f"{what} {op}", "a number")
        return False
    if op == "exists" and not isinstance(want, bool):
        ck.expected(node, f"{what} exists", "true or false")
        return False
    if op == "matches":
        if not isinstance(want, str):
            ck.expected(node, f"{what} matches", "a regular expression")
            return False
        try:
            re.compile(want)
        except re.error as exc:
            ck.error(node, f"{what} matches: invalid regular expression: {exc}")
            return False
    return True
