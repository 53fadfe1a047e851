"""The OSDMap: a compact, columnar model shared by the mon, the mgr and the fleet.

Ceph's OSDMap keeps per-OSD vectors indexed by OSD id up to ``max_osd``
(state, weight, up_from, up_thru, down_at, addresses, xinfo); so does this
one, in `array`/`bytearray` columns. That keeps a 10,000-OSD map small on
the wire (the columns travel as bytes: one msgpack scalar each, nothing for
the frame checks to walk) and cheap to copy for a pending change. The
Ceph-shaped JSON and text (``osd dump``, ``osd tree`` …) are built from it on
demand by `sim.maps.osd_dumps`.

CRUSH is reduced to what the simulator needs: a ``default`` root with one
host bucket per hostname, in the order hosts first appeared; an OSD's
``crush_weight`` is its size in TiB.
"""

from __future__ import annotations

import copy
import uuid as uuidlib
from array import array
from dataclasses import dataclass, field
from typing import Any

EXISTS = 1
UP = 2
NEW = 4  # exists but never booted
WEIGHT_IN = 0x10000  # Ceph's CEPH_OSD_IN
MAX_OSD = 100_000  # keeps a full map well inside one frame
BASE_FLAGS = ("sortbitwise", "recovery_deletes", "purged_snapdirs", "pglog_hardlimit")
SETTABLE_FLAGS = (
    "pause", "noup", "nodown", "noout", "noin", "nobackfill", "norebalance",
    "norecover", "noscrub", "nodeep-scrub", "notieragent", "nosnaptrim",
)  # fmt: skip
FLAG_BITS = {
    "full": 1 << 1, "pauserd": 1 << 2, "pausewr": 1 << 3, "noup": 1 << 4,
    "nodown": 1 << 5, "noout": 1 << 6, "noin": 1 << 7, "nobackfill": 1 << 8,
    "norecover": 1 << 9, "noscrub": 1 << 10, "nodeep-scrub": 1 << 11,
    "notieragent": 1 << 12, "sortbitwise": 1 << 15, "norebalance": 1 << 16,
    "recovery_deletes": 1 << 19, "purged_snapdirs": 1 << 20, "nosnaptrim": 1 << 21,
    "pglog_hardlimit": 1 << 22,
}  # fmt: skip
_U32 = "I"
_COLUMNS_U32 = ("weight", "up_from", "up_thru", "down_at", "nonce")


# pg_pool_t's flag bits, in Ceph's order (``flags_names`` lists them so)
POOL_FLAG_BITS = {
    "hashpspool": 1 << 0, "full": 1 << 1, "ec_overwrites": 1 << 2, "incomplete_clones": 1 << 3,
    "nodelete": 1 << 4, "nopgchange": 1 << 5, "nosizechange": 1 << 6,
    "write_fadvise_dontneed": 1 << 7, "noscrub": 1 << 8, "nodeep-scrub": 1 << 9,
    "full_quota": 1 << 10, "nearfull": 1 << 11, "backfillfull": 1 << 12,
    "selfmanaged_snaps": 1 << 13, "pool_snaps": 1 << 14, "creating": 1 << 15,
    "eio": 1 << 16, "bulk": 1 << 17,
}  # fmt: skip


# pool_opts_t's keys in Ceph's order (``options`` and the ``osd dump`` line list them so)
POOL_OPTS_ORDER = (
    "scrub_min_interval", "scrub_max_interval", "deep_scrub_interval", "recovery_priority",
    "recovery_op_priority", "scrub_priority", "compression_mode", "compression_algorithm",
    "compression_required_ratio", "compression_max_blob_size", "compression_min_blob_size",
    "csum_type", "csum_max_block", "csum_min_block", "fingerprint_algorithm", "pg_num_min",
    "target_size_bytes", "target_size_ratio", "pg_autoscale_bias", "read_lease_interval",
    "dedup_tier", "dedup_chunk_algorithm", "dedup_cdc_chunk_size", "pg_num_max",
)  # fmt: skip


