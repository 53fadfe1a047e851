"""``pg stat`` and ``pg dump``'s plain text, as Ceph 16.2's PGMap prints it
(``print_oneline_summary``, ``dump_basic``, ``dump_pg_stats``,
``dump_pool_stats``, ``dump_pg_sum_stats``, ``dump_osd_stats``).

Pure functions over the JSON the commands build (`mgr.commands.pg`), so the
plain and JSON outputs cannot disagree.

Who may import it: `mgr.commands.pg` and tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mgr.commands.table import L, R, text_table
from sim.formatting import byte_u_t, si_u_t

OMAP_NOTE = (
    "\n* NOTE: Omap statistics are gathered during deep scrub and may be inaccurate soon "
    "afterwards depending on utilization. See http://docs.ceph.com/en/latest/dev/"
    "placement-group/#omap-statistics for further details.\n"
)

# pg_stat_t's state bits (osd_types.h): the order of ``num_pg_by_state``.
STATE_BITS = {
    "creating": 1 << 0, "active": 1 << 1, "clean": 1 << 2, "down": 1 << 4,
    "recovery_unfound": 1 << 5, "backfill_unfound": 1 << 6, "premerge": 1 << 7,
    "scrubbing": 1 << 8, "degraded": 1 << 10, "inconsistent": 1 << 11, "peering": 1 << 12,
    "repair": 1 << 13, "recovering": 1 << 14, "backfill_wait": 1 << 15, "incomplete": 1 << 16,
    "stale": 1 << 17, "remapped": 1 << 18, "deep": 1 << 19, "backfilling": 1 << 20,
    "backfill_toofull": 1 << 21, "recovery_wait": 1 << 22, "undersized": 1 << 23,
    "activating": 1 << 24, "peered": 1 << 25, "snaptrim": 1 << 26, "snaptrim_wait": 1 << 27,
    "recovery_toofull": 1 << 28, "snaptrim_error": 1 << 29, "forced_recovery": 1 << 30,
    "forced_backfill": 1 << 31, "failed_repair": 1 << 32, "laggy": 1 << 33, "wait": 1 << 34,
}  # fmt: skip


def state_bits(name: str) -> int:
    """The bits of a state name (``unknown`` is 0, as Ceph's)."""
    return sum(STATE_BITS.get(part, 0) for part in name.split("+"))


def oneline_summary(s: dict[str, Any]) -> str:
    """``pg stat``'s line from its JSON summary (``PGMapDigest::print_oneline_summary``)."""
    states = ", ".join(f"{e['num']} {e['name']}" for e in s["num_pg_by_state"])
    out = (
        f"{s['num_pgs']} pgs: {states}; {byte_u_t(s['num_bytes'])} data, "
        f"{byte_u_t(s['total_used_bytes'])} used, {byte_u_t(s['total_avail_bytes'])} / "
        f"{byte_u_t(s['total_bytes'])} avail"
    )
    if "io_sec" in s:
        io = []
        if "read_bytes_sec" in s:
            io.append(f"{byte_u_t(s['read_bytes_sec'])}/s rd, ")
        if "write_bytes_sec" in s:
            io.append(f"{byte_u_t(s['write_bytes_sec'])}/s wr, ")
        out += "; " + "".join(io) + f"{si_u_t(s['io_sec'])} op/s"
    if "degraded_objects" in s:
        out += (
            f"; {s['degraded_objects']}/{s['degraded_total']} objects degraded "
            f"({s['degraded_ratio'] * 100:.3f}%)"
        )
    return out + "\n"


def _list(v: Sequence[int]) -> str:
    return "[" + ",".join(str(x) for x in v) + "]"


def _sum_cells(s: dict[str, Any]) -> list[str]:
    """OBJECTS … DISK_LOG of a pool_stat_t dump."""
    ss = s["stat_sum"]
    keys = ("num_objects", "num_objects_missing_on_primary", "num_objects_degraded",
            "num_objects_misplaced", "num_objects_unfound", "num_bytes", "num_omap_bytes",
            "num_omap_keys")  # fmt: skip
    return [str(ss[k]) for k in keys] + [str(s["log_size"]), str(s["ondisk_log_size"])]


SUM_HEADS = ("OBJECTS", "MISSING_ON_PRIMARY", "DEGRADED", "MISPLACED", "UNFOUND", "BYTES",
             "OMAP_BYTES*", "OMAP_KEYS*", "LOG", "DISK_LOG")  # fmt: skip


def _sum_columns(first: str, header: bool) -> list[tuple[str, bool, bool]]:
    if not header:
        return [("", L, L)] + [("", L, R)] * len(SUM_HEADS)
    return [(first, L, L)] + [(h, L, R) for h in SUM_HEADS]


def dump_basic(m: dict[str, Any]) -> str:
    return (
        f"version {m['version']}\nstamp {m['stamp']}\n"
        f"last_osdmap_epoch {m['last_osdmap_epoch']}\nlast_pg_scan {m['last_pg_scan']}\n"
    )


PG_COLUMNS = [
    ("PG_STAT", L, L), *[(h, L, R) for h in SUM_HEADS], ("STATE", L, L), ("STATE_STAMP", L, L),
    ("VERSION", L, R), ("REPORTED", L, R), ("UP", L, R), ("UP_PRIMARY", L, R),
    ("ACTING", L, R), ("ACTING_PRIMARY", L, R), ("LAST_SCRUB", L, R), ("SCRUB_STAMP", L, L),
    ("LAST_DEEP_SCRUB", L, R), ("DEEP_SCRUB_STAMP", L, L), ("SNAPTRIMQ_LEN", L, R),
]  # fmt: skip
BRIEF_COLUMNS = [("PG_STAT", L, L), ("STATE", L, R), ("UP", L, R), ("UP_PRIMARY", L, R),
                 ("ACTING", L, R), ("ACTING_PRIMARY", L, R)]  # fmt: skip


def pg_stats_table(stats: list[dict[str, Any]], brief: bool = False) -> str:
    if brief:
        rows = [[p["pgid"], p["state"], _list(p["up"]), str(p["up_primary"]),
                 _list(p["acting"]), str(p["acting_primary"])] for p in stats]  # fmt: skip
        return text_table(BRIEF_COLUMNS, rows)
    rows = [
        [p["pgid"], *_sum_cells(p), p["state"], p["last_change"], p["version"],
         f"{p['reported_epoch']}:{p['reported_seq']}", _list(p["up"]), str(p["up_primary"]),
         _list(p["acting"]), str(p["acting_primary"]), p["last_scrub"], p["last_scrub_stamp"],
         p["last_deep_scrub"], p["last_deep_scrub_stamp"], str(p["snaptrimq_len"])]
        for p in stats
    ]  # fmt: skip
    return text_table(PG_COLUMNS, rows)


def pool_stats_table(pools: list[dict[str, Any]], header: bool) -> str:
    rows = [[str(p["poolid"]), *_sum_cells(p)] for p in pools]
    return text_table(_sum_columns("POOLID", header), rows)


def pg_sum_table(pg_sum: dict[str, Any], header: bool) -> str:
    return text_table(_sum_columns("PG_STAT", header), [["sum", *_sum_cells(pg_sum)]])


def _used(s: dict[str, Any]) -> tuple[int, int, int, int]:
    """(used, available, used raw, total) bytes of an osd_stat_t dump (its statfs)."""
    fs = s["statfs"]
    raw = int(fs["total"]) - int(fs["available"])
    return raw - int(fs["internally_reserved"]), int(fs["available"]), raw, int(fs["total"])


OSD_COLUMNS = [("OSD_STAT", L, L), ("USED", L, R), ("AVAIL", L, R), ("USED_RAW", L, R),
               ("TOTAL", L, R), ("HB_PEERS", L, R), ("PG_SUM", L, R),
               ("PRIMARY_PG_SUM", L, R)]  # fmt: skip


def osd_stats_table(
    osds: list[dict[str, Any]], total: dict[str, Any], primary: dict[int, int]
) -> str:
    rows = [
        [str(s["osd"]), *map(byte_u_t, _used(s)), _list(s["hb_peers"]), str(s["num_pgs"]),
         str(primary.get(s["osd"], 0))]
        for s in osds
    ]  # fmt: skip
    rows.append(["sum", *map(byte_u_t, _used(total)), "", "", ""])
    return text_table(OSD_COLUMNS, rows)


def osd_sum_table(total: dict[str, Any]) -> str:
    return text_table(OSD_COLUMNS[:5], [["sum", *map(byte_u_t, _used(total))]])


def dump_plain(m: dict[str, Any], what: list[str], primary: dict[int, int]) -> str:
    """``pg dump [what…]`` text; ``m`` is the whole ``pg_map`` dump."""
    parts: list[str] = []
    note = False
    if not what or "all" in what:
        parts += [dump_basic(m), pg_stats_table(m["pg_stats"]),
                  pool_stats_table(m["pool_stats"], False), pg_sum_table(m["pg_stats_sum"], False),
                  osd_stats_table(m["osd_stats"], m["osd_stats_sum"], primary)]  # fmt: skip
        note = True
    elif "summary" in what or "sum" in what:
        parts += [dump_basic(m), pg_sum_table(m["pg_stats_sum"], True),
                  osd_sum_table(m["osd_stats_sum"])]  # fmt: skip
        note = True
    else:
        if "pgs_brief" in what:
            parts.append(pg_stats_table(m["pg_stats"], brief=True))
        header = True
        if "pgs" in what:
            parts.append(pg_stats_table(m["pg_stats"]))
            header, note = False, True
        if "pools" in what:
            parts.append(pool_stats_table(m["pool_stats"], header))
            note = True
        if "osds" in what:
            parts.append(osd_stats_table(m["osd_stats"], m["osd_stats_sum"], primary))
    return "".join(parts) + (OMAP_NOTE if note else "")
