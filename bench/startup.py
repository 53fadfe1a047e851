"""Start-up and shut-down time of a simulated cluster (1 mon, 2 mgrs, fast profile).

Measured:
  * ``launcher.up()`` (what ``python -m sim up`` does): perf_counter around the
    call, which returns once ``mgr stat`` shows an available active mgr
    (launcher polls every 50 ms). N runs, each in a fresh run directory.
    From the cluster's events.jsonl (wall-clock stamps taken by the daemons)
    also: call -> first MgrMap with an available active (no polling delay),
    and call -> first MgrMap with every mgr registered (active + standbys).
  * ``launcher.down()`` of each of those clusters.
  * The whole CLI process ``python -m sim up`` / ``python -m sim down``
    (subprocess wall time, SIM_DIR set to a private dir): includes the
    interpreter start and imports.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from _common import bench_root, launcher, main, parser, stats, table, timed_run


def map_times(path: Path, t_call: float, mgrs: int) -> tuple[float | None, float | None]:
    """(s to first available MgrMap, s to a MgrMap with all mgrs), from events."""
    avail = full = None
    for line in (path / "events.jsonl").read_text().splitlines():
        ev = json.loads(line)
        if ev.get("kind") != "mgrmap" or not ev.get("available"):
            continue
        avail = avail if avail is not None else ev["stamp"] - t_call
        if full is None and len(ev.get("standbys", [])) == mgrs - 1:
            full = ev["stamp"] - t_call
    return avail, full


def measure(args: Any) -> dict[str, Any]:
    up, down, avail, full, cli_up, cli_down = [], [], [], [], [], []
    with bench_root("startup") as new:
        for i in range(args.runs):
            path = new(f"lib{i}")
            wall, t0 = time.time(), time.perf_counter()
            launcher.up(path, mons=args.mons, mgrs=args.mgrs, die_with_parent=True)
            up.append(time.perf_counter() - t0)
            if args.mgrs:
                time.sleep(1.0)  # let the standbys register before reading the events
                a, f = map_times(path, wall, args.mgrs)
                avail += [a] if a is not None else []
                full += [f] if f is not None else []
            t0 = time.perf_counter()
            launcher.down(path)
            down.append(time.perf_counter() - t0)
            print(f"  run {i + 1}/{args.runs}: up {up[-1]:.3f} s", file=sys.stderr)
        for i in range(args.cli_runs):
            env = dict(os.environ, SIM_DIR=str(new(f"cli{i}")))
            flags = ["--mons", str(args.mons), "--mgrs", str(args.mgrs)]
            cli_up.append(timed_run([sys.executable, "-m", "sim", "up", *flags], env))
            cli_down.append(timed_run([sys.executable, "-m", "sim", "down"], env))
            print(f"  cli run {i + 1}/{args.cli_runs}: up {cli_up[-1]:.3f} s", file=sys.stderr)
    rows = {
        "launcher.up() -> available active mgr": stats(up),
        "  call -> MgrMap available (event stamp)": stats(avail) if avail else None,
        "  call -> MgrMap with all mgrs (event stamp)": stats(full) if full else None,
        "launcher.down()": stats(down),
        "`python -m sim up` (whole process)": stats(cli_up) if cli_up else None,
        "`python -m sim down` (whole process)": stats(cli_down) if cli_down else None,
    }
    return {
        "benchmark": "startup",
        "cluster": {"mons": args.mons, "mgrs": args.mgrs, "profile": "fast"},
        "unit": "s",
        "results": {k: v for k, v in rows.items() if v is not None},
    }


def report(res: dict[str, Any]) -> str:
    c = res["cluster"]
    return "\n".join(
        [
            f"Cluster start-up / shut-down ({c['mons']} mon, {c['mgrs']} mgrs, fast profile)",
            "perf_counter around each call; event rows use the daemons' wall-clock stamps",
            "",
            table(list(res["results"].items()), ["min", "p50", "p90", "max"], "s"),
        ]
    )


def build_parser() -> Any:
    p = parser(__doc__)
    p.add_argument("--runs", type=int, default=10, help="launcher.up() runs (default 10)")
    p.add_argument("--cli-runs", type=int, default=3, help="CLI up/down runs (default 3)")
    p.add_argument("--mons", type=int, default=1)
    p.add_argument("--mgrs", type=int, default=2)
    return p


if __name__ == "__main__":
    sys.exit(main(build_parser(), measure, report))
