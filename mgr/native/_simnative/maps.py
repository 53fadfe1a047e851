"""``BasePyOSDMap``, ``BasePyOSDMapIncremental``, ``BasePyCRUSH``: Ceph's C++ map handles.

In Ceph these are C++ objects (PyOSDMap.cc) wrapped by ``mgr_module.OSDMap``,
``OSDMapIncremental`` and ``CRUSHMap``, whose methods call the private
natives below (``_get_epoch``, ``_dump`` …). The C++ constructs the
*Python* classes of the calling module's ``mgr_module`` (``OSDMap(capsule)``),
so the natives build new handles with the classes found next to the wrapper
class (`wrapper_class`), which works for Ceph's ``mgr_module`` and for the
embedded API alike.

The capsule of an OSDMap is ``{"osd_map": OSDMap::dump, "crush":
CrushWrapper::dump, "pg_up": {pgid: [osd, …]}}`` (``pg_up`` optional: the
fleet's PG mappings). Answers have the C++'s shapes: ``_get_pools_by_take``
→ ``{"pools": […]}``, ``_find_takes`` → ``{"takes": […]}``, ``_find_roots``
→ ``{"roots": […]}``, ``_get_take_weight_osd_map`` → ``{"weights": {osd: w}}``,
``_map_pool_pgs_up`` → ``{pgid: [up osds]}``.
"""

from __future__ import annotations

import copy
from typing import Any

WEIGHT_ONE = 0x10000


def wrapper_class(obj: Any, name: str) -> Any:
    """The class ``name`` defined beside ``type(obj)`` (its module's globals)."""
    for klass in type(obj).__mro__:
        for value in vars(klass).values():
            fn = getattr(value, "__func__", value)
            scope = getattr(fn, "__globals__", None)
            if scope is not None and name in scope:
                return scope[name]
    raise RuntimeError(f"no {name} class next to {type(obj).__name__}")


class BasePyCRUSH:
    def __init__(self, capsule: Any) -> None:
        self._crush_dump: dict[str, Any] = dict(capsule or {})

    def _buckets(self) -> list[dict[str, Any]]:
        return list(self._crush_dump.get("buckets", []))

    def _dump(self) -> dict[str, Any]:
        return copy.deepcopy(self._crush_dump)

    def _get_item_weight(self, item: int) -> int | None:
        for b in self._buckets():
            if b.get("id") == item:
                return int(b.get("weight", 0))
            for i in b.get("items", []):
                if i.get("id") == item:
                    return int(i.get("weight", 0))
        return None

    def _get_item_name(self, item: int) -> str | None:
        for entry in [*self._buckets(), *self._crush_dump.get("devices", [])]:
            if entry.get("id") == item:
                return str(entry.get("name"))
        return None

    def _find_takes(self) -> dict[str, list[int]]:
        takes = {
            int(s["item"])
            for r in self._crush_dump.get("rules", [])
            for s in r.get("steps", [])
            if s.get("op") == "take"
        }
        return {"takes": sorted(takes)}

    def _find_roots(self) -> dict[str, list[int]]:
        children = {i.get("id") for b in self._buckets() for i in b.get("items", [])}
        return {"roots": [int(b["id"]) for b in self._buckets() if b.get("id") not in children]}

    def _osds_under(self, root: int) -> list[int]:
        by_id = {b.get("id"): b for b in self._buckets()}
        out: list[int] = []

        def walk(bid: int) -> None:
            for i in by_id.get(bid, {}).get("items", []):
                if i["id"] >= 0:
                    out.append(int(i["id"]))
                else:
                    walk(int(i["id"]))

        walk(root)
        return out

    def _get_take_weight_osd_map(self, root: int) -> dict[str, dict[int, float]]:
        weights = {o: float(self._get_item_weight(o) or 0) for o in self._osds_under(root)}
        total = sum(weights.values())
        return {"weights": {o: (w / total if total else 0.0) for o, w in weights.items()}}


