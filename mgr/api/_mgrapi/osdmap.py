"""OSDMap, OSDMapIncremental and CRUSHMap handles over their JSON dumps.

Ceph's are C++ objects (BasePyOSDMap, BasePyCRUSH); ours wrap the dumps the
host holds (``{"osd_map": OSDMap::dump, "crush": CrushWrapper::dump}``). The
read-side methods answer from the dumps; placement calculations that need
CRUSH itself (``calc_pg_upmaps``, ``map_pool_pgs_up``) return empty answers
until the simulated OSD fleet exists.
"""

from __future__ import annotations

import copy
from typing import Any


class OSDMapIncremental:
    def __init__(self, epoch: int) -> None:
        self._epoch = epoch
        self._reweights: dict[int, float] = {}
        self._compat_weights: dict[str, float] = {}

    def get_epoch(self) -> int:
        return self._epoch

    def dump(self) -> dict[str, Any]:
        return {
            "epoch": self._epoch,
            "new_weight": [
                {"osd": o, "weight": int(w * 0x10000)} for o, w in sorted(self._reweights.items())
            ],
            "crush_compat_weight_set_weights": dict(self._compat_weights),
        }

    def set_osd_reweights(self, weightmap: dict[int, float]) -> None:
        self._reweights.update({int(k): float(v) for k, v in weightmap.items()})

    def set_crush_compat_weight_set_weights(self, weightmap: dict[str, float]) -> None:
        self._compat_weights.update({str(k): float(v) for k, v in weightmap.items()})


class CRUSHMap:
    ITEM_NONE = 0x7FFFFFFF
    DEFAULT_CHOOSE_ARGS = "-1"

    def __init__(self, dump: dict[str, Any]) -> None:
        self._dump = dump

    def dump(self) -> dict[str, Any]:
        return copy.deepcopy(self._dump)

    def _buckets(self) -> list[dict[str, Any]]:
        return list(self._dump.get("buckets", []))

    def get_item_weight(self, item: int) -> int | None:
        for b in self._buckets():
            if b.get("id") == item:
                return int(b.get("weight", 0))
            for i in b.get("items", []):
                if i.get("id") == item:
                    return int(i.get("weight", 0))
        return None

    def get_item_name(self, item: int) -> str | None:
        for entry in [*self._buckets(), *self._dump.get("devices", [])]:
            if entry.get("id") == item:
                return str(entry.get("name"))
        return None

    def find_takes(self) -> list[int]:
        takes = {
            int(s["item"])
            for r in self._dump.get("rules", [])
            for s in r.get("steps", [])
            if s.get("op") == "take"
        }
        return sorted(takes)

    def find_roots(self) -> list[int]:
        children = {i.get("id") for b in self._buckets() for i in b.get("items", [])}
        return [int(b["id"]) for b in self._buckets() if b.get("id") not in children]

    def get_osds_under(self, root_id: int) -> list[int]:
        by_id = {b.get("id"): b for b in self._buckets()}
        out: list[int] = []

        def walk(bid: int) -> None:
            for i in by_id.get(bid, {}).get("items", []):
                if i["id"] >= 0:
                    out.append(int(i["id"]))
                else:
                    walk(int(i["id"]))

        walk(root_id)
        return out

    def get_take_weight_osd_map(self, root: int) -> dict[int, float]:
        osds = self.get_osds_under(root)
        weights = {o: float(self.get_item_weight(o) or 0) for o in osds}
        total = sum(weights.values())
        return {o: (w / total if total else 0.0) for o, w in weights.items()}

    @staticmethod
    def have_default_choose_args(dump: dict[str, Any]) -> bool:
        return CRUSHMap.DEFAULT_CHOOSE_ARGS in dump.get("choose_args", {})

    @staticmethod
    def get_default_choose_args(dump: dict[str, Any]) -> list[dict[str, Any]]:
        return list(dump.get("choose_args", {}).get(CRUSHMap.DEFAULT_CHOOSE_ARGS, []))

    def get_rule(self, rule_name: str) -> dict[str, Any] | None:
        return next(
            (r for r in self._dump.get("rules", []) if r.get("rule_name") == rule_name), None
        )

    def get_rule_by_id(self, rule_id: int) -> dict[str, Any] | None:
        return next((r for r in self._dump.get("rules", []) if r.get("rule_id") == rule_id), None)

    def get_rule_root(self, rule_name: str) -> int | None:
        rule = self.get_rule(rule_name)
        for step in (rule or {}).get("steps", []):
            if step.get("op") == "take":
                return int(step["item"])
        return None

    def device_class_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for d in self._dump.get("devices", []):
            cls = d.get("class")
            if cls:
                counts[cls] = counts.get(cls, 0) + 1
        return counts


