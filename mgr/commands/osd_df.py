"""``osd df [plain|tree] [<filter>]``: Ceph 16.2's OSDUtilizationDumper, as
JSON (``nodes``, ``stray``, ``summary``) and as its text table.

Inputs: the OSDMap (CRUSH weights, reweights, up/down, the host buckets)
and the per-OSD usage the fleet reports (``osd_stats``: ``kb``,
``kb_used`` …), PGs per OSD from the PG placement. ``var`` is an OSD's
utilisation over the average of the OSDs that are in; ``dev`` the
reweight-weighted standard deviation of the utilisations, as Ceph's.

Who may import it: `mgr.commands.osd` and tests.
"""

from __future__ import annotations

import math
from typing import Any

from mgr.commands.table import CommandError, L, R, text_table
from sim.formatting import byte_u_t
from sim.maps.osd_dumps import host_bucket_id
from sim.maps.osdmap import OSDMap

KB_KEYS = ("kb", "kb_used", "kb_used_data", "kb_used_omap", "kb_used_meta", "kb_avail")
WEIGHT_IN = 0x10000


def lowprecision(v: float) -> str:
    """Ceph's ``lowprecision_t``: two decimals, and ``0`` for less than a thousandth
    (``osd_df_filter_osd_1.txt``: a utilisation of 0.0088 prints ``0.01``, a
    deviation of 0.00018 ``0``)."""
    return "0" if abs(v) < 0.001 else f"{v:.2f}"


def weightf(v: float) -> str:
    """Ceph's ``weightf_t``: ``-`` below zero, ``0`` for none, else five decimals."""
    return "-" if v < -0.01 else "0" if v < 0.000001 else f"{v:.5f}"


def select(m: OSDMap, pool_pgs: dict[str, dict[int, int]], flt: str | None) -> set[int]:
    """The OSDs a filter names: a pool, a CRUSH node or a device class."""
    ids = set(m.osd_ids())
    if not flt or flt in ("hdd", "default"):
        return ids
    if flt in pool_pgs:
        return set(pool_pgs[flt]) & ids
    if flt.startswith("osd.") and flt[4:].isdigit() and int(flt[4:]) in ids:
        return {int(flt[4:])}
    members = m.host_members()
    for h, osds in enumerate(members):
        if osds and m.hosts[h] == flt:
            return set(osds)
    raise CommandError(22, f"'{flt}' not a pool, crush node or device class name")


class Dumper:
    def __init__(self, m: OSDMap, stats: dict[int, dict[str, Any]], pgs: dict[int, int],
                 shown: set[int]) -> None:  # fmt: skip
        self.m, self.stats, self.pgs, self.shown = m, stats, pgs, shown
        used = total = 0
        for o in shown:
            s = stats.get(o)
            if s and s["kb"] and m.weight[o]:
                fs = s["statfs"]
                used += int(fs["total"]) - int(fs["available"])
                total += int(fs["total"])
        self.average = used / total * 100 if total else 0.0
        self.min_var, self.max_var = -1.0, -1.0
        self.dev_sum = self.dev_weight = 0.0
        self.total = dict.fromkeys(KB_KEYS, 0)

    def _usage(self, kb: dict[str, int]) -> tuple[float, float]:
        util = kb["kb_used"] / kb["kb"] * 100 if kb["kb"] else 0.0
        return util, (util / self.average if self.average else 0.0)

    def osd(self, o: int, depth: int) -> dict[str, Any]:
        m = self.m
        s = self.stats.get(o)
        reweight = m.weight[o] / WEIGHT_IN
        kb = {k: int(s[k]) if s and reweight > 0 else 0 for k in KB_KEYS}  # an out OSD: zeros
        util, var = self._usage(kb)
        if kb["kb"] and reweight > 0:
            self.min_var = var if self.min_var < 0 else min(self.min_var, var)
            self.max_var = max(self.max_var, var)
            self.dev_sum += reweight * (util - self.average) ** 2
            self.dev_weight += reweight
        for k in KB_KEYS:
            self.total[k] += kb[k]
        return {
            "id": o, "device_class": "hdd", "name": f"osd.{o}", "type": "osd", "type_id": 0,
            "crush_weight": m.crush_weight[o], "depth": depth, "pool_weights": {},
            "reweight": reweight, **kb, "utilization": util, "var": var,
            "pgs": self.pgs.get(o, 0), "status": "up" if m.is_up(o) else "down",
        }  # fmt: skip

    def bucket(self, bid: int, name: str, kind: str, children: list[dict[str, Any]],
               child_ids: list[int]) -> dict[str, Any]:  # fmt: skip
        kb = {k: sum(int(c[k]) for c in children) for k in KB_KEYS}
        util, var = self._usage(kb)
        node: dict[str, Any] = {"id": bid, "name": name, "type": kind,
                                "type_id": 11 if kind == "root" else 1}  # fmt: skip
        if kind != "root":
            node["pool_weights"] = {}
        return node | {"reweight": -1, **kb, "utilization": util, "var": var, "pgs": 0,
                       "children": child_ids}  # fmt: skip

    def summary(self) -> dict[str, Any]:
        t = self.total
        return {
            "total_kb": t["kb"], "total_kb_used": t["kb_used"],
            "total_kb_used_data": t["kb_used_data"], "total_kb_used_omap": t["kb_used_omap"],
            "total_kb_used_meta": t["kb_used_meta"], "total_kb_avail": t["kb_avail"],
            "average_utilization": self.average, "min_var": max(self.min_var, 0.0),
            "max_var": max(self.max_var, 0.0),
            "dev": math.sqrt(self.dev_sum / self.dev_weight) if self.dev_weight else 0.0,
        }  # fmt: skip


