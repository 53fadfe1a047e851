"""The mgr's PG listings (Ceph's ``process_pg_map_command``): ``pg ls [<pool>]
[<states>…]``, ``pg ls-by-pool``, ``pg ls-by-osd``, ``pg ls-by-primary`` and
``pg dump_stuck [inactive|unclean|stale|undersized|degraded…] [<threshold>]``,
in Ceph 16.2's shapes (``tests/data/ceph16/pg_ls*``, ``pg_dump_stuck*``).

A state filter names single states (``active``, ``clean``, ``degraded`` …);
a PG is listed when it has any of them, as in Ceph. ``pg dump_stuck`` lists
the PGs that have been in a bad state (by default: not clean) for longer
than the threshold (Ceph's ``mon_pg_stuck_threshold``, 60 s), measured from
the PG's ``last_clean`` / ``last_active`` … stamps, which are those of the
OSDMap change that put it there.

Who may import it: `mgr.commands` and tests.
"""

from __future__ import annotations

import errno
import time
from typing import Any

from mgr.commands import pg_text
from mgr.commands.pg import pg_map, pg_ready
from mgr.commands.table import Cluster, CommandError, CommandTable, L, R, Reply, choices, text_table
from sim.formatting import parse_utc_stamp, timespan_str

TABLE = CommandTable("pg")

STUCK_THRESHOLD = 60  # mon_pg_stuck_threshold
# The names a state filter takes, in the order Ceph's error lists them.
LS_STATES = (
    "stale", "creating", "active", "activating", "clean", "recovery_wait", "recovery_toofull",
    "recovering", "forced_recovery", "down", "recovery_unfound", "backfill_unfound", "undersized",
    "degraded", "remapped", "premerge", "scrubbing", "deep", "inconsistent", "peering", "repair",
    "backfill_wait", "backfilling", "forced_backfill", "backfill_toofull", "incomplete", "peered",
    "snaptrim", "snaptrim_wait", "snaptrim_error",
)  # fmt: skip
STUCK = {  # stuck type -> (the state bit it is about, set when stuck or missing, its stamp)
    "inactive": ("active", False, "last_active"),
    "unclean": ("clean", False, "last_clean"),
    "undersized": ("undersized", True, "last_fullsized"),
    "degraded": ("degraded", True, "last_undegraded"),
    "stale": ("stale", True, "last_unstale"),
}


def state_mask(cmd: dict[str, Any]) -> int | None:
    raw = cmd.get("states")
    if raw is None or raw == []:
        return None
    words = raw if isinstance(raw, list) else [raw]
    mask = 0
    for w in words:
        if not isinstance(w, str) or w not in LS_STATES:
            raise CommandError(
                errno.EINVAL, f"'{w}' is not a valid pg state, available choices: "
                + "+".join(LS_STATES),
            )  # fmt: skip
        mask |= pg_text.STATE_BITS[w]
    return mask


def _int(cmd: dict[str, Any], key: str) -> int | None:
    v = cmd.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int):
        raise CommandError(errno.EINVAL, f"{key} must be an integer, not {v!r}")
    return v


def _osd(c: Cluster, cmd: dict[str, Any]) -> int:
    v = cmd.get("osd")
    if isinstance(v, str) and v.removeprefix("osd.").isdigit():
        v = int(v.removeprefix("osd."))
    if isinstance(v, bool) or not isinstance(v, int):
        raise CommandError(errno.EINVAL, f"osd must be an OSD id, not {v!r}")
    m = c.view.osdmap
    if not (0 <= v < m.max_osd and m.is_up(v)):
        raise CommandError(errno.EAGAIN, f"osd {v} is not up")
    return v


def _pool_by_id(c: Cluster, pool: int | None) -> int | None:
    if pool is not None and pool not in c.view.osdmap.pools:
        raise CommandError(errno.ENOENT, f"pool {pool} does not exist")
    return pool


def ls_plain(stats: list[dict[str, Any]], now: float) -> str:
    def since(p: dict[str, Any]) -> str:
        return timespan_str(now - parse_utc_stamp(p["last_change"]))

    def where(osds: list[int], primary: int) -> str:
        return "[" + ",".join(map(str, osds)) + f"]p{primary}"

    columns = [("PG", L, L), *[(h, L, R) for h in pg_text.SUM_HEADS if h != "MISSING_ON_PRIMARY"
                                and h != "DISK_LOG"],
               ("STATE", L, R), ("SINCE", L, R), ("VERSION", L, R), ("REPORTED", L, R),
               ("UP", L, R), ("ACTING", L, R), ("SCRUB_STAMP", L, L),
               ("DEEP_SCRUB_STAMP", L, L)]  # fmt: skip
    keys = ("num_objects", "num_objects_degraded", "num_objects_misplaced", "num_objects_unfound",
            "num_bytes", "num_omap_bytes", "num_omap_keys")  # fmt: skip
    rows = [
        [p["pgid"], *[str(p["stat_sum"][k]) for k in keys], str(p["log_size"]), p["state"],
         since(p), p["version"], f"{p['reported_epoch']}:{p['reported_seq']}",
         where(p["up"], p["up_primary"]), where(p["acting"], p["acting_primary"]),
         p["last_scrub_stamp"], p["last_deep_scrub_stamp"]]
        for p in stats
    ]  # fmt: skip
    return text_table(columns, rows) + pg_text.OMAP_NOTE


