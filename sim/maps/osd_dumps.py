"""Ceph 16.2's shapes of an `OSDMap`: ``osd dump``, ``osd tree``, ``osd stat``,
``osd pool ls``, the CRUSH dump — JSON (what ``get('osd_map')`` & co. return
to modules, and ``-f json``) and the plain text of the ``ceph`` CLI.

Pure: built fresh on every call from the columnar map, so a caller may
modify what it gets. `OsdDumper` holds per-map constants so that building
the 10,000-OSD dump stays well under 100 ms.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Sequence
from typing import Any

from sim.formatting import utc_stamp
from sim.maps.osdmap import EXISTS, NEW, UP, WEIGHT_IN, OSDMap, Pool

CRUSH_TYPES = [
    "osd", "host", "chassis", "rack", "row", "pdu", "pod", "room",
    "datacenter", "zone", "region", "root",
]  # fmt: skip
FEATURES = 4540138314316775423
RATIOS = {"full_ratio": 0.949999988079071, "backfillfull_ratio": 0.8999999761581421,
          "nearfull_ratio": 0.8500000238418579}  # fmt: skip


def stamp(t: float) -> str:
    return utc_stamp(t) if t else "0.000000"


def host_bucket_id(index: int) -> int:
    return -(index + 3)  # -1 is the root, -2 its hdd shadow bucket


def osd_port(osd: int) -> int:
    return 6800 + 8 * (osd % 100)


def state_names(s: int) -> list[str]:
    if not s & EXISTS:
        return []
    return ["exists"] + (["new"] if s & NEW else []) + (["up"] if s & UP else [])


def pool_dump(p: Pool) -> dict[str, Any]:
    """``pg_pool_t::dump`` of a replicated pool (no tiering, hit sets or snapshots)."""
    return {
        "pool": p.pool,
        "pool_name": p.name,
        "create_time": stamp(p.create_time),
        "flags": p.flags_num(),
        "flags_names": ",".join(p.flags),
        "type": 1,
        "size": p.size,
        "min_size": p.min_size,
        "crush_rule": p.crush_rule,
        "peering_crush_bucket_count": 0,
        "peering_crush_bucket_target": 0,
        "peering_crush_bucket_barrier": 0,
        "peering_crush_bucket_mandatory_member": 2147483647,
        "object_hash": 2,
        "pg_autoscale_mode": p.autoscale_mode,
        "pg_num": p.pg_num,
        "pg_placement_num": p.pgp_num,
        "pg_placement_num_target": p.pgp_num,
        "pg_num_target": p.pg_num,
        "pg_num_pending": p.pg_num,
        "last_pg_merge_meta": {
            "source_pgid": "0.0",
            "ready_epoch": 0,
            "last_epoch_started": 0,
            "last_epoch_clean": 0,
            "source_version": "0'0",
            "target_version": "0'0",
        },
        "last_change": str(p.last_change),
        "last_force_op_resend": "0",
        "last_force_op_resend_prenautilus": "0",
        "last_force_op_resend_preluminous": "0",
        "auid": 0,
        "snap_mode": "selfmanaged",
        "snap_seq": 0,
        "snap_epoch": 0,
        "pool_snaps": [],
        "removed_snaps": "[]",
        "quota_max_bytes": p.quota_max_bytes,
        "quota_max_objects": p.quota_max_objects,
        "tiers": [],
        "tier_of": -1,
        "read_tier": -1,
        "write_tier": -1,
        "cache_mode": "none",
        "target_max_bytes": 0,
        "target_max_objects": 0,
        "cache_target_dirty_ratio_micro": 400000,
        "cache_target_dirty_high_ratio_micro": 600000,
        "cache_target_full_ratio_micro": 800000,
        "cache_min_flush_age": 0,
        "cache_min_evict_age": 0,
        "erasure_code_profile": "",
        "hit_set_params": {"type": "none"},
        "hit_set_period": 0,
        "hit_set_count": 0,
        "use_gmt_hitset": True,
        "min_read_recency_for_promote": 0,
        "min_write_recency_for_promote": 0,
        "hit_set_grade_decay_rate": 0,
        "hit_set_search_last_n": 0,
        "grade_table": [],
        "stripe_width": 0,
        "expected_num_objects": 0,
        "fast_read": False,
        "options": dict(p.opts),
        "application_metadata": {p.application: {}} if p.application else {},
    }


def _quota_plain(p: Pool) -> str:
    """The quotas on a pool's ``osd dump`` line, as pg_pool_t prints them."""
    return (f" max_bytes {p.quota_max_bytes}" if p.quota_max_bytes else "") + (
        f" max_objects {p.quota_max_objects}" if p.quota_max_objects else ""
    )


