"""``ceph osd crush tree``: the CRUSH hierarchy alone (Ceph's ``CrushTreeDumper``),
JSON and plain, from the same nodes as ``osd tree`` (`osd_dumps.osd_tree`)
without what only the OSDMap knows (status, reweight, primary affinity).

Pure. Who may import it: the mon's command handlers, the mgr and tests.
"""

from __future__ import annotations

from typing import Any

from sim.maps.osd_dumps import aligned_table, osd_tree
from sim.maps.osdmap import OSDMap

_OSD_KEYS = ("id", "device_class", "name", "type", "type_id", "crush_weight", "depth",
             "pool_weights")  # fmt: skip


def crush_tree(m: OSDMap) -> dict[str, Any]:
    """``osd crush tree -f json``: buckets and devices; ``stray`` is always empty
    (an OSD outside CRUSH is the OSDMap's business, ``osd tree`` lists it)."""
    nodes = [
        {k: n[k] for k in _OSD_KEYS} if n["type"] == "osd" else dict(n)
        for n in osd_tree(m)["nodes"]
    ]
    return {"nodes": nodes, "stray": []}


def crush_tree_plain(m: OSDMap) -> str:
    """``ceph osd crush tree``: ``ID CLASS WEIGHT TYPE NAME``, every cell padded."""
    nodes = crush_tree(m)["nodes"]
    weights = {n["id"]: n["crush_weight"] for n in nodes if n["type"] == "osd"}
    for n in reversed(nodes):
        if n["id"] < 0:
            weights[n["id"]] = sum(weights.get(c, 0.0) for c in n["children"])
    depth = {-1: 0}
    for n in nodes:
        for c in n.get("children", []):
            depth[c] = depth.get(n["id"], 0) + 1
    rows = [("ID", "CLASS", "WEIGHT", "TYPE NAME")]
    for n in nodes:
        indent = "    " * depth.get(n["id"], 0)
        if n["type"] == "osd":
            rows.append((str(n["id"]), n["device_class"], f"{n['crush_weight']:.5f}",
                         indent + n["name"]))  # fmt: skip
        else:
            rows.append((str(n["id"]), "", f"{weights[n['id']]:.5f}",
                         f"{indent}{n['type']} {n['name']}"))  # fmt: skip
    return "\n".join(aligned_table(rows, (True, True, False, False))) + "\n"
