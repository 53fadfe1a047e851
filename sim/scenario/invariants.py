"""Invariants: what must hold all the time, checked while the steps run.

One class per invariant, listed in `INVARIANTS`; its docstring is its help
(``--help-invariants``). In YAML, a name, or a one-key mapping with the
invariant's parameter::

    invariants:
      - single_active_mgr
      - no_unexpected_crash
      - quorum_within: 10s

`Monitor` runs the sampled ones on one thread and feeds events to the
event-driven ones; the first violation stops the scenario (exit 1).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from sim.scenario.schema import Checker, ParseContext, suggest
from sim.scenario.values import Duration, parse_daemon, parse_duration
from sim.scenario.yamlnodes import Map, Node, Scalar

if TYPE_CHECKING:
    from sim.scenario.runtime import Runtime


@dataclass
class Invariant:
    name: ClassVar[str] = ""
    sampled: ClassVar[bool] = False  # checked by `sample` on the monitor thread
    violations: list[str] = field(default_factory=list, init=False)

    @classmethod
    def parse(
        cls, ck: Checker, node: Node | None, ctx: ParseContext, where: Node
    ) -> Invariant | None:
        """``node`` is the parameter (None for a bare name); ``where`` names it."""
        if node is not None and not (isinstance(node, Scalar) and node.value is None):
            ck.error(node, f"invariant {cls.name} takes no parameter")
            return None
        return cls()

    def describe(self) -> str:
        return self.name

    def start(self, rt: Runtime) -> None:
        """Called once the cluster is up, before the first step."""

    def sample(self, rt: Runtime) -> None:
        """Sampled invariants: one observation (call `violated` on a breach)."""

    def on_event(self, rt: Runtime, ev: dict[str, Any]) -> None:
        """Every event of the cluster's stream, as it arrives."""

    def violated(self, rt: Runtime, message: str) -> None:
        self.violations.append(message)
        rt.violation(self.name, message)


def parse_invariant(ck: Checker, node: Node, ctx: ParseContext) -> Invariant | None:
    param: Node | None = None
    if isinstance(node, Map) and len(node.pairs) == 1:
        key, param = node.pairs[0]
        where: Node = key
        name = str(key.value)
    elif isinstance(node, Scalar) and isinstance(node.value, str):
        where, name = node, node.value
    else:
        ck.expected(node, "invariant", f"a name or {{name: parameter}} ({', '.join(INVARIANTS)})")
        return None
    cls = INVARIANTS.get(name)
    if cls is None:
        ck.error(
            where,
            f"unknown invariant {name!r}{suggest(name, INVARIANTS)}; known: {', '.join(INVARIANTS)}",
        )
        return None
    return cls.parse(ck, param, ctx, where)


@dataclass
class SingleActiveMgr(Invariant):
    """Never two mgrs acting as active. Every mgr's own claim (admin
    ``status().active``) is sampled, all at once, many times a second; an
    unreachable mgr (dead, frozen) counts as not acting. Two claims based on
    the same MgrMap epoch are a violation at once. Claims based on different
    epochs are watched for up to half a second: that can be the moment a new
    map takes to reach both mgrs, while a split brain outlasts it."""

    name = "single_active_mgr"

    sampled: ClassVar[bool] = True
    SETTLE: ClassVar[float] = 0.5
    rounds: int = 0

    def sample(self, rt: Runtime) -> None:
        mgrs = [f"mgr.{m}" for m in rt.cfg.daemon_ids("mgr")]
        claims = self._claims(rt, mgrs)
        self.rounds += 1
        deadline = time.monotonic() + self.SETTLE
        while len(claims) > 1 and len({st.get("mgrmap_epoch") for st in claims.values()}) > 1:
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
            claims = self._claims(rt, list(claims))
        if len(claims) < 2:
            return
        detail = ", ".join(
            f"{n} (gid {st.get('gid')}, MgrMap e{st.get('mgrmap_epoch')})"
            for n, st in claims.items()
        )
        self.violated(rt, f"{len(claims)} mgrs act as active at once: {detail}")

    @staticmethod
    def _claims(rt: Runtime, mgrs: list[str]) -> dict[str, dict[str, Any]]:
        assert rt.probe is not None
        answers = rt.probe.admin_many(mgrs, {"prefix": "status"}, timeout=0.25)
        return {n: st for n, st in answers.items() if isinstance(st, dict) and st.get("active")}