def _osd_strings(m: OSDMap, i: int) -> tuple[str, ...]:
    """uuid, the 8 addrvec addresses and the 4 legacy addresses of one OSD."""
    port = osd_port(i)
    addrs = [f"127.0.0.1:{port + k}" for k in range(8)]
    legacy = [f"{addrs[k]}/{m.nonce[i]}" for k in (1, 3, 7, 5)]
    return (m.uuid(i), *addrs, *legacy)


def osd_strings(m: OSDMap) -> list[tuple[str, ...]]:
    """Every OSD's strings, built once per (immutable, committed) map; `prepare`
    builds them ahead of the first dump."""
    cached = m.cache.get("strings")
    if cached is None or len(cached) != m.max_osd:
        cached = m.cache["strings"] = [_osd_strings(m, i) for i in range(m.max_osd)]
    return cached


def prepare(m: OSDMap) -> None:
    osd_strings(m)


class OsdDumper:
    """Builds the per-OSD parts of the dumps of one map (fresh containers,
    shared immutable strings)."""

    def __init__(self, m: OSDMap) -> None:
        self.m = m
        self.strings = osd_strings(m)
        self.created = stamp(m.created)

    def osd(self, i: int) -> dict[str, Any]:
        m = self.m
        s, nonce = m.state[i], m.nonce[i]
        u, a0, a1, a2, a3, a4, a5, a6, a7, pub, clu, hbb, hbf = self.strings[i]
        return {
            "osd": i,
            "uuid": u,
            "up": 1 if s & UP else 0,
            "in": 1 if m.weight[i] else 0,
            "weight": m.weight[i] / WEIGHT_IN,
            "primary_affinity": 1,
            "last_clean_begin": 0,
            "last_clean_end": 0,
            "up_from": m.up_from[i],
            "up_thru": m.up_thru[i],
            "down_at": m.down_at[i],
            "lost_at": 0,
            "public_addrs": {"addrvec": [{"type": "v2", "addr": a0, "nonce": nonce},
                                         {"type": "v1", "addr": a1, "nonce": nonce}]},
            "cluster_addrs": {"addrvec": [{"type": "v2", "addr": a2, "nonce": nonce},
                                          {"type": "v1", "addr": a3, "nonce": nonce}]},
            "heartbeat_back_addrs": {"addrvec": [{"type": "v2", "addr": a6, "nonce": nonce},
                                                 {"type": "v1", "addr": a7, "nonce": nonce}]},
            "heartbeat_front_addrs": {"addrvec": [{"type": "v2", "addr": a4, "nonce": nonce},
                                                  {"type": "v1", "addr": a5, "nonce": nonce}]},
            "public_addr": pub,
            "cluster_addr": clu,
            "heartbeat_back_addr": hbb,
            "heartbeat_front_addr": hbf,
            "state": state_names(s),
        }  # fmt: skip

    def xinfo(self, i: int) -> dict[str, Any]:
        down = self.m.down_stamp[i]
        return {
            "osd": i,
            "down_stamp": stamp(down) if down else "0.000000",
            "laggy_probability": 0,
            "laggy_interval": 0,
            "features": FEATURES,
            "old_weight": 0,
            "last_purged_snaps_scrub": self.created,
            "dead_epoch": 0,
        }


