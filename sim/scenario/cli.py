"""`python -m sim scenario …`: run, check and list scenarios.

    scenario NAME|FILE [--out DIR] [--junit FILE] [--report FILE] [--seed N]
                       [--profile fast|ceph] [--keep] [-v|-q] [--color auto|always|never]
                       [--repeat N]
    scenario --replay RUNDIR [--out DIR]
    scenario --list
    scenario --check FILE…
    scenario --help-steps [STEP] | --help-conditions | --help-invariants

NAME is looked up in $SIM_SCENARIOS, ./scenarios and the repository's
scenarios/ (as NAME, NAME.yaml or NAME.yml). Exit codes: 0 passed, 1 an
expectation or invariant failed, 2 the scenario is invalid, 3 the simulator
failed, 130 interrupted.
"""

from __future__ import annotations

import argparse
import inspect
import signal
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from sim.scenario.errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_PASS,
    InvalidScenario,
)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m sim scenario",
        description="Run a scenario: start a cluster, inject faults, check what is observed.",
        epilog="exit codes: 0 passed, 1 an expectation or invariant failed, 2 invalid scenario, "
        "3 simulator failure, 130 interrupted",
    )
    p.add_argument("scenario", nargs="*", help="a scenario file or a name from the library")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--list", action="store_true", help="list the scenario library")
    what.add_argument("--check", action="store_true", help="only validate the given files")
    what.add_argument(
        "--help-steps", action="store_true", help="describe every step (or the named ones)"
    )
    what.add_argument(
        "--help-conditions", action="store_true", help="describe what wait_for/expect can check"
    )
    what.add_argument("--help-invariants", action="store_true", help="describe the invariants")
    what.add_argument("--replay", type=Path, metavar="RUNDIR",
                      help="run a recorded run again (same scenario, seed, profile) and compare")  # fmt: skip
    p.add_argument("--repeat", type=int, metavar="N",
                   help="run the scenario N times; print the pass rate and the first failing seed")  # fmt: skip
    p.add_argument("--out", type=Path, help="output directory (default .sim/scenario-runs/NAME-…)")
    p.add_argument("--junit", type=Path, help="write JUnit XML here")
    p.add_argument(
        "--report", type=Path, help="write the HTML report here (also written to the output dir)"
    )
    p.add_argument("--seed", type=int, help="seed for the nemesis (overrides the scenario's)")
    p.add_argument(
        "--profile", choices=["fast", "ceph"], help="timing profile (overrides the scenario's)"
    )
    p.add_argument("--keep", action="store_true", help="leave the cluster running afterwards")
    p.add_argument("-v", "--verbose", action="count", default=0, help="show every cluster event")
    p.add_argument("-q", "--quiet", action="store_true", help="only steps and the result")
    p.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    return p


