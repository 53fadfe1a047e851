"""`python -m sim challenge …`: list, show, fetch the skeleton of and grade challenges.

    challenge list
    challenge show N
    challenge skeleton N DEST            (copy the skeleton module to DEST)
    challenge grade N --module DIR [--out DIR] [--seed S] [-v]

N is a challenge's number or name. `grade` prints, per grading scenario,
PASS or FAIL with every measured figure against its threshold, then the
verdict. Exit codes: 0 every scenario passed, 1 one failed, 2 bad input (no
such challenge, no module.py, a module that raises on import), 3 the
simulator failed, 130 interrupted.

Harness layer; `sim.__main__` calls `main`.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sim.challenge.catalog import Challenge, ChallengeError, find, load_all
from sim.scenario.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_PASS

if TYPE_CHECKING:
    from sim.challenge.grading import ScenarioGrade


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m sim challenge",
        description="Graded challenges for mgr module authors.",
        epilog="grade exit codes: 0 all scenarios passed, 1 one failed, 2 bad input, "
        "3 simulator failure, 130 interrupted",
    )
    sub = p.add_subparsers(dest="verb", required=True)
    sub.add_parser("list", help="the challenges, one line each")
    show = sub.add_parser("show", help="a challenge's statement and grading thresholds")
    show.add_argument("challenge", help="number or name")
    sk = sub.add_parser("skeleton", help="copy a challenge's skeleton module to DEST")
    sk.add_argument("challenge", help="number or name")
    sk.add_argument("dest", type=Path)
    g = sub.add_parser("grade", help="run the grading scenarios with your module")
    g.add_argument("challenge", help="number or name")
    g.add_argument("--module", type=Path, required=True, metavar="DIR",
                   help="your module's directory (module.py, __init__.py)")  # fmt: skip
    g.add_argument("--out", type=Path, help="outputs (default .sim/challenge-runs/N-…)")
    g.add_argument("--seed", type=int, help="seed for every scenario")
    g.add_argument("-v", "--verbose", action="count", default=0,
                   help="print each scenario's timeline (-vv: every event)")  # fmt: skip
    return p


def main(argv: list[str] | None = None, stdout: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    args = parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if args.verb == "list":
            return _list(out)
        challenge = find(args.challenge)
        if args.verb == "show":
            return _show(challenge, out)
        if args.verb == "skeleton":
            return _skeleton(challenge, args.dest, out)
        return _grade(challenge, args, out)
    except ChallengeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _list(out: TextIO) -> int:
    every = load_all()
    width = max((len(c.name) for c in every), default=0)
    for c in every:
        print(f"{c.number:>2}  {c.name:<{width}}  {c.module:<12} {c.about}", file=out)
    return EXIT_PASS if every else EXIT_FAILED


def _show(c: Challenge, out: TextIO) -> int:
    from sim.challenge.grading import thresholds

    print(c.statement.read_text().rstrip("\n"), file=out)
    print(
        f"\nSkeleton: {c.solution('skeleton')}  (python -m sim challenge skeleton {c.number} DIR)",
        file=out,
    )
    print("Grading scenarios and their thresholds:", file=out)
    for path in c.scenarios():
        print(f"  {path.stem}", file=out)
        for label, within in thresholds(path):
            print(f"    {label}: within {within}", file=out)
    return EXIT_PASS


def _skeleton(c: Challenge, dest: Path, out: TextIO) -> int:
    if dest.exists():
        raise ChallengeError(f"{dest} exists; name a new directory")
    shutil.copytree(c.solution("skeleton"), dest, ignore=shutil.ignore_patterns("__pycache__"))
    print(f"the skeleton of challenge {c.number} ({c.module}) is in {dest}; grade it with "
          f"python -m sim challenge grade {c.number} --module {dest}", file=out)  # fmt: skip
    return EXIT_PASS


def _grade(c: Challenge, args: argparse.Namespace, out: TextIO) -> int:
    from sim.challenge.grading import grade

    stamp = time.strftime("%Y%m%d-%H%M%S")
    out_dir = (args.out or Path.cwd() / ".sim" / "challenge-runs" /
               f"{c.number}-{stamp}-{random.randrange(1 << 16):04x}").absolute()  # fmt: skip
    print(
        f"challenge {c.number} ({c.name}): grading module {c.module!r} from {args.module}", file=out
    )
    names = [p.stem for p in c.scenarios()]
    width = max((len(n) for n in names), default=0)
    log = out_dir / "timeline.txt"

    def show(g: ScenarioGrade) -> None:
        print(format_grade(g, width), file=out, flush=True)

    from sim.scenario.cli import _sigterm_as_interrupt  # SIGTERM cleans up like Ctrl-C

    restore = _sigterm_as_interrupt()
    try:
        if args.verbose:
            grades = grade(c, args.module, out_dir, out, args.verbose, args.seed, show)
        else:
            out_dir.mkdir(parents=True, exist_ok=True)
            with log.open("w") as stream:
                grades = grade(c, args.module, out_dir, stream, 1, args.seed, show)
    finally:
        restore()
    failed = [g.name for g in grades if not g.passed]
    if any(g.exit_code not in (EXIT_PASS, EXIT_FAILED) for g in grades):
        code = max(g.exit_code for g in grades if g.exit_code not in (EXIT_PASS, EXIT_FAILED))
    else:
        code = EXIT_FAILED if failed else EXIT_PASS
    if failed:
        print(
            f"verdict: FAIL — {len(failed)} of {len(grades)} scenarios failed ({', '.join(failed)})",
            file=out,
        )
    else:
        print(f"verdict: PASS — all {len(grades)} scenarios passed", file=out)
    print(f"outputs: {out_dir}" + ("" if args.verbose else f" (timelines: {log})"), file=out)
    return code


def format_grade(g: ScenarioGrade, width: int) -> str:
    """``  name  PASS|FAIL  label: 0.41s ≤ 2s · label: never within 4s …``"""
    parts = []
    for m in g.figures:
        if m.figure is not None:
            parts.append(f"{m.label}: {m.figure.text()}")
        else:
            parts.append(f"{m.label}: {m.status}")
    verdict = "PASS" if g.passed else "FAIL" if g.exit_code == EXIT_FAILED else "ERROR"
    line = f"  {g.name:<{width}}  {verdict:<5} " + " · ".join(parts)
    if g.failure:
        line += f"\n  {'':<{width}}        {g.failure}"
    return line.rstrip()
