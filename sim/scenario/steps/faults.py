"""Fault steps: kill, stop, pause, resume, restart, partition, heal, delay.

Process faults go through the supervisor (which records them in the event
stream); partitions through the daemons' own ``partition``/``heal`` admin
commands. The runtime remembers what is still in force, so a scenario that
fails half-way never leaves a daemon frozen or cut off.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from sim.scenario.conditions import Unobservable
from sim.scenario.errors import SimulatorFailure, StepFailed
from sim.scenario.schema import Checker, ParseContext
from sim.scenario.steps.base import Outcome, Step
from sim.scenario.values import DaemonRef, Duration, parse_daemon, parse_duration
from sim.scenario.yamlnodes import Map, Node, Scalar, Seq

if TYPE_CHECKING:
    from sim.scenario.runtime import Runtime


def shown(ref: DaemonRef, variables: Mapping[str, str] | None) -> str:
    if ref.var and variables and ref.var in variables:
        return f"{ref} ({variables[ref.var]})"
    return str(ref)


def resolve(rt: Runtime, ref: DaemonRef, what: str) -> str:
    try:
        return rt.resolve(ref)
    except Unobservable as exc:
        raise StepFailed(f"{what}: cannot pick {ref}: {exc}") from None


@dataclass
class ProcessFault(Step):
    """Base for the faults that act on one process through the supervisor."""

    action: ClassVar[str] = ""
    binds: ClassVar[bool] = True
    daemon: DaemonRef = DaemonRef("mgr.active", "mgr", role="active")

    @classmethod
    def parse(cls, ck: Checker, node: Node, ctx: ParseContext) -> Step | None:
        if isinstance(node, Map):
            f = ck.fields(node, cls.keyword, required=("daemon",))
            if f is None:
                return None
            node = f["daemon"]
        ref = parse_daemon(ck, node, cls.keyword, ctx)
        return cls(daemon=ref) if ref else None

    def daemon_type(self) -> str:
        return self.daemon.type

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        return f"{self.keyword} {shown(self.daemon, variables)}"

    def run(self, rt: Runtime) -> Outcome:
        name = resolve(rt, self.daemon, self.keyword)
        r = rt.fault(self.action or self.keyword, name)
        if self.bind:
            rt.variables[self.bind] = name
        bound = f", ${self.bind} = {name}" if self.bind else ""
        return Outcome(f"{name} (pid {r.get('pid')}){bound}")


class Kill(ProcessFault):
    """SIGKILL a daemon (kill -9): it dies at once, without a word to anyone.
    Its TCP connections reset, so peers notice in milliseconds; the mon learns
    that a mgr is gone only from missing beacons (mon_mgr_beacon_grace).

        - kill: mgr.active
          as: old"""

    keyword = "kill"


class Stop(ProcessFault):
    """Stop a daemon gracefully (SIGTERM, SIGKILL after a bounded wait). Like
    Ceph, a stopping mgr tells the mon nothing: failover still waits for the grace.

        - stop: mgr.x"""

    keyword = "stop"


class Pause(ProcessFault):
    """Freeze a daemon (SIGSTOP). Its sockets stay open but it answers nothing:
    peers notice only through missed beacons and heartbeats. `resume` thaws it.

        - pause: mgr.active
          as: frozen"""

    keyword = "pause"


class Resume(ProcessFault):
    """Thaw a paused daemon (SIGCONT). A mgr that was active and stalled past
    its own limit stops claiming active until the mon confirms it (fencing).

        - resume: $frozen"""

    keyword = "resume"


class Restart(ProcessFault):
    """Start a daemon again (stopping it first if it runs). A restarted mon
    keeps its address and its store; a restarted mgr comes back with a new gid.
    The step ends once the new process listens (at most 10 s), so the timeout
    of the next wait_for, and quorum_within, count from there.

        - restart: mon.a"""

    keyword = "restart"


def _side(ck: Checker, node: Node, what: str, ctx: ParseContext) -> list[DaemonRef] | None:
    items = node.items if isinstance(node, Seq) else [node]
    refs = [parse_daemon(ck, i, what, ctx) for i in items]
    return None if any(r is None for r in refs) or not refs else [r for r in refs if r]


def _sides(
    ck: Checker, node: Node, what: str, ctx: ParseContext
) -> tuple[list[DaemonRef], list[DaemonRef]] | None:
    if not isinstance(node, Seq) or len(node.items) != 2:
        ck.expected(node, what, "two sides, e.g. [mgr.active, mon.a] or [[mgr.x, mgr.y], mon.a]")
        return None
    a, b = _side(ck, node.items[0], what, ctx), _side(ck, node.items[1], what, ctx)
    return (a, b) if a and b else None


def _names(rt: Runtime, refs: list[DaemonRef], what: str) -> list[str]:
    return [resolve(rt, r, what) for r in refs]


def _show_side(refs: list[DaemonRef], variables: Mapping[str, str] | None) -> str:
    parts = [shown(r, variables) for r in refs]
    return parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"


@dataclass
class Partition(Step):
    """Cut the network between two sides (each a daemon or a list of
    daemons): every daemon of one side drops all traffic from the other.
    ``one_way: true`` cuts only what the first side hears from the second.

        - partition: [mgr.active, mon.a]
        - partition: {between: [[mgr.x, mgr.y], mon.a], one_way: true}"""

    keyword = "partition"

    side_a: list[DaemonRef] | None = None
    side_b: list[DaemonRef] | None = None
    one_way: bool = False

    @classmethod
    def parse(cls, ck: Checker, node: Node, ctx: ParseContext) -> Step | None:
        one_way: bool | None = False
        if isinstance(node, Map):
            f = ck.fields(node, "partition", required=("between",), optional=("one_way",))
            if f is None:
                return None
            node = f["between"]
            one_way = ck.boolean(f["one_way"], "partition.one_way") if "one_way" in f else False
        sides = _sides(ck, node, "partition", ctx)
        return (
            cls(side_a=sides[0], side_b=sides[1], one_way=one_way)
            if sides and one_way is not None
            else None
        )

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        assert self.side_a and self.side_b
        arrow = "↛" if self.one_way else "⇹"
        return f"partition {_show_side(self.side_a, variables)} {arrow} {_show_side(self.side_b, variables)}"

    def run(self, rt: Runtime) -> Outcome:
        assert self.side_a and self.side_b
        a, b = _names(rt, self.side_a, "partition"), _names(rt, self.side_b, "partition")
        rt.partition(a, b, self.one_way)
        return Outcome(
            f"{', '.join(a)} {'no longer hear' if self.one_way else 'cut off from'} {', '.join(b)}"
        )


@dataclass
class Heal(Step):
    """Undo partitions: ``all`` (every partition a step made), or between
    two sides.

        - heal: all
        - heal: [mgr.x, mon.a]"""

    keyword = "heal"

    side_a: list[DaemonRef] | None = None
    side_b: list[DaemonRef] | None = None

    @classmethod
    def parse(cls, ck: Checker, node: Node, ctx: ParseContext) -> Step | None:
        if isinstance(node, Scalar) and node.value in ("all", None):
            return cls()
        if isinstance(node, Map):
            f = ck.fields(node, "heal", required=("between",))
            if f is None:
                return None
            node = f["between"]
        elif not isinstance(node, Seq):
            ck.expected(node, "heal", "all, or two sides such as [mgr.x, mon.a]")
            return None
        sides = _sides(ck, node, "heal", ctx)
        return cls(side_a=sides[0], side_b=sides[1]) if sides else None

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        if not (self.side_a and self.side_b):
            return "heal all partitions"
        return f"heal {_show_side(self.side_a, variables)} ⇹ {_show_side(self.side_b, variables)}"

    def run(self, rt: Runtime) -> Outcome:
        if not (self.side_a and self.side_b):
            healed = rt.heal()
        else:
            healed = rt.heal(_names(rt, self.side_a, "heal"), _names(rt, self.side_b, "heal"))
        return Outcome(f"healed {', '.join(healed) or 'nothing'}")


@dataclass
class Delay(Step):
    """Slow a daemon down: freeze it (SIGSTOP) for a while, then let it go on
    (SIGCONT) — a long GC pause, a stalled disk, a starved VM. The scenario
    goes on meanwhile unless ``wait: true``. The network form, ``between`` two
    sides with a ``latency``, is a `link` with only a latency.

        - delay: {daemon: mgr.active, for: 2s}
        - delay: {between: [mgr.x, mon.a], latency: 200ms}"""

    keyword = "delay"
    binds: ClassVar[bool] = True
    daemon: DaemonRef | None = None
    duration: Duration | None = None
    wait: bool = False
    side_a: list[DaemonRef] | None = None
    side_b: list[DaemonRef] | None = None

    @classmethod
    def parse(cls, ck: Checker, node: Node, ctx: ParseContext) -> Step | None:
        if isinstance(node, Map) and node.get("between") is not None:
            f = ck.fields(node, "delay", required=("between", "latency"))
            if f is None:
                return None
            sides = _sides(ck, f["between"], "delay", ctx)
            lat = parse_duration(ck, f["latency"], "delay.latency")
            return cls(side_a=sides[0], side_b=sides[1], duration=lat) if sides and lat else None
        f = ck.fields(node, "delay", required=("daemon", "for"), optional=("wait",))
        if f is None:
            return None
        ref = parse_daemon(ck, f["daemon"], "delay.daemon", ctx)
        d = parse_duration(ck, f["for"], "delay.for", minimum=0.001)
        wait = ck.boolean(f["wait"], "delay.wait") if "wait" in f else False
        return (
            cls(daemon=ref, duration=d, wait=bool(wait)) if ref and d and wait is not None else None
        )

    def daemon_type(self) -> str:
        return self.daemon.type if self.daemon else "mgr"

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        if self.daemon is None:
            assert self.side_a and self.side_b
            return f"delay {_show_side(self.side_a, variables)} ⇹ {_show_side(self.side_b, variables)} by {self.duration}"
        return f"delay {shown(self.daemon, variables)} for {self.duration}"

    def run(self, rt: Runtime) -> Outcome:
        assert self.duration is not None
        seconds = self.duration.seconds(rt.options)
        if self.daemon is None:
            return self._network(rt, seconds)
        name = resolve(rt, self.daemon, "delay")
        rt.fault("pause", name)
        if self.bind:
            rt.variables[self.bind] = name
        if self.wait:
            rt.sleep(seconds)
            rt.fault("resume", name)
            return Outcome(f"{name} frozen for {seconds:g}s")
        rt.later(seconds, lambda: rt.fault("resume", name))
        return Outcome(f"{name} frozen; it goes on in {seconds:g}s")

    def _network(self, rt: Runtime, seconds: float) -> Outcome:
        assert self.side_a and self.side_b
        a, b = _names(rt, self.side_a, "delay"), _names(rt, self.side_b, "delay")
        for daemon, peers in [(x, b) for x in a] + [(y, a) for y in b]:
            try:
                rt.admin(daemon, "delay", timeout=2.0, peers=peers, seconds=seconds)
            except Unobservable as exc:
                raise SimulatorFailure(
                    f"delay: {daemon} cannot delay messages ({exc}); needs its `delay` admin command"
                ) from None
        rt.record("fault", action="delay", target=a, peers=b, seconds=seconds)
        return Outcome(f"{', '.join(a)} ⇹ {', '.join(b)} delayed by {seconds:g}s")