class BasePyOSDMapIncremental:
    def __init__(self, capsule: Any) -> None:
        self._inc_epoch = int((capsule or {}).get("epoch", 0))
        self._reweights: dict[int, float] = {}
        self._compat_weights: dict[str, float] = {}

    def _get_epoch(self) -> int:
        return self._inc_epoch

    def _dump(self) -> dict[str, Any]:
        return {
            "epoch": self._inc_epoch,
            "new_weight": [
                {"osd": o, "weight": int(w * WEIGHT_ONE)}
                for o, w in sorted(self._reweights.items())
            ],
            "crush_compat_weight_set_weights": dict(self._compat_weights),
        }

    def _set_osd_reweights(self, weightmap: dict[int, float]) -> None:
        self._reweights.update({int(k): float(v) for k, v in weightmap.items()})

    def _set_crush_compat_weight_set_weights(self, weightmap: dict[str, float]) -> None:
        self._compat_weights.update({str(k): float(v) for k, v in weightmap.items()})


class BasePyOSDMap:
    def __init__(self, capsule: Any) -> None:
        data = dict(capsule or {})
        self._osd_map_dump: dict[str, Any] = data.get("osd_map") or {}
        self._crush_of_map: dict[str, Any] = data.get("crush") or {}
        self._pg_up: dict[str, list[int]] = data.get("pg_up") or {}

    def _capsule(self) -> dict[str, Any]:
        return {"osd_map": self._osd_map_dump, "crush": self._crush_of_map, "pg_up": self._pg_up}

    def _get_epoch(self) -> int:
        return int(self._osd_map_dump.get("epoch", 0))

    def _get_crush_version(self) -> int:
        return int(self._osd_map_dump.get("crush_version", 0))

    def _dump(self) -> dict[str, Any]:
        return copy.deepcopy(self._osd_map_dump)

    def _pools(self) -> dict[int, dict[str, Any]]:
        return {int(p["pool"]): p for p in self._osd_map_dump.get("pools", [])}

    def _new_incremental(self) -> Any:
        return wrapper_class(self, "OSDMapIncremental")({"epoch": self._get_epoch() + 1})

    def _apply_incremental(self, inc: BasePyOSDMapIncremental) -> Any:
        m = self._dump()
        m["epoch"] = inc._get_epoch()
        weights = {e["osd"]: e["weight"] / WEIGHT_ONE for e in inc._dump()["new_weight"]}
        for osd in m.get("osds", []):
            if osd.get("osd") in weights:
                osd["weight"] = weights[osd["osd"]]
        capsule = self._capsule() | {"osd_map": m, "crush": copy.deepcopy(self._crush_of_map)}
        return type(self)(capsule)

    def _get_crush(self) -> Any:
        return wrapper_class(self, "CRUSHMap")(copy.deepcopy(self._crush_of_map))

    def _get_pools_by_take(self, take: int) -> dict[str, list[int]]:
        rules = {r.get("rule_id"): r for r in self._crush_of_map.get("rules", [])}
        out = []
        for pid, pool in sorted(self._pools().items()):
            steps = rules.get(pool.get("crush_rule"), {}).get("steps", [])
            if any(s.get("op") == "take" and s.get("item") == take for s in steps):
                out.append(pid)
        return {"pools": out}

    def _calc_pg_upmaps(
        self, inc: Any, max_deviation: int, max_iterations: int, pools: list[Any]
    ) -> int:
        return 0  # no CRUSH placement here: nothing to change

    def _balance_primaries(self, pool_id: int, inc: Any) -> int:
        return 0

    def _map_pool_pgs_up(self, poolid: int) -> dict[str, list[int]]:
        prefix = f"{int(poolid)}."
        return {pg: list(up) for pg, up in sorted(self._pg_up.items()) if pg.startswith(prefix)}

    def _pg_to_up_acting_osds(self, pool_id: int, ps: int) -> dict[str, Any]:
        up = list(self._pg_up.get(f"{int(pool_id)}.{int(ps):x}", []))
        primary = up[0] if up else -1
        return {"up": up, "acting": list(up), "up_primary": primary, "acting_primary": primary}

    def _pool_raw_used_rate(self, pool_id: int) -> float:
        pool = self._pools().get(int(pool_id), {})
        profile = self._osd_map_dump.get("erasure_code_profiles", {}).get(
            pool.get("erasure_code_profile", ""), {}
        )
        if pool.get("type") == 3 and profile:  # erasure: (k+m)/k
            k, m = int(profile.get("k", 1)), int(profile.get("m", 0))
            return (k + m) / k
        return float(pool.get("size", 1))