class OSDMap:
    def __init__(self, data: dict[str, Any]) -> None:
        self._osd_map = data.get("osd_map", {})
        self._crush = data.get("crush", {})

    def get_epoch(self) -> int:
        return int(self._osd_map.get("epoch", 0))

    def get_crush_version(self) -> int:
        return int(self._osd_map.get("crush_version", 0))

    def dump(self) -> dict[str, Any]:
        return copy.deepcopy(self._osd_map)

    def get_pools(self) -> dict[int, dict[str, Any]]:
        return {int(p["pool"]): p for p in self.dump().get("pools", [])}

    def get_pools_by_name(self) -> dict[str, dict[str, Any]]:
        return {str(p["pool_name"]): p for p in self.dump().get("pools", [])}

    def new_incremental(self) -> OSDMapIncremental:
        return OSDMapIncremental(self.get_epoch() + 1)

    def apply_incremental(self, inc: OSDMapIncremental) -> OSDMap:
        m = self.dump()
        m["epoch"] = inc.get_epoch()
        weights = {e["osd"]: e["weight"] / 0x10000 for e in inc.dump()["new_weight"]}
        for osd in m.get("osds", []):
            if osd.get("osd") in weights:
                osd["weight"] = weights[osd["osd"]]
        return OSDMap({"osd_map": m, "crush": copy.deepcopy(self._crush)})

    def get_crush(self) -> CRUSHMap:
        return CRUSHMap(self._crush)

    def get_pools_by_take(self, take: int) -> list[int]:
        crush = self.get_crush()
        out = []
        for pid, pool in self.get_pools().items():
            rule = crush.get_rule_by_id(int(pool.get("crush_rule", -1)))
            steps = (rule or {}).get("steps", [])
            if any(s.get("op") == "take" and s.get("item") == take for s in steps):
                out.append(pid)
        return out

    def calc_pg_upmaps(
        self,
        inc: OSDMapIncremental,
        max_deviation: int,
        max_iterations: int = 10,
        pools: list[str] | None = None,
    ) -> int:
        return 0

    def map_pool_pgs_up(self, poolid: int) -> list[int]:
        return []

    def pg_to_up_acting_osds(self, pool_id: int, ps: int) -> dict[str, Any]:
        return {"up": [], "acting": [], "up_primary": -1, "acting_primary": -1}

    def pool_raw_used_rate(self, pool_id: int) -> float:
        pool = self.get_pools().get(pool_id, {})
        return float(pool.get("size", 1))

    def get_ec_profile(self, name: str) -> dict[str, str] | None:
        profiles = self._osd_map.get("erasure_code_profiles", {})
        return dict(profiles[name]) if name in profiles else None

    def get_require_osd_release(self) -> str:
        return str(self._osd_map.get("require_osd_release", ""))

    @classmethod
    def build_simple(cls, epoch: int = 1, uuid: str | None = None, num_osd: int = -1) -> OSDMap:
        from _mgrapi.clusterdata import empty_osd_map, fresh

        return cls({"osd_map": empty_osd_map(epoch, uuid or ""), "crush": fresh("osd_map_crush")})
