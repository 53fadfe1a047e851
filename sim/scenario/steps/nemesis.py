"""The nemesis: random mgr faults from a seed, Ceph's mgr_thrash in small
(and mon faults, Ceph's mon_thrash, see `NemesisRun.inflict_mons`).

Each round (after ``qa/tasks/mgr_thrash.py``): wait until a mgr is available;
draw a fault and a victim; inject it; if the victim was the active, wait for
a *different* available active; keep the victim down for ``revive_delay``;
revive it (restart a killed or stopped one, resume a paused one) and wait
until it is back in the MgrMap; rest ``thrash_delay``; repeat until
``duration`` is spent. Every decision is drawn by `Planner` from one seeded
RNG (four draws per round, whatever the cluster looks like), written to a
fault log (``nemesis-step<N>.jsonl`` in the output dir), and can be replayed
from that log with ``replay:``.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from sim.scenario.errors import StepFailed
from sim.scenario.schema import Checker, ParseContext
from sim.scenario.steps.base import Outcome, Step
from sim.scenario.values import Duration, parse_duration
from sim.scenario.yamlnodes import Map, Node, Seq

if TYPE_CHECKING:
    from sim.scenario.runtime import Runtime

ACTIONS = ("fail", "kill", "stop", "pause", "restart")
TARGETS = ("active", "standby", "any")
MON_FAULTS = ["kill_mon", "stop_mon", "pause_mon"]
FAULTS = [f"{a}_{t}" for a in ACTIONS for t in TARGETS] + MON_FAULTS
REVIVE = {"kill": "restart", "stop": "restart", "pause": "resume"}


def max_killable(n: int) -> int:
    """Ceph's mon_thrash with maintain_quorum: ceil(n/2) - 1 (3 -> 1, 5 -> 2)."""
    return (n + 1) // 2 - 1


@dataclass(frozen=True)
class Decision:
    round: int
    fault: str  # "kill_active", "kill_mon"
    victim: str  # "mgr.x"; for a mon fault every victim: "mon.a,mon.c"
    revive_after: float
    rest_after: float

    @property
    def action(self) -> str:
        return self.fault.partition("_")[0]

    @property
    def victims(self) -> list[str]:
        return self.victim.split(",")


@dataclass
class Planner:
    """Pure: draws decisions from a seed; no I/O, no clock."""

    seed: int
    weights: list[tuple[str, float]]
    revive_delay: tuple[float, float]
    thrash_delay: tuple[float, float]
    rng: random.Random = field(init=False)
    rounds: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def next(
        self, active: str, standbys: list[str], mons: list[str] | None = None
    ) -> Decision | None:
        """The next fault given who is active (``mgr.x`` or ''), the standbys and
        the mons (all of the monmap). A mon fault hits k mons, k drawn in
        1..max_killable(n), as Ceph's mon_thrash does, so a quorum survives."""
        u_fault, u_victim, u_revive, u_rest = (self.rng.random() for _ in range(4))
        pools = {"active": [active] if active else [], "standby": sorted(standbys)}
        pools["any"] = sorted(pools["active"] + pools["standby"])
        pools["mon"] = sorted(mons or []) if max_killable(len(mons or [])) else []
        usable = [(f, w) for f, w in self.weights if pools[f.partition("_")[2]]]
        if not usable:
            return None
        total = sum(w for _, w in usable)
        pick, acc = usable[-1][0], 0.0
        for f, w in usable:
            acc += w / total
            if u_fault < acc:
                pick = f
                break
        pool = pools[pick.partition("_")[2]]
        if pick in MON_FAULTS:
            sub = random.Random(u_victim)  # k and the sample, from this round's one draw
            k = 1 + min(int(sub.random() * max_killable(len(pool))), max_killable(len(pool)) - 1)
            victim = ",".join(sorted(sub.sample(pool, k)))
        else:
            victim = pool[min(int(u_victim * len(pool)), len(pool) - 1)]
        action = pick.partition("_")[0]
        revive = _between(self.revive_delay, u_revive) if action in REVIVE else 0.0
        self.rounds += 1
        return Decision(
            self.rounds,
            pick,
            victim,
            round(revive, 3),
            round(_between(self.thrash_delay, u_rest), 3),
        )


