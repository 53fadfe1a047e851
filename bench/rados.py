"""RADOS object I/O: 4 KiB write and read latency (p50/p99) and objects per second, one client.

For each OSD count (default 3 and 30; 1 mon, 1 mgr, fast profile) a cluster
is started and one client (`sim.rados.Rados` from this process, given the
run directory) writes ``--objects`` 4 KiB objects with ``write_full`` one at
a time into the ``rbd`` pool (3 replicas: acknowledged once every up OSD
of the PG has it on disk), then reads each back. Each latency is
perf_counter around one blocking call; objects per second is the count
over the wall time of the whole loop (sequential: one op in flight).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from _common import bench_root, launcher, main, parser, stats, table

from sim import rados  # noqa: E402 - after _common put the repository on sys.path

SIZE = 4096


def one_size(new: Any, osds: int, n: int) -> dict[str, Any]:
    path = new(f"c{osds}")
    launcher.up(path, mons=1, mgrs=1, osds=osds, die_with_parent=True, timeout=60.0)
    try:
        with rados.Rados(conffile=str(path)) as r, r.open_ioctx("rbd") as io:
            size = r.objecter.osdmap.pool_by_name("rbd").size  # replicas (hosts: 4 OSDs each)
            payload = bytes(range(256)) * (SIZE // 256)
            io.write_full("warmup", payload)
            w: list[float] = []
            t0 = time.perf_counter()
            for i in range(n):
                t = time.perf_counter()
                io.write_full(f"obj{i}", payload)
                w.append(time.perf_counter() - t)
            w_wall = time.perf_counter() - t0
            rd: list[float] = []
            t0 = time.perf_counter()
            for i in range(n):
                t = time.perf_counter()
                got = io.read(f"obj{i}", SIZE)
                rd.append(time.perf_counter() - t)
                if got != payload:
                    raise RuntimeError(f"obj{i} read back wrong")
            r_wall = time.perf_counter() - t0
    finally:
        launcher.down(path)
    return {"osds": osds, "replicas": size, "objects": n, "write": stats(w), "read": stats(rd),
            "write_ops_s": n / w_wall, "read_ops_s": n / r_wall}  # fmt: skip


def measure(args: Any) -> dict[str, Any]:
    sizes = [int(s) for s in args.osds.split(",")]
    with bench_root("rados") as new:
        return {"benchmark": "rados", "results": [one_size(new, s, args.objects) for s in sizes]}


def report(res: dict[str, Any]) -> str:
    lines = ["RADOS 4 KiB objects, one client, sequential (1 mon, 1 mgr, fast profile)", ""]
    for r in res["results"]:
        lines.append(f"== {r['osds']} OSDs (pool size {r['replicas']}), {r['objects']} objects: "
                     f"{r['write_ops_s']:.0f} writes/s, {r['read_ops_s']:.0f} reads/s")  # fmt: skip
        lines.append(table([("write_full 4 KiB", r["write"]), ("read 4 KiB", r["read"])],
                           ["p50", "p99", "max"], "ms"))  # fmt: skip
        lines.append("")
    return "\n".join(lines)


def build_parser() -> Any:
    p = parser(__doc__)
    p.add_argument("--osds", default="3,30", help="OSD counts (default 3,30)")
    p.add_argument("--objects", type=int, default=1000, help="objects per run (default 1000)")
    return p


if __name__ == "__main__":
    sys.exit(main(build_parser(), measure, report))
