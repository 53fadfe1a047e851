"""Perf-counter schemas of the simulated daemons, shaped like Ceph 16.2's.

A schema is an ordered list of counters; a report carries one row of values
per daemon in *column* order, where a long-run average (``TIME|LONGRUNAVG``,
e.g. ``osd.op_latency``) takes two columns, its sum and its count, as Ceph
keeps them. Time-typed values are nanoseconds, as Ceph sends them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Ceph's perfcounter_type_d bits and unit_t / priorities (common/perf_counters.h)
TIME, U64, LONGRUNAVG, COUNTER, HISTOGRAM = 1, 2, 4, 8, 16
BYTES, NONE = 0, 1
CRITICAL, INTERESTING, USEFUL, UNINTERESTING, DEBUGONLY = 10, 8, 5, 2, 0
GAUGE = U64
CTR = U64 | COUNTER
LAT = TIME | LONGRUNAVG

# (path, type, priority, units, nick, description)
CounterDef = tuple[str, int, int, int, str, str]

OSD: list[CounterDef] = [
    ("osd.op_wip", GAUGE, USEFUL, NONE, "", "Replication operations currently being processed (primary)"),
    ("osd.op", CTR, CRITICAL, NONE, "ops", "Client operations"),
    ("osd.op_in_bytes", CTR, CRITICAL, BYTES, "wr", "Client operations total write size"),
    ("osd.op_out_bytes", CTR, CRITICAL, BYTES, "rd", "Client operations total read size"),
    ("osd.op_latency", LAT, CRITICAL, NONE, "l", "Latency of client operations (including queue time)"),
    ("osd.op_process_latency", LAT, USEFUL, NONE, "", "Latency of client operations (excluding queue time)"),
    ("osd.op_r", CTR, USEFUL, NONE, "", "Client read operations"),
    ("osd.op_r_out_bytes", CTR, USEFUL, BYTES, "", "Client data read"),
    ("osd.op_r_latency", LAT, USEFUL, NONE, "", "Latency of read operation (including queue time)"),
    ("osd.op_w", CTR, USEFUL, NONE, "", "Client write operations"),
    ("osd.op_w_in_bytes", CTR, USEFUL, BYTES, "", "Client data written"),
    ("osd.op_w_latency", LAT, USEFUL, NONE, "", "Latency of write operation (including queue time)"),
    ("osd.op_rw", CTR, USEFUL, NONE, "", "Client read-modify-write operations"),
    ("osd.op_rw_in_bytes", CTR, USEFUL, BYTES, "", "Client read-modify-write operations write in"),
    ("osd.op_rw_out_bytes", CTR, USEFUL, BYTES, "", "Client read-modify-write operations read out "),
    ("osd.op_rw_latency", LAT, USEFUL, NONE, "", "Latency of read-modify-write operation (including queue time)"),
    ("osd.subop", CTR, USEFUL, NONE, "", "Suboperations"),
    ("osd.subop_in_bytes", CTR, USEFUL, BYTES, "", "Suboperations total size"),
    ("osd.subop_latency", LAT, USEFUL, NONE, "", "Suboperations latency"),
    ("osd.recovery_ops", CTR, INTERESTING, NONE, "", "Started recovery operations"),
    ("osd.numpg", GAUGE, INTERESTING, NONE, "pgs", "Placement groups"),
    ("osd.numpg_primary", GAUGE, USEFUL, NONE, "", "Placement groups for which this osd is primary"),
    ("osd.numpg_replica", GAUGE, USEFUL, NONE, "", "Placement groups for which this osd is replica"),
    ("osd.stat_bytes", GAUGE, USEFUL, BYTES, "size", "OSD size"),
    ("osd.stat_bytes_used", GAUGE, USEFUL, BYTES, "used", "Used space"),
    ("osd.stat_bytes_avail", GAUGE, USEFUL, BYTES, "avail", "Available space"),
    ("osd.map_messages", CTR, USEFUL, NONE, "", "OSD map messages"),
    ("bluestore.commit_lat", LAT, USEFUL, NONE, "c_l", "Average commit latency"),
    ("bluestore.kv_flush_lat", LAT, USEFUL, NONE, "kfsl", "Average kv_thread flush latency"),
]  # fmt: skip

MDS: list[CounterDef] = [
    ("mds.request", CTR, CRITICAL, NONE, "req", "Requests"),
    ("mds.reply_latency", LAT, CRITICAL, NONE, "rlat", "Reply latency"),
    ("mds_server.handle_client_request", CTR, INTERESTING, NONE, "hcr", "Client requests"),
    ("mds_sessions.session_count", GAUGE, INTERESTING, NONE, "sess", "Session count"),
    ("mds_mem.ino", GAUGE, INTERESTING, NONE, "ino", "Inodes"),
    ("mds_mem.dn", GAUGE, INTERESTING, NONE, "dn", "Dentries"),
    ("mds_mem.dir", GAUGE, USEFUL, NONE, "dir", "Directories"),
    ("mds_mem.cap", GAUGE, USEFUL, NONE, "cap", "Capabilities"),
    ("mds_log.replayed", CTR, USEFUL, NONE, "repl", "Events replayed"),
]  # fmt: skip

RGW: list[CounterDef] = [
    ("rgw.req", CTR, CRITICAL, NONE, "req", "Requests"),
    ("rgw.failed_req", CTR, CRITICAL, NONE, "", "Aborted requests"),
    ("rgw.get", CTR, USEFUL, NONE, "", "Gets"),
    ("rgw.get_b", CTR, USEFUL, BYTES, "", "Size of gets"),
    ("rgw.get_initial_lat", LAT, USEFUL, NONE, "", "Get latency"),
    ("rgw.put", CTR, USEFUL, NONE, "", "Puts"),
    ("rgw.put_b", CTR, USEFUL, BYTES, "", "Size of puts"),
    ("rgw.put_initial_lat", LAT, USEFUL, NONE, "", "Put latency"),
    ("rgw.qlen", GAUGE, USEFUL, NONE, "", "Queue length"),
    ("rgw.qactive", GAUGE, USEFUL, NONE, "", "Active requests queue"),
]  # fmt: skip

# The mon's and the mgr's own counters (their admin socket's ``perf dump``): a
# few of Ceph 16.2's loggers, those the simulator can fill.
MESSENGER: list[CounterDef] = [
    ("AsyncMessenger::Worker-0.msgr_recv_messages", CTR, USEFUL, NONE, "", "Network received messages"),
    ("AsyncMessenger::Worker-0.msgr_send_messages", CTR, USEFUL, NONE, "", "Network sent messages"),
    ("AsyncMessenger::Worker-0.msgr_recv_bytes", CTR, USEFUL, BYTES, "", "Network received bytes"),
    ("AsyncMessenger::Worker-0.msgr_send_bytes", CTR, USEFUL, BYTES, "", "Network sent bytes"),
    ("cct.total_workers", GAUGE, DEBUGONLY, NONE, "", "Total workers"),
    ("cct.unhealthy_workers", GAUGE, DEBUGONLY, NONE, "", "Unhealthy workers"),
]  # fmt: skip

MON: list[CounterDef] = [
    *MESSENGER,
    ("mon.num_sessions", GAUGE, USEFUL, NONE, "sess", "Open sessions"),
    ("mon.session_add", CTR, INTERESTING, NONE, "sadd", "Created sessions"),
    ("mon.session_rm", CTR, INTERESTING, NONE, "srm", "Removed sessions"),
    ("mon.session_trim", CTR, USEFUL, NONE, "strm", "Trimmed sessions"),
    ("mon.num_elections", CTR, USEFUL, NONE, "ecnt", "Elections participated in"),
    ("mon.election_call", CTR, USEFUL, NONE, "ecall", "Elections started"),
    ("mon.election_win", CTR, USEFUL, NONE, "ewon", "Elections won"),
    ("mon.election_lose", CTR, USEFUL, NONE, "elst", "Elections lost"),
    ("paxos.commit", CTR, USEFUL, NONE, "comt", "Commits"),
    ("paxos.commit_latency", LAT, USEFUL, NONE, "clat", "Commit latency"),
]  # fmt: skip

MGR: list[CounterDef] = [
    *MESSENGER,
    ("mgr.cache_hit", CTR, USEFUL, NONE, "", "Cache hits"),
    ("mgr.cache_miss", CTR, USEFUL, NONE, "", "Cache miss"),
]  # fmt: skip

# Not a Ceph 16.2 logger: what every simulated daemon's `sim.replay.ReplayGuard`
# refused (Ceph's messenger drops such frames inside its protocol, uncounted).
# Only in a daemon's own admin socket ``perf dump``, never in its mgr report.
REPLAY_GUARD: list[CounterDef] = [
    ("replay_guard.replayed", CTR, USEFUL, NONE, "", "Frames dropped: a sequence number already taken or older than the window"),
    ("replay_guard.misdirected", CTR, USEFUL, NONE, "", "Frames dropped: addressed to another daemon or incarnation"),
    ("replay_guard.stale", CTR, USEFUL, NONE, "", "Frames dropped: sent before this daemon started, or too old"),
    ("replay_guard.windows", GAUGE, DEBUGONLY, NONE, "", "Peer incarnations with an anti-replay window"),
]  # fmt: skip

SCHEMAS: dict[str, list[CounterDef]] = {"osd": OSD, "mds": MDS, "rgw": RGW, "mon": MON, "mgr": MGR}


@dataclass(frozen=True)
class Schema:
    """Counters of one daemon type and their columns in a report row."""

    counters: tuple[CounterDef, ...]

    @classmethod
    def of(cls, defs: list[CounterDef] | list[Any]) -> Schema:
        return cls(tuple((str(d[0]), int(d[1]), int(d[2]), int(d[3]), str(d[4]), str(d[5]))
                         for d in defs))  # fmt: skip

    @property
    def columns(self) -> dict[str, int]:
        """path -> first column (a long-run average's count is the next one)."""
        out, col = {}, 0
        for path, typ, *_ in self.counters:
            out[path] = col
            col += 2 if typ & LONGRUNAVG else 1
        return out

    @property
    def width(self) -> int:
        return sum(2 if c[1] & LONGRUNAVG else 1 for c in self.counters)

    def types(self) -> dict[str, int]:
        return {c[0]: c[1] for c in self.counters}

    def to_wire(self) -> list[list[Any]]:
        return [list(c) for c in self.counters]

    def dump(self, path: str) -> dict[str, Any]:
        """One counter as ``get_perf_schema`` shows it."""
        for p, typ, prio, units, nick, desc in self.counters:
            if p == path:
                return {"description": desc, "nick": nick, "type": typ, "priority": prio,
                        "units": units}  # fmt: skip
        raise KeyError(path)


def schema(daemon_type: str) -> Schema:
    return Schema.of(SCHEMAS[daemon_type])


def _value_type(typ: int) -> str:
    one = "real" if typ & TIME else "integer"
    return f"{one}-integer-pair" if typ & LONGRUNAVG else one


def admin_schema(s: Schema) -> dict[str, dict[str, Any]]:
    """``perf schema`` as a daemon's admin socket prints it: logger -> counter -> fields."""
    out: dict[str, dict[str, Any]] = {}
    for path, typ, prio, units, nick, desc in s.counters:
        logger, _, name = path.rpartition(".")
        out.setdefault(logger, {})[name] = {
            "type": typ,
            "metric_type": "counter" if typ & COUNTER else "gauge",
            "value_type": _value_type(typ),
            "description": desc,
            "nick": nick,
            "priority": prio,
            "units": "bytes" if units == BYTES else "none",
        }
    return out


def admin_dump(s: Schema, row: Any) -> dict[str, dict[str, Any]]:
    """``perf dump``: one daemon's row (column order; times in ns) by logger."""
    out: dict[str, dict[str, Any]] = {}
    col = 0
    for path, typ, *_ in s.counters:
        logger, _, name = path.rpartition(".")
        value: Any
        if typ & LONGRUNAVG:
            total, count = row[col], int(row[col + 1])
            col += 2
            if typ & TIME:
                secs = total / 1e9
                value = {"avgcount": count, "sum": secs, "avgtime": secs / count if count else 0.0}
            else:
                value = {"avgcount": count, "sum": int(total)}
        else:
            value = row[col] / 1e9 if typ & TIME else int(row[col])
            col += 1
        out.setdefault(logger, {})[name] = value
    return out


def row_of(s: Schema, values: dict[str, Any]) -> list[float]:
    """A row from ``{path: value}`` (a long-run average as ``(sum_ns, count)``)."""
    row: list[float] = []
    for path, typ, *_ in s.counters:
        v = values.get(path, (0, 0) if typ & LONGRUNAVG else 0)
        row.extend(v if typ & LONGRUNAVG else [v])
    return row


# Ceph 16.2's per-client CephFS metrics (MDS_PERF_QUERY_COUNTERS_MAP order: the feature bit),
# what the fleet's clients report (`sim.fleet.mds_clients`) and MDS perf queries may ask
# (`mgr.perf_queries`)
MDS_CLIENT_METRICS = (
    "cap_hit", "read_latency", "write_latency", "metadata_latency", "dentry_lease",
    "opened_files", "pinned_icaps", "opened_inodes", "read_io_sizes", "write_io_sizes",
    "avg_read_latency", "stdev_read_latency", "avg_write_latency", "stdev_write_latency",
    "avg_metadata_latency", "stdev_metadata_latency",
)  # fmt: skip

# OSD perf queries (Ceph's OSDPerfMetricSubKeyType and PerformanceCounterType, in their
# enum order): what ``add_osd_perf_query`` accepts (`mgr.osd_perf_queries`) and the OSDs
# evaluate on their client ops (`sim.fleet.osd_perf_stats`)
OSD_PERF_KEY_TYPES = (
    "client_id", "client_address", "pool_id", "namespace", "osd_id", "pg_id",
    "object_name", "snap_id",
)  # fmt: skip
OSD_PERF_COUNTERS = (
    "ops", "write_ops", "read_ops", "bytes", "write_bytes", "read_bytes",
    "latency", "write_latency", "read_latency",
)  # fmt: skip
