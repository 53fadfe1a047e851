"""The OSD fleet at scale: 1,000 and 10,000 simulated OSDs (1 mon, 2 mgrs, fast profile).

For each size, on one cluster (the `fleet_probe` test module enabled):
  * start-up: `sim up --osds N` until every OSD is up;
  * steady state (after every OSD's metadata reached the active and a few
    stats periods passed): RSS of mon, mgrs and fleet, and their CPU share
    (% of one core) over a window, from psutil;
  * `get('osd_map')` and `get('osd_metadata')` timed inside a module
    (perf_counter around the call in the module's command handler);
  * an OSDMap change reaching modules: t0 just before `ceph osd out|in <id>`
    is sent, t1 the module's own clock when its `notify('osd_map')` for an
    epoch at least the new one arrives (same host clock);
  * after `mgr fail`: how long after the new active's modules started every
    OSD's metadata was there (the window where the map has OSDs the mgr has
    no metadata for).
Targets: 10,000 OSDs on this machine (2 cores) with the active mgr under 50%
of one core at steady state and `get('osd_map')` under 100 ms.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import psutil
from _common import REPO, Cluster, bench_root, launcher, main, parser, poll, stats, table

MODULES = REPO / "tests" / "fleet" / "modules"


def mgr_json(c: Cluster, prefix: str, **args: Any) -> Any:
    rc, out, err = c.mgr_command({"prefix": prefix, **args}, timeout=30.0)
    if rc != 0:
        raise RuntimeError(f"{prefix}: {rc} {err}")
    return json.loads(out)


def mon_json(c: Cluster, prefix: str, **args: Any) -> Any:
    rc, out, err = c.mon_command({"prefix": prefix, "format": "json", **args}, timeout=30.0)
    if rc != 0:
        raise RuntimeError(f"{prefix}: {rc} {err}")
    return json.loads(out)


def probe_running(c: Cluster) -> bool:
    st = mon_json(c, "mgr stat")
    if not st["available"]:
        return False
    mods = c.admin(f"mgr.{st['active_name']}", "status", timeout=5.0)["modules"]["modules"]
    return mods.get("fleet_probe", {}).get("state") == "running"


def processes(c: Cluster) -> dict[str, psutil.Process]:
    st = c.supervisor("status")
    active = st["active_mgr"]
    out = {}
    for name, d in st["daemons"].items():
        if d["pid"]:
            label = f"{name} (active)" if name == f"mgr.{active}" else name
            out[label] = psutil.Process(d["pid"])
    return out


def usage(c: Cluster, window: float) -> dict[str, dict[str, float]]:
    procs = processes(c)
    for p in procs.values():
        p.cpu_percent(None)
    time.sleep(window)  # a measurement window, not synchronisation
    return {
        n: {"cpu_percent": p.cpu_percent(None), "rss_mib": p.memory_info().rss / 2**20}
        for n, p in procs.items()
    }


def map_change_latency(c: Cluster, runs: int) -> list[float]:
    out = []
    for i in range(runs):
        verb = "osd out" if i % 2 == 0 else "osd in"
        t0 = time.time()
        rc, _, err = c.mon_command({"prefix": verb, "ids": ["7"]}, timeout=30.0)
        if rc != 0:
            raise RuntimeError(f"{verb}: {err}")
        epoch = mon_json(c, "osd stat")["epoch"]

        def seen(e: int = epoch) -> float | None:
            hits = [t for ep, t in mgr_json(c, "fleet probe notifies")["osd_map"] if ep >= e]
            return min(hits) if hits else None

        out.append(poll(seen, 30.0, f"an osd_map notify for e{epoch}", interval=0.05) - t0)
    return out


def one_size(new: Any, n: int, args: Any) -> dict[str, Any]:
    path = new(f"c{n}")
    t0 = time.perf_counter()
    launcher.up(path, mons=1, mgrs=2, osds=n, die_with_parent=True, timeout=300.0,
                options={"mgr_module_path": str(MODULES)})  # fmt: skip
    boot = time.perf_counter() - t0
    res: dict[str, Any] = {"osds": n, "startup_s": boot}
    with Cluster(path) as c:
        rc, _, err = c.mon_command({"prefix": "mgr module enable", "module": "fleet_probe"})
        if rc != 0:
            raise RuntimeError(err)
        poll(lambda: probe_running(c), 120.0, "fleet_probe running", interval=0.1)
        poll(lambda: mgr_json(c, "fleet probe coverage")["complete_after"] is not None,
             120.0, "every OSD's metadata on the active", interval=0.2)  # fmt: skip
        period = float(c.core.spec.options["mgr_stats_period"])
        time.sleep(3 * period)  # let a few report periods pass before measuring
        print(f"  {n} osds: measuring steady state", file=sys.stderr)
        res["steady"] = usage(c, args.window)
        res["get"] = {
            name: stats(
                [mgr_json(c, "fleet probe get", name=name)["seconds"] for _ in range(args.runs)]
            )  # fmt: skip
            for name in ("osd_map", "osd_metadata", "osd_map_tree", "pg_summary", "osd_stats")
        }
        print(f"  {n} osds: osdmap changes", file=sys.stderr)
        res["map_to_module"] = stats(map_change_latency(c, args.runs))
        old = mon_json(c, "mgr stat")["active_name"]
        c.mon_command({"prefix": "mgr fail", "who": old})
        poll(lambda: (s := mon_json(c, "mgr stat"))["active_name"] != old and s["available"],
             60.0, "a new active", interval=0.05)  # fmt: skip
        poll(lambda: probe_running(c), 60.0, "fleet_probe on the new active", interval=0.1)
        cov = poll(lambda: (v := mgr_json(c, "fleet probe coverage"))["complete_after"] is not None
                   and v, 60.0, "metadata on the new active", interval=0.1)  # fmt: skip
        res["failover"] = {"first": cov["first"], "complete_after_s": cov["complete_after"],
                           "stats_period_s": period}  # fmt: skip
    launcher.down(path)
    return res


def measure(args: Any) -> dict[str, Any]:
    sizes = [int(s) for s in args.sizes.split(",")]
    with bench_root("fleet") as new:
        results = [one_size(new, n, args) for n in sizes]
    return {"benchmark": "fleet_scale", "results": results}


def report(res: dict[str, Any]) -> str:
    lines = ["OSD fleet at scale (1 mon, 2 mgrs, fast profile)", ""]
    for r in res["results"]:
        n = r["osds"]
        lines.append(f"== {n} OSDs: up in {r['startup_s']:.1f} s")
        lines.append(f"{'process':<16} {'CPU % of a core':>16} {'RSS MiB':>9}")
        for name, u in sorted(r["steady"].items()):
            lines.append(f"{name:<16} {u['cpu_percent']:>16.1f} {u['rss_mib']:>9.0f}")
        lines.append("")
        rows = [(f"get('{k}') in a module", v) for k, v in r["get"].items()]
        rows.append(("OSDMap change -> notify", r["map_to_module"]))
        lines.append(table(rows, ["min", "p50", "max"], "ms"))
        f = r["failover"]
        lines.append(
            f"after mgr fail: first look {f['first'][2]}/{f['first'][1]} OSDs with metadata; all"
            f" after {f['complete_after_s']:.2f} s (stats period {f['stats_period_s']:g} s)"
        )
        lines.append("")
    return "\n".join(lines)


def build_parser() -> Any:
    p = parser(__doc__)
    p.add_argument("--sizes", default="1000,10000", help="OSD counts (default 1000,10000)")
    p.add_argument("--runs", type=int, default=5, help="repetitions of each timing (default 5)")
    p.add_argument("--window", type=float, default=10.0, help="CPU window, s (default 10)")
    return p


if __name__ == "__main__":
    sys.exit(main(build_parser(), measure, report))
