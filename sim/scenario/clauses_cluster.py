"""Cluster-wide condition subjects: quorum, health, and the event stream."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.scenario.clauses import daemon_view
from sim.scenario.conditions import (
    Clause,
    Snapshot,
    check_fields,
    describe_fields,
    parse_field_checks,
)
from sim.scenario.matchers import Matcher, parse_matcher
from sim.scenario.schema import Checker, ParseContext
from sim.scenario.values import DaemonRef, parse_daemon
from sim.scenario.yamlnodes import Map, Node, Scalar, Seq


def quorum_view(snap: Snapshot, mons: list[str]) -> dict[str, Any]:
    """The quorum as the first mon that is in one reports it."""
    leader = ""
    members: list[str] = []
    for m in mons:
        view = daemon_view(snap, f"mon.{m}")
        if not view.get("reachable"):
            continue
        if view.get("state") == "leader":
            leader = m
        if view.get("state") in ("leader", "peon") and not members:
            members = sorted(view.get("quorum", []))
    return {"members": members, "size": len(members), "leader": leader}


@dataclass
class QuorumClause(Clause):
    """The mon quorum, read from the mons' admin endpoints: members (mon ids,
    compared as a set), size, leader. A list is shorthand for members.

        quorum: [a, b]
        quorum: {size: {ge: 2}, leader: a}"""

    subject = "quorum"

    checks: list[tuple[str, Matcher]]
    mons: list[str]

    @classmethod
    def parse(cls, ck: Checker, key: Scalar, node: Node, ctx: ParseContext) -> Clause | None:
        mons = ctx.daemon_ids("mon")
        if isinstance(node, Seq):
            names = ck.strings(node, "quorum")
            if names is None:
                return None
            ids = []
            for n, item in zip(names, node.items, strict=True):
                ident = n.removeprefix("mon.")
                if ident not in mons:
                    ck.error(
                        item, f"quorum: unknown mon {n!r} (this cluster has: {', '.join(mons)})"
                    )
                    return None
                ids.append(ident)
            return cls([("members", Matcher((("eq", sorted(ids)),)))], mons)
        fields = {"members": "mon ids in quorum", "size": "how many", "leader": "the leader's id"}
        checks = parse_field_checks(ck, node, "quorum", ctx, fields, ())
        return cls(checks, mons) if checks is not None else None

    def evaluate(self, snap: Snapshot) -> tuple[bool, str]:
        return check_fields(self.checks, quorum_view(snap, self.mons), "quorum", snap)

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        return describe_fields(self.checks, "quorum", variables)


@dataclass
class HealthClause(Clause):
    """Cluster health from the mon (``ceph health detail``): status and checks
    (the list of codes). A string is shorthand for the status.

        health: HEALTH_OK
        health: {checks: {contains: MGR_DOWN}}"""

    subject = "health"

    checks: list[tuple[str, Matcher]]

    @classmethod
    def parse(cls, ck: Checker, key: Scalar, node: Node, ctx: ParseContext) -> Clause | None:
        if isinstance(node, Scalar):
            status = ck.choice(node, "health", ("HEALTH_OK", "HEALTH_WARN", "HEALTH_ERR"))
            return cls([("status", Matcher((("eq", status),)))]) if status else None
        fields = {"status": "HEALTH_OK, HEALTH_WARN or HEALTH_ERR", "checks": "health check codes"}
        checks = parse_field_checks(ck, node, "health", ctx, fields, ())
        return cls(checks) if checks is not None else None

    def evaluate(self, snap: Snapshot) -> tuple[bool, str]:
        h = snap.get(
            "health", lambda: snap.obs.mon_json("health", timeout=snap.budget(2.0), detail="detail")
        )
        view = {"status": h.get("status"), "checks": sorted(h.get("checks", {}))}
        return check_fields(self.checks, view, "health", snap)

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        return describe_fields(self.checks, "health", variables)


@dataclass
class EventClause(Clause):
    """An event in the cluster's event stream (events.jsonl): kind (required),
    daemon (optional), since (start — the default —, last_fault or step),
    count (how many must match; default at least one), and any event field.

        event: {kind: respawn, daemon: $old, since: last_fault}"""

    subject = "event"

    kind: str
    daemon: DaemonRef | None
    since: str
    count: Matcher
    data: list[tuple[str, Matcher]]

    @classmethod
    def parse(cls, ck: Checker, key: Scalar, node: Node, ctx: ParseContext) -> Clause | None:
        if not isinstance(node, Map):
            ck.expected(node, "event", "a mapping with kind: and optional daemon:, since:, count:")
            return None
        kn = node.get("kind")
        if kn is None:
            ck.error(
                node, "event: missing required key 'kind' (respawn, activating, daemon_crashed …)"
            )
            return None
        kind = ck.string(kn, "event.kind")
        dn = node.get("daemon")
        daemon = parse_daemon(ck, dn, "event.daemon", ctx) if dn is not None else None
        sn = node.get("since")
        since = (
            ck.choice(sn, "event.since", ("start", "last_fault", "step"))
            if sn is not None
            else "start"
        )
        cn = node.get("count")
        count = (
            parse_matcher(ck, cn, "event.count", ctx) if cn is not None else Matcher((("ge", 1),))
        )
        rest = [
            (k, v) for k, v in node.pairs if k.value not in ("kind", "daemon", "since", "count")
        ]
        data = parse_field_checks(ck, Map(node.mark, rest), "event", ctx, {}, ("",)) if rest else []
        if None in (kind, since, count, data) or (dn is not None and daemon is None):
            return None
        assert kind and since and count is not None and data is not None
        return cls(kind, daemon, since, count, data)

    def evaluate(self, snap: Snapshot) -> tuple[bool, str]:
        obs = snap.obs
        t0 = {"start": 0.0, "last_fault": obs.last_fault, "step": snap.step_started}[self.since]
        who = obs.resolve(self.daemon) if self.daemon else None
        n = 0
        for ev in obs.events_since(t0):
            if ev.get("kind") != self.kind or (who and ev.get("daemon") != who):
                continue
            if all(m.test(ev.get(f), obs.variables) for f, m in self.data):
                n += 1
        return self.count.test(
            n, obs.variables
        ), f"{n} {self.kind} event(s){f' from {who}' if who else ''}"

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        who = f" from {self.daemon}" if self.daemon else ""
        extra = "".join(f", {f} {m.describe(variables)}" for f, m in self.data)
        since = "" if self.since == "start" else f" since {self.since.replace('_', ' ')}"
        return f"event {self.kind}{who}{extra}{since} (count {self.count.describe()})"