def blocklists(m: OSDMap) -> dict[str, dict[str, str]]:
    """The map's ``blocklist`` and ``range_blocklist`` (addr -> until, as Ceph
    stamps it); ranges are not simulated."""
    return {"blocklist": {a: stamp(t) for a, t in sorted(m.blocklist.items())},
            "range_blocklist": {}}  # fmt: skip


def osd_dump(m: OSDMap) -> dict[str, Any]:
    """``OSDMap::dump`` (``osd dump -f json``, ``get('osd_map')``)."""
    with no_gc():
        return _osd_dump(m)


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """No cyclic GC while building a dump of 10,000 OSDs: it only allocates
    acyclic containers, and collections triggered by them would walk the
    whole heap again and again (they double the time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _osd_dump(m: OSDMap) -> dict[str, Any]:
    d = OsdDumper(m)
    ids = m.osd_ids()
    flags = m.flags_all()
    return {
        "epoch": m.epoch,
        "fsid": m.fsid,
        "created": stamp(m.created),
        "modified": stamp(m.modified),
        "last_up_change": stamp(m.last_up_change),
        "last_in_change": stamp(m.last_in_change),
        "flags": ",".join(flags),
        "flags_num": m.flags_num(),
        "flags_set": sorted(flags),
        "crush_version": m.crush_version,
        **RATIOS,
        "cluster_snapshot": "",
        "pool_max": m.pool_max,
        "max_osd": m.max_osd,
        "require_min_compat_client": "luminous",
        "min_compat_client": "jewel",
        "require_osd_release": "pacific",
        "pools": [pool_dump(p) for p in m.pools.values()],
        "osds": [d.osd(i) for i in ids],
        "osd_xinfo": [d.xinfo(i) for i in ids],
        "pg_upmap": [],
        "pg_upmap_items": [],
        "pg_temp": [],
        "primary_temp": [],
        **blocklists(m),
        "erasure_code_profiles": {
            "default": {"k": "2", "m": "2", "plugin": "jerasure", "technique": "reed_sol_van"}
        },
        "removed_snaps_queue": [],
        "new_removed_snaps": [],
        "new_purged_snaps": [],
        "crush_node_flags": {},
        "device_class_flags": {},
        "stretch_mode": {
            "stretch_mode_enabled": False,
            "stretch_bucket_count": 0,
            "degraded_stretch_mode": 0,
            "recovering_stretch_mode": 0,
            "stretch_mode_bucket": 0,
        },
    }


def _g(x: float) -> str:
    return format(x, "g")


def _opts_plain(p: Pool) -> str:
    """`` pg_num_min 4 target_size_ratio 0.2``: the pool's options on its dump line."""
    return "".join(
        f" {k} {v:g}" if isinstance(v, float) else f" {k} {v}" for k, v in p.opts.items()
    )