@dataclass
class Pool:
    pool: int
    name: str
    size: int
    min_size: int
    pg_num: int
    application: str = ""
    create_time: float = 0.0
    last_change: int = 0
    crush_rule: int = 0
    pgp_num: int = 0  # 0: the same as pg_num (a map written before pgp_num was kept)
    flags: list[str] = field(default_factory=lambda: ["hashpspool"])  # POOL_FLAG_BITS names
    autoscale_mode: str = "on"
    opts: dict[str, Any] = field(default_factory=dict)  # pool_opts_t: only the ones set
    quota_max_bytes: int = 0  # 0: no quota (``osd pool set-quota``)
    quota_max_objects: int = 0

    def __post_init__(self) -> None:
        if not self.pgp_num:
            self.pgp_num = self.pg_num

    def has_flag(self, name: str) -> bool:
        return name in self.flags

    def set_flag(self, name: str, on: bool) -> None:
        names = set(self.flags) - {name} | ({name} if on else set())
        self.flags = [f for f in POOL_FLAG_BITS if f in names]

    def set_opt(self, name: str, value: Any) -> None:
        """Set (or, with None, unset) a pool option, keeping Ceph's key order."""
        opts = dict(self.opts)
        if value is None:
            opts.pop(name, None)
        else:
            opts[name] = value
        rank = {k: i for i, k in enumerate(POOL_OPTS_ORDER)}
        self.opts = {k: opts[k] for k in sorted(opts, key=lambda k: rank.get(k, len(rank)))}

    def flags_num(self) -> int:
        return sum(POOL_FLAG_BITS[f] for f in self.flags)

    def copy(self) -> Pool:
        """An independent copy (its flag list and options its own), to change."""
        q = copy.copy(self)
        q.flags, q.opts = list(self.flags), dict(self.opts)
        return q

    def to_wire(self) -> list[Any]:
        return [
            self.pool, self.name, self.size, self.min_size, self.pg_num,
            self.application, self.create_time, self.last_change, self.crush_rule,
            self.pgp_num, list(self.flags), self.autoscale_mode, dict(self.opts),
            self.quota_max_bytes, self.quota_max_objects,
        ]  # fmt: skip

    @classmethod
    def from_wire(cls, w: list[Any]) -> Pool:
        return cls(*w)


