"""Wall time of the whole scenario library run in parallel.

Every scenario in scenarios/ runs as CI runs it (``python -m sim.scenario
NAME --junit …``, one process and one cluster each), ``--jobs`` at a time
(default 2, this machine's cores). Prints each scenario's time and exit code,
the sum of their times, and the wall time of the whole library (target:
under 2 minutes on 2 cores).

    python bench/scenario_library.py [--jobs N] [--json]
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from _common import REPO, bench_root, main, parser

TARGET = 120.0


def run_one(name: str, out: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "sim.scenario", name, "--out", str(out), "--junit", str(out / "junit.xml"), "-q"],
        cwd=REPO, env=dict(os.environ, NO_COLOR="1"), stdin=subprocess.DEVNULL, capture_output=True, text=True,
    )  # fmt: skip
    took = time.perf_counter() - t0
    last = r.stdout.strip().splitlines()[-2:] if r.stdout.strip() else [r.stderr[-300:]]
    return {
        "name": name,
        "seconds": took,
        "exit_code": r.returncode,
        "summary": last[0] if last else "",
    }


def measure(args: Any) -> dict[str, Any]:
    names = sorted(p.stem for p in (REPO / "scenarios").glob("*.yaml"))
    with bench_root("scenarios") as new:
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(lambda n: run_one(n, new(n)), names))
        wall = time.perf_counter() - t0
    return {
        "jobs": args.jobs,
        "wall_seconds": wall,
        "serial_seconds": sum(r["seconds"] for r in results),
        "target_seconds": TARGET,
        "all_passed": all(r["exit_code"] == 0 for r in results),
        "scenarios": results,
    }


def report(res: dict[str, Any]) -> str:
    lines = [f"scenario library, {len(res['scenarios'])} scenarios, {res['jobs']} at a time"]
    width = max(len(r["name"]) for r in res["scenarios"])
    for r in res["scenarios"]:
        verdict = "pass" if r["exit_code"] == 0 else f"FAIL (exit {r['exit_code']}): {r['summary']}"
        lines.append(f"  {r['name']:<{width}}  {r['seconds']:6.1f}s  {verdict}")
    lines.append(f"  {'sum of times':<{width}}  {res['serial_seconds']:6.1f}s")
    ok = "under" if res["wall_seconds"] < TARGET else "OVER"
    lines.append(f"wall time: {res['wall_seconds']:.1f}s ({ok} the {TARGET:.0f}s target)")
    m = res["machine"]
    lines.append(f"machine: {m['cores']} cores, Python {m['python']}")
    return "\n".join(lines)


if __name__ == "__main__":
    p = parser(__doc__)
    p.add_argument("--jobs", type=int, default=2, help="scenarios run at once (default 2)")
    sys.exit(main(p, measure, report))
