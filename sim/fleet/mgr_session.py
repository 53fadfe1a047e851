"""The fleet's session with the active mgr: open, then report every period.

It follows the MgrMap: whenever the active mgr changes (a new gid, or the
same mgr at a new address after a respawn) it drops the old connection,
connects to the new active and *opens* every local daemon again
(`MgrOpen`: metadata and perf schema), in batches spread over a short
while, as many real daemons reconnecting would be. Until a daemon's open
has arrived the new active knows it from the OSDMap only: in the map, no
metadata. Reports (`MgrReport`) follow every ``mgr_stats_period`` with the
counters of the running daemons; stopped and paused ones send nothing, so
their counters on the mgr go stale. The active answers an open with its OSD
perf queries (`MgrConfigure`, again whenever they change), which the session
hands to ``configure`` (`sim.fleet.osd_perf_stats`); a new active's queries
replace the old one's (none until its configure arrives).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import zmq.asyncio

from sim.fleet.workload import Population
from sim.messages import Envelope, MgrConfigure, MgrOpen, MgrReport
from sim.transport import Connection, Identity, LinkFilter, NotConnected

log = logging.getLogger(__name__)

OPEN_BATCH = 1000  # daemons per MgrOpen
REPORT_BATCH = 2000  # daemons per MgrReport
OPEN_SPREAD = 0.25  # of a stats period: the opens of all batches are spread over it


class MgrSession:
    def __init__(
        self,
        ctx: zmq.asyncio.Context,
        me: Identity,
        link_filter: LinkFilter,
        period: float,
        metadata: Callable[[str, str | int], dict[str, str]],
        service: Callable[[], dict[str, Any]],
        emit: Callable[..., None],
        configure: Callable[[list[Any]], None] = lambda _queries: None,
    ) -> None:
        self.ctx = ctx
        self.me = me
        self.link_filter = link_filter
        self.period = period
        self.metadata = metadata
        self.service = service
        self.emit = emit
        self.configure = configure
        self.configures = 0
        self.osd_perf_queries = 0  # distinct queries of the last MgrConfigure
        self.target: tuple[int, str] | None = None  # (gid, endpoint)
        self.active_name = ""
        self.conn: Connection | None = None
        self.opened = False
        self.opens_sent = 0
        self.reports_sent = 0
        self._open_task: asyncio.Task[None] | None = None

    # --- following the MgrMap ---------------------------------------------------------

    def on_mgrmap(self, body: dict[str, Any], populations: dict[str, Population]) -> None:
        addrs = body.get("active_addrs", {}).get("addrvec", []) if body.get("available") else []
        target = (int(body.get("active_gid", 0)), f"tcp://{addrs[0]['addr']}") if addrs else None
        if target == self.target:
            return
        self.close()
        self.active_name = str(body.get("active_name", ""))
        self.target = target
        if target is None:
            return
        log.info("active mgr is gid %d at %s: opening sessions", *target)
        self.emit("mgr_target", gid=target[0], addr=target[1])
        self.conn = Connection(
            self.ctx, self.me, target[1], f"mgr.{body.get('active_name', '')}",
            link_filter=self.link_filter, on_message=self._on_message,
        )  # fmt: skip
        self._open_task = asyncio.get_running_loop().create_task(self._open(populations))

    def _on_message(self, env: Envelope) -> None:
        if isinstance(env.msg, MgrConfigure) and env.sender == f"mgr.{self.active_name}":
            self.configures += 1
            self.osd_perf_queries = len(env.msg.osd_perf_metric_queries)
            self.configure(list(env.msg.osd_perf_metric_queries))

    def close(self) -> None:
        self.configure([])  # the old active's queries end with its session
        self.osd_perf_queries = 0
        if self._open_task is not None:
            self._open_task.cancel()
            self._open_task = None
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        self.opened = False

    # --- open ------------------------------------------------------------------------

    async def _open(self, populations: dict[str, Population]) -> None:
        conn = self.conn
        while conn is not None and not await conn.wait_connected(self.period):
            if conn is not self.conn:
                return
        batches = list(self._open_batches(populations))
        pause = self.period * OPEN_SPREAD / max(1, len(batches))
        t0 = time.monotonic()
        for msg in batches:
            if not self._send(msg):
                return  # lost the mgr: the next map or reconnect opens again
            self.opens_sent += 1
            await asyncio.sleep(pause)
        self.opened = True
        log.info("opened %d daemons with the mgr in %.3fs",
                 sum(len(p.ids) for p in populations.values()), time.monotonic() - t0)  # fmt: skip

    def _open_batches(self, populations: dict[str, Population]) -> Iterator[MgrOpen]:
        service = self.service()
        for dtype, pop in populations.items():
            schema = {dtype: pop.schema.to_wire()}
            for start in range(0, len(pop.ids), OPEN_BATCH):
                ids = pop.ids[start : start + OPEN_BATCH]
                daemons = [[dtype, str(i), self.metadata(dtype, i)] for i in ids]
                svc = {str(i): service[str(i)] for i in ids if dtype == "rgw" and str(i) in service}
                yield MgrOpen(daemons=daemons, schema=schema, service=svc)
                schema = {}

    # --- reports ---------------------------------------------------------------------

    def report(
        self,
        populations: dict[str, Population],
        running: dict[str, Callable[[int], bool]],
        status: dict[str, dict[str, Any]],
        pools: dict[int, list[int]],
        pg_objects: dict[int, list[list[int]]] | None = None,
        health: dict[str, dict[str, list[list[Any]]]] | None = None,
        mds_metrics: dict[str, dict[str, Any]] | None = None,
        osd_perf: dict[str, list[Any]] | None = None,
    ) -> None:
        """Send this period's reports (only once the open is done). ``health``:
        per daemon type, each daemon's health metrics (`MgrReport.health`);
        ``mds_metrics``: the rank-0 MDSs' client metrics (`MgrReport.mds_metrics`);
        ``osd_perf``: the OSDs' perf query counts (`MgrReport.osd_perf_metrics`)."""
        if self.conn is None or not self.opened:
            return
        stamp = time.time()
        for dtype, pop in populations.items():
            alive = running[dtype]
            metrics = (health or {}).get(dtype, {})
            rows = [r for r in range(len(pop.ids)) if alive(r)]
            for start in range(0, len(rows), REPORT_BATCH):
                chunk = rows[start : start + REPORT_BATCH]
                msg = MgrReport(
                    stamp=stamp,
                    daemon_type=dtype,
                    ids=[pop.ids[r] for r in chunk],
                    values=_rows(pop, chunk),
                    status={str(pop.ids[r]): status[dtype][str(pop.ids[r])] for r in chunk
                            if str(pop.ids[r]) in status.get(dtype, {})},
                    pools=pools if dtype == "osd" and start == 0 else {},
                    pg_objects=(pg_objects or {}) if dtype == "osd" and start == 0 else {},
                    health={str(pop.ids[r]): metrics[str(pop.ids[r])] for r in chunk
                            if str(pop.ids[r]) in metrics},
                    mds_metrics=(mds_metrics or {}) if dtype == "mds" and start == 0 else {},
                    osd_perf_metrics=(osd_perf or {}) if dtype == "osd" and start == 0 else {},
                )  # fmt: skip
                if not self._send(msg):
                    return
                self.reports_sent += 1

    def _send(self, msg: MgrOpen | MgrReport) -> bool:
        if self.conn is None:
            return False
        try:
            self.conn.send(msg)
        except NotConnected:
            return False
        return True

    def status(self) -> dict[str, Any]:
        return {
            "target": list(self.target) if self.target else None,
            "connected": bool(self.conn and self.conn.connected),
            "opened": self.opened,
            "opens_sent": self.opens_sent,
            "reports_sent": self.reports_sent,
            "configures": self.configures,
            "osd_perf_queries": self.osd_perf_queries,
        }


def _rows(pop: Population, rows: list[int]) -> bytes:
    """The values of ``rows`` (contiguous runs are sliced at once)."""
    if not rows:
        return b""
    if rows[-1] - rows[0] == len(rows) - 1:
        return pop.row_bytes(rows[0], rows[-1] + 1)
    out = bytearray()
    for r in rows:
        out += pop.row_bytes(r, r + 1)
    return bytes(out)
