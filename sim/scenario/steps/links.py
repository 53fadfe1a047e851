"""The `link` step: Maelstrom-style link faults between two sides.

Each daemon of one side delays, drops or duplicates what it sends to the
other (both ways unless ``one_way``), through the daemons' ``link`` admin
command (`sim.links`). Random choices are seeded by the scenario's seed.
``heal`` (all, or between the same sides) removes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.links import LinkError, parse_ratio
from sim.scenario.errors import SimulatorFailure
from sim.scenario.schema import Checker, ParseContext
from sim.scenario.steps.base import Outcome, Step
from sim.scenario.steps.faults import _names, _show_side, _sides
from sim.scenario.values import DaemonRef, Duration, parse_duration
from sim.scenario.yamlnodes import Node, Scalar

if TYPE_CHECKING:
    from sim.scenario.runtime import Runtime


def _ratio(ck: Checker, node: Node, what: str) -> float | None:
    if isinstance(node, Scalar) and not isinstance(node.value, bool):
        try:
            v = parse_ratio(str(node.value))
        except LinkError as exc:
            ck.error(node, f"{what}: {exc}")
            return None
        if 0 <= v <= 1:
            return v
        ck.error(node, f"{what}: a probability between 0 and 1 (or 0% and 100%), got {node.value}")
        return None
    ck.expected(node, what, "a probability such as 10% or 0.1")
    return None


def parse_network(ck: Checker, node: Node, options: Mapping[str, Any]) -> dict[str, float]:
    """``cluster.network: {latency: 5ms, jitter: 2ms, loss: 1%, duplicate: 0.1%}``:
    the fault of every link between two daemons for the whole run (`sim.links`),
    as ``LinkFault`` fields (seconds, probabilities)."""
    f = ck.fields(node, "cluster.network", optional=("latency", "jitter", "loss", "duplicate"))
    if f is None:
        return {}
    errors_before = len(ck.errors)
    out: dict[str, float] = {}
    for key in ("latency", "jitter"):
        if key in f:
            d = parse_duration(ck, f[key], f"cluster.network.{key}")
            if d is not None:
                out[key] = d.seconds(options)
    for key in ("loss", "duplicate"):
        if key in f:
            v = _ratio(ck, f[key], f"cluster.network.{key}")
            if v is not None:
                out[key] = v
    if not any(out.values()) and len(ck.errors) == errors_before:
        ck.error(node, "cluster.network: give at least one of latency, jitter, loss, duplicate")
    return {k: v for k, v in out.items() if v}


@dataclass
class Link(Step):
    """Delay, drop or duplicate messages between two sides (each a daemon or a
    list of daemons): a one-way ``latency`` plus up to ``jitter`` more, a
    ``loss`` and a ``duplicate`` probability; ``one_way: true`` only for what the
    first side sends. Messages on a link never overtake each other (TCP).

        - link: {between: [mgr.active, mon.a], latency: 200ms, jitter: 50ms, loss: 10%}
        - link: {between: [[mgr.x, mgr.y], mon.a], duplicate: 5%, one_way: true}"""

    keyword = "link"
    side_a: list[DaemonRef] | None = None
    side_b: list[DaemonRef] | None = None
    latency: Duration | None = None
    jitter: Duration | None = None
    loss: float = 0.0
    duplicate: float = 0.0
    one_way: bool = False

    @classmethod
    def parse(cls, ck: Checker, node: Node, ctx: ParseContext) -> Step | None:
        f = ck.fields(
            node, "link", required=("between",),
            optional=("latency", "jitter", "loss", "duplicate", "one_way"),
        )  # fmt: skip
        if f is None:
            return None
        sides = _sides(ck, f["between"], "link", ctx)
        lat = parse_duration(ck, f["latency"], "link.latency") if "latency" in f else None
        jit = parse_duration(ck, f["jitter"], "link.jitter") if "jitter" in f else None
        loss = _ratio(ck, f["loss"], "link.loss") if "loss" in f else 0.0
        dup = _ratio(ck, f["duplicate"], "link.duplicate") if "duplicate" in f else 0.0
        one_way = ck.boolean(f["one_way"], "link.one_way") if "one_way" in f else False
        bad = (
            sides is None
            or loss is None
            or dup is None
            or one_way is None
            or ("latency" in f and lat is None)
            or ("jitter" in f and jit is None)
        )
        if bad or sides is None:
            return None
        if not (lat or jit or loss or dup):
            ck.error(node, "link: give at least one of latency, jitter, loss, duplicate")
            return None
        return cls(
            side_a=sides[0], side_b=sides[1], latency=lat, jitter=jit,
            loss=float(loss or 0), duplicate=float(dup or 0), one_way=bool(one_way),
        )  # fmt: skip

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        assert self.side_a and self.side_b
        what = [f"latency {self.latency}" if self.latency else "",
                f"jitter {self.jitter}" if self.jitter else "",
                f"loss {self.loss:.0%}" if self.loss else "",
                f"duplicate {self.duplicate:.0%}" if self.duplicate else ""]  # fmt: skip
        arrow = "→" if self.one_way else "⇹"
        sides = f"{_show_side(self.side_a, variables)} {arrow} {_show_side(self.side_b, variables)}"
        return f"link {sides}: {', '.join(w for w in what if w)}"

    def fault(self, rt: Runtime) -> dict[str, Any]:
        out: dict[str, Any] = {"loss": self.loss, "duplicate": self.duplicate}
        if self.latency:
            out["latency"] = self.latency.seconds(rt.options)
        if self.jitter:
            out["jitter"] = self.jitter.seconds(rt.options)
        return {k: v for k, v in out.items() if v}

    def run(self, rt: Runtime) -> Outcome:
        assert self.side_a and self.side_b
        a, b = _names(rt, self.side_a, "link"), _names(rt, self.side_b, "link")
        fault = self.fault(rt)
        pairs = [(x, b) for x in a] + ([] if self.one_way else [(y, a) for y in b])
        for daemon, to in pairs:
            peers = [p for p in to if p != daemon]
            if not peers:
                continue
            try:
                rt.admin(daemon, "link", timeout=2.0, peers=peers, seed=rt.seed, **fault)
            except Exception as exc:
                raise SimulatorFailure(f"link: {daemon} did not take it ({exc})") from None
            rt.blocked.setdefault(daemon, set()).update(peers)  # `heal: all` undoes it
        rt.record("fault", action="link", target=a, peers=b, one_way=self.one_way, **fault)
        shown = ", ".join(f"{k} {v:g}" for k, v in fault.items())
        return Outcome(f"{', '.join(a)} {'→' if self.one_way else '⇹'} {', '.join(b)}: {shown}")
