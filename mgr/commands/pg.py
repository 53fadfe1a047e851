"""The mgr's ``pg …`` commands (Ceph's DaemonServer + ``process_pg_map_command``):
``pg stat``, ``pg dump [all|summary|sum|delta|pools|osds|pgs|pgs_brief…]``,
``pg dump_json``, ``pg dump_pools_json`` (the listings: `mgr.commands.pg_ls`).
The rest of Ceph's ``pg`` family is declared (so the CLI's help and "closest matches" are Ceph's) and answers
EOPNOTSUPP: not simulated.

JSON replies start with ``pg_ready`` as Ceph's do. Pool and OSD lists come
in descending id order: what Ceph's unordered maps give for ids inserted in
ascending order (``tests/data/ceph16/pg_dump*``); PGs in pgid order.

Who may import it: `mgr.commands` and tests.
"""

from __future__ import annotations

import errno
import time
from bisect import bisect_left
from typing import Any

from mgr.commands import pg_text
from mgr.commands.table import Cluster, CommandError, CommandTable, Reply, choices
from mgr.pg_views import fresh
from sim.maps.osd_dumps import stamp

TABLE = CommandTable("pg")

HB_MIN_PEERS = 10  # osd_heartbeat_min_peers
DUMP_WHAT = ("all", "summary", "sum", "delta", "pools", "osds", "pgs", "pgs_brief")


def pg_ready(c: Cluster) -> bool:
    """Ceph's ``pgmap_ready``: the mgr has heard from the OSDs (or there are none)."""
    return c.view.reports > 0 or not c.view.osdmap.osd_ids()


def pg_summary(c: Cluster) -> dict[str, Any]:
    """``pg stat``'s JSON (``print_oneline_summary`` with a formatter)."""
    st = c.pg.pg_status()
    by_state = sorted(st["pgs_by_state"], key=lambda e: pg_text.state_bits(e["state_name"]))
    out: dict[str, Any] = {
        "num_pg_by_state": [{"name": e["state_name"], "num": e["count"]} for e in by_state],
        "num_pgs": st["num_pgs"],
        "num_bytes": st["data_bytes"],
        "total_bytes": st["bytes_total"],
        "total_avail_bytes": st["bytes_avail"],
        "total_used_bytes": st["bytes_used"],
        "total_used_raw_bytes": st["bytes_used"],
    }
    rd, wr = st.get("read_op_per_sec", 0), st.get("write_op_per_sec", 0)
    if rd or wr:
        if rd:
            out["read_bytes_sec"] = st["read_bytes_sec"]
        if wr:
            out["write_bytes_sec"] = st["write_bytes_sec"]
        out["io_sec"] = rd + wr
    if st.get("degraded_objects"):
        for k in ("degraded_objects", "degraded_total", "degraded_ratio"):
            out[k] = st[k]
    return out


@TABLE.command("pg stat", "show placement group status.")
def pg_stat(c: Cluster, cmd: dict[str, Any]) -> Reply:
    data = {"pg_ready": pg_ready(c), "pg_summary": pg_summary(c)}
    return Reply(data=data, plain=lambda d: pg_text.oneline_summary(d["pg_summary"]),
                 flush_newline=True)  # fmt: skip


def hb_peers(up: list[int], osd: int) -> list[int]:
    """The up OSDs next to the up ``osd`` (by id, wrapping): Ceph's minimum
    number of heartbeat peers, or every other up OSD when there are fewer."""
    n = len(up)
    want = min(HB_MIN_PEERS, n - 1)
    i = bisect_left(up, osd)
    peers: set[int] = set()
    step = 0
    while len(peers) < want:
        step += 1
        for j in (i + step, i - step):
            if up[j % n] != osd and len(peers) < want:
                peers.add(up[j % n])
    return sorted(peers)


def _statfs_sum(stats: list[dict[str, Any]]) -> dict[str, int]:
    keys = stats[0]["statfs"].keys() if stats else ()
    return {k: sum(int(s["statfs"][k]) for s in stats) for k in keys}


def pg_map(c: Cluster) -> tuple[dict[str, Any], dict[int, int]]:
    """The whole ``pg_map`` dump in Ceph's shape, and PGs per primary OSD."""
    m = c.pg.pg_dump()
    m["stamp"] = stamp(time.time())
    osdmap = c.view.osdmap
    up = sorted(o for o in osdmap.osd_ids() if osdmap.is_up(o))
    osd_stats = []
    for s in sorted(m["osd_stats"], key=lambda s: -s["osd"]):
        entry = {"osd": s["osd"], **{k: v for k, v in s.items() if k != "osd"}}
        entry["hb_peers"] = hb_peers(up, s["osd"]) if osdmap.is_up(s["osd"]) else []
        osd_stats.append(entry)
    m["osd_stats"] = osd_stats
    if osd_stats:
        m["osd_stats_sum"]["statfs"].update(_statfs_sum(osd_stats))
    mapped: dict[int, int] = {}
    primary: dict[int, int] = {}
    for p in m["pg_stats"]:
        pool = int(p["pgid"].split(".")[0])
        mapped[pool] = mapped.get(pool, 0) + len(p["up"])
        if p["acting_primary"] >= 0:
            primary[p["acting_primary"]] = primary.get(p["acting_primary"], 0) + 1
    for ps in m["pool_stats"]:
        ps["up"] = ps["acting"] = mapped.get(ps["poolid"], 0)
    m["pool_stats"].sort(key=lambda ps: -ps["poolid"])
    m["pg_stats_sum"]["up"] = m["pg_stats_sum"]["acting"] = sum(mapped.values())
    return m, primary


