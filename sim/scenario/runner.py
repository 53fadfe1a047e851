"""The engine: run one validated scenario against a real cluster.

`run` starts the cluster, runs the steps in order while the invariants are
checked in the background, stops at the first failure, and always undoes the
faults still in force and brings every process down — also on Ctrl-C or an
engine error. It writes the outputs (``events.jsonl`` and ``report.html`` in
the output directory, JUnit XML and the report wherever asked) and returns a
`RunResult` whose ``exit_code`` is 0 pass, 1 an expectation or invariant
failed, 3 the simulator failed, 130 interrupted (2, an invalid file, is the
loader's).
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import signal
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from sim.options import Profile
from sim.scenario import junit, report
from sim.scenario.conditions import Unobservable
from sim.scenario.errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_PASS,
    EXIT_SIMULATOR,
    InvariantViolated,
    SimulatorFailure,
    StepFailed,
)
from sim.scenario.invariants import Monitor
from sim.scenario.model import Scenario
from sim.scenario.results import RunResult, StepRecord
from sim.scenario.runtime import Runtime
from sim.scenario.steps import Step
from sim.scenario.timeline import Timeline


@dataclass
class RunOptions:
    out_dir: Path | None = None
    junit: Path | None = None
    report: Path | None = None
    seed: int | None = None  # overrides the scenario's seeds
    profile: Profile | None = None  # overrides the scenario's profile
    keep: bool = False  # leave the cluster running (healed, resumed) afterwards
    verbosity: int = 1
    color: str = "auto"  # auto | always | never
    stream: TextIO | None = None


def default_out_dir(name: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return Path.cwd() / ".sim" / "scenario-runs" / f"{name}-{stamp}-{random.randrange(1 << 16):04x}"


@contextlib.contextmanager
def shielded() -> Iterator[None]:
    """Ignore Ctrl-C while cleaning up (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def run(scenario: Scenario, opts: RunOptions | None = None) -> RunResult:
    opts = opts or RunOptions()
    cfg = dataclasses.replace(scenario.cluster)
    if opts.profile is not None:
        cfg.profile = opts.profile
    out_dir = (opts.out_dir or default_out_dir(scenario.name)).absolute()
    out_dir.mkdir(parents=True, exist_ok=True)
    seed = (
        opts.seed
        if opts.seed is not None
        else cfg.seed
        if cfg.seed is not None
        else random.randrange(1 << 31)
    )
    tl = Timeline(
        opts.stream, None if opts.color == "auto" else opts.color == "always", opts.verbosity
    )
    rt = Runtime(cfg, out_dir / "cluster", out_dir, tl, seed)
    rt.seed_override = opts.seed
    tl.t0 = rt.started
    records = [
        StepRecord(i, s.keyword, s.title(), str(s.mark), s.expectation)
        for i, s in enumerate(scenario.steps, 1)
    ]
    _header(tl, scenario, rt, out_dir)
    code, failure, monitor = EXIT_PASS, "", Monitor(rt, scenario.invariants)
    try:
        source = str(scenario.path.resolve()) if scenario.path else ""
        rt.record(
            "scenario_start",
            name=scenario.name,
            seed=seed,
            profile=cfg.profile.value,
            source=source,
        )
        if scenario.source:  # what `--replay` runs again if the file is gone
            with contextlib.suppress(OSError):
                (out_dir / "scenario.yaml").write_text(scenario.source)
        rt.start(die_with_parent=not opts.keep)
        active, standbys = rt.mgrmap_brief()
        tl.note(f"cluster up in {time.time() - rt.started:.2f}s: active mgr.{active or '-'}, standbys "
                f"{', '.join(f'mgr.{s}' for s in standbys) or 'none'}", "dim")  # fmt: skip
        monitor.start()
        for step, rec in zip(scenario.steps, records, strict=True):
            run_step(rt, step, rec)
            if rec.status != "passed":
                break
        monitor.stop()
        rt.check()
        failed = next((r for r in records if r.status != "passed"), None)
        if failed is not None:
            code = EXIT_FAILED
            failure = f"step {failed.index} `{failed.text}` ({failed.mark}): {failed.message}"
    except InvariantViolated as exc:
        code, failure = EXIT_FAILED, str(exc)
        tl.failed("!", failure)
    except SimulatorFailure as exc:
        code, failure = EXIT_SIMULATOR, f"simulator failure: {exc}"
        tl.failed("!", failure)
    except KeyboardInterrupt:
        code, failure = EXIT_INTERRUPTED, "interrupted"
        tl.failed("!", "interrupted: stopping every process")
    except Exception as exc:  # an engine bug: still clean up, and say where
        code, failure = EXIT_SIMULATOR, f"engine error: {exc.__class__.__name__}: {exc}"
        tl.failed("!", failure)
        for line in traceback.format_exc().rstrip().splitlines():
            tl.raw("    " + line, "dim")
    finally:
        with shielded():
            monitor.stop()
            for note in rt.close(down=not opts.keep):
                tl.note(note, "dim")
    result = RunResult(scenario, code, records, scenario.invariants, rt.started, time.time(), out_dir, seed,
                       failure, cfg.profile.value, tl.transcript, rt.events.merged(), rt.options)  # fmt: skip
    result.watch = rt.watch_text
    rt.record("scenario_end", exit_code=code, failure=failure)
    result.events = rt.events.merged()
    try:
        write_outputs(result, opts)
    except Exception as exc:  # an engine bug in an output: say so, still report the run
        result.exit_code = result.exit_code or EXIT_SIMULATOR
        result.failure = (
            result.failure or f"could not write the outputs: {exc.__class__.__name__}: {exc}"
        )
    _summary(tl, result, opts)
    return result


def run_step(rt: Runtime, step: Step, rec: StepRecord) -> None:
    rt.step_index = rec.index
    rec.text = step.title(rt.variables)
    rec.start = time.time()
    rt.events.read_new()  # what the cluster said so far comes first
    if step.keyword != "say":
        rt.timeline.step(rec.index, rec.text, step.describe(rt.variables) if step.label else "")
    rt.record(
        "step",
        index=rec.index,
        keyword=step.keyword,
        text=rec.text,
        phase="start",
        expectation=step.expectation,
    )
    try:
        outcome = step.run(rt)
        rt.check()
        rec.status, rec.message, rec.figure = "passed", outcome.message, outcome.figure
        if step.keyword == "say" and not step.label:
            rec.text = f"say: {outcome.message}"
    except StepFailed as exc:
        rec.status, rec.message, rec.figure = "failed", str(exc), exc.figure
    except Unobservable as exc:
        rec.status, rec.message = "failed", str(exc)
    except InvariantViolated as exc:
        rec.status, rec.message = "interrupted", f"interrupted: {exc}"
    rec.end = time.time()
    rt.events.read_new()
    rt.record("step", index=rec.index, keyword=step.keyword, text=rec.text, phase="end", status=rec.status,
              message=rec.message, took=round(rec.took, 3), expectation=step.expectation,
              **({"figure": rec.figure.as_dict()} if rec.figure else {}))  # fmt: skip
    if rec.status == "passed":
        if step.keyword != "say":
            rt.timeline.passed(rec.index, f"{rec.message}" if rec.message else "done")
    elif rec.status == "failed":
        rt.timeline.failed(rec.index, f"{rec.text} — FAILED: {rec.message}")
    if rec.status == "interrupted":
        raise rt.failure or InvariantViolated(rec.message)


def _header(tl: Timeline, sc: Scenario, rt: Runtime, out_dir: Path) -> None:
    o = rt.options
    where = f"{sc.path} · " if sc.path else ""
    facts = (
        f"{where}{rt.cfg.mons} mon, {rt.cfg.mgrs} mgr · profile {rt.cfg.profile.value} "
        f"(beacon grace {o['mon_mgr_beacon_grace']:g}s, tick {o['mgr_tick_period']:g}s) · seed {rt.seed} · out {out_dir}"
    )
    tl.header(sc.name, sc.about, facts)


def _summary(tl: Timeline, r: RunResult, opts: RunOptions) -> None:
    took = r.ended - r.started
    exp = [x for x in r.records if x.expectation]
    ok = sum(1 for x in exp if x.status == "passed")
    invs = ", ".join(i.describe() for i in r.invariants) or "none"
    if r.passed:
        tl.raw(
            f"PASSED {r.scenario.name} in {took:.1f}s — {ok}/{len(exp)} expectations; invariants held: {invs}",
            "green",
            "bold",
        )
    else:
        tl.raw(
            f"FAILED {r.scenario.name} in {took:.1f}s (exit {r.exit_code}) — {r.failure}",
            "red",
            "bold",
        )
    files = ["events.jsonl", "report.html"] + [str(p) for p in (opts.junit, opts.report) if p]
    tl.raw(f"  outputs: {r.out_dir} ({', '.join(files)})", "dim")
    if opts.keep:
        d = r.out_dir / "cluster"
        tl.raw(
            f"  cluster left running: python -m sim status --dir {d}; python -m sim down --dir {d}",
            "yellow",
        )


def write_outputs(r: RunResult, opts: RunOptions) -> None:
    with contextlib.suppress(OSError):
        (r.out_dir / "events.jsonl").write_text("".join(_json_line(e) for e in r.events))
    html = report.render(r)
    (r.out_dir / "report.html").write_text(html)
    if opts.report:
        opts.report.parent.mkdir(parents=True, exist_ok=True)
        opts.report.write_text(html)
    if opts.junit:
        opts.junit.parent.mkdir(parents=True, exist_ok=True)
        junit.write(r, opts.junit)


def _json_line(ev: dict[str, Any]) -> str:
    import json

    return json.dumps(ev, default=str) + "\n"
