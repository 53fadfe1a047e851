"""``ceph df``: a mon command served from the active mgr's last PG digest
(Ceph's MgrStatMonitor answers it from the PGMapDigest, so it still answers,
with the last figures, while no mgr is active).

Handlers receive the mon as a `mon.context.MonContext` and change state only
through the owning service's methods. Who may import it: `mon.commands`
(which builds the table) and tests."""

from __future__ import annotations

from typing import Any

from mon.commands.table import CommandTable, Reply
from mon.context import MonContext
from sim.formatting import byte_u_t, si_u_t
from sim.maps.osd_dumps import aligned_table

TABLE = CommandTable()


def _pct(ratio: float) -> str:
    """Ceph's percentify: under 0.01 % prints as 0."""
    return "0" if ratio * 100 < 0.01 else f"{ratio * 100:.2f}"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    return aligned_table([head, *rows], [False] + [True] * (len(head) - 1))


def _pool_row(p: dict[str, Any], pgs: int, detail: bool) -> list[str]:
    st = p["stats"]
    if not detail:
        return [
            p["name"], str(p["id"]), str(pgs), byte_u_t(st["stored"]), si_u_t(st["objects"]),
            byte_u_t(st["bytes_used"]), _pct(st["percent_used"]), byte_u_t(st["max_avail"]),
        ]  # fmt: skip
    q_obj, q_bytes = int(st.get("quota_objects", 0)), int(st.get("quota_bytes", 0))
    return [
        p["name"], str(p["id"]), str(pgs),
        byte_u_t(st["stored"]), byte_u_t(st.get("stored_data", st["stored"])),
        byte_u_t(st.get("stored_omap", 0)), si_u_t(st["objects"]),
        byte_u_t(st["bytes_used"]), byte_u_t(st.get("data_bytes_used", st["bytes_used"])),
        byte_u_t(st.get("omap_bytes_used", 0)), _pct(st["percent_used"]), byte_u_t(st["max_avail"]),
        si_u_t(q_obj) if q_obj else "N/A", byte_u_t(q_bytes) if q_bytes else "N/A",
        "N/A",  # DIRTY: counted for cache tiers only, and there are none here
        byte_u_t(st.get("compress_bytes_used", 0)), byte_u_t(st.get("compress_under_bytes", 0)),
    ]  # fmt: skip


POOL_HEAD = ["POOL", "ID", "PGS", "STORED", "OBJECTS", "USED", "%USED", "MAX AVAIL"]
POOL_HEAD_DETAIL = [
    "POOL", "ID", "PGS", "STORED", "(DATA)", "(OMAP)", "OBJECTS", "USED", "(DATA)", "(OMAP)",
    "%USED", "MAX AVAIL", "QUOTA OBJECTS", "QUOTA BYTES", "DIRTY", "USED COMPR", "UNDER COMPR",
]  # fmt: skip


def df_plain(data: dict[str, Any], pg_num: dict[int, int], detail: bool = False) -> str:
    """``ceph df [detail]`` text (RAW STORAGE by class, then POOLS)."""
    raw = []
    for cls, s in [*sorted(data.get("stats_by_class", {}).items()), ("TOTAL", data["stats"])]:
        raw.append([
            cls, byte_u_t(s["total_bytes"]), byte_u_t(s["total_avail_bytes"]),
            byte_u_t(s["total_used_bytes"]), byte_u_t(s["total_used_raw_bytes"]),
            _pct(s["total_used_raw_ratio"]),
        ])  # fmt: skip
    pools = [_pool_row(p, pg_num.get(p["id"], 0), detail) for p in data.get("pools", [])]
    lines = ["--- RAW STORAGE ---"]
    lines += _table(["CLASS", "SIZE", "AVAIL", "USED", "RAW USED", "%RAW USED"], raw)
    lines += [" ", "--- POOLS ---"]
    lines += _table(POOL_HEAD_DETAIL if detail else POOL_HEAD, pools)
    return "\n".join(lines) + "\n"


def empty_df(mon: MonContext) -> dict[str, Any]:
    zero = {"total_bytes": 0, "total_avail_bytes": 0, "total_used_bytes": 0,
            "total_used_raw_bytes": 0, "total_used_raw_ratio": 0}  # fmt: skip
    return {
        "stats": zero | {"num_osds": 0, "num_per_pool_osds": 0, "num_per_pool_omap_osds": 0},
        "stats_by_class": {},
        "pools": [
            {"name": p.name, "id": p.pool, "stats": {"stored": 0, "objects": 0, "kb_used": 0,
             "bytes_used": 0, "percent_used": 0, "max_avail": 0}}
            for p in mon.osd_service.map.pools.values()
        ],
    }  # fmt: skip


DF_VERBOSE = frozenset((
    "quota_objects", "quota_bytes", "dirty", "rd", "rd_bytes", "wr", "wr_bytes",
    "compress_bytes_used", "compress_under_bytes", "stored_raw", "avail_raw",
    "stored_data", "stored_omap", "data_bytes_used", "omap_bytes_used",  # per-pool omap OSDs
))  # fmt: skip


@TABLE.command(
    "df name=detail,type=CephChoices,strings=detail,req=false", "show cluster free space stats"
)
def df(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    data = mon.osd_service.digest.get("df")
    if not isinstance(data, dict) or "stats" not in data:
        data = empty_df(mon)
    elif cmd.get("detail") != "detail":  # the digest is verbose (what get('df') gives)
        data = {**data, "pools": [
            {**p, "stats": {k: v for k, v in p["stats"].items() if k not in DF_VERBOSE}}
            for p in data.get("pools", [])
        ]}  # fmt: skip
    pg_num = {p.pool: p.pg_num for p in mon.osd_service.map.pools.values()}
    detail = cmd.get("detail") == "detail"
    return Reply(data=data, plain=lambda d: df_plain(d, pg_num, detail))
