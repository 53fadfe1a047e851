"""Who the simulated daemons are: OSD ids, their hosts, the default pools.

Pure and deterministic from the cluster spec, so the mon (default pools at
mkfs), the fleet (hostnames, metadata) and tests agree without talking.
OSDs are grouped into hosts of `osds_per_host` (4 for small clusters, 8 from
65 OSDs on); pools are sized for the cluster: replicated ``size`` is
``min(3, hosts)`` so a one-host test cluster is clean, and the data pool gets
about ``mon_target_pg_per_osd`` PG copies per OSD, capped for the simulator.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_DATA_PGS = 32768  # per pool; keeps placement cheap at 10,000 OSDs
OSD_BYTES = 1 << 40  # every simulated OSD is a 1 TiB disk
MDS_NAMES = ["a", "b", "c", "d", "e", "f"]


def osds_per_host(num_osds: int) -> int:
    return 4 if num_osds <= 64 else 8


def hostname(index: int) -> str:
    return f"node{index:02d}" if index < 100 else f"node{index:04d}"


def host_of(osd: int, num_osds: int) -> str:
    return hostname(osd // osds_per_host(num_osds))


def num_hosts(num_osds: int) -> int:
    per = osds_per_host(num_osds)
    return (num_osds + per - 1) // per


def mds_names(n: int) -> list[str]:
    return MDS_NAMES[:n] if n <= len(MDS_NAMES) else [f"mds{i}" for i in range(n)]


def rgw_names(n: int) -> list[str]:
    return [f"rgw{i}" for i in range(n)]


@dataclass(frozen=True)
class PoolSpec:
    name: str
    pg_num: int
    application: str


def _pow2_at_least(n: int) -> int:
    p = 1
    while p < n:
        p <<= 1
    return p


def pool_size(num_osds: int, default_size: int = 3) -> int:
    return max(1, min(default_size, num_hosts(num_osds)))


def default_pools(num_osds: int, num_mds: int, num_rgw: int) -> list[PoolSpec]:
    """The pools a fresh simulated cluster has (created by the mon at mkfs)."""
    size = pool_size(num_osds)
    data_pgs = _pow2_at_least(max(32, num_osds * 100 // (size * 4)))
    pools = [
        PoolSpec("device_health_metrics", 1, "mgr_devicehealth"),
        PoolSpec("rbd", min(MAX_DATA_PGS, data_pgs), "rbd"),
    ]
    if num_mds:
        pools += [
            PoolSpec("cephfs.cephfs.meta", 16, "cephfs"),
            PoolSpec("cephfs.cephfs.data", min(MAX_DATA_PGS, max(32, data_pgs // 4)), "cephfs"),
        ]
    if num_rgw:
        pools += [
            PoolSpec(".rgw.root", 8, "rgw"),
            PoolSpec("default.rgw.buckets.data", min(MAX_DATA_PGS, max(32, data_pgs // 4)), "rgw"),
        ]
    return pools
