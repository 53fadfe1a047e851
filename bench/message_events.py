"""What recording messages as events costs (issue 13: under 10 % of scenario time).

Measured in one run, recording off then on, on the same workload: a cluster
of 3 mons, 2 mgrs and OSDs (fast profile) started with ``message_events``
off or on; then W sequential ``config-key set`` writes (paxos rounds on
three mons: the most message-heavy path there is), timed with perf_counter,
and the daemons' CPU seconds (psutil, user + system, every process the
supervisor runs) over the writes plus an idle window (beacons, OSD reports).
The ratios on/off are the cost.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import psutil
from _common import Cluster, bench_root, launcher, main, parser, poll, stats


def cpu_seconds(c: Cluster) -> float:
    total = 0.0
    for d in c.supervisor("status")["daemons"].values():
        try:
            t = psutil.Process(d["pid"]).cpu_times()
        except (psutil.Error, TypeError):
            continue
        total += t.user + t.system
    return total


def one(path: Any, record: bool, args: Any) -> dict[str, Any]:
    launcher.up(path, mons=3, mgrs=2, osds=args.osds, die_with_parent=True, message_events=record)
    try:
        with Cluster(path) as c:
            poll(lambda: c.mon_command({"prefix": "mgr stat"})[0] == 0, 20, "mgr stat")
            for i in range(20):
                c.mon_command({"prefix": "config-key set", "key": "w", "val": str(i)})
            cpu0, wall0 = cpu_seconds(c), time.perf_counter()
            lat = []
            for i in range(args.writes):
                t0 = time.perf_counter()
                rc, _, err = c.mon_command(
                    {"prefix": "config-key set", "key": f"b/{i % 8}", "val": str(i)}
                )
                lat.append(time.perf_counter() - t0)
                assert rc == 0, err
            time.sleep(args.idle)  # what the daemons spend on their own traffic
            return {"write": stats(lat), "cpu": cpu_seconds(c) - cpu0,
                    "wall": time.perf_counter() - wall0}  # fmt: skip
    finally:
        launcher.down(path)


def measure(args: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with bench_root("msgevents") as new:
        for record in (False, True):
            out["on" if record else "off"] = one(new("on" if record else "off"), record, args)
            print(f"  recording {'on' if record else 'off'}: done", file=sys.stderr)
    off, on = out["off"], out["on"]
    out["ratio"] = {
        "write p50": on["write"]["p50"] / off["write"]["p50"],
        "cpu": on["cpu"] / off["cpu"] if off["cpu"] else float("nan"),
        "wall": on["wall"] / off["wall"],
    }
    return {"benchmark": "message_events", "results": out}


def report(res: dict[str, Any]) -> str:
    r = res["results"]
    lines = ["recording messages as events: off vs on (3 mons, 2 mgrs, fleet; one run)", ""]
    for k in ("off", "on"):
        w = r[k]["write"]
        lines.append(f"  {k:>3}: write p50 {w['p50'] * 1000:.2f} ms, p99 {w['p99'] * 1000:.2f} ms; "
                     f"daemon CPU {r[k]['cpu']:.2f} s over {r[k]['wall']:.1f} s")  # fmt: skip
    q = r["ratio"]
    lines.append(f"  on/off: write p50 x{q['write p50']:.3f}, daemon CPU x{q['cpu']:.3f}, "
                 f"wall x{q['wall']:.3f}")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    p = parser(__doc__)
    p.add_argument("--writes", type=int, default=300)
    p.add_argument("--idle", type=float, default=5.0)
    p.add_argument("--osds", type=int, default=8)
    sys.exit(main(p, measure, report))