def osd_dump_plain(m: OSDMap) -> str:
    """``ceph osd dump`` text."""
    lines = [
        f"epoch {m.epoch}",
        f"fsid {m.fsid}",
        f"created {stamp(m.created)}",
        f"modified {stamp(m.modified)}",
        f"flags {','.join(m.flags_all())}",
        f"crush_version {m.crush_version}",
        "full_ratio 0.95",
        "backfillfull_ratio 0.9",
        "nearfull_ratio 0.85",
        "require_min_compat_client luminous",
        "min_compat_client jewel",
        "require_osd_release pacific",
        "stretch_mode_enabled false",
    ]
    for p in m.pools.values():
        app = f" application {p.application}" if p.application else ""
        lines.append(
            f"pool {p.pool} '{p.name}' replicated size {p.size} min_size {p.min_size} "
            f"crush_rule {p.crush_rule} object_hash rjenkins pg_num {p.pg_num} pgp_num {p.pgp_num} "
            f"autoscale_mode {p.autoscale_mode} last_change {p.last_change} "
            f"flags {','.join(p.flags)}{_quota_plain(p)} stripe_width 0{_opts_plain(p)}{app}"
        )
    lines.append(f"max_osd {m.max_osd}")
    for i in m.osd_ids():
        s, port, nonce = m.state[i], osd_port(i), m.nonce[i]
        pub = f"[v2:127.0.0.1:{port}/{nonce},v1:127.0.0.1:{port + 1}/{nonce}]"
        clu = f"[v2:127.0.0.1:{port + 2}/{nonce},v1:127.0.0.1:{port + 3}/{nonce}]"
        lines.append(
            f"osd.{i} {'up  ' if s & UP else 'down'} {'in ' if m.weight[i] else 'out'} "
            f"weight {_g(m.weight[i] / WEIGHT_IN)} up_from {m.up_from[i]} up_thru {m.up_thru[i]} "
            f"down_at {m.down_at[i]} last_clean_interval [0,0) {pub} {clu} "
            f"{','.join(state_names(s))} {m.uuid(i)}"
        )
    return "\n".join(lines) + "\n"


def osd_stat(m: OSDMap) -> dict[str, Any]:
    """``osd stat -f json`` and the ``osdmap`` section of ``status``."""
    n, up, inn = m.counts()
    return {
        "epoch": m.epoch,
        "num_osds": n,
        "num_up_osds": up,
        "osd_up_since": int(m.last_up_change),
        "num_in_osds": inn,
        "osd_in_since": int(m.last_in_change),
        "num_remapped_pgs": 0,
    }


def _tree_osd(m: OSDMap, i: int, depth: int) -> dict[str, Any]:
    return {
        "id": i,
        "device_class": "hdd",
        "name": f"osd.{i}",
        "type": "osd",
        "type_id": 0,
        "crush_weight": m.crush_weight[i],
        "depth": depth,
        "pool_weights": {},
        "exists": 1,
        "status": "up" if m.state[i] & UP else "down",
        "reweight": m.weight[i] / WEIGHT_IN,
        "primary_affinity": 1,
    }


def osd_tree(m: OSDMap) -> dict[str, Any]:
    """``OSDMap::print_tree`` as JSON (``osd tree -f json``, ``get('osd_map_tree')``)."""
    members = m.host_members()
    used = [h for h, ids in enumerate(members) if ids]
    nodes: list[dict[str, Any]] = [
        {
            "id": -1,
            "name": "default",
            "type": "root",
            "type_id": 11,
            "children": [host_bucket_id(h) for h in reversed(used)],
        }
    ]
    for h in used:
        nodes.append(
            {
                "id": host_bucket_id(h),
                "name": m.hosts[h],
                "type": "host",
                "type_id": 1,
                "pool_weights": {},
                "children": list(reversed(members[h])),
            }
        )
        nodes.extend(_tree_osd(m, i, 2) for i in members[h])
    placed = {i for ids in members for i in ids}
    stray = [_tree_osd(m, i, 0) for i in m.osd_ids() if i not in placed]
    return {"nodes": nodes, "stray": stray}


def _w(x: float) -> str:
    return f"{x:.5f}"


