"""Census of Ceph's own stock modules, per release (16.2, 18.2, 20.2 fetched trees).

For each release: one cluster (1 mon, 1 mgr, 3 simulated OSDs, fast
profile) with ``--ceph-release R``, so the mgr runs that release's own
``mgr_module.py`` and stock modules on our native side. Every stock module
that can run is enabled; then, per module:

* **loads**: ``can_run`` in ``mgr module ls`` (else the module's own reason);
* **runs**: its state on the active mgr (``running``, or ``failed`` with the
  error);
* **answers**: its representative commands — every read-only command of the
  module whose arguments are all optional (from the mgr's published command
  descriptions), at most ``--per-module`` of them, each sent once with
  ``format=json``; answered = return code 0, else the first error is shown.

Trees come from ``python -m sim release fetch R``; a release not fetched is
listed as such. Target (issue 11): every stock module that needs neither
librados nor libcephfs loads and answers, in all three releases.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from _common import Cluster, bench_root, launcher, main, parser, poll

from sim.release.store import tree_for

RELEASES = ("16.2", "18.2", "20.2")
SKIP_WORDS = ("self-test", "fail", "reset", "clear", "purge")  # keep the census read-only


def representative(descs: list[dict[str, Any]], module: str, limit: int) -> list[dict[str, Any]]:
    """Read-only commands of ``module`` whose arguments are all optional."""
    out = []
    for d in descs:
        if d.get("module") != module or "w" in str(d.get("perm", "r")):
            continue
        words = str(d["cmd"]).split()
        prefix = [w for w in words if "=" not in w]
        args = [w for w in words if "=" in w]
        if any(s in " ".join(prefix) for s in SKIP_WORDS):
            continue
        if all("req=false" in a or "req=False" in a for a in args):
            out.append({"prefix": " ".join(prefix), "format": "json"})
    return out[:limit]


def settled_descriptions(
    c: Cluster, running: set[str], timeout: float = 30.0
) -> list[dict[str, Any]]:
    """The mon's command descriptions once the modules' commands have arrived: the
    active publishes them in a beacon after its modules start (after a respawn on
    18.2 and newer), so wait until the set of modules with commands stops growing."""
    deadline = time.monotonic() + timeout
    last: set[str] = set()
    steady = 0
    while True:
        descs = json.loads(c.mon_command({"prefix": "get_command_descriptions"})[1])
        have = {str(d.get("module")) for d in descs} & running
        steady = steady + 1 if have == last else 0
        last = have
        if (have and steady >= 3) or time.monotonic() > deadline:
            return descs
        time.sleep(0.5)


def census(
    c: Cluster, limit: int, mgr_dir: str, timeout: float = 120.0
) -> dict[str, dict[str, Any]]:
    ls = json.loads(c.mon_command({"prefix": "mgr module ls", "format": "json"})[1])
    always = set(ls.get("always_on_modules", []))
    infos = c.admin("mgr.x", "status", timeout=2.0)["modules"]["modules"]  # with each one's path
    stock = sorted(n for n, m in infos.items() if str(m.get("path", "")).startswith(mgr_dir + "/"))
    for name in stock:
        if infos[name]["can_run"] and name not in always:
            c.mon_command({"prefix": "mgr module enable", "module": name, "force": True})

    seen: dict[str, Any] = {}

    def states() -> dict[str, Any] | None:
        st = c.admin("mgr.x", "status", timeout=2.0)
        mods = st.get("modules", {}).get("modules", {}) if st.get("active") else {}
        runnable = [n for n in stock if infos[n]["can_run"]]
        seen.update({n: mods.get(n, {}).get("state") for n in runnable})
        if all(seen[n] in ("running", "failed") for n in runnable):
            return mods
        return None

    try:
        mods = poll(states, timeout, "every runnable stock module to start", interval=0.25)
    except TimeoutError as exc:
        late = {n: s for n, s in seen.items() if s not in ("running", "failed")}
        raise TimeoutError(f"{exc}; not started: {late}") from None
    descs = settled_descriptions(c, set(mods))
    rows: dict[str, dict[str, Any]] = {}
    for name in stock:
        info = infos[name]
        row: dict[str, Any] = {"loads": info["can_run"], "reason": info.get("error_string", "")}
        m = mods.get(name, {})
        row["state"] = m.get("state", "-")
        if row["state"] == "failed":
            row["reason"] = m.get("error_string") or m.get("error", "") or row["reason"]
        cmds = representative(descs, name, limit) if row["state"] == "running" else []
        answered, first_error = 0, ""
        for cmd in cmds:
            try:
                rc, _out, err = c.mgr_command(cmd, timeout=10.0)
            except Exception as exc:  # a timeout is a census finding, not a bench failure
                rc, err = -110, f"{type(exc).__name__}: {exc}"
            if rc == 0:
                answered += 1
            elif not first_error:
                first_error = f"`{cmd['prefix']}`: {rc} {err.splitlines()[0] if err else ''}"
        row.update(commands=len(cmds), answered=answered, first_error=first_error)
        rows[name] = row
    return rows


def measure(args: Any) -> dict[str, Any]:
    res: dict[str, Any] = {}
    with bench_root("stock") as new:
        for series in args.releases:
            tree = tree_for(series)
            if tree is None:
                res[series] = {"missing": f"not fetched: python -m sim release fetch {series}"}
                continue
            path = new(series)
            t0 = time.perf_counter()
            launcher.up(path, mons=1, mgrs=1, osds=3, ceph_release=series, die_with_parent=True)
            with Cluster(path) as c:
                rows = census(c, args.per_module, str(tree.mgr_dir))
            launcher.down(path)
            res[series] = {
                "version": tree.version,
                "modules": rows,
                "seconds": time.perf_counter() - t0,
            }
            print(f"  {series}: {len(rows)} stock modules", file=sys.stderr)
    return {"benchmark": "stock_modules", "results": res}


def verdict(row: dict[str, Any]) -> str:
    if not row["loads"]:
        return "does not load"
    if row["state"] != "running":
        return f"{row['state']}"
    if row["commands"] == 0:
        return "runs (no read-only command)"
    return f"answers {row['answered']}/{row['commands']}"


def report(res: dict[str, Any]) -> str:
    lines = ["Ceph's stock modules on ceph-mgr-sim, per release (1 mon, 1 mgr, 3 OSDs)", ""]
    results = res["results"]
    names = sorted({n for r in results.values() for n in r.get("modules", {})})
    series = list(results)
    lines.append(
        "| module | " + " | ".join(f"{s} ({results[s].get('version', '-')})" for s in series) + " |"
    )
    lines.append("|---|" + "---|" * len(series))
    for n in names:
        cells = []
        for s in series:
            row = results[s].get("modules", {}).get(n)
            cells.append("-" if row is None else verdict(row))
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    lines.append("")
    for s in series:
        r = results[s]
        if "missing" in r:
            lines.append(f"{s}: {r['missing']}")
            continue
        rows = r["modules"]
        ok = sum(
            1 for x in rows.values() if x["state"] == "running" and x["answered"] == x["commands"]
        )
        lines.append(f"{s}: {ok}/{len(rows)} load, run and answer every representative command")
        for n, x in sorted(rows.items()):
            why = x["reason"] if not x["loads"] or x["state"] != "running" else x["first_error"]
            if why:
                lines.append(f"  {n}: {why[:160]}")
    return "\n".join(lines)


def build_parser() -> Any:
    p = parser(__doc__)
    p.add_argument("--releases", nargs="*", default=list(RELEASES))
    p.add_argument("--per-module", type=int, default=3, help="representative commands per module")
    return p


if __name__ == "__main__":
    sys.exit(main(build_parser(), measure, report))
