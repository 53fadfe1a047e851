"""Run as a script: Ceph's own ``mgr_module`` (a release tree) opens ``MgrModule.db`` over our VFS.

``python ceph_open_db.py TREE NATIVE_DIR API_DIR`` puts the tree first on
the path (as ``--ceph-python`` does), registers the ``ceph`` VFS over an
in-memory cluster (`fakerados`), loads a module class of Ceph's
``MgrModule`` in a ``FakeHost`` twice (two mgrs in turn) and prints what the
second one reads, as JSON: the rows, a kv value and the mon commands the
first one sent; then Ceph's stock ``devicehealth`` stores a device's
metrics and a second instance reads them back.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def main(tree: str, native: str, api: str) -> None:
    here = str(Path(__file__).resolve().parent)
    sys.path[:0] = [tree, native]
    site = Path(tree).resolve().parents[2] / "lib" / "python3" / "dist-packages"
    sys.path += [api, here, str(site), f"/usr/lib/python{sys.version_info.major}/dist-packages"]
    import mgr_module  # Ceph's
    from _simnative import cephsqlite
    from fakerados import FakeCluster
    from mgr_testing import FakeHost

    assert mgr_module.__file__ and mgr_module.__file__.startswith(tree), mgr_module.__file__
    cluster = FakeCluster(pools=())
    cephsqlite.register(cluster.client)
    commands: list[str] = []

    class Things(mgr_module.MgrModule):  # type: ignore[misc, name-defined]
        if hasattr(getattr(mgr_module, "CLICommandBase", None), "make_registry_subtype"):
            CLICommand = mgr_module.CLICommandBase.make_registry_subtype("ThingsCLICommand")
        SCHEMA = ["CREATE TABLE Things (k TEXT PRIMARY KEY, v TEXT NOT NULL);"]
        SCHEMA_VERSIONED = [SCHEMA]

    def mon(cmd: dict[str, Any], inbuf: str | None) -> tuple[int, str, str]:
        commands.append(cmd["prefix"])
        if cmd["prefix"] == "osd pool create":
            cluster.create_pool(cmd["pool"])
        return 0, "", ""

    def mgr() -> Any:
        host = FakeHost(native={"mgr_pool": True, "osd_pool_default_size": 1})
        pools = [{"pool": i, "pool_name": n} for n, i in cluster.pools.items()]
        host.data["osd_map"] = {"pools": pools, "osds": [{"osd": 0, "up": 1, "in": 1}]}
        host.mon_command_handler = mon
        return host.load(Things, "things")

    first = mgr()
    with first._db_lock, first.db:
        first.db.execute("INSERT INTO Things VALUES ('a', '1')")
    first.set_kv("colour", "blue")
    first.close_db()
    second = mgr()
    with second._db_lock, second.db:
        rows = [list(r) for r in second.db.execute("SELECT k, v FROM Things")]
    out = {"rows": rows, "kv": second.get_kv("colour"), "commands": commands}
    out["objects"] = cluster.names(".mgr")

    # Ceph's stock devicehealth keeps its metrics there too (18.2+)
    from devicehealth.module import Module as DeviceHealth

    def devicehealth() -> Any:
        host = FakeHost(native={"mgr_pool": True, "osd_pool_default_size": 1})
        host.data["osd_map"] = {"pools": [{"pool": 1, "pool_name": ".mgr"}], "osds": []}
        host.data["device dev1"] = {"device": {"devid": "dev1", "daemons": ["osd.0"]}}
        return host.load(DeviceHealth, "devicehealth")

    smart = {"nvme_smart_health_information_log": {"percentage_used": 7}}
    dh = devicehealth()
    dh.put_device_metrics("dev1", smart)
    dh.close_db()
    later = devicehealth()
    out["metrics"] = list(later.get_recent_device_metrics("dev1", None).values())
    out["devicehealth_objects"] = sorted(k for _p, ns, k in cluster.objects if ns == "devicehealth")
    print(json.dumps(out))


if __name__ == "__main__":
    main(*sys.argv[1:4])
