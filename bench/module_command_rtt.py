"""Round trip of a mgr module command (`hello`) on a running cluster (1 mon, 2 mgrs, fast profile).

Measured (perf_counter around each call, sequential, one caller):
  * client library: ``Cluster.mgr_command({"prefix": "hello"})`` on one
    connected ``Cluster``, after a warm-up: client thread -> client loop ->
    the active mgr's ROUTER -> the hello module's finisher thread (its
    handler, Ceph's CLICommand argument casting) -> back.
  * the same with an argument cast by the handler's annotations
    (``count 5``).
  * CLI: the whole ``python -m sim ceph hello`` process (fetches the command
    descriptions from the mon, validates, routes to the active mgr).
Target: well under 2 ms p50 for the library call.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from _common import Cluster, bench_root, launcher, main, parser, poll, stats, table, timed_run


def enable(c: Cluster, module: str) -> None:
    rc, _, err = c.mon_command({"prefix": "mgr module enable", "module": module})
    assert rc == 0, err

    def answers() -> bool:
        rc, out, _ = c.mgr_command({"prefix": "hello"}, timeout=1.0)
        return rc == 0 and out == b"Hello, world!"

    poll(answers, 30.0, "hello to answer")


def measure(args: Any) -> dict[str, Any]:
    res: dict[str, Any] = {}
    with bench_root("modrtt") as new:
        path = new("c")
        launcher.up(path, mons=1, mgrs=2, die_with_parent=True)
        with Cluster(path) as c:
            enable(c, "hello")
            for name, cmd in [
                ("library: Cluster.mgr_command(hello)", {"prefix": "hello"}),
                ("library: Cluster.mgr_command(count 5)", {"prefix": "count", "num": 5}),
            ]:
                for _ in range(args.warmup):
                    c.mgr_command(cmd)
                xs = []
                for _ in range(args.calls):
                    t0 = time.perf_counter()
                    rc, _out, _err = c.mgr_command(cmd)
                    xs.append(time.perf_counter() - t0)
                    assert rc == 0
                res[name] = stats(xs)
                print(f"  {name}: done", file=sys.stderr)
        env = dict(os.environ, SIM_DIR=str(path))
        argv = [sys.executable, "-m", "sim", "ceph", "hello"]
        timed_run(argv, env)
        res["`python -m sim ceph hello` (whole process)"] = stats(
            [timed_run(argv, env) for _ in range(args.cli_runs)]
        )
    return {"benchmark": "module_command_rtt", "unit": "s", "results": res}


def report(res: dict[str, Any]) -> str:
    rows = list(res["results"].items())
    return "\n".join(
        [
            "mgr module command round trip (1 mon, 2 mgrs, fast profile; sequential)",
            "",
            table(rows, ["min", "p50", "p90", "p99", "max"], "ms"),
            "",
            "target: library p50 < 2 ms; real Ceph `ceph` CLI: 250-350 ms per call",
        ]
    )


def build_parser() -> Any:
    p = parser(__doc__)
    p.add_argument("--calls", type=int, default=2000, help="library calls each (default 2000)")
    p.add_argument("--warmup", type=int, default=200, help="warm-up calls (default 200)")
    p.add_argument("--cli-runs", type=int, default=20, help="CLI process runs (default 20)")
    return p


if __name__ == "__main__":
    sys.exit(main(build_parser(), measure, report))
