"""Mgr failover time: kill -9 of the active mgr, and `mgr fail` (1 mon, 2 mgrs, fast profile).

Measured, N runs each, on one cluster:
  * kill -9: read the active from `mgr stat`, then t0 = perf_counter just
    before asking the supervisor to SIGKILL it (`kill mgr.<active>`; the reply
    comes after the process is reaped); poll `mgr stat` through the client
    library every 5 ms and record when the MgrMap first names a different
    active ("named") and when that active is `available`. Also given as a
    multiple of `mon_mgr_beacon_grace` (read from the cluster spec). Between
    runs the killed mgr is restarted and we wait until it is a standby again.
  * `mgr fail`: t0 just before sending `mgr fail <active>` to the mon; same
    polling; then wait until the failed mgr has respawned as a standby.
The mon notices a silent active on its tick (`mon_tick_interval`) once the
last beacon (sent every `mgr_tick_period`) is older than the grace, so expect
roughly grace - tick_period .. grace + mon_tick. Real Ceph: kill -9 -> new
active named after grace + 0.08 s; `mgr fail` -> new active 0.34 s.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from _common import POLL, Cluster, bench_root, launcher, main, mgr_stat, parser, poll, stats, table

MGRS = 2


def steady(c: Cluster, timeout: float = 30.0) -> dict[str, Any]:
    """Wait for an available active and every other mgr standing by."""
    return poll(
        lambda: (s := mgr_stat(c))["available"] and s["num_standby"] == MGRS - 1 and s,
        timeout,
        "an available active mgr with all standbys",
    )


def time_switch(c: Cluster, old: str, act: Any, timeout: float) -> tuple[float, float]:
    """Run ``act()``; return (s until another active is named, s until it is available)."""
    named = None
    t0 = time.perf_counter()
    act()
    while True:
        s = mgr_stat(c)
        now = time.perf_counter() - t0
        if s["active_name"] and s["active_name"] != old:
            named = now if named is None else named
            if s["available"]:
                return named, now
        if now > timeout:
            raise TimeoutError(f"no new active mgr after {timeout:g}s (last: {s})")
        time.sleep(POLL)


def measure(args: Any) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if args.grace is not None:
        options["mon_mgr_beacon_grace"] = args.grace
    if args.tick is not None:
        options["mgr_tick_period"] = args.tick
    if args.mon_tick is not None:
        options["mon_tick_interval"] = args.mon_tick
    k_named, k_avail, f_named, f_avail = [], [], [], []
    with bench_root("failover") as new:
        path = new("c")
        launcher.up(path, mons=1, mgrs=MGRS, options=options, die_with_parent=True)
        with Cluster(path) as c:
            opts = c.core.spec.options
            grace = float(opts["mon_mgr_beacon_grace"])
            limit = 3 * grace + 10
            for i in range(args.runs):
                old = steady(c)["active_name"]
                kill = {"prefix": "kill", "daemon": f"mgr.{old}"}
                n, a = time_switch(c, old, lambda k=kill: c.supervisor(k), limit)
                k_named.append(n)
                k_avail.append(a)
                print(f"  kill -9 run {i + 1}/{args.runs}: {a:.3f} s", file=sys.stderr)
                c.supervisor({"prefix": "restart", "daemon": f"mgr.{old}"})
            for i in range(args.runs):
                old = steady(c)["active_name"]
                fail = {"prefix": "mgr fail", "who": old}
                n, a = time_switch(c, old, lambda f=fail: c.mon_command(f), limit)
                f_named.append(n)
                f_avail.append(a)
                print(f"  mgr fail run {i + 1}/{args.runs}: {a:.3f} s", file=sys.stderr)
            steady(c)
    keys = ("mon_mgr_beacon_grace", "mgr_tick_period", "mon_tick_interval")
    return {
        "benchmark": "failover",
        "unit": "s",
        "options": {k: opts[k] for k in keys},
        "results": {
            "kill -9 -> new active named": stats(k_named),
            "kill -9 -> new active available": stats(k_avail),
            "mgr fail -> new active named": stats(f_named),
            "mgr fail -> new active available": stats(f_avail),
        },
        "kill_available_over_grace": stats([x / grace for x in k_avail]),
    }


def report(res: dict[str, Any]) -> str:
    o = res["options"]
    g = o["mon_mgr_beacon_grace"]
    r = res["kill_available_over_grace"]
    return "\n".join(
        [
            f"Mgr failover (1 mon, {MGRS} mgrs; grace {g:g} s, mgr tick {o['mgr_tick_period']:g} s,"
            f" mon tick {o['mon_tick_interval']:g} s; `mgr stat` polled every {POLL * 1e3:g} ms)",
            "",
            table(list(res["results"].items()), ["min", "p50", "p90", "max"], "s"),
            "",
            f"kill -9 -> available, as a multiple of the grace: p50 {r['p50']:.2f}x,"
            f" max {r['max']:.2f}x (p50 = grace {res['results']['kill -9 -> new active available']['p50'] - g:+.3f} s)",
            "real Ceph: kill -9 -> new active named after grace + 0.08 s; mgr fail -> 0.34 s",
        ]
    )


def build_parser() -> Any:
    p = parser(__doc__)
    p.add_argument("--runs", type=int, default=5, help="runs of each kind (default 5)")
    p.add_argument("--grace", type=float, help="mon_mgr_beacon_grace (s; fast default 3.0)")
    p.add_argument("--tick", type=float, help="mgr_tick_period, the beacon period (s; 0.25)")
    p.add_argument("--mon-tick", type=float, help="mon_tick_interval (s; 0.25)")
    return p


if __name__ == "__main__":
    sys.exit(main(build_parser(), measure, report))
