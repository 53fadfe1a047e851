"""The mgr's ``osd perf``, ``osd pool stats`` and ``osd df`` (Ceph's DaemonServer).

``osd perf``: each OSD's commit/apply latency from its ``osd_stats``
``perf_stat`` (the fleet's ``bluestore.commit_lat`` counter), descending id
as Ceph's unordered map gives them. ``osd pool stats``: each pool's client IO
rate (``recovery`` stays empty: no recovery is simulated between samples).
``osd df``: `mgr.commands.osd_df`.

Who may import it: `mgr.commands` and tests.
"""

from __future__ import annotations

import errno
from typing import Any

from mgr.commands import osd_df as df_view
from mgr.commands.pg import pg_ready
from mgr.commands.table import (
    Cluster,
    CommandError,
    CommandTable,
    R,
    Reply,
    choices,
    string,
    text_table,
)
from sim.formatting import client_io_rate_summary, recovery_rate_summary, recovery_summary

TABLE = CommandTable("osd")


def perf_infos(c: Cluster) -> list[dict[str, Any]]:
    stats = sorted(c.pg.osd_stats(), key=lambda s: -s["osd"])
    return [{"id": s["osd"], "perf_stats": dict(s["perf_stat"])} for s in stats]


def perf_plain(data: dict[str, Any]) -> str:
    rows = [
        [str(i["id"]), str(i["perf_stats"]["commit_latency_ms"]),
         str(i["perf_stats"]["apply_latency_ms"])]
        for i in data["osdstats"]["osd_perf_infos"]
    ]  # fmt: skip
    heads = ("osd", "commit_latency(ms)", "apply_latency(ms)")
    return text_table([(h, R, R) for h in heads], rows)


@TABLE.command("osd perf", "print dump of OSD perf summary stats")
def osd_perf(c: Cluster, cmd: dict[str, Any]) -> Reply:
    data = {"pg_ready": pg_ready(c), "osdstats": {"osd_perf_infos": perf_infos(c)}}
    return Reply(data=data, plain=perf_plain, flush_newline=True)


def pool_stats_plain(pools: list[dict[str, Any]]) -> str:
    """Ceph's text: the pool; its recovery (objects degraded, misplaced, unfound; the
    recovery rate) and client IO, or "nothing is going on"; a blank line."""
    out = []
    for p in pools:
        lines = recovery_summary(p["recovery"])
        recovery = recovery_rate_summary(p["recovery_rate"])
        client = client_io_rate_summary(p["client_io_rate"])
        if recovery:
            lines.append(f"recovery io {recovery}")
        if client:
            lines.append(f"client io {client}")
        body = "".join(f"  {line}\n" for line in lines or ["nothing is going on"])
        out.append(f"pool {p['pool_name']} id {p['pool_id']}\n{body}\n")
    return "".join(out)


@TABLE.command(
    "osd pool stats name=pool_name,type=CephPoolname,req=false",
    "obtain stats from all pools, or from specified pool",
)
def osd_pool_stats(c: Cluster, cmd: dict[str, Any]) -> Reply:
    name = string(cmd, "pool_name")
    pools = c.pg.osd_pool_stats()
    if name is not None:
        pools = [p for p in pools if p["pool_name"] == name]
        if not pools:
            raise CommandError(errno.ENOENT, f"unrecognized pool '{name}'")
    return Reply(data=pools, plain=pool_stats_plain)


def pool_pgs(c: Cluster) -> dict[str, dict[int, int]]:
    """pool name -> OSD -> how many of the pool's PGs map to it."""
    pgs, _ = c.pg.pgs()
    names = {p.pool: p.name for p in c.view.osdmap.pools.values()}
    out: dict[str, dict[int, int]] = {}
    for pool, pp in pgs.items():
        if pool in names:
            per = out.setdefault(names[pool], {})
            for o in pp.acting:
                if o >= 0:
                    per[o] = per.get(o, 0) + 1
    return out


@TABLE.command(
    "osd df name=output_method,type=CephChoices,strings=plain|tree,req=false "
    "name=filter_by,type=CephChoices,strings=class|name,req=false "
    "name=filter,type=CephString,req=false",
    "show OSD utilization",
)
def osd_df(c: Cluster, cmd: dict[str, Any]) -> Reply:
    # Ceph's DaemonServer does not check the choice: anything but "tree" is plain
    tree = cmd.get("output_method") == "tree"
    choices(cmd, "filter_by", ("class", "name"))
    stats = {int(s["osd"]): s for s in c.pg.osd_stats()}
    per_osd = c.pg.derived()["pgs_per_osd"]
    data = df_view.osd_df(c.view.osdmap, stats, per_osd, tree, pool_pgs(c), string(cmd, "filter"))
    return Reply(data=data, plain=lambda d: df_view.osd_df_plain(d, tree), json_newline=True)
