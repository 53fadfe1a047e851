"""Mon failover: time to a new quorum after the leader's kill -9 (3 and 5 mons).

For each run, on a cluster with its full quorum, the leader is SIGKILLed
(supervisor ``kill``) and the surviving mons are polled (admin ``mon_status``
every 5 ms) for:

  * new leader: a survivor is leader of a quorum holding a majority;
  * writeable: that leader may commit (it waited out the old leases);
  * first write: a client's ``config-key set`` (issued right after the kill,
    retried by the client library) returns.

Then the old leader is restarted and the full quorum awaited before the next
run. Also, once per cluster: launch to the first full quorum (from the
supervisor spawning the mons to the leader's ``quorum`` event). Real Ceph
16.2, for scale: 3 mons form their quorum 6.3 s after launch; a dead peon is
noticed after 2 × ``mon_lease`` (10 s) and the quorum re-forms after the 5 s
election timeout.
"""

from __future__ import annotations

import functools
import json
import sys
import threading
import time
from typing import Any

from _common import POLL, Cluster, Profile, bench_root, launcher, main, parser, poll, stats, table


def statuses(c: Cluster, mons: list[str]) -> dict[str, dict[str, Any]]:
    out = {}
    for m in mons:
        try:
            out[m] = c.admin(f"mon.{m}", "mon_status", timeout=0.5)
        except Exception:
            continue
    return out


def full_quorum(c: Cluster, mons: list[str]) -> bool:
    sts = statuses(c, mons)
    return len(sts) == len(mons) and all(len(s["quorum"]) == len(mons) for s in sts.values())


def startup_quorum(path: Any, n: int) -> float:
    events = [json.loads(x) for x in (path / "events.jsonl").read_text().splitlines() if x]
    spawned = min(
        e["stamp"]
        for e in events
        if e["kind"] == "daemon_spawned" and e["daemon"].startswith("mon.")
    )
    full = min(
        e["stamp"] for e in events if e["kind"] == "quorum" and len(e.get("quorum", [])) == n
    )
    return full - spawned


def one_run(c: Cluster, mons: list[str], majority: int) -> dict[str, float]:
    sts = statuses(c, mons)
    leader = next(m for m, st in sts.items() if st["state"] == "leader")
    survivors = [m for m in mons if m != leader]
    wrote: dict[str, float] = {}

    def writer(t0: float) -> None:
        rc, _, _ = c.mon_command(
            {"prefix": "config-key set", "key": "bench/failover", "val": str(t0)}, timeout=60
        )
        if rc == 0:
            wrote["t"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    c.supervisor({"prefix": "kill", "daemon": f"mon.{leader}"})
    th = threading.Thread(target=writer, args=(t0,))
    th.start()
    out: dict[str, float] = {}
    while "writeable" not in out:
        for st in statuses(c, survivors).values():
            if st["state"] == "leader" and len(st["quorum"]) >= majority:
                out.setdefault("new leader", time.perf_counter() - t0)
                if st["paxos"]["writeable"]:
                    out["writeable"] = time.perf_counter() - t0
        time.sleep(POLL)
        if time.perf_counter() - t0 > 120:
            raise TimeoutError("no new quorum in 120 s")
    th.join(120)
    out["first write"] = wrote["t"]
    c.supervisor({"prefix": "restart", "daemon": f"mon.{leader}"})
    poll(
        lambda: (
            all(len(s["quorum"]) == len(mons) for s in statuses(c, mons).values())
            and len(statuses(c, mons)) == len(mons)
        ),
        120,
        "full quorum again",
    )
    return out


def measure(args: Any) -> dict[str, Any]:
    res: dict[str, Any] = {}
    profile = Profile(args.profile)
    with bench_root("quorum-failover") as new:
        for n in args.mons:
            path = new(f"m{n}")
            launcher.up(path, mons=n, mgrs=1, profile=profile, die_with_parent=True, timeout=120)
            runs: dict[str, list[float]] = {}
            with Cluster(path) as c:
                mons = list(c.core.spec.mons)
                poll(functools.partial(full_quorum, c, mons), 120, "full quorum")
                res[f"{n} mons: launch -> full quorum"] = stats([startup_quorum(path, n)])
                for i in range(args.runs):
                    for k, v in one_run(c, mons, n // 2 + 1).items():
                        runs.setdefault(k, []).append(v)
                    print(f"  {n} mons: run {i + 1}/{args.runs}", file=sys.stderr)
            for k, xs in runs.items():
                res[f"{n} mons: kill -9 leader -> {k}"] = stats(xs)
            launcher.down(path)
    return {"benchmark": "quorum_failover", "unit": "s", "profile": args.profile, "results": res}


def report(res: dict[str, Any]) -> str:
    rows = list(res["results"].items())
    return "\n".join(
        [
            f"mon failover ({res['profile']} profile, 1 mgr; perf_counter from the kill)",
            "",
            table(rows, ["min", "p50", "max"], "s"),
        ]
    )


if __name__ == "__main__":
    p = parser(__doc__)
    p.add_argument("--mons", type=int, nargs="+", default=[3, 5])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--profile", choices=["fast", "ceph"], default="fast")
    sys.exit(main(p, measure, report))
