"""The condition subjects: one explicit table of clause classes, and the
parser of a condition mapping that looks keys up in it.

A clause class names its key (``subject``, e.g. ``mgrmap``; ``mgr.*`` stands
for any ``mgr.<id>``) and further keys it parses (``aliases``); this file
lists the classes (`REGISTERED`), in the order help and error messages show
them. The classes live in `clauses` (the MgrMap, daemons), `clauses_io`
(``ceph``, ``http``) and `clauses_cluster` (``quorum``, ``health``,
``event``); none of them imports this file.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.scenario import clauses, clauses_cluster, clauses_io
from sim.scenario.conditions import Clause, Condition
from sim.scenario.schema import Checker, ParseContext, suggest
from sim.scenario.yamlnodes import Map, Node, Scalar

__all__ = ["REGISTERED", "SUBJECTS", "parse_condition"]

ClauseParser = Callable[[Checker, Scalar, Node, ParseContext], "Clause | None"]

REGISTERED: tuple[type[Clause], ...] = (
    clauses_io.CephClause,
    clauses_io.HttpClause,
    clauses.MgrMapClause,
    clauses.DaemonClause,
    clauses_cluster.QuorumClause,
    clauses_cluster.HealthClause,
    clauses_cluster.EventClause,
)


def _tables(
    classes: tuple[type[Clause], ...],
) -> tuple[dict[str, type[Clause]], dict[str, ClauseParser]]:
    subjects: dict[str, type[Clause]] = {}
    parsers: dict[str, ClauseParser] = {}
    for cls in classes:
        for key in (cls.subject, *cls.aliases):
            if not key or key in parsers:
                raise ValueError(f"clause {cls.__name__}: subject {key!r} is empty or taken")
            parsers[key] = cls.parse
        subjects[cls.subject] = cls
    return subjects, parsers


SUBJECTS, _PARSERS = _tables(REGISTERED)


def _parser_for(key: str) -> ClauseParser | None:
    if key in _PARSERS:
        return _PARSERS[key]
    if key.startswith("$"):
        return _PARSERS.get("$var")
    dtype = key.partition(".")[0]
    return _PARSERS.get(f"{dtype}.*") if "." in key else None


def parse_condition(
    ck: Checker, node: Node, what: str, ctx: ParseContext, reserved: tuple[str, ...] = ()
) -> Condition | None:
    """A condition mapping; keys in ``reserved`` (timeout …) are the step's own."""
    if not isinstance(node, Map):
        ck.expected(
            node, what, "a mapping of subjects (mgrmap, mgr.x, quorum, health …) to conditions"
        )
        return None
    found: list[Clause] = []
    ok = True
    for key, vnode in node.pairs:
        name = str(key.value)
        if name in reserved:
            continue
        parser = _parser_for(name)
        if parser is None:
            choices = [*SUBJECTS, *ctx.cluster.daemons(), *reserved]
            ck.error(
                key,
                f"{what}: unknown subject {name!r}{suggest(name, choices)}; expected a daemon "
                f"(mgr.x, mgr.active, mon.a, $var) or one of: {', '.join(s for s in SUBJECTS if '*' not in s)}",
            )
            ok = False
            continue
        clause = parser(ck, key, vnode, ctx)
        if clause is None:
            ok = False
        else:
            found.append(clause)
    if ok and not found:
        ck.error(node, f"{what}: says nothing to check (give at least one subject)")
        return None
    return Condition(found) if ok else None