def _brief(p: dict[str, Any]) -> dict[str, Any]:
    keys = ("pgid", "state", "up", "acting", "up_primary", "acting_primary")
    return {k: fresh(p[k]) for k in keys}


def dump_json(m: dict[str, Any], what: list[str]) -> dict[str, Any]:
    basic = ("version", "stamp", "last_osdmap_epoch", "last_pg_scan", "pg_stats_sum",
             "osd_stats_sum", "pg_stats_delta")  # fmt: skip
    if not what or "all" in what:
        return {"pg_map": m}
    if "summary" in what or "sum" in what:
        return {"pg_map": {k: m[k] for k in basic}}
    out: dict[str, Any] = {}
    if "pools" in what:
        out["pool_stats"] = m["pool_stats"]
    if "osds" in what:
        out["osd_stats"] = m["osd_stats"]
        out["pool_statfs"] = m["pool_statfs"]
    if "pgs" in what:
        out["pg_stats"] = m["pg_stats"]
    if "pgs_brief" in what:
        out["pg_stats"] = [_brief(p) for p in m["pg_stats"]]
    if "delta" in what:
        out["delta"] = {"pg_stats_delta": m["pg_stats_delta"]}
    return out


def _dump(c: Cluster, what: list[str], json_only: bool, fmt: Any) -> Reply:
    m, primary = pg_map(c)
    data = {"pg_ready": pg_ready(c), **dump_json(m, what)}
    outs = "dumped " + ",".join(sorted(set(what or ["all"])))
    if json_only and fmt not in ("json", "json-pretty"):
        return Reply(data=data, outs=outs)  # json-pretty whatever the format
    return Reply(data=data, outs=outs, plain=lambda _: pg_text.dump_plain(m, what, primary))


@TABLE.command(
    "pg dump name=dumpcontents,type=CephChoices,strings=all|summary|sum|delta|pools|osds|pgs|pgs_brief,n=N,req=false",
    "show human-readable versions of pg map (only 'all' valid with plain)",
)  # fmt: skip
def pg_dump(c: Cluster, cmd: dict[str, Any]) -> Reply:
    return _dump(c, choices(cmd, "dumpcontents", DUMP_WHAT), False, cmd.get("format"))


@TABLE.command(
    "pg dump_json name=dumpcontents,type=CephChoices,strings=all|summary|sum|pools|osds|pgs,n=N,req=false",
    "show human-readable version of pg map in json only",
)  # fmt: skip
def pg_dump_json(c: Cluster, cmd: dict[str, Any]) -> Reply:
    what = choices(cmd, "dumpcontents", DUMP_WHAT[:3] + DUMP_WHAT[4:7])
    return _dump(c, what, True, cmd.get("format"))


@TABLE.command("pg dump_pools_json", "show pg pools info in json only")
def pg_dump_pools_json(c: Cluster, cmd: dict[str, Any]) -> Reply:
    return _dump(c, ["pools"], True, cmd.get("format"))


def not_simulated(c: Cluster, cmd: dict[str, Any]) -> Reply:
    raise CommandError(
        errno.EOPNOTSUPP, f"'{cmd.get('prefix')}' is not simulated (Ceph's mgr serves it)"
    )


# The rest of Ceph 16.2's pg family, in its order (MgrCommands.h).
for _descriptor, _help, _perm in (
    ("pg getmap", "get binary pg map to -o/stdout", "r"),
    ("pg debug name=debugop,type=CephChoices,strings=unfound_objects_exist|degraded_pgs_exist",
     "show debug info about pgs", "r"),
    ("pg scrub name=pgid,type=CephPgid", "start scrub on <pgid>", "rw"),
    ("pg deep-scrub name=pgid,type=CephPgid", "start deep-scrub on <pgid>", "rw"),
    ("pg repair name=pgid,type=CephPgid", "start repair on <pgid>", "rw"),
    ("pg force-recovery name=pgid,type=CephPgid,n=N", "force recovery of <pgid> first", "rw"),
    ("pg force-backfill name=pgid,type=CephPgid,n=N", "force backfill of <pgid> first", "rw"),
    ("pg cancel-force-recovery name=pgid,type=CephPgid,n=N",
     "restore normal recovery priority of <pgid>", "rw"),
    ("pg cancel-force-backfill name=pgid,type=CephPgid,n=N",
     "restore normal backfill priority of <pgid>", "rw"),
):  # fmt: skip
    TABLE.command(_descriptor, _help, _perm)(not_simulated)
