"""Round trip of `mgr stat` (a mon command) on a running cluster (1 mon, 2 mgrs, fast profile).

Measured (perf_counter around each call, sequential, one caller):
  * client library: ``Cluster.mon_command({"prefix": "mgr stat", "format": "json"})``
    on one connected ``Cluster``, after a warm-up; the caller's thread hands
    the coroutine to the client's event-loop thread and waits for the reply.
  * client library connect: ``Cluster(run_dir)`` + the first ``mgr stat`` +
    ``close()`` (what each CLI call pays besides the interpreter).
  * CLI: the whole ``python -m sim ceph mgr stat`` process (subprocess wall
    time; fetches the command descriptions from the mon, validates, sends);
    for comparison ``ceph -s`` (a mon command with a text report) and
    ``ceph osd df`` (a mgr command: the MgrMap, then a session with the active).
  * Child processes run with bytecode caches, as a user's do (the variable
    ``PYTHONDONTWRITEBYTECODE`` is dropped; the warm-up run writes them), in
    turn (pass, import, mgr stat, pass, …) so that a slow spell of the host
    weighs on each alike; the ratio of medians to ``python -c pass`` is printed.
  * For context: ``python -c pass`` (interpreter start alone) and
    ``python -c "import sim.ceph_cli"`` (start + imports).
Real Ceph's ``ceph`` CLI costs 0.25-0.35 s per call.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from _common import Cluster, bench_root, launcher, main, mgr_stat, parser, stats, table, timed_run

PROCESS_NAMES = (
    "`python -c pass` (interpreter alone)",
    "`python -c 'import sim.ceph_cli'`",
    "`python -m sim ceph mgr stat` (whole process)",
    "`python -m sim ceph -s` (whole process)",
    "`python -m sim ceph osd df` (whole process; a mgr command)",
)


def measure(args: Any) -> dict[str, Any]:
    py = sys.executable
    res: dict[str, Any] = {}
    lib: list[float] = []
    with bench_root("rtt") as new:
        path = new("c")
        launcher.up(path, mons=1, mgrs=2, die_with_parent=True)
        with Cluster(path) as c:
            for _ in range(args.warmup):
                mgr_stat(c)
            cmd = {"prefix": "mgr stat", "format": "json"}
            t_all = time.perf_counter()
            for _ in range(args.calls):
                t0 = time.perf_counter()
                rc, _out, _err = c.mon_command(cmd)
                lib.append(time.perf_counter() - t0)
                assert rc == 0
            res["library_calls_per_s"] = args.calls / (time.perf_counter() - t_all)
        res["library: Cluster.mon_command(mgr stat)"] = stats(lib)
        print(f"  library: {args.calls} calls done", file=sys.stderr)
        conn = []
        for _ in range(args.cli_runs):
            t0 = time.perf_counter()
            with Cluster(path) as c:
                mgr_stat(c)
            conn.append(time.perf_counter() - t0)
        res["library: Cluster() + first mgr stat + close"] = stats(conn)
        env = dict(os.environ, SIM_DIR=str(path))
        # As a user runs it: with bytecode caches (the warm-up run writes them).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        argvs = [
            [py, "-c", "pass"],
            [py, "-c", "import sim.ceph_cli"],
            [py, "-m", "sim", "ceph", "mgr", "stat"],
            [py, "-m", "sim", "ceph", "-s"],
            [py, "-m", "sim", "ceph", "osd", "df"],
        ]
        runs = dict(zip(PROCESS_NAMES, argvs, strict=True))
        for argv in runs.values():
            timed_run(argv, env)  # warm the page cache (and write the bytecode caches)
        # Round-robin, so that a slow spell of a shared host slows each alike.
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.cli_runs):
            for name, argv in runs.items():
                times[name].append(timed_run(argv, env))
        for name, got in times.items():
            res[name] = stats(got)
        print("  processes: done", file=sys.stderr)
    rate = res.pop("library_calls_per_s")
    return {"benchmark": "command_rtt", "unit": "s", "library_calls_per_s": rate, "results": res}


def report(res: dict[str, Any]) -> str:
    rows = list(res["results"].items())
    r = res["results"]
    cli, bare = r[PROCESS_NAMES[2]], r[PROCESS_NAMES[0]]
    return "\n".join(
        [
            "`mgr stat` round trip (1 mon, 2 mgrs, fast profile; sequential; perf_counter per call)",
            "",
            table(rows, ["min", "p50", "p90", "p99", "max"], "ms"),
            "",
            f"library throughput (one caller, sequential): {res['library_calls_per_s']:.0f} calls/s",
            f"`ceph mgr stat` process / `python -c pass` (medians, same run): "
            f"{cli['p50'] / bare['p50']:.2f}x; less the interpreter: "
            f"{(cli['p50'] - bare['p50']) * 1000:.1f} ms",
            "real Ceph `ceph` CLI: 250-350 ms per call",
        ]
    )


def build_parser() -> Any:
    p = parser(__doc__)
    p.add_argument("--calls", type=int, default=2000, help="library calls (default 2000)")
    p.add_argument("--warmup", type=int, default=200, help="library warm-up calls (default 200)")
    p.add_argument("--cli-runs", type=int, default=30, help="process runs each (default 30)")
    return p


if __name__ == "__main__":
    sys.exit(main(build_parser(), measure, report))
