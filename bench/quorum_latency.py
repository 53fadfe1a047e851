"""Write commit latency with 1, 3 and 5 mons (fast profile, 1 mgr).

Measured: sequential ``config-key set`` calls from one client library session
(perf_counter around each ``Cluster.mon_command``), after a warm-up. With
more than one mon a write is committed only once every quorum member has
persisted it (SQLite, synchronous=FULL) and, when the client's session is
with a peon, it is forwarded to the leader and the reply relayed — the rows
split the calls by where the session was. For comparison, ``config-key get``
(a read, served locally under a lease).
"""

from __future__ import annotations

import functools
import sys
import time
from typing import Any

from _common import Cluster, bench_root, launcher, main, parser, poll, stats, table


def full_quorum(c: Cluster, mons: list[str]) -> bool:
    return all(len(c.admin(f"mon.{m}", "mon_status")["quorum"]) == len(mons) for m in mons)


def leader_of(c: Cluster, mons: list[str]) -> str:
    for m in mons:
        st = c.admin(f"mon.{m}", "mon_status")
        if st["state"] == "leader":
            return m
    raise RuntimeError("no leader")


def measure(args: Any) -> dict[str, Any]:
    res: dict[str, Any] = {}
    with bench_root("quorum-latency") as new:
        for n in args.mons:
            path = new(f"m{n}")
            launcher.up(path, mons=n, mgrs=1, die_with_parent=True)
            with Cluster(path) as c:
                mons = list(c.core.spec.mons)
                poll(functools.partial(full_quorum, c, mons), 10, "full quorum")
                leader = leader_of(c, mons)
                by_where: dict[str, list[float]] = {"leader": [], "peon": []}
                reads: list[float] = []
                for i in range(args.warmup):
                    c.mon_command({"prefix": "config-key set", "key": "bench/w", "val": str(i)})
                for i in range(args.writes):
                    cmd = {"prefix": "config-key set", "key": f"bench/{i % 16}", "val": str(i)}
                    t0 = time.perf_counter()
                    rc, _, err = c.mon_command(cmd)
                    dt = time.perf_counter() - t0
                    assert rc == 0, err
                    where = "leader" if c.core.monc.mon_name == leader else "peon"
                    by_where[where].append(dt)
                    if args.rehunt and i % args.rehunt == args.rehunt - 1:
                        c.core.monc.rehunt()  # move the session: sample leader and peons
                for _ in range(args.writes // 2):
                    t0 = time.perf_counter()
                    rc, _, _ = c.mon_command({"prefix": "config-key get", "key": "bench/0"})
                    reads.append(time.perf_counter() - t0)
                writes = by_where["leader"] + by_where["peon"]
                res[f"{n} mon{'s' if n > 1 else ''}: write (all)"] = stats(writes)
                if n > 1:
                    for where, xs in by_where.items():
                        if xs:
                            res[f"{n} mons: write, session on {where}"] = stats(xs)
                res[f"{n} mon{'s' if n > 1 else ''}: read"] = stats(reads)
            launcher.down(path)
            print(f"  {n} mon(s): done", file=sys.stderr)
    return {"benchmark": "quorum_latency", "unit": "s", "results": res}


def report(res: dict[str, Any]) -> str:
    rows = list(res["results"].items())
    return "\n".join(
        [
            "config-key set/get latency by number of mons (fast profile; sequential, one client)",
            "",
            table(rows, ["p50", "p90", "p99", "max"], "ms"),
        ]
    )


if __name__ == "__main__":
    p = parser(__doc__)
    p.add_argument("--mons", type=int, nargs="+", default=[1, 3, 5])
    p.add_argument("--writes", type=int, default=400)
    p.add_argument("--warmup", type=int, default=30)
    p.add_argument("--rehunt", type=int, default=50, help="move the session every N writes")
    sys.exit(main(p, measure, report))