def _ls(c: Cluster, cmd: dict[str, Any], pool: int | None, osd: int | None,
        primary: bool = False) -> Reply:  # fmt: skip
    mask = state_mask(cmd)
    m, _ = pg_map(c)
    out = []
    for p in m["pg_stats"]:
        if pool is not None and int(p["pgid"].split(".")[0]) != pool:
            continue
        if osd is not None and (p["acting_primary"] != osd if primary else osd not in p["acting"]):
            continue
        if mask is not None and not pg_text.state_bits(p["state"]) & mask:
            continue
        out.append(p)
    now = time.time()
    return Reply(data={"pg_ready": pg_ready(c), "pg_stats": out},
                 plain=lambda d: ls_plain(d["pg_stats"], now))  # fmt: skip


@TABLE.command(
    "pg ls-by-pool name=poolstr,type=CephString name=states,type=CephString,n=N,req=false",
    "list pg with pool = [poolname]",
)
def pg_ls_by_pool(c: Cluster, cmd: dict[str, Any]) -> Reply:
    name = cmd.get("poolstr")
    pool = c.view.osdmap.pool_by_name(name) if isinstance(name, str) else None
    if pool is None:
        raise CommandError(errno.ENOENT, f"pool {name} does not exist")
    return _ls(c, cmd, pool.pool, None)


@TABLE.command(
    "pg ls-by-primary name=osd,type=CephOsdName name=pool,type=CephInt,req=false "
    "name=states,type=CephString,n=N,req=false",
    "list pg with primary = [osd]",
)
def pg_ls_by_primary(c: Cluster, cmd: dict[str, Any]) -> Reply:
    osd = _osd(c, cmd)
    return _ls(c, cmd, _pool_by_id(c, _int(cmd, "pool")), osd, primary=True)


@TABLE.command(
    "pg ls-by-osd name=osd,type=CephOsdName name=pool,type=CephInt,req=false "
    "name=states,type=CephString,n=N,req=false",
    "list pg on osd [osd]",
)
def pg_ls_by_osd(c: Cluster, cmd: dict[str, Any]) -> Reply:
    osd = _osd(c, cmd)
    return _ls(c, cmd, _pool_by_id(c, _int(cmd, "pool")), osd)


@TABLE.command(
    "pg ls name=pool,type=CephInt,req=false name=states,type=CephString,n=N,req=false",
    "list pg with specific pool, osd, state",
)
def pg_ls(c: Cluster, cmd: dict[str, Any]) -> Reply:
    return _ls(c, cmd, _pool_by_id(c, _int(cmd, "pool")), None)


def is_stuck(p: dict[str, Any], kinds: list[str], cutoff: float) -> bool:
    bits = pg_text.state_bits(p["state"])
    for kind in kinds:
        state, when_set, stamp = STUCK[kind]
        has = bool(bits & pg_text.STATE_BITS[state])
        if has == when_set and parse_utc_stamp(p[stamp]) < cutoff:
            return True
    return False


@TABLE.command(
    "pg dump_stuck name=stuckops,type=CephChoices,strings=inactive|unclean|stale|undersized|"
    "degraded,n=N,req=false name=threshold,type=CephInt,req=false",
    "show information about stuck pgs",
)
def pg_dump_stuck(c: Cluster, cmd: dict[str, Any]) -> Reply:
    kinds = choices(cmd, "stuckops", tuple(STUCK)) or ["unclean"]
    threshold = _int(cmd, "threshold")
    cutoff = time.time() - (STUCK_THRESHOLD if threshold is None else threshold)
    m, _ = pg_map(c)
    stuck = [p for p in m["pg_stats"] if is_stuck(p, kinds, cutoff)]
    data = {"pg_ready": pg_ready(c), "stuck_pg_stats": stuck}
    plain = (lambda d: pg_text.pg_stats_table(d["stuck_pg_stats"], brief=True)) if stuck else (
        lambda d: "")  # fmt: skip
    return Reply(data=data, outs="ok", plain=plain, flush_newline=True)
