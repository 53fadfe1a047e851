"""``OSDMap``, ``OSDMapIncremental``, ``CRUSHMap``: the Python wrappers of the native map handles.

As in Ceph, these subclass ``ceph_module.BasePyOSDMap`` / ``BasePyOSDMapIncremental``
/ ``BasePyCRUSH`` (the simulated C++, ``mgr/native/_simnative/maps.py``)
and call its private natives; the native side builds new handles with
the classes of this file (``get_crush``, ``new_incremental``,
``apply_incremental``). ``map_pool_pgs_up`` answers ``{pgid: [up osds]}``
from the fleet's PG mappings.
"""

from __future__ import annotations

from typing import Any

import ceph_module


class OSDMapIncremental(ceph_module.BasePyOSDMapIncremental):
    def get_epoch(self) -> int:
        return self._get_epoch()

    def dump(self) -> dict[str, Any]:
        return self._dump()

    def set_osd_reweights(self, weightmap: dict[int, float]) -> None:
        self._set_osd_reweights(weightmap)

    def set_crush_compat_weight_set_weights(self, weightmap: dict[str, float]) -> None:
        self._set_crush_compat_weight_set_weights(weightmap)


class CRUSHMap(ceph_module.BasePyCRUSH):
    ITEM_NONE = 0x7FFFFFFF
    DEFAULT_CHOOSE_ARGS = "-1"

    def dump(self) -> dict[str, Any]:
        return self._dump()

    def get_item_weight(self, item: int) -> int | None:
        return self._get_item_weight(item)

    def get_item_name(self, item: int) -> str | None:
        return self._get_item_name(item)

    def find_takes(self) -> list[int]:
        return list(self._find_takes().get("takes", []))

    def find_roots(self) -> list[int]:
        return list(self._find_roots().get("roots", []))

    def get_osds_under(self, root_id: int) -> list[int]:
        return self._osds_under(root_id)

    def get_take_weight_osd_map(self, root: int) -> dict[int, float]:
        weights = self._get_take_weight_osd_map(root).get("weights", {})
        return {int(k): float(v) for k, v in weights.items()}

    @staticmethod
    def have_default_choose_args(dump: dict[str, Any]) -> bool:
        return CRUSHMap.DEFAULT_CHOOSE_ARGS in dump.get("choose_args", {})

    @staticmethod
    def get_default_choose_args(dump: dict[str, Any]) -> list[dict[str, Any]]:
        return list(dump.get("choose_args", {}).get(CRUSHMap.DEFAULT_CHOOSE_ARGS, []))

    def get_rule(self, rule_name: str) -> dict[str, Any] | None:
        return next(
            (r for r in self.dump().get("rules", []) if r.get("rule_name") == rule_name), None
        )

    def get_rule_by_id(self, rule_id: int) -> dict[str, Any] | None:
        return next((r for r in self.dump().get("rules", []) if r.get("rule_id") == rule_id), None)

    def get_rule_root(self, rule_name: str) -> int | None:
        rule = self.get_rule(rule_name)
        for step in (rule or {}).get("steps", []):
            if step.get("op") == "take":
                return int(step["item"])
        return None

    def device_class_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for d in self.dump().get("devices", []):
            cls = d.get("class")
            if cls:
                counts[cls] = counts.get(cls, 0) + 1
        return counts


class OSDMap(ceph_module.BasePyOSDMap):
    def get_epoch(self) -> int:
        return self._get_epoch()

    def get_crush_version(self) -> int:
        return self._get_crush_version()

    def dump(self) -> dict[str, Any]:
        return self._dump()

    def get_pools(self) -> dict[int, dict[str, Any]]:
        return {int(p["pool"]): p for p in self.dump().get("pools", [])}

    def get_pools_by_name(self) -> dict[str, dict[str, Any]]:
        return {str(p["pool_name"]): p for p in self.dump().get("pools", [])}

    def new_incremental(self) -> OSDMapIncremental:
        return self._new_incremental()

    def apply_incremental(self, inc: OSDMapIncremental) -> OSDMap:
        return self._apply_incremental(inc)

    def get_crush(self) -> CRUSHMap:
        return self._get_crush()

    def get_pools_by_take(self, take: int) -> list[int]:
        return list(self._get_pools_by_take(take).get("pools", []))

    def calc_pg_upmaps(
        self,
        inc: OSDMapIncremental,
        max_deviation: int,
        max_iterations: int = 10,
        pools: list[str] | None = None,
    ) -> int:
        return self._calc_pg_upmaps(inc, max_deviation, max_iterations, pools or [])

    def map_pool_pgs_up(self, poolid: int) -> dict[str, list[int]]:
        return self._map_pool_pgs_up(poolid)

    def pg_to_up_acting_osds(self, pool_id: int, ps: int) -> dict[str, Any]:
        return self._pg_to_up_acting_osds(pool_id, ps)

    def pool_raw_used_rate(self, pool_id: int) -> float:
        return self._pool_raw_used_rate(pool_id)

    def get_ec_profile(self, name: str) -> dict[str, str] | None:
        profiles = self.dump().get("erasure_code_profiles", {})
        return dict(profiles[name]) if name in profiles else None

    def get_require_osd_release(self) -> str:
        return str(self.dump().get("require_osd_release", ""))

    @classmethod
    def build_simple(cls, epoch: int = 1, uuid: str | None = None, num_osd: int = -1) -> OSDMap:
        from _mgrapi.clusterdata import empty_osd_map, fresh

        return cls({"osd_map": empty_osd_map(epoch, uuid or ""), "crush": fresh("osd_map_crush")})
