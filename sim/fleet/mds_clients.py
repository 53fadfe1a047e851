"""The CephFS clients of the simulated workload, as the MDSs see them.

Each file system gets a few clients (3 to 6, fixed by the fleet's seed and
the file system's name) with sessions on its rank 0: what the MDS's
``mds_sessions.session_count`` counts, what ``client ls`` / ``session ls``
on that MDS lists, and whose metrics the MDS sends to the mgr for the perf
queries (``fs perf stats``, Ceph's MDSPerfMetricReport). The sessions belong
to the file system, not to an MDS incarnation: when another MDS takes rank 0
the same clients reconnect to it.

Metrics are Ceph 16.2's per-client metric pairs (`METRICS`): counts such as
``cap_hit`` (hits, misses) grow with the workload; latencies are
(seconds, nanoseconds). A client reports every metric (its feature bits say
so). Ranks above 0 hold no sessions here.

A pure core (no I/O); who may import it: `sim.fleet.daemon`, `sim.fleet.asok`
and tests.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sim.perf import MDS_CLIENT_METRICS

if TYPE_CHECKING:
    from sim.fleet.mds import MDSDaemons
    from sim.fleet.workload import Population

# Ceph 16.2's client metrics, in MDS_PERF_QUERY_COUNTERS_MAP order (its feature bit)
METRICS = MDS_CLIENT_METRICS
FEATURE_BITS = f"0x{(1 << len(METRICS)) - 1:016x}"
CLIENT_GID_BASE = 14100  # the clients' global ids (Ceph's come from the mon)
OPS_PER_S = 4.0  # each client's reads, writes and metadata ops per second


@dataclass
class Client:
    gid: int
    nonce: int
    hostname: str
    inodes: int
    pairs: dict[str, list[int]] = field(default_factory=dict)

    @property
    def inst(self) -> str:
        """``entity_inst_t`` as Ceph prints it: the string the queries' regexes see."""
        return f"client.{self.gid} v1:127.0.0.1:0/{self.nonce}"


class CephFSClients:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._by_fs: dict[str, list[Client]] = {}
        self._rng = random.Random(seed)

    def of_fs(self, fs_name: str) -> list[Client]:
        if fs_name not in self._by_fs:
            r = random.Random(self.seed ^ zlib.crc32(fs_name.encode()))
            first = CLIENT_GID_BASE + 100 * len(self._by_fs)
            self._by_fs[fs_name] = [_new_client(first + k, r) for k in range(3 + r.randrange(4))]
        return self._by_fs[fs_name]

    def step(self, fs_name: str, dt: float) -> None:
        """Advance the metrics of ``fs_name``'s clients by ``dt`` seconds of work."""
        for c in self.of_fs(fs_name):
            _step(c, dt, self._rng)

    def report(self, fs_name: str) -> list[list[Any]]:
        """Rank 0's metrics of its clients: ``[[inst, {metric: [a, b]}], …]``."""
        return [[c.inst, {m: list(p) for m, p in c.pairs.items()}] for c in self.of_fs(fs_name)]

    def sessions(self, fs_name: str, uptime: float) -> list[dict[str, Any]]:
        """``client ls`` on rank 0's MDS (Ceph 16.2's session fields)."""
        return [_session(c, uptime) for c in self.of_fs(fs_name)]


def rank0_reports(
    mds: MDSDaemons, clients: CephFSClients, pop: Population | None, dt: float
) -> dict[str, dict[str, Any]]:
    """Step the clients of every file system whose rank 0 runs here, set each MDS's
    session count in ``pop``, and return what the rank-0 MDSs report of them
    (`MgrReport.mds_metrics`); a rank above 0 whose MDS does not run is delayed."""
    holders = mds.rank_holders()
    sessions = dict.fromkeys(mds.names, 0)
    out: dict[str, dict[str, Any]] = {}
    for fs_name, rank, name, state in holders:
        if rank != 0 or state != "up:active" or not mds.is_up(name):
            continue
        if dt > 0:
            clients.step(fs_name, dt)
        sessions[name] = len(clients.of_fs(fs_name))
        delayed = sorted(r for f, r, n, st in holders
                         if f == fs_name and r > 0 and st == "up:active" and not mds.is_up(n))  # fmt: skip
        out[name] = {"fs": fs_name, "rank": 0, "delayed_ranks": delayed,
                     "clients": clients.report(fs_name)}  # fmt: skip
    if pop is not None and "mds_sessions.session_count" in pop.col:
        c = pop.col["mds_sessions.session_count"]
        for row, ident in enumerate(pop.ids):
            pop.values[row * pop.width + c] = sessions.get(str(ident), 0)
    return out


def _new_client(gid: int, r: random.Random) -> Client:
    c = Client(gid=gid, nonce=r.getrandbits(31) | 1, hostname=f"client{gid - CLIENT_GID_BASE}",
               inodes=200 + r.randrange(800))  # fmt: skip
    c.pairs = {m: [0, 0] for m in METRICS}
    c.pairs["opened_files"] = [0, c.inodes]
    c.pairs["pinned_icaps"] = [c.inodes // 2, c.inodes]
    c.pairs["opened_inodes"] = [0, c.inodes]
    return c


def _latency(seconds: float) -> list[int]:
    return [int(seconds), int((seconds % 1) * 1e9)]


def _step(c: Client, dt: float, r: random.Random) -> None:
    p = c.pairs
    ops = max(0, int(OPS_PER_S * dt * (0.5 + r.random())))
    hits = int(ops * 0.9)
    p["cap_hit"][0] += hits
    p["cap_hit"][1] += ops - hits
    p["dentry_lease"][0] += ops // 2
    p["dentry_lease"][1] += ops - ops // 2
    p["read_io_sizes"][0] += ops
    p["read_io_sizes"][1] += ops * 65536
    p["write_io_sizes"][0] += ops // 2
    p["write_io_sizes"][1] += (ops // 2) * 65536
    opened = min(c.inodes, 5 + r.randrange(20))
    p["opened_files"][0] = p["opened_inodes"][0] = opened
    for kind, base in (("read", 0.002), ("write", 0.004), ("metadata", 0.001)):
        avg = base * (1 + r.random())
        total = p[f"{kind}_latency"]
        total[:] = _latency(total[0] + total[1] / 1e9 + avg * ops)
        p[f"avg_{kind}_latency"] = _latency(avg)
        p[f"stdev_{kind}_latency"] = _latency(avg / 4)


def _session(c: Client, uptime: float) -> dict[str, Any]:
    return {
        "id": c.gid,
        "entity": {"name": {"type": "client", "num": c.gid},
                   "addr": {"type": "v1", "addr": "127.0.0.1:0", "nonce": c.nonce}},
        "state": "open",
        "num_leases": 0,
        "num_caps": c.pairs["pinned_icaps"][0],
        "request_load_avg": 0,
        "uptime": round(uptime, 6),
        "requests_in_flight": 0,
        "num_completed_requests": 0,
        "num_completed_flushes": 0,
        "reconnecting": False,
        "inst": c.inst,
        "completed_requests": [],
        "prealloc_inos": [],
        "used_inos": [],
        "client_metadata": {
            "client_features": {"feature_bits": "0x0000000000007bff"},
            "metric_spec": {"metric_flags": {"feature_bits": FEATURE_BITS}},
            "entity_id": "admin",
            "hostname": c.hostname,
            "mount_point": "/mnt/cephfs",
            "pid": str(1000 + c.gid % 1000),
            "root": "/",
        },
    }  # fmt: skip