@dataclass
class OSDMap:
    fsid: str = ""
    epoch: int = 0
    created: float = 0.0
    modified: float = 0.0
    last_up_change: float = 0.0
    last_in_change: float = 0.0
    flags: set[str] = field(default_factory=set)  # settable flags only (noout …)
    crush_version: int = 1
    pools: dict[int, Pool] = field(default_factory=dict)
    pool_max: int = 0
    max_osd: int = 0
    state: bytearray = field(default_factory=bytearray)
    weight: array[int] = field(default_factory=lambda: array(_U32))
    up_from: array[int] = field(default_factory=lambda: array(_U32))
    up_thru: array[int] = field(default_factory=lambda: array(_U32))
    down_at: array[int] = field(default_factory=lambda: array(_U32))
    nonce: array[int] = field(default_factory=lambda: array(_U32))
    down_stamp: array[float] = field(default_factory=lambda: array("d"))
    crush_weight: array[float] = field(default_factory=lambda: array("d"))
    host: array[int] = field(default_factory=lambda: array("i"))
    uuids: bytearray = field(default_factory=bytearray)
    hosts: list[str] = field(default_factory=list)
    blocklist: dict[str, float] = field(default_factory=dict)  # client addr -> until (time)
    # derived, immutable values (strings) of a committed map, built once (`osd_dumps`)
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    # --- queries -------------------------------------------------------------------

    def exists(self, osd: int) -> bool:
        return 0 <= osd < self.max_osd and bool(self.state[osd] & EXISTS)

    def is_up(self, osd: int) -> bool:
        return 0 <= osd < self.max_osd and bool(self.state[osd] & UP)

    def is_in(self, osd: int) -> bool:
        return self.exists(osd) and self.weight[osd] > 0

    def osd_ids(self) -> list[int]:
        return [i for i, s in enumerate(self.state) if s & EXISTS]

    def counts(self) -> tuple[int, int, int]:
        """(num_osds, num_up_osds, num_in_osds)."""
        st, w = self.state, self.weight
        n = up = inn = 0
        for i in range(self.max_osd):
            s = st[i]
            if s & EXISTS:
                n += 1
                up += s & UP and 1
                inn += w[i] > 0
        return n, up, inn

    def uuid(self, osd: int) -> str:
        return str(uuidlib.UUID(bytes=bytes(self.uuids[16 * osd : 16 * osd + 16])))

    def hostname(self, osd: int) -> str:
        h = self.host[osd]
        return self.hosts[h] if 0 <= h < len(self.hosts) else ""

    def host_members(self) -> list[list[int]]:
        """OSD ids per host index (ascending)."""
        out: list[list[int]] = [[] for _ in self.hosts]
        for osd in range(self.max_osd):
            h = self.host[osd]
            if self.state[osd] & EXISTS and 0 <= h < len(out):
                out[h].append(osd)
        return out

    def flags_all(self) -> list[str]:
        return [*BASE_FLAGS, *sorted(self.flags)]

    def flags_num(self) -> int:
        return sum(FLAG_BITS.get(f, 0) for f in self.flags_all())

    def is_blocklisted(self, addr: str, now: float) -> bool:
        """Ceph's ``OSDMap::is_blocklisted``: the address itself, or its whole IP
        (an entry with port and nonce 0), listed until a time still ahead."""
        ip = addr.rsplit(":", 1)[0]
        return any(self.blocklist.get(a, 0.0) > now for a in (addr, f"{ip}:0/0"))

    def pool_by_name(self, name: str) -> Pool | None:
        return next((p for p in self.pools.values() if p.name == name), None)

    # --- changes (on a copy: the mon's pending map) --------------------------------------

    def copy(self) -> OSDMap:
        return OSDMap(
            self.fsid, self.epoch, self.created, self.modified, self.last_up_change,
            self.last_in_change, set(self.flags), self.crush_version,
            {k: p.copy() for k, p in self.pools.items()}, self.pool_max, self.max_osd,
            bytearray(self.state), array(_U32, self.weight), array(_U32, self.up_from),
            array(_U32, self.up_thru), array(_U32, self.down_at), array(_U32, self.nonce),
            array("d", self.down_stamp), array("d", self.crush_weight), array("i", self.host),
            bytearray(self.uuids), list(self.hosts), dict(self.blocklist),
        )  # fmt: skip

    def grow(self, max_osd: int) -> None:
        extra = max_osd - self.max_osd
        if extra <= 0:
            return
        self.state.extend(bytes(extra))
        for name in _COLUMNS_U32:
            getattr(self, name).extend([0] * extra)
        self.down_stamp.extend([0.0] * extra)
        self.crush_weight.extend([0.0] * extra)
        self.host.extend([-1] * extra)
        self.uuids.extend(bytes(16 * extra))
        self.max_osd = max_osd

    def host_index(self, name: str) -> int:
        try:
            return self.hosts.index(name)
        except ValueError:
            self.hosts.append(name)
            self.crush_version += 1
            return len(self.hosts) - 1

    def create_osd(self, osd: int, osd_uuid: str, host: str, crush_weight: float) -> None:
        """``osd new`` + ``osd crush create-or-move``: exists, new, in."""
        raw_uuid = uuidlib.UUID(osd_uuid).bytes  # first: a bad uuid changes nothing
        if not 0 <= osd < MAX_OSD:
            raise ValueError(f"osd id {osd} out of range")
        self.grow(osd + 1)
        if not self.state[osd] & EXISTS:
            self.state[osd] = EXISTS | NEW
            self.weight[osd] = WEIGHT_IN
            self.uuids[16 * osd : 16 * osd + 16] = raw_uuid
            self.crush_weight[osd] = crush_weight
        if host and self.hostname(osd) != host:
            self.host[osd] = self.host_index(host)
            self.crush_version += 1

    def add_pool(self, name: str, size: int, pg_num: int, application: str, now: float) -> Pool:
        self.pool_max += 1
        pool = Pool(
            self.pool_max, name, size, max(1, size - size // 2), pg_num, application, now,
            self.epoch + 1,
        )  # fmt: skip
        self.pools[pool.pool] = pool
        return pool

    def remove_pool(self, pool: int) -> None:
        del self.pools[pool]

    def rename_pool(self, pool: int, name: str) -> None:
        self.pools[pool].name = name
        self.pools[pool].last_change = self.epoch + 1

    def enable_application(self, pool: int, app: str) -> None:
        """``osd pool application enable`` (one application per pool here)."""
        self.pools[pool].application = app
        self.pools[pool].last_change = self.epoch + 1

    # --- wire and store form -----------------------------------------------------------

    def to_wire(self) -> dict[str, Any]:
        return {
            "fsid": self.fsid,
            "epoch": self.epoch,
            "stamps": [self.created, self.modified, self.last_up_change, self.last_in_change],
            "flags": sorted(self.flags),
            "crush_version": self.crush_version,
            "pools": [p.to_wire() for p in self.pools.values()],
            "pool_max": self.pool_max,
            "max_osd": self.max_osd,
            "state": bytes(self.state),
            **{name: getattr(self, name).tobytes() for name in _COLUMNS_U32},
            "down_stamp": self.down_stamp.tobytes(),
            "crush_weight": self.crush_weight.tobytes(),
            "host": self.host.tobytes(),
            "uuids": bytes(self.uuids),
            "hosts": list(self.hosts),
            "blocklist": dict(self.blocklist),
        }

    @classmethod
    def from_wire(cls, w: dict[str, Any]) -> OSDMap:
        m = cls(fsid=str(w["fsid"]), epoch=int(w["epoch"]))
        m.created, m.modified, m.last_up_change, m.last_in_change = (float(x) for x in w["stamps"])
        m.flags = set(w["flags"])
        m.crush_version = int(w["crush_version"])
        m.pools = {p.pool: p for p in (Pool.from_wire(x) for x in w["pools"])}
        m.pool_max = int(w["pool_max"])
        m.max_osd = int(w["max_osd"])
        m.state = bytearray(w["state"])
        for name in _COLUMNS_U32:
            col = array(_U32)
            col.frombytes(w[name])
            setattr(m, name, col)
        m.down_stamp = _array("d", w["down_stamp"])
        m.crush_weight = _array("d", w["crush_weight"])
        m.host = _array("i", w["host"])
        m.uuids = bytearray(w["uuids"])
        m.hosts = [str(h) for h in w["hosts"]]
        m.blocklist = {str(a): float(t) for a, t in w.get("blocklist", {}).items()}
        if any(len(getattr(m, c)) != m.max_osd for c in (*_COLUMNS_U32, "host", "state")):
            raise ValueError("osdmap columns do not match max_osd")
        return m


def _array(typecode: str, raw: bytes) -> Any:
    a = array(typecode)
    a.frombytes(raw)
    return a
