"""Scenario steps: one registered class per step keyword; its docstring is
its help (``python -m sim scenario --help-steps``).

In YAML a step is a one-key mapping (``- kill: mgr.active``) plus optional
common keys: ``label`` (a name for reports and JUnit) and, for steps that pick
a daemon, ``as`` (bind the daemon picked to a variable for later steps)::

    - kill: mgr.active
      as: old
      label: the active mgr dies

The table of steps (`STEPS`) is built here, from the explicit list
`REGISTERED`: a step module defines its classes, this file names them.
"""

from __future__ import annotations

from sim.scenario.schema import Checker, ParseContext, suggest
from sim.scenario.steps import checks, faults, links, monmap, narration, nemesis
from sim.scenario.steps.base import COMMON_KEYS, VARIABLE_NAME, Outcome, Step
from sim.scenario.yamlnodes import Map, Node

__all__ = ["COMMON_KEYS", "REGISTERED", "STEPS", "Outcome", "Step", "parse_step"]

# Every step, in the order help and error messages list them.
REGISTERED: tuple[type[Step], ...] = (
    checks.WaitFor, checks.Expect, checks.Ceph, checks.Http,
    faults.Kill, faults.Stop, faults.Pause, faults.Resume, faults.Restart,
    faults.Partition, faults.Heal, faults.Delay, links.Link, monmap.MonAdd, monmap.MonRemove,
    narration.Say, narration.Sleep, narration.Remember,
    nemesis.Nemesis,
)  # fmt: skip


def _table(classes: tuple[type[Step], ...]) -> dict[str, type[Step]]:
    table: dict[str, type[Step]] = {}
    for cls in classes:
        if not cls.keyword or cls.keyword in table:
            raise ValueError(f"step {cls.__name__}: keyword {cls.keyword!r} is empty or taken")
        table[cls.keyword] = cls
    return table


STEPS: dict[str, type[Step]] = _table(REGISTERED)


def parse_step(ck: Checker, node: Node, ctx: ParseContext) -> Step | None:
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
        if bind is not None and not VARIABLE_NAME.match(bind):
            ck.error(an, f"as: a variable name is a word (letters, digits, _), got {bind!r}")
            bind = None
    return label, bind