def _between(span: tuple[float, float], u: float) -> float:
    return span[0] + (span[1] - span[0]) * u


def _span(ck: Checker, node: Node, what: str) -> tuple[Duration, Duration] | None:
    if isinstance(node, Seq):
        if len(node.items) != 2:
            ck.expected(node, what, "a duration or [shortest, longest]")
            return None
        lo, hi = parse_duration(ck, node.items[0], what), parse_duration(ck, node.items[1], what)
        return (lo, hi) if lo and hi else None
    d = parse_duration(ck, node, what)
    return (d, d) if d else None


@dataclass
class Nemesis(Step):
    """Random mgr faults for a while, from a seed, as Ceph's mgr_thrash does:
    wait for an available mgr, inject a fault, wait for a new active if the
    active was hit, revive the victim, rest, repeat. Faults are
    ``<action>_<target>`` with action fail (``ceph mgr fail``), kill, stop,
    pause or restart and target active, standby or any; or mon faults
    (kill_mon, stop_mon, pause_mon; 3 mons at least) as Ceph's mon_thrash:
    wait for a full quorum, hit k random mons with k in 1..ceil(n/2)-1, wait
    for the survivors' quorum, revive, wait for a full quorum. A list, or a
    mapping of fault to weight. Keys: duration (required), faults (required), seed
    (default: the cluster's, or --seed), revive_delay, thrash_delay (a
    duration or [min, max]), available_within (how soon a mgr must be
    available again; default 2 * grace + 5s), replay (a fault log to replay).

        - nemesis:
            duration: 20s
            faults: {fail_active: 1, kill_active: 2, kill_standby: 1, pause_active: 1}
            revive_delay: [0.5s, 1.5s]
            thrash_delay: [0.2s, 1s]"""

    keyword = "nemesis"
    expectation: ClassVar[bool] = True
    duration: Duration = field(default_factory=lambda: Duration.of(10))
    weights: list[tuple[str, float]] = field(default_factory=list)
    seed: int | None = None
    revive_delay: tuple[Duration, Duration] = (Duration.of(0.5), Duration.of(1.5))
    thrash_delay: tuple[Duration, Duration] = (Duration.of(0.2), Duration.of(1.0))
    available_within: Duration | None = None
    replay: Path | None = None

    KEYS: ClassVar[tuple[str, ...]] = (
        "seed",
        "revive_delay",
        "thrash_delay",
        "available_within",
        "replay",
    )

    @classmethod
    def parse(cls, ck: Checker, node: Node, ctx: ParseContext) -> Step | None:
        f = ck.fields(node, "nemesis", required=("duration", "faults"), optional=cls.KEYS)
        if f is None:
            return None
        out, ok = cls(), True
        d = parse_duration(ck, f["duration"], "nemesis.duration", minimum=0.1)
        out.duration, ok = d or out.duration, d is not None
        weights = _weights(ck, f["faults"])
        out.weights, ok = weights or [], ok and weights is not None
        if "seed" in f:
            out.seed = ck.integer(f["seed"], "nemesis.seed", minimum=0)
            ok = ok and out.seed is not None
        for key in ("revive_delay", "thrash_delay"):
            if key in f:
                span = _span(ck, f[key], f"nemesis.{key}")
                ok = ok and span is not None
                if span:
                    setattr(out, key, span)
        if "available_within" in f:
            out.available_within = parse_duration(
                ck, f["available_within"], "nemesis.available_within", minimum=0.1
            )
            ok = ok and out.available_within is not None
        if "replay" in f:
            name = ck.string(f["replay"], "nemesis.replay")
            path = (ctx.base_dir / name) if name else None
            if path is not None and not path.is_file():
                ck.error(f["replay"], f"nemesis.replay: no fault log at {path}")
                path = None
            out.replay, ok = path, ok and path is not None
        mgr_faults = [f for f, _ in weights or [] if f not in MON_FAULTS]
        if ctx.cluster.mgrs < 2 and mgr_faults:
            ck.error(node, "nemesis: mgr faults need at least 2 mgrs (cluster.mgrs)")
            ok = False
        if len(mgr_faults) < len(weights or []) and ctx.cluster.mons < 3:
            ck.error(node, "nemesis: mon faults need at least 3 mons (cluster.mons), as in Ceph")
            ok = False
        return out if ok else None

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        faults = ", ".join(f for f, _ in self.weights)
        src = (
            f"replay {self.replay.name}"
            if self.replay
            else f"seed {self.seed if self.seed is not None else 'of the run'}"
        )
        return f"nemesis for {self.duration}: {faults} ({src})"

    def run(self, rt: Runtime) -> Outcome:
        return NemesisRun(self, rt).run()