def osd_df(m: OSDMap, stats: dict[int, dict[str, Any]], pgs: dict[int, int], tree: bool,
           pool_pgs: dict[str, dict[int, int]], flt: str | None = None) -> dict[str, Any]:  # fmt: skip
    """The ``osd df`` JSON (``{"nodes", "stray", "summary"}``); ``pool_pgs`` is
    pool name -> OSD -> its PGs of that pool (PGS counts only those under a pool filter)."""
    shown = select(m, pool_pgs, flt)
    if flt in pool_pgs:
        pgs = pool_pgs[flt]
    d = Dumper(m, stats, pgs, shown)
    members = m.host_members()
    placed = {o for osds in members for o in osds}
    nodes: list[dict[str, Any]] = []
    if not tree:
        nodes = [d.osd(o, 2 if o in placed else 0) for o in sorted(shown)]
        return {"nodes": nodes, "stray": [], "summary": d.summary()}
    hosts: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for h, osds in enumerate(members):
        mine = [o for o in osds if o in shown]
        if not mine:
            continue
        children = [d.osd(o, 2) for o in mine]
        hosts.append((d.bucket(host_bucket_id(h), m.hosts[h], "host", children,
                               list(reversed(mine))), children))  # fmt: skip
    root = d.bucket(-1, "default", "root", [h for h, _ in hosts],
                    [h["id"] for h, _ in reversed(hosts)])  # fmt: skip
    if hosts:
        nodes.append(root)
    for host, children in hosts:
        nodes += [host, *children]
    stray = [d.osd(o, 0) for o in sorted(shown - placed)]
    return {"nodes": nodes, "stray": stray, "summary": d.summary()}


def _cells(n: dict[str, Any], weight: float) -> list[str]:
    osd = n["type"] == "osd"
    return [
        str(n["id"]), n.get("device_class", "") if osd else "", weightf(weight),
        weightf(n["reweight"]), *[byte_u_t(n[k] << 10) for k in KB_KEYS],
        lowprecision(n["utilization"]), lowprecision(n["var"]),
        str(n["pgs"]) if osd else "-", n["status"] if osd else "",
    ]  # fmt: skip


HEADS = ("ID", "CLASS", "WEIGHT", "REWEIGHT", "SIZE", "RAW USE", "DATA", "OMAP", "META",
         "AVAIL", "%USE", "VAR", "PGS", "STATUS")  # fmt: skip


def osd_df_plain(df: dict[str, Any], tree: bool) -> str:
    """``ceph osd df [tree]`` text (TOTAL row, then ``MIN/MAX VAR … STDDEV``)."""
    weights: dict[int, float] = {}
    for n in df["nodes"] + df["stray"]:
        if n["type"] == "osd":
            weights[n["id"]] = n["crush_weight"]
    for n in reversed(df["nodes"]):
        if n["type"] != "osd":
            weights[n["id"]] = sum(weights.get(c, 0.0) for c in n["children"])
    rows = []
    for n in df["nodes"] + df["stray"]:
        row = _cells(n, weights[n["id"]])
        if tree:
            indent = {"root": "", "host": "    "}.get(n["type"], "        ")
            row.append(f"{indent}{n['type']} {n['name']}" if n["type"] != "osd"
                       else f"{indent}{n['name']}")  # fmt: skip
        rows.append(row)
    s = df["summary"]
    total = ["", "", "", "TOTAL", *[byte_u_t(s[f"total_{k}"] << 10) for k in KB_KEYS],
             lowprecision(s["average_utilization"]), "", "", ""]  # fmt: skip
    columns = [(h, L, R) for h in HEADS]
    if tree:
        columns.append(("TYPE NAME", L, L))
        total.append("")
    out = text_table(columns, [*rows, total])
    return out + (
        f"MIN/MAX VAR: {lowprecision(s['min_var'])}/{lowprecision(s['max_var'])}"
        f"  STDDEV: {lowprecision(s['dev'])}\n"
    )
