"""`DaemonState`: what the active mgr knows of the cluster's daemons (Ceph's
DaemonStateIndex + ClusterState's OSDMap and PGMap).

Inputs, all on the mgr's event loop:

- the OSDMap and the FSMap, subscribed from the mon (also on standbys, so
  a freshly promoted mgr has the maps at once) -> ``notify('osd_map')``,
  ``notify('fs_map')``;
- `MgrOpen` from the fleet: daemon metadata, perf schemas, service daemons
  -> ``notify('perf_schema_update')`` (once per batch) and ``service_map``
  when that changes;
- `MgrReport`: perf counters (`mgr.perf_counters`), daemon status, the
  fleet's pool I/O totals, the MDSs' client metrics and the OSDs' perf query
  counts (`mgr.osd_perf_queries`). Only the active accepts them.

Outputs: the data behind ``get()`` (`get` answers the names it owns:
``osd_map*``, PG and pool statistics, ``df``, ``io_rate``, metadata,
``fs_map``, ``service_map``), servers, metadata, daemon status and
counters, and — every ``mgr_stats_period`` on the active — the PG digest it
sends to the mon (``ceph -s``'s data section and PG health), followed by
``notify('pg_summary')``.

Module threads read concurrently with the loop writing. Every input swaps
whole objects (a new map, a new dict) or appends rows, so a reader sees one
consistent version of each structure; answers are fresh copies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

from mgr import daemon_health, device_views, fs_views, osd_perf_queries, perf_queries, pg_views
from mgr.perf_counters import CounterTable
from sim.maps import osd_dumps
from sim.maps.fsmap import FSMap
from sim.maps.osdmap import OSDMap
from sim.messages import Command, Envelope, MgrOpen, MgrReport
from sim.perf import Schema
from sim.transport import NotConnected

log = logging.getLogger(__name__)

Notify = Callable[[str, str], None]
SERVICE_TYPES = ("rgw",)


class DaemonState:
    def __init__(self, fsid: str, stats_period: float) -> None:
        self.fsid = fsid
        self.stats_period = stats_period
        self.osdmap = OSDMap(fsid=fsid)
        self.metadata: dict[tuple[str, str], dict[str, str]] = {}
        self.tables: dict[str, CounterTable] = {}
        self.daemon_status: dict[tuple[str, str], dict[str, Any]] = {}
        self.services: dict[str, dict[str, Any]] = {}  # rgw id -> registration
        self.service_epoch = 1
        self.service_modified = time.time()
        self.fsmap = FSMap()  # an empty map of epoch 1 until the mon's arrives
        self.fsmap_received = False
        self.pools: dict[str, list[tuple[float, dict[int, list[int]]]]] = {}  # sender -> 2 samples
        # sender -> (pool, ps) -> (objects, bytes): the RADOS objects of each PG
        self.pg_objects: dict[str, dict[tuple[int, int], tuple[int, int]]] = {}
        self.listener: Notify = lambda kind, ident: None
        self.pg = pg_views.PGState(self)
        self.health = daemon_health.DaemonHealth()  # the daemons' health metrics (SLOW_OPS)
        self.mds_queries = perf_queries.MDSPerfQueries()  # add_mds_perf_query's registry
        # rank-0 MDS name -> (time.monotonic() of its last report, its client metrics)
        self.mds_metrics: dict[str, tuple[float, dict[str, Any]]] = {}
        self.osd_queries = osd_perf_queries.OSDPerfQueries()  # add_osd_perf_query's registry
        self._intern: dict[str, str] = {}
        self.opens = self.reports = 0
        self.last_report = 0.0  # time.time() when the last MgrReport arrived
        self.metadata_since = 0.0  # first open received
        self.digests_sent = 0

    # --- inputs ----------------------------------------------------------------------

    def on_osdmap(self, epoch: int, body: dict[str, Any]) -> None:
        try:
            m = OSDMap.from_wire(body)
        except (KeyError, ValueError, TypeError):
            log.warning("undecodable osdmap e%d", epoch)
            return
        if m.epoch <= self.osdmap.epoch:
            return
        osd_dumps.prepare(m)  # the dumps' strings, built here rather than in a module's get()
        self.osdmap = m
        self.listener("osd_map", "")

    def on_fsmap(self, epoch: int, body: dict[str, Any]) -> None:
        try:
            m = FSMap.from_wire(body)
        except (KeyError, ValueError, TypeError):
            log.warning("undecodable fsmap e%d", epoch)
            return
        if self.fsmap_received and m.epoch <= self.fsmap.epoch:
            return
        self.fsmap, self.fsmap_received = m, True
        self.listener("fs_map", "")

    def on_message(self, env: Envelope) -> None:
        msg = env.msg
        try:
            if isinstance(msg, MgrOpen):
                self.on_open(msg)
            elif isinstance(msg, MgrReport):
                self.on_report(env.sender, msg)
        except (KeyError, ValueError, TypeError, IndexError, AttributeError) as exc:
            log.warning("bad %s from %s: %s", env.type.value, env.sender, exc)

    def on_open(self, msg: MgrOpen) -> None:
        for dtype, defs in msg.schema.items():
            if dtype not in self.tables or self.tables[dtype].schema != Schema.of(defs):
                self.tables[dtype] = CounterTable(Schema.of(defs))
        intern = self._intern
        first = ""
        for dtype, daemon_id, md in msg.daemons:
            key = (str(dtype), str(daemon_id))
            self.metadata[key] = {str(k): intern.setdefault(str(v), str(v)) for k, v in md.items()}
            first = first or f"{key[0]}.{key[1]}"
        if msg.service:
            self.services.update({str(k): dict(v) for k, v in msg.service.items()})
            self.service_epoch += 1
            self.service_modified = time.time()
        self.opens += 1
        self.metadata_since = self.metadata_since or time.time()
        if first:
            self.listener("perf_schema_update", first)
        if msg.service:
            self.listener("service_map", "")

    def on_report(self, sender: str, msg: MgrReport) -> None:
        table = self.tables.get(msg.daemon_type)
        if table is None:
            return  # not opened yet: Ceph ignores reports before the open too
        table.ingest(msg.ids, msg.values, float(msg.stamp))
        if msg.mds_metrics:
            mono = time.monotonic()
            self.mds_metrics.update((str(n), (mono, m)) for n, m in msg.mds_metrics.items())
        if msg.osd_perf_metrics:
            self.osd_queries.process_report(msg.osd_perf_metrics)
        self.health.on_report(msg.daemon_type, msg.ids, msg.health, float(msg.stamp))
        if msg.status:
            for daemon_id, st in msg.status.items():
                key = (msg.daemon_type, str(daemon_id))
                if self.daemon_status.get(key) != st:
                    self.daemon_status[key] = dict(st)
        if msg.pools:
            self.pg_objects[sender] = _pg_objects(msg.pg_objects)
            samples = self.pools.setdefault(sender, [])
            samples.append((float(msg.stamp), {int(k): list(v) for k, v in msg.pools.items()}))
            del samples[:-2]
        self.reports += 1
        self.last_report = time.time()

    # --- get() ---------------------------------------------------------------------------

    def get(self, name: str) -> tuple[bool, Any]:
        """(True, answer) for the names this state owns, else (False, None)."""
        m = self.osdmap
        if name == "osd_map":
            return True, osd_dumps.osd_dump(m)
        if name == "osd_map_tree":
            return True, osd_dumps.osd_tree(m)
        if name == "osd_map_crush":
            return True, osd_dumps.crush_dump(m)
        if name == "osd_metadata":
            return True, self._metadata_of("osd")
        if name == "mds_metadata":
            return True, self._metadata_of("mds")
        if name == "fs_map":
            return True, fs_views.fs_map(self)
        if name == "service_map":
            return True, self.service_map()
        if name == "devices" or name.startswith("device "):
            return device_views.get(self, name)
        answer = self.pg.get(name)
        return (answer is not None), answer

    def mds_perf_counters(self, query_id: int) -> dict[str, Any] | None:
        """``get_mds_perf_counters``: `mgr.perf_queries` over the FSMap and MDS reports."""
        return self.mds_queries.counters(query_id, fs_views.fs_map(self), self.mds_metrics)

    def _metadata_of(self, dtype: str) -> dict[str, dict[str, str]]:
        with osd_dumps.no_gc():
            return {i: dict(md) for (t, i), md in list(self.metadata.items()) if t == dtype}

    def service_map(self) -> dict[str, Any]:
        daemons: dict[str, Any] = {"summary": ""}
        for name, reg in sorted(self.services.items()):
            gid = int(reg.get("gid", 0))
            daemons[str(gid)] = {
                "start_epoch": 1,
                "start_stamp": osd_dumps.stamp(float(reg.get("start_stamp", 0))),
                "gid": gid,
                "addr": str(reg.get("addr", "")),
                "metadata": dict(self.metadata.get(("rgw", name), {})),
                "task_status": dict(
                    self.daemon_status.get(("rgw", name), {}).get("task_status", {})
                ),
            }
        services = {"rgw": {"daemons": daemons}} if self.services else {}
        return {"epoch": self.service_epoch,
                "modified": osd_dumps.stamp(self.service_modified), "services": services}  # fmt: skip

    # --- daemons ---------------------------------------------------------------------------

    def daemons(self) -> list[tuple[str, str]]:
        return list(self.metadata)

    def get_metadata(self, svc_type: str, svc_id: str) -> dict[str, str] | None:
        md = self.metadata.get((svc_type, str(svc_id)))
        return dict(md) if md else None

    def get_daemon_status(self, svc_type: str, svc_id: str) -> dict[str, Any] | None:
        key = (svc_type, str(svc_id))
        if key not in self.metadata:
            return None
        return {str(k): str(v) for k, v in self.daemon_status.get(key, {}).items()}

    def servers(self) -> dict[str, list[dict[str, str]]]:
        """hostname -> services (``list_servers``)."""
        out: dict[str, list[dict[str, str]]] = {}
        for (t, i), md in list(self.metadata.items()):
            out.setdefault(md.get("hostname", ""), []).append(
                {"type": t, "id": i, "ceph_version": md.get("ceph_version", "")}
            )
        return out

    def perf_schema(self, svc_type: str, svc_name: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for dtype, table in list(self.tables.items()):
            if svc_type and dtype != svc_type:
                continue
            dump = table.schema_dump()
            ids = [svc_name] if svc_name else list(table.rows)
            for i in ids:
                if table.has(i):
                    out[f"{dtype}.{i}"] = {k: dict(v) for k, v in dump.items()}
        return out

    def counter(self, svc_type: str, svc_name: str, path: str) -> dict[str, Any] | None:
        table = self.tables.get(svc_type)
        return {path: table.series(str(svc_name), path)} if table is not None else None

    def latest_counter(self, svc_type: str, svc_name: str, path: str) -> dict[str, Any] | None:
        table = self.tables.get(svc_type)
        return {path: table.latest(str(svc_name), path)} if table is not None else None

    # --- the digest to the mon (active only) -------------------------------------------------

    async def run_digest(self, monc: Any, is_active: Callable[[], bool]) -> None:
        while True:
            await asyncio.sleep(self.stats_period)
            if not is_active() or not self.osdmap.epoch:
                continue
            try:
                digest = self.pg.digest()
                digest["checks"].update(self.health_checks())
            except Exception:
                log.exception("cannot build the pg digest")
                continue
            if monc.have_session:
                with contextlib.suppress(NotConnected):
                    monc.send(Command(cmd={"prefix": "pg digest", "digest": digest}))
                    self.digests_sent += 1
            self.listener("pg_summary", "")

    def health_checks(self, now: float | None = None) -> dict[str, Any]:
        """The checks from the daemons' health metrics (``SLOW_OPS``), of the daemons
        that reported within two ``mgr_stats_period``."""
        return daemon_health.checks(self.health.current(self._fresh_since(now)))

    def health_metrics(self, now: float | None = None) -> dict[str, Any]:
        """``get_daemon_health_metrics()`` (every OSD that reports has its SLOW_OPS)."""
        since = self._fresh_since(now)
        table = self.tables.get("osd")
        rows = list(table.rows) if table is not None else []
        osds = [i for i in rows if table and table.has(i) and table.last_stamp(i) >= since]
        return self.health.as_module_dict(since, osds)

    def _fresh_since(self, now: float | None) -> float:
        return (time.time() if now is None else now) - 2 * self.stats_period

    def status(self, now: float | None = None) -> dict[str, Any]:
        """Admin status. Besides counts: what a module would see of freshness —
        ``osds_up`` as the mgr's OSDMap (from the mon) says, ``fresh`` daemons
        per type whose last report (stamped by the daemon) is at most two
        ``mgr_stats_period`` old, and ``last_report_age`` (seconds since any
        report arrived here; None before the first)."""
        now = time.time() if now is None else now
        by_type: dict[str, int] = {}
        for t, _ in list(self.metadata):
            by_type[t] = by_type.get(t, 0) + 1
        reported = {t: sum(1 for i in tab.rows if tab.has(i)) for t, tab in self.tables.items()}
        horizon = now - 2 * self.stats_period
        fresh = {
            t: sum(1 for i in list(tab.rows) if tab.has(i) and tab.last_stamp(i) >= horizon)
            for t, tab in list(self.tables.items())
        }
        age = round(now - self.last_report, 3) if self.last_report else None
        return {
            "osdmap_epoch": self.osdmap.epoch,
            "osds_up": self.osdmap.counts()[1],
            "fresh": fresh,
            "last_report_age": age,
            "metadata": by_type,
            "reported": reported,
            "opens": self.opens,
            "reports": self.reports,
            "metadata_since": self.metadata_since,
            "digests_sent": self.digests_sent,
        }


def _pg_objects(raw: dict[Any, Any]) -> dict[tuple[int, int], tuple[int, int]]:
    """``{pool: [[ps, objects, bytes], …]}`` from a report; malformed rows are skipped."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for pool, rows in raw.items():
        if not isinstance(pool, int) or not isinstance(rows, list):
            continue
        for row in rows:
            if isinstance(row, list) and len(row) == 3 and all(isinstance(x, int) for x in row):
                out[(pool, row[0])] = (row[1], row[2])
    return out