def _weights(ck: Checker, node: Node) -> list[tuple[str, float]] | None:
    pairs: list[tuple[Node, Node | None]]
    if isinstance(node, Seq):
        pairs = [(n, None) for n in node.items]
    elif isinstance(node, Map):
        pairs = [(k, v) for k, v in node.pairs]
    else:
        ck.expected(
            node,
            "nemesis.faults",
            f"a list or a mapping of faults to weights ({', '.join(FAULTS)})",
        )
        return None
    out, ok = [], True
    for fnode, wnode in pairs:
        name = ck.choice(fnode, "nemesis.faults", FAULTS)
        weight = (
            ck.number(wnode, f"nemesis.faults.{name}", minimum=0.0) if wnode is not None else 1.0
        )
        ok = ok and name is not None and weight is not None
        if name and weight is not None:
            out.append((name, weight))
    if ok and not out:
        ck.error(node, "nemesis.faults: give at least one fault")
        return None
    return out if ok else None


class NemesisRun:
    """One execution of a nemesis step against the running cluster."""

    def __init__(self, spec: Nemesis, rt: Runtime) -> None:
        self.spec, self.rt = spec, rt
        opts = rt.options
        self.seed = spec.seed if spec.seed is not None and rt.seed_override is None else rt.seed
        lo_r, hi_r = (d.seconds(opts) for d in spec.revive_delay)
        lo_t, hi_t = (d.seconds(opts) for d in spec.thrash_delay)
        self.planner = Planner(self.seed, spec.weights, (lo_r, hi_r), (lo_t, hi_t))
        grace = float(opts["mon_mgr_beacon_grace"])
        self.within = (
            spec.available_within.seconds(opts) if spec.available_within else 2 * grace + 5.0
        )
        self.log_path = rt.out_dir / f"nemesis-step{rt.step_index}.jsonl"
        self.replayed = _read_log(spec.replay) if spec.replay else None
        self.counts: dict[str, int] = {}

    def run(self) -> Outcome:
        rt, t0 = self.rt, time.monotonic()
        end = t0 + self.spec.duration.seconds(rt.options)
        rt.timeline.note(
            f"  nemesis seed {self.seed} (replay with --seed {self.seed}); fault log {self.log_path.name}",
            "dim",
        )
        with open(self.log_path, "w") as log:
            log.write(json.dumps({"seed": self.seed, "faults": dict(self.spec.weights)}) + "\n")
            while time.monotonic() < end:
                rt.check()
                self.until(self.available, self.within, "an available active mgr")
                d = self.decide()
                if d is None:
                    if self.replayed is not None:
                        break
                    rt.sleep(0.2)
                    continue
                log.write(json.dumps(asdict(d) | {"t": round(time.monotonic() - t0, 3)}) + "\n")
                log.flush()
                self.inflict(d)
        self.until(self.available, self.within, "an available active mgr after the nemesis")
        total = sum(self.counts.values())
        detail = ", ".join(f"{n} {f}" for f, n in sorted(self.counts.items()))
        return Outcome(
            f"{total} faults in {time.monotonic() - t0:.1f}s (seed {self.seed}): {detail}"
        )

    def decide(self) -> Decision | None:
        if self.replayed is not None:
            return self.replayed.pop(0) if self.replayed else None
        active, standbys = self.rt.mgrmap_brief()
        mons = [f"mon.{m}" for m in self.rt.cfg.daemon_ids("mon")]
        return self.planner.next(
            f"mgr.{active}" if active else "", [f"mgr.{s}" for s in standbys], mons
        )

    def inflict(self, d: Decision) -> None:
        if d.fault in MON_FAULTS:
            self.inflict_mons(d)
            return
        rt = self.rt
        was_active = rt.mgrmap_brief()[0] == d.victim.removeprefix("mgr.")
        revive = f"; back in {d.revive_after:g}s" if d.action in REVIVE else ""
        rt.timeline.note(f"⚡ nemesis #{d.round} {d.fault} → {d.victim}{revive}", "red")
        rt.record("nemesis_fault", round=d.round, fault=d.fault, target=d.victim, seed=self.seed)
        self.counts[d.fault] = self.counts.get(d.fault, 0) + 1
        if d.action == "fail":
            rt.mgr_fail(d.victim)
        else:
            rt.fault(d.action, d.victim)
        if was_active and d.action != "restart":
            self.until(
                lambda: self.new_active(d.victim),
                self.within,
                f"a new active after {d.fault} of {d.victim}",
            )
        if d.action in REVIVE:
            rt.sleep(d.revive_after)
            rt.fault(REVIVE[d.action], d.victim)
        self.until(lambda: self.registered(d.victim), self.within, f"{d.victim} back in the MgrMap")
        rt.sleep(d.rest_after)

    def inflict_mons(self, d: Decision) -> None:
        """Ceph's mon_thrash round: full quorum; kill (stop, pause) k mons; the
        survivors form a quorum of n - k; after the revive delay revive them;
        full quorum again."""
        rt, mons = self.rt, self.rt.cfg.daemon_ids("mon")
        full = {f"mon.{m}" for m in mons}
        self.until(lambda: self.quorum() == full, self.within, f"a full quorum of {len(mons)}")
        rt.timeline.note(
            f"⚡ nemesis #{d.round} {d.fault} → {d.victim}; back in {d.revive_after:g}s", "red"
        )
        rt.record("nemesis_fault", round=d.round, fault=d.fault, target=d.victim, seed=self.seed)
        self.counts[d.fault] = self.counts.get(d.fault, 0) + 1
        for victim in d.victims:
            rt.fault(d.action, victim)
        rest = full - set(d.victims)
        self.until(
            lambda: self.quorum() == rest, self.within, f"a quorum of the {len(rest)} survivors"
        )
        rt.sleep(d.revive_after)
        for victim in d.victims:
            rt.fault(REVIVE[d.action], victim)
        self.until(lambda: self.quorum() == full, self.within, f"a full quorum after {d.fault}")
        rt.sleep(d.rest_after)

    # --- conditions ------------------------------------------------------------------

    def until(self, fn: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not fn():
            self.rt.check()
            if time.monotonic() > deadline:
                raise StepFailed(f"nemesis: no {what} within {timeout:g}s")
            self.rt.sleep(0.05)

    def _stat(self) -> dict[str, Any]:
        from sim.scenario.conditions import Unobservable

        try:
            return dict(self.rt.mon_json("mgr dump", timeout=1.0))
        except Unobservable:
            return {}

    def quorum(self) -> set[str]:
        """The quorum as the first mon in one reports it (mon names), else empty."""
        from sim.scenario.clauses import mon_fields
        from sim.scenario.conditions import Unobservable

        for m in self.rt.cfg.daemon_ids("mon"):
            try:
                view = mon_fields(self.rt.admin(f"mon.{m}", "mon_status", timeout=0.3))
            except Unobservable:
                continue
            if view["state"] in ("leader", "peon"):
                return {f"mon.{q}" for q in view["quorum"]}
        return set()

    def available(self) -> bool:
        return bool(self._stat().get("available"))

    def new_active(self, old: str) -> bool:
        d = self._stat()
        return bool(d.get("available")) and d.get("active_name") not in (
            "",
            old.removeprefix("mgr."),
        )

    def registered(self, victim: str) -> bool:
        d = self._stat()
        names = {d.get("active_name")} | {s.get("name") for s in d.get("standbys", [])}
        return victim.removeprefix("mgr.") in names


def _read_log(path: Path) -> list[Decision]:
    out = []
    for line in path.read_text().splitlines():
        rec = json.loads(line) if line.strip() else {}
        if "fault" in rec:
            out.append(
                Decision(
                    int(rec["round"]),
                    rec["fault"],
                    rec["victim"],
                    float(rec["revive_after"]),
                    float(rec["rest_after"]),
                )
            )
    return out