def main(argv: list[str] | None = None, stdout: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    args = parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.help_steps:
        return _help_steps(args.scenario, out)
    if args.help_conditions:
        return _help_registry("conditions", out)
    if args.help_invariants:
        return _help_registry("invariants", out)
    if args.list:
        return _list(out)
    if args.replay:
        return _replay(args, out)
    if not args.scenario:
        parser().print_usage(sys.stderr)
        print("error: name a scenario (or --list)", file=sys.stderr)
        return EXIT_INVALID
    if args.check:
        return _check(args.scenario, out)
    if len(args.scenario) != 1:
        print("error: run one scenario at a time (several with --check)", file=sys.stderr)
        return EXIT_INVALID
    return _run(args, out)


def _load(name: str) -> Any:
    from sim.scenario import loader

    return loader.load(loader.find(name))


def _run(args: argparse.Namespace, out: TextIO) -> int:
    from sim.options import Profile
    from sim.scenario import junit
    from sim.scenario.runner import RunOptions, run

    try:
        scenario = _load(args.scenario[0])
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except InvalidScenario as exc:
        print(
            f"invalid scenario ({len(exc.errors)} error{'s' if len(exc.errors) > 1 else ''}):",
            file=sys.stderr,
        )
        print(str(exc), file=sys.stderr)
        if args.junit:
            junit.write_invalid(args.junit, Path(args.scenario[0]).stem, exc)
        return EXIT_INVALID
    opts = RunOptions(
        out_dir=args.out, junit=args.junit, report=args.report, seed=args.seed,
        profile=Profile(args.profile) if args.profile else None, keep=args.keep,
        verbosity=0 if args.quiet else 1 + args.verbose, color=args.color, stream=out,
    )  # fmt: skip
    if args.repeat is not None and args.repeat < 1:
        print("error: --repeat needs at least 1", file=sys.stderr)
        return EXIT_INVALID
    restore = _sigterm_as_interrupt()
    try:
        if args.repeat:
            from sim.scenario.replay import repeat

            return repeat(scenario, args.repeat, opts, out)
        return run(scenario, opts).exit_code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    finally:
        restore()


def _replay(args: argparse.Namespace, out: TextIO) -> int:
    from sim.scenario.replay import replay
    from sim.scenario.runner import RunOptions

    opts = RunOptions(
        out_dir=args.out, junit=args.junit, report=args.report, keep=args.keep,
        verbosity=0 if args.quiet else 1 + args.verbose, color=args.color, stream=out,
    )  # fmt: skip
    restore = _sigterm_as_interrupt()
    try:
        return replay(args.replay, opts, out)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    finally:
        restore()


def _sigterm_as_interrupt() -> Any:
    """SIGTERM cleans up like Ctrl-C (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, handler)
    return lambda: signal.signal(signal.SIGTERM, old)


def _check(names: list[str], out: TextIO) -> int:
    from sim.scenario import loader

    code = EXIT_PASS
    for name in names:
        try:
            sc = loader.load(loader.find(name))
            print(f"{name}: ok — {sc.name}: {len(sc.steps)} steps, {sc.expectation_count()} expectations, "
                  f"{len(sc.invariants)} invariants", file=out)  # fmt: skip
        except FileNotFoundError as exc:
            print(f"error: {exc}", file=sys.stderr)
            code = EXIT_INVALID
        except InvalidScenario as exc:
            print(str(exc), file=sys.stderr)
            code = EXIT_INVALID
    return code


def _list(out: TextIO) -> int:
    from sim.scenario import loader

    entries = loader.list_library()
    if not entries:
        print(
            "no scenarios found (looked in: " + ", ".join(map(str, loader.library_dirs())) + ")",
            file=out,
        )
        return EXIT_FAILED
    width = max(len(e.name) for e in entries)
    for e in entries:
        text = e.about if not e.error else f"(invalid: {e.error})"
        print(f"{e.name:<{width}}  {text}", file=out)
    return EXIT_PASS


def _doc(obj: Any) -> str:
    return inspect.cleandoc(obj.__doc__ or "(no help)")


def _help_steps(names: list[str], out: TextIO) -> int:
    from sim.scenario.steps import STEPS

    wanted = names or list(STEPS)
    unknown = [n for n in wanted if n not in STEPS]
    if unknown:
        print(f"unknown step(s): {', '.join(unknown)}; steps: {', '.join(STEPS)}", file=sys.stderr)
        return EXIT_INVALID
    for name in wanted:
        body = "\n".join("    " + line if line else "" for line in _doc(STEPS[name]).splitlines())
        print(f"{name}\n{body}\n", file=out)
    print(
        "Common keys: label (a name for reports), as (bind the daemon a fault picks to a $variable).",
        file=out,
    )
    return EXIT_PASS


def _help_registry(which: str, out: TextIO) -> int:
    if which == "conditions":
        from sim.scenario.subjects import SUBJECTS

        registry: dict[str, Any] = SUBJECTS
        print(_doc(sys.modules["sim.scenario.conditions"]) + "\n", file=out)
        print(_doc(sys.modules["sim.scenario.matchers"]) + "\n", file=out)
    else:
        from sim.scenario.invariants import INVARIANTS

        registry = INVARIANTS
    for name, cls in registry.items():
        body = "\n".join("    " + line if line else "" for line in _doc(cls).splitlines())
        print(f"{name}\n{body}\n", file=out)
    return EXIT_PASS
