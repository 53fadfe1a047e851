"""Typed values inside steps: durations, daemon references, text templates.

- `Duration`: ``5s``, ``500ms``, ``1.5``, ``2m``, or an expression over the
  cluster's timing options, so a scenario holds for both timing profiles::

      timeout: mon_mgr_beacon_grace + 2s
      at_least: 0.9 * mon_mgr_beacon_grace

- `DaemonRef`: ``mon.a``, ``mgr.x``, ``osd.3``, a role resolved when the step
  runs (``mgr.active``, ``mgr.standby``, ``mon.leader``), or a variable bound
  by an earlier step (``$old``).
- `Template`: text with ``${var}``, ``${var.id}`` or ``${option_name}``
  filled in when the step runs (narration, CLI lines, URLs).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.options import OPTIONS, Profile, defaults
from sim.scenario.schema import Checker, ParseContext, suggest
from sim.scenario.yamlnodes import Node, Scalar

UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
NUMERIC_OPTIONS = sorted(n for n, s in OPTIONS.items() if s.reads in (int, float))
ROLES = {"mgr": ("active", "standby"), "mon": ("leader",), "osd": ()}
DAEMON_TYPES = ("mon", "mgr", "osd")

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?|\.\d+)(?P<unit>ms|s|m|h)?\b|(?P<name>[A-Za-z_]\w*)|(?P<op>[-+*]))"
)


@dataclass(frozen=True)
class Duration:
    """Seconds, possibly computed from options: a sum of signed products."""

    text: str
    terms: tuple[tuple[float, tuple[float | str, ...]], ...]

    def seconds(self, options: Mapping[str, Any]) -> float:
        total = 0.0
        for sign, factors in self.terms:
            prod = 1.0
            for f in factors:
                prod *= float(options[f]) if isinstance(f, str) else f
            total += sign * prod
        return total

    def __str__(self) -> str:
        return self.text

    @classmethod
    def of(cls, seconds: float) -> Duration:
        return cls(f"{seconds:g}s", ((1.0, (seconds,)),))


def _parse_expr(text: str) -> tuple[tuple[tuple[float, tuple[float | str, ...]], ...], str]:
    """Returns (terms, error message or '')."""
    pos, tokens = 0, []
    while pos < len(text.rstrip()):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            return (), f"cannot read {text[pos:].strip()!r}"
        tokens.append(m)
        pos = m.end()
    terms: list[tuple[float, tuple[float | str, ...]]] = []
    sign, want_operand = 1.0, True
    factors: list[float | str] = []
    for m in tokens:
        if want_operand:
            if m["num"]:
                factors.append(float(m["num"]) * UNITS[m["unit"] or "s"])
            elif m["name"]:
                if m["name"] not in NUMERIC_OPTIONS:
                    return (
                        (),
                        f"unknown timing option {m['name']!r}{suggest(m['name'], NUMERIC_OPTIONS)}",
                    )
                factors.append(m["name"])
            else:
                return (), f"expected a number or an option name before {m['op']!r}"
            want_operand = False
        elif m["op"] == "*":
            want_operand = True
        elif m["op"] in ("+", "-"):
            terms.append((sign, tuple(factors)))
            sign, factors, want_operand = (1.0 if m["op"] == "+" else -1.0), [], True
        else:
            return (), f"expected an operator (+, -, *) before {m.group().strip()!r}"
    if want_operand:
        return (), "the expression ends with an operator" if tokens else "empty duration"
    terms.append((sign, tuple(factors)))
    return tuple(terms), ""


def parse_duration(ck: Checker, node: Node, what: str, minimum: float = 0.0) -> Duration | None:
    if (
        isinstance(node, Scalar)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        if node.value < minimum:
            ck.error(node, f"{what}: must be at least {minimum:g}s, got {node.value}")
            return None
        return Duration(f"{node.value:g}s", ((1.0, (float(node.value),)),))
    if not (isinstance(node, Scalar) and isinstance(node.value, str)):
        ck.expected(node, what, "a duration such as 5s, 500ms or mon_mgr_beacon_grace + 2s")
        return None
    terms, err = _parse_expr(node.value)
    if err:
        ck.error(node, f"{what}: {err} (a duration such as 5s, 500ms or 2 * mon_mgr_beacon_grace)")
        return None
    d = Duration(node.value.strip(), terms)
    for profile in Profile:
        v = d.seconds(defaults(profile))
        if v < minimum:
            ck.error(
                node, f"{what}: {d} is {v:g}s with the {profile.value} profile, below {minimum:g}s"
            )
            return None
    return d


# --- daemons ----------------------------------------------------------------------


@dataclass(frozen=True)
class DaemonRef:
    text: str
    type: str  # mon | mgr | osd
    id: str = ""  # a concrete daemon ("x" of mgr.x)
    role: str = ""  # resolved at run time: active, standby, leader
    var: str = ""  # bound by an earlier step

    @property
    def concrete(self) -> str:
        return f"{self.type}.{self.id}" if self.id else ""

    def __str__(self) -> str:
        return self.text


_VAR = re.compile(r"^\$\{?([A-Za-z_]\w*)\}?$")


def parse_daemon(
    ck: Checker,
    node: Node,
    what: str,
    ctx: ParseContext,
    types: tuple[str, ...] = DAEMON_TYPES,
    roles: bool = True,
) -> DaemonRef | None:
    text = ck.string(node, what)
    if text is None:
        return None
    text = text.strip()
    m = _VAR.match(text)
    if m:
        name = m.group(1)
        dtype = ctx.variables.get(name)
        if dtype is None:
            known = ", ".join(f"${v}" for v in ctx.variables) or "none yet"
            ck.error(
                node,
                f"{what}: unknown variable ${name}{suggest(name, ctx.variables)} "
                f"(bind one earlier with `as: {name}`; known: {known})",
            )
            return None
        if dtype not in types:
            ck.error(node, f"{what}: ${name} is a {dtype}, expected a {' or '.join(types)}")
            return None
        return DaemonRef(text, dtype, var=name)
    dtype, dot, ident = text.partition(".")
    if not dot or dtype not in types:
        ck.error(node, f"{what}: expected a daemon name like {_examples(types, ctx)}, got {text!r}")
        return None
    if roles and ident in ROLES.get(dtype, ()):
        return DaemonRef(text, dtype, role=ident)
    ids = ctx.daemon_ids(dtype)
    if ident not in ids:
        choices = [f"{dtype}.{i}" for i in ids] + (
            [f"{dtype}.{r}" for r in ROLES[dtype]] if roles else []
        )
        have = ", ".join(choices) if choices else f"none: the cluster has no {dtype}s"
        ck.error(
            node,
            f"{what}: unknown daemon {text!r}{suggest(text, choices)} (this cluster has: {have})",
        )
        return None
    return DaemonRef(text, dtype, id=ident)


def _examples(types: tuple[str, ...], ctx: ParseContext) -> str:
    ex = []
    for t in types:
        ids = ctx.daemon_ids(t)
        if ids:
            ex.append(f"{t}.{ids[0]}")
        if ROLES.get(t):
            ex.append(f"{t}.{ROLES[t][0]}")
    return ", ".join(ex) or "mgr.x"


# --- text templates -----------------------------------------------------------------

_FIELD = re.compile(r"\$\{([A-Za-z_]\w*)(?:\.(id|type))?\}")


@dataclass(frozen=True)
class Template:
    text: str

    def render(self, variables: Mapping[str, str], options: Mapping[str, Any]) -> str:
        def sub(m: re.Match[str]) -> str:
            name, part = m.group(1), m.group(2)
            if name in variables:
                value = variables[name]
                if part == "id":
                    return value.partition(".")[2]
                if part == "type":
                    return value.partition(".")[0]
                return value
            v = options.get(name, "")
            return f"{v:g}" if isinstance(v, float) else str(v)

        return _FIELD.sub(sub, self.text)

    def __str__(self) -> str:
        return self.text


def parse_template(
    ck: Checker, node: Node, what: str, ctx: ParseContext, allow_empty: bool = False
) -> Template | None:
    text = ck.string(node, what, allow_empty=allow_empty)
    if text is None:
        return None
    ok = True
    for m in _FIELD.finditer(text):
        name, part = m.group(1), m.group(2)
        if name in ctx.variables:
            continue
        if name in OPTIONS and not part:
            continue
        known = [*ctx.variables, *OPTIONS]
        ck.error(
            node,
            f"{what}: unknown ${{{name}}}{suggest(name, known)} (a variable bound earlier with `as:`, or an option name)",
        )
        ok = False
    return Template(text) if ok else None