def osd_tree_plain(m: OSDMap) -> str:
    """``ceph osd tree`` text."""
    tree = osd_tree(m)
    rows: list[tuple[str, str, str, str, str, str, str]] = []
    weights: dict[int, float] = {}
    for n in tree["nodes"]:
        if n["type"] == "osd":
            weights[n["id"]] = n["crush_weight"]
    for n in reversed(tree["nodes"]):
        if n["id"] < 0:
            weights[n["id"]] = sum(weights.get(c, 0.0) for c in n["children"])
    for n in tree["nodes"]:
        if n["type"] == "osd":
            name = "        " + n["name"]
            rows.append((str(n["id"]), "hdd", _w(n["crush_weight"]), name, n["status"],
                         _w(n["reweight"]), _w(1.0)))  # fmt: skip
        else:
            indent = "" if n["type"] == "root" else "    "
            rows.append((str(n["id"]), "", _w(weights[n["id"]]),
                         f"{indent}{n['type']} {n['name']}", "", "", ""))  # fmt: skip
    for n in tree["stray"]:
        rows.append((str(n["id"]), "hdd", _w(0.0), n["name"], n["status"], _w(n["reweight"]),
                     _w(1.0)))  # fmt: skip
    head = ("ID", "CLASS", "WEIGHT", "TYPE NAME", "STATUS", "REWEIGHT", "PRI-AFF")
    right = (True, True, False, False, True, True, True)
    return "\n".join(aligned_table([head, *rows], right)) + "\n"


def aligned_table(rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    """Ceph's ``TextTable``: columns two spaces apart, each left or right aligned
    (header row included), every cell padded to its column's width."""
    widths = [max(len(r[c]) for r in rows) for c in range(len(right))]
    return [
        "  ".join(r[c].rjust(w) if right[c] else r[c].ljust(w) for c, w in enumerate(widths))
        for r in rows
    ]


def crush_dump(m: OSDMap) -> dict[str, Any]:
    """``CrushWrapper::dump`` (``get('osd_map_crush')``, ``osd crush dump``)."""
    members = m.host_members()
    buckets = []
    root_items: list[dict[str, int]] = []
    for h, ids in enumerate(members):
        if not ids:
            continue
        weight = int(sum(m.crush_weight[i] for i in ids) * 0x10000)
        bid = host_bucket_id(h)
        buckets.append({
            "id": bid, "name": m.hosts[h], "type_id": 1, "type_name": "host",
            "weight": weight, "alg": "straw2", "hash": "rjenkins1",
            "items": [{"id": i, "weight": int(m.crush_weight[i] * 0x10000), "pos": p}
                      for p, i in enumerate(ids)],
        })  # fmt: skip
        root_items.append({"id": bid, "weight": weight, "pos": len(root_items)})
    root = {
        "id": -1, "name": "default", "type_id": 11, "type_name": "root",
        "weight": sum(i["weight"] for i in root_items), "alg": "straw2", "hash": "rjenkins1",
        "items": root_items,
    }  # fmt: skip
    return {
        "devices": [{"id": i, "name": f"osd.{i}", "class": "hdd"} for i in m.osd_ids()],
        "types": [{"type_id": i, "name": n} for i, n in enumerate(CRUSH_TYPES)],
        "buckets": [root, *buckets],
        "rules": [
            {
                "rule_id": 0, "rule_name": "replicated_rule", "ruleset": 0, "type": 1,
                "min_size": 1, "max_size": 10,
                "steps": [
                    {"op": "take", "item": -1, "item_name": "default"},
                    {"op": "chooseleaf_firstn", "num": 0, "type": "host"},
                    {"op": "emit"},
                ],
            }
        ],
        "tunables": {
            "choose_local_tries": 0, "choose_local_fallback_tries": 0,
            "choose_total_tries": 50, "chooseleaf_descend_once": 1, "chooseleaf_vary_r": 1,
            "chooseleaf_stable": 1, "straw_calc_version": 1, "allowed_bucket_algs": 54,
            "profile": "jewel", "optimal_tunables": 1, "legacy_tunables": 0,
            "minimum_required_version": "jewel", "require_feature_tunables": 1,
            "require_feature_tunables2": 1, "has_v2_rules": 0, "require_feature_tunables3": 1,
            "has_v3_rules": 0, "has_v4_buckets": 1, "require_feature_tunables5": 1,
            "has_v5_rules": 0,
        },
        "choose_args": {},
    }  # fmt: skip
