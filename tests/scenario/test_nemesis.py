"""The nemesis planner is a pure function of its seed and what it is shown:
the same seed gives the same faults, weights are honoured, and a fault log
replays. No processes."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from sim.scenario import loader
from sim.scenario.steps.nemesis import Decision, Nemesis, Planner, _read_log

WEIGHTS = [("fail_active", 1.0), ("kill_active", 2.0), ("kill_standby", 1.0), ("pause_active", 1.0)]


def plan(seed: int, rounds: int = 30) -> list[Decision | None]:
    p = Planner(seed, WEIGHTS, (0.5, 1.5), (0.2, 1.0))
    return [p.next("mgr.x", ["mgr.y", "mgr.z"]) for _ in range(rounds)]


def test_same_seed_same_faults() -> None:
    assert plan(7) == plan(7)
    assert plan(7) != plan(8)


def test_weights_and_delays() -> None:
    decisions = [d for d in plan(1, 2000) if d]
    counts = Counter(d.fault for d in decisions)
    assert 0.33 < counts["kill_active"] / len(decisions) < 0.47  # weight 2 of 5
    assert all(0.5 <= d.revive_after <= 1.5 for d in decisions if d.action in ("kill", "pause"))
    assert all(d.revive_after == 0 for d in decisions if d.action == "fail")
    assert all(d.victim == "mgr.x" for d in decisions if d.fault.endswith("_active"))
    assert {d.victim for d in decisions if d.fault == "kill_standby"} == {"mgr.y", "mgr.z"}


def test_no_candidate_no_fault_and_the_sequence_stays_in_step() -> None:
    a = Planner(3, [("kill_standby", 1.0)], (1, 1), (1, 1))
    b = Planner(3, [("kill_standby", 1.0)], (1, 1), (1, 1))
    assert a.next("mgr.x", []) is None
    b.next("mgr.x", ["mgr.y"])  # four draws either way
    assert a.next("mgr.x", ["mgr.y", "mgr.z"]) == Decision(
        1, "kill_standby", b.next("mgr.x", ["mgr.y", "mgr.z"]).victim, 1.0, 1.0
    )  # type: ignore[union-attr]


def test_fault_log_replays(tmp_path: Path) -> None:
    log = tmp_path / "faults.jsonl"
    decisions = [d for d in plan(5, 6) if d]
    log.write_text(
        json.dumps({"seed": 5})
        + "\n"
        + "".join(json.dumps(asdict(d) | {"t": 0.1}) + "\n" for d in decisions)
    )
    assert _read_log(log) == decisions
    text = f"about: r\ncluster: {{mgrs: 2}}\nsteps:\n  - nemesis: {{duration: 1s, faults: [kill_active], replay: {log.name}}}\n"
    sc = loader.load_text(text, str(tmp_path / "r.yaml"), tmp_path)
    step = sc.steps[0]
    assert isinstance(step, Nemesis) and step.replay == log


def test_mon_faults_hit_at_most_a_minority_and_replay() -> None:
    from sim.scenario.steps.nemesis import max_killable

    assert [max_killable(n) for n in (1, 2, 3, 4, 5, 9)] == [0, 0, 1, 1, 2, 4]
    weights = [("kill_mon", 1.0), ("pause_mon", 1.0), ("stop_mon", 1.0)]
    for n in (3, 5, 9):
        mons = [f"mon.{c}" for c in "abcdefghi"[:n]]
        p, q = (Planner(4, weights, (0.5, 1.0), (0.1, 0.2)) for _ in range(2))
        ds = [p.next("mgr.x", ["mgr.y"], mons) for _ in range(300)]
        assert ds == [q.next("mgr.x", ["mgr.y"], mons) for _ in range(300)]
        sizes = Counter(len(d.victims) for d in ds if d)
        assert set(sizes) == set(range(1, max_killable(n) + 1))  # every k in 1..max occurs
        assert all(
            set(d.victims) <= set(mons) and len(set(d.victims)) == len(d.victims) for d in ds if d
        )
        assert all(0.5 <= d.revive_after <= 1.0 for d in ds if d)
    # too few mons for a quorum to survive a fault: no mon fault is drawn
    assert Planner(1, weights, (1, 1), (1, 1)).next("mgr.x", [], ["mon.a", "mon.b"]) is None
    # mixed with mgr faults, without mons only mgr faults come out
    mixed = Planner(2, [("kill_mon", 1.0), ("kill_active", 1.0)], (1, 1), (1, 1))
    assert {mixed.next("mgr.x", []).fault for _ in range(50)} == {"kill_active"}  # type: ignore[union-attr]


def test_mon_faults_need_three_mons(tmp_path: Path) -> None:
    import pytest

    from sim.scenario.errors import InvalidScenario

    text = "about: m\ncluster: {mons: 2, mgrs: 1}\nsteps:\n  - nemesis: {duration: 1s, faults: [kill_mon]}\n"
    with pytest.raises(InvalidScenario, match="at least 3 mons"):
        loader.load_text(text, str(tmp_path / "m.yaml"), tmp_path)
    ok = text.replace("mons: 2", "mons: 3")
    assert isinstance(loader.load_text(ok, str(tmp_path / "m.yaml"), tmp_path).steps[0], Nemesis)
