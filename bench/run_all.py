"""Run every benchmark with modest defaults and print one summary table.

Runs bench/startup.py, bench/command_rtt.py and bench/failover.py in this
process (each brings down its own clusters), then prints the machine (cores,
Python) and one table of p50 / p90 / p99 / max, with the real-Ceph reference where
there is one. ``--json`` prints every script's full results instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import command_rtt
import failover
import startup
from _common import machine, parser

# (label, benchmark, result key, unit, real Ceph reference)
SUMMARY = [
    ("`sim up` (launcher.up) -> available active mgr", "startup", "launcher.up() -> available active mgr", "s", ""),
    ("`python -m sim up` whole process", "startup", "`python -m sim up` (whole process)", "s", ""),
    ("`python -m sim down` whole process", "startup", "`python -m sim down` (whole process)", "s", ""),
    ("mgr stat RTT, client library", "command_rtt", "library: Cluster.mon_command(mgr stat)", "ms", ""),
    ("client connect + first command", "command_rtt", "library: Cluster() + first mgr stat + close", "ms", ""),
    ("`python -c pass` (interpreter start)", "command_rtt", "`python -c pass` (interpreter alone)", "ms", ""),
    ("`python -m sim ceph mgr stat` whole process", "command_rtt", "`python -m sim ceph mgr stat` (whole process)", "ms", "250-350 ms"),
    ("kill -9 active -> new active named", "failover", "kill -9 -> new active named", "s", "grace + 0.08 s"),
    ("kill -9 active -> new active available", "failover", "kill -9 -> new active available", "s", ""),
    ("`mgr fail` -> new active available", "failover", "mgr fail -> new active available", "s", "0.34 s"),
]  # fmt: skip


def measure(args: argparse.Namespace) -> dict[str, Any]:
    runs = {
        "startup": (startup, ["--runs", str(args.runs), "--cli-runs", "3"]),
        "command_rtt": (command_rtt, ["--calls", "2000", "--cli-runs", "20"]),
        "failover": (failover, ["--runs", str(args.failover_runs)]),
    }
    out: dict[str, Any] = {}
    for name, (mod, argv) in runs.items():
        print(f"== {name} {' '.join(argv)}", file=sys.stderr)
        out[name] = mod.measure(mod.build_parser().parse_args(argv))
    return out


def fmtv(v: float, unit: str) -> str:
    return f"{v * 1e3:.1f} ms" if unit == "ms" else f"{v:.3f} s"


def report(res: dict[str, Any]) -> str:
    m = machine()
    fo = res["failover"]
    g = fo["options"]["mon_mgr_beacon_grace"]
    head = ["what", "n", "p50", "p90", "p99", "max", "real Ceph"]
    rows = []
    for label, bench, key, unit, ref in SUMMARY:
        s = res[bench]["results"][key]
        ref = ref.replace("grace", f"{g:g} s grace") if "grace" in ref else ref
        rows.append(
            [label, str(s["n"]), *(fmtv(s[c], unit) for c in ("p50", "p90", "p99", "max")), ref]
        )
    w = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(c.ljust(w[i]) for i, c in enumerate(r)) + " |"  # noqa: E731
    ratio = fo["kill_available_over_grace"]
    return "\n".join(
        [
            f"Machine: {m['cores']} cores, Python {m['python']}, {m['platform']}",
            f"Cluster: 1 mon, 2 mgrs, fast profile (grace {g:g} s, mgr tick "
            f"{fo['options']['mgr_tick_period']:g} s, mon tick {fo['options']['mon_tick_interval']:g} s)",
            "",
            line(head),
            "|" + "|".join("-" * (x + 2) for x in w) + "|",
            *map(line, rows),
            "",
            f"library throughput (one caller): {res['command_rtt']['library_calls_per_s']:.0f} mgr stat/s;"
            f" kill -9 -> available = {ratio['p50']:.2f}x grace (p50)",
            "Timed with time.perf_counter(); conditions polled every 5 ms; see each bench/*.py docstring.",
        ]
    )


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--runs", type=int, default=5, help="start-up runs (default 5)")
    p.add_argument("--failover-runs", type=int, default=3, help="failover runs (default 3)")
    args = p.parse_args()
    try:
        res = measure(args)
    except KeyboardInterrupt:
        print("interrupted; clusters brought down", file=sys.stderr)
        return 130
    res["machine"] = machine()
    print(json.dumps(res, indent=2) if args.json else report(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