@dataclass
class NoUnexpectedCrash(Invariant):
    """No daemon exits unless a step made it (kill, stop, restart): the
    supervisor records any other exit as ``daemon_crashed``. A parameter
    lists daemons allowed to crash: ``no_unexpected_crash: [mgr.x]``."""

    name = "no_unexpected_crash"

    allowed: list[str] = field(default_factory=list)

    @classmethod
    def parse(
        cls, ck: Checker, node: Node | None, ctx: ParseContext, where: Node
    ) -> Invariant | None:
        if node is None or (isinstance(node, Scalar) and node.value is None):
            return cls()
        refs = ck.each(
            node,
            "no_unexpected_crash",
            lambda n: parse_daemon(ck, n, "no_unexpected_crash", ctx, roles=False),
            allow_single=True,
        )
        return cls(allowed=[r.concrete for r in refs]) if refs is not None else None

    def on_event(self, rt: Runtime, ev: dict[str, Any]) -> None:
        if ev.get("kind") == "daemon_crashed" and ev.get("daemon") not in self.allowed:
            self.violated(
                rt,
                f"{ev.get('daemon')} crashed ({ev.get('how')}, exit {ev.get('returncode')}); see its log in {rt.run_dir / 'log'}",
            )


@dataclass
class QuorumWithin(Invariant):
    """The mons are back in quorum within the given time after every fault,
    whenever enough of them are up to form one: the clock starts at a loss of
    quorum, or at the last step that touched a mon, whichever is later. While
    steps hold a majority of mons down (killed, stopped or paused) nothing is
    required. Read from each mon's admin ``mon_status``.

        - quorum_within: 10s"""

    name = "quorum_within"

    sampled: ClassVar[bool] = True
    within: Duration = field(default_factory=lambda: Duration.of(10))
    lost_since: float | None = None
    reported: bool = False

    @classmethod
    def parse(
        cls, ck: Checker, node: Node | None, ctx: ParseContext, where: Node
    ) -> Invariant | None:
        if node is None:
            ck.error(where, "invariant quorum_within needs a duration: `- quorum_within: 10s`")
            return None
        d = parse_duration(ck, node, "quorum_within", minimum=0.1)
        return cls(within=d) if d else None

    def describe(self) -> str:
        return f"quorum_within {self.within}"

    def sample(self, rt: Runtime) -> None:
        mons = rt.cfg.daemon_ids("mon")
        majority = len(mons) // 2 + 1
        held = sum(1 for m in mons if f"mon.{m}" in rt.held)
        now = time.time()
        if len(mons) - held < majority:
            self.lost_since, self.reported = None, False
            return
        assert rt.probe is not None
        answers = rt.probe.admin_many(
            [f"mon.{m}" for m in mons], {"prefix": "mon_status"}, timeout=0.3
        )
        sizes = [
            len(a.get("quorum", []))
            for a in answers.values()
            if isinstance(a, dict) and a.get("state") in ("leader", "peon")
        ]
        if sizes and max(sizes) >= majority:
            self.lost_since, self.reported = None, False
            return
        if self.lost_since is None:
            self.lost_since = now
        since = max(self.lost_since, rt.last_mon_change)
        limit = self.within.seconds(rt.options)
        if now - since > limit and not self.reported:
            self.reported = True
            self.violated(
                rt,
                f"no quorum for {now - since:.1f}s (limit {limit:g}s) with {len(mons) - held} of {len(mons)} mons up",
            )


# Every invariant, by name, in the order help lists them.
INVARIANTS: dict[str, type[Invariant]] = {
    cls.name: cls for cls in (SingleActiveMgr, NoUnexpectedCrash, QuorumWithin)
}


class Monitor:
    """Runs the invariants while the steps run."""

    def __init__(self, rt: Runtime, invariants: list[Invariant], interval: float = 0.05) -> None:
        self.rt = rt
        self.invariants = invariants
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._live = False

    def start(self) -> None:
        for inv in self.invariants:
            inv.start(self.rt)
        self._live = True
        self.rt.events.subscribe(self._on_event)
        if any(i.sampled for i in self.invariants):
            self._thread = threading.Thread(target=self._loop, name="invariants", daemon=True)
            self._thread.start()

    def _on_event(self, ev: dict[str, Any]) -> None:
        if not self._live:
            return
        for inv in self.invariants:
            inv.on_event(self.rt, ev)

    def _loop(self) -> None:
        while not self._stop.is_set():
            for inv in self.invariants:
                if inv.sampled and not self._stop.is_set():
                    try:
                        inv.sample(self.rt)
                    except Exception as exc:  # an observation failed: try again next round
                        self.rt.record(
                            "invariant_error",
                            name=inv.name,
                            error=f"{exc.__class__.__name__}: {exc}",
                        )
            self._stop.wait(self.interval)

    def stop(self) -> None:
        """Stop sampling; events already in the stream are still judged."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5.0)
        self.rt.events.read_new()
        self._live = False
