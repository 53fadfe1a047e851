"""The fleet process (`python -m sim.fleet --dir DIR --id 0`): many simulated daemons.

One asyncio loop runs every OSD, MDS and RGW of the fleet; what real daemons
do one by one, the fleet does in batches:

- **to the mon** (one `MonClient` session; maps ``osdmap`` and ``mgrmap``):
  ``osd boot`` for running OSDs the map does not show up (at start, after a
  restart, or when wrongly marked down), ``osd beacon`` every
  ``osd_beacon_report_interval``, and ``osd failure`` for OSDs that have been
  silent (killed, paused) for ``osd_heartbeat_grace`` — what their heartbeat
  peers would report. A clean stop marks the OSD down at once. For the MDS
  daemons, ``mds beacon`` every ``mds_beacon_interval`` (`sim.fleet.mds`);
  the ``fsmap`` subscription says which of them holds a rank.
- **to the active mgr** (`MgrSession`): metadata and perf schema on open,
  perf counters, status, pool I/O and OSD perf query counts every ``mgr_stats_period``.

RADOS: clients send `OsdOp` to this fleet's address (the run directory's
address book); `sim.fleet.pgs.OSDService` places, blocks, replicates and
recovers them on the OSDs' object stores (``osd.N/objects.db``), and the
pool statistics reported to the mgr count those objects.

Admin sockets: every OSD and MDS has ``$run_dir/ceph-osd.N.asok`` (a symlink
to the fleet's one socket, `sim.fleet.asok`). Admin commands: ``osd_fault`` ``{"osd": N, "action": kill|stop|start|pause|resume|restart}``,
``mds_fault`` ``{"mds": "mds.a", "action": …}`` (`sim.fleet.mds`) and ``fleet_status``. Pausing the whole process (SIGSTOP) silences everything:
the maps still say "up" until ``mon_osd_report_timeout`` while the counters
on the mgr go stale.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.asok import AdminSocket
from sim.auth.capspec import osd_allows
from sim.auth.view import AUTHDB
from sim.daemon import DaemonShell, main_entry
from sim.fleet.asok import MemberAsok
from sim.fleet.mds import MDSDaemons
from sim.fleet.mds_clients import CephFSClients, rank0_reports
from sim.fleet.members import FaultError, Members, RunState
from sim.fleet.metadata import mds_metadata, osd_metadata, rgw_metadata
from sim.fleet.mgr_session import MgrSession
from sim.fleet.objops import is_write
from sim.fleet.pgs import OSDService
from sim.fleet.workload import PoolIO, Population
from sim.maps import layout
from sim.maps.osdmap import OSDMap
from sim.messages import Command, Envelope, MsgType, OsdOp, OsdOpReply
from sim.monc import MonClient, MonUnavailable
from sim.perf import schema
from sim.transport import NotConnected, Server

log = logging.getLogger(__name__)

BOOT_BATCH = 2500  # OSDs per `osd boot`
BASE_USED = 1 << 30  # bytes an empty bluestore OSD uses
RGW_PORT = 8000


# options the OSDs read at run time from the mon's config database
FOLLOWED = ("osd_op_complaint_time",)


class FleetDaemon(DaemonShell):
    entity_type = "fleet"

    async def start(self) -> None:
        spec = self.spec
        self.members = Members(
            list(range(spec.osds)), spec.osds, layout.mds_names(spec.mds),
            layout.rgw_names(spec.rgws),
        )  # fmt: skip
        seed = int(spec.options.get("seed", 0) or 0)
        self.populations: dict[str, Population] = {}
        for dtype, ids in (("osd", self.members.osds), ("mds", self.members.mds),
                           ("rgw", self.members.rgw)):  # fmt: skip
            if ids:
                self.populations[dtype] = Population(dtype, ids, schema(dtype), seed + len(dtype))
        self.pool_io = PoolIO()
        self.osdmap = OSDMap()
        self.pg_objects: dict[tuple[int, int], tuple[int, int]] = {}
        self.objects = OSDService(self.run, self.members.osds, self._osd_running)
        self.started_stamp = time.time()
        self.pid = os.getpid()
        self.mds_daemons = MDSDaemons(self.members.mds, self.pid)
        self.mds_clients = CephFSClients(seed)  # the CephFS clients' sessions on rank 0
        self.last_step = time.monotonic()  # the workload advances from here
        self.booting = False
        self.boots_sent = self.failures_sent = 0
        # osd -> when its failure was last reported (re-sent while still up)
        self._reported_down: dict[int, float] = {}
        assert self.ctx is not None
        self.server = Server(
            self.ctx, self.me, "tcp://127.0.0.1:*", self.on_message, self.link_allowed
        )
        self.server.start()
        self._member_asoks: dict[str, MemberAsok] = {}
        self._asok_links = self._link_member_sockets()
        self.admin_handlers["osd_fault"] = self._admin_fault
        self.admin_handlers["fleet_status"] = lambda cmd: self.status()
        self.admin_handlers["mds_fault"] = self._admin_mds_fault
        self.monc = MonClient(
            self.ctx, self.me, spec.mon_addrs, "osd", self.options, on_map=self.on_map,
            link_filter=self.link_allowed,
        )  # fmt: skip
        self.mgr = MgrSession(
            self.ctx, self.me, self.link_allowed, float(self.options["mgr_stats_period"]),
            self.metadata, self.service_info, self.emit, self.objects.perf.set_queries,
        )  # fmt: skip
        for name in ("osdmap", "mgrmap", "fsmap", "config", AUTHDB):
            self.monc.subscribe(name, 0)
        self.monc.start()
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._every("osd_heartbeat_interval", self.heartbeat), name="hb"),
            loop.create_task(self._every("osd_beacon_report_interval", self.beacon), name="beacon"),
            loop.create_task(self._every("mgr_stats_period", self.report), name="report"),
        ]
        if self.members.mds:
            self._tasks.append(
                loop.create_task(self._every("mds_beacon_interval", self.mds_beacon), name="mds")
            )
        log.info("fleet.%s: %d osds, %d mds, %d rgw", self.id, spec.osds, spec.mds, spec.rgws)
        self.emit("daemon_started", addr=self.server.address)

    # --- admin sockets of the members -------------------------------------------------------

    @property
    def fsid(self) -> str:
        return self.spec.fsid

    def _member_names(self) -> list[str]:
        m = self.members
        return [f"osd.{o}" for o in m.osds] + [f"mds.{n}" for n in m.mds]

    def _link_member_sockets(self) -> list[Path]:
        """Bind ``ceph-fleet.ID.asok``; each member's asok is a symlink to it."""
        own = self.run.asok_path(self.name)
        if not self.bind_asok(self.server, own):
            return []
        links = []
        for name in self._member_names():
            link = self.run.asok_path(name)
            with contextlib.suppress(FileNotFoundError):
                link.unlink()
            try:
                link.symlink_to(own.name)
            except OSError as exc:
                log.warning("no admin socket for %s: %s", name, exc)
                continue
            links.append(link)
        return links

    def admin_socket(self, target: str | None) -> AdminSocket | None:
        if target in (None, self.name):
            return self.asok
        dtype, _, did = target.partition(".")
        if dtype == "mds" and did.isdigit():  # an MDS named by gid (Client::mds_command)
            by_gid = {g: n for n, g in self.mds_daemons.gid.items()}
            target = f"mds.{by_gid.get(int(did), did)}"
        member = self._member_asoks.get(target)
        if member is None:
            dtype, _, did = target.partition(".")
            if target not in self._member_names():
                return None
            member = self._member_asoks[target] = MemberAsok(self, dtype, did)
        if member.dtype == "osd" and self.members.state[self.members.row[int(member.daemon_id)]]:
            raise ConnectionRefusedError(target)  # a killed, stopped or paused OSD
        if member.dtype == "mds" and self.mds_daemons.run_state(member.daemon_id) != "running":
            raise ConnectionRefusedError(target)
        return member.asok

    async def shutdown(self) -> None:
        for link in getattr(self, "_asok_links", []):
            with contextlib.suppress(OSError):
                link.unlink()
        for t in getattr(self, "_tasks", []):
            t.cancel()
        if hasattr(self, "mgr"):
            self.mgr.close()
        if hasattr(self, "monc"):
            self.monc.close()
        if hasattr(self, "server"):
            self.server.close()
        if hasattr(self, "objects"):
            self.objects.close()

    def on_message(self, ident: bytes, env: Envelope) -> None:
        if env.type is MsgType.ADMIN:
            self.server.reply(ident, env, self.handle_admin(env))
        elif env.type is MsgType.OSD_OP:
            assert isinstance(env.msg, OsdOp)

            def reply(rep: OsdOpReply) -> None:
                self.server.reply(ident, env, rep, epoch=rep.epoch)

            if not self._op_allowed(env.sender, env.msg):  # the OSD's cap check: EPERM
                reply(OsdOpReply(-errno.EPERM, epoch=self.osdmap.epoch))
                return
            self.objects.submit(env.msg, reply, time.monotonic())
        else:
            self.me.drops.count("unexpected_type")

    def _op_allowed(self, sender: str, op: OsdOp) -> bool:
        """The sender's ``osd`` cap (auth database) allows the op on its pool."""
        caps = self.auth_view.caps(sender)
        if caps is None:  # a daemon, or the harness's service secret
            return True
        pool = self.osdmap.pools.get(op.pool)
        perm = "w" if is_write(op.ops) else "r"
        return osd_allows(caps.get("osd", ""), pool.name if pool else "", op.nspace, perm)

    # --- maps ----------------------------------------------------------------------------

    def on_map(self, name: str, epoch: int, body: dict[str, Any]) -> None:
        if name == AUTHDB:
            self.auth_view.update(epoch, body)
            return
        if name == "osdmap":
            try:
                self.osdmap = OSDMap.from_wire(body)
            except (KeyError, ValueError, TypeError):
                self.me.drops.count("malformed")
                return
            self._reported_down = {
                o: t for o, t in self._reported_down.items() if self.osdmap.is_up(o)
            }
            self._kick_boot()
            self.objects.on_map(self.osdmap)
            self.objects.recover_all()
        elif name == "mgrmap":
            self.mgr.on_mgrmap(body, self.populations)
        elif name == "fsmap" and not self.mds_daemons.on_fsmap(body):
            self.me.drops.count("malformed")
        elif name == "config":
            self._follow_config(body)

    def _follow_config(self, body: dict[str, Any]) -> None:
        """The options the OSDs read at run time follow the mon's config database
        (``ceph config set osd …``; ``osd.N`` sections are not told apart: one fleet
        runs every OSD); an option set nowhere there has its start-up value."""
        raw = body.get("sections", {})
        sections = raw if isinstance(raw, dict) else {}
        for name in FOLLOWED:
            value: Any = self.spec.options.get(name)
            for sec in ("global", "osd"):
                got = (
                    sections.get(sec, {}).get(name) if isinstance(sections.get(sec), dict) else None
                )
                if got is not None:
                    try:
                        value = float(got)
                    except (TypeError, ValueError):
                        log.warning("config %s/%s: not a number: %r", sec, name, got)
            if value is not None and self.options.get(name) != value:
                log.info("config: %s = %s", name, value)
                self.options.update({name: value})

    def _osd_running(self, osd: int) -> bool:
        row = self.members.row.get(osd)
        return row is not None and self.members.running(row)

    # --- to the mon --------------------------------------------------------------------------

    async def _every(self, option: str, fn: Callable[[], Any]) -> None:
        while True:
            try:
                result = fn()
                if asyncio.iscoroutine(result):
                    await result
            except Exception:
                log.exception("%s failed", getattr(fn, "__name__", option))
            await asyncio.sleep(float(self.options[option]))

    def _to_boot(self) -> list[int]:
        m, nonce = self.osdmap, self.members.nonce
        return [
            osd for i, osd in enumerate(self.members.osds)
            if self.members.state[i] == RunState.RUNNING
            and not (m.is_up(osd) and m.nonce[osd] == nonce[i])
        ]  # fmt: skip

    def _kick_boot(self) -> None:
        if not self.booting and self.monc.have_session and self._to_boot():
            self.booting = True
            task = asyncio.get_running_loop().create_task(self._boot())
            self._tasks.append(task)

    async def _boot(self) -> None:
        try:
            osds = self._to_boot()
            for start in range(0, len(osds), BOOT_BATCH):
                batch = [self._boot_entry(o) for o in osds[start : start + BOOT_BATCH]]
                reply = await self.monc.command({"prefix": "osd boot", "osds": batch}, timeout=10.0)
                if reply.retval:
                    log.warning("osd boot refused: %s", reply.outs)
                    return
                self.boots_sent += len(batch)
        except (MonUnavailable, NotConnected, TimeoutError) as exc:
            log.info("osd boot not sent: %s", exc)
        finally:
            self.booting = False
            self._tasks = [t for t in self._tasks if not t.done()]

    def _boot_entry(self, osd: int) -> dict[str, Any]:
        i = self.members.row[osd]
        return {
            "osd": osd,
            "uuid": str(uuid.uuid5(uuid.NAMESPACE_OID, f"{self.spec.fsid}/osd.{osd}")),
            "host": self.members.host(osd),
            "nonce": self.members.nonce[i],
            "weight": layout.OSD_BYTES / (1 << 40),
        }

    def heartbeat(self) -> None:
        """Peers' view: report OSDs silent past the grace; boot what should be up."""
        self._kick_boot()
        grace = float(self.options["osd_heartbeat_grace"])
        if not self.members.running_osds():
            return  # no peer is left to notice
        # Like Ceph's OSDs, peers report again (once per grace) for as long as
        # the map still says up: a report lost with a dead mon is re-sent to
        # the next one.
        now = time.monotonic()
        failed = [
            o for o in self.members.silent_since(now, grace)
            if self.osdmap.is_up(o) and now - self._reported_down.get(o, -grace) > grace
        ]  # fmt: skip
        if failed and self._send_mon(
            {"prefix": "osd failure", "osds": failed, "grace": grace, "reporters": 2}
        ):
            self._reported_down.update(dict.fromkeys(failed, now))
            self.failures_sent += len(failed)

    def mds_beacon(self) -> None:
        entries = self.mds_daemons.beacon_entries(lambda n: self.metadata("mds", n))
        if entries:
            self._send_mon({"prefix": "mds beacon", "mds": entries})

    def beacon(self) -> None:
        up = [o for o in self.members.running_osds() if self.osdmap.is_up(o)]
        if up:
            self._send_mon({"prefix": "osd beacon", "osds": up})

    def _send_mon(self, cmd: dict[str, Any]) -> bool:
        """Fire and forget to the mon; False if there is no mon session."""
        try:
            self.monc.send(Command(cmd=cmd))
        except NotConnected:
            return False
        return True

    # --- to the mgr ----------------------------------------------------------------------------

    def metadata(self, dtype: str, daemon_id: str | int) -> dict[str, str]:
        m = self.members
        if dtype == "osd":
            osd = int(daemon_id)
            return osd_metadata(osd, m.host(osd), m.nonce[m.row[osd]])
        if dtype == "mds":
            i = m.mds.index(str(daemon_id))
            mds = self.mds_daemons
            name = str(daemon_id)
            return mds_metadata(name, m.service_host(i), mds.nonce[name], mds.port[name])
        i = m.rgw.index(str(daemon_id))
        return rgw_metadata(str(daemon_id), m.service_host(i), self.pid, RGW_PORT + i)

    def service_info(self) -> dict[str, Any]:
        return {
            name: {"start_stamp": self.started_stamp, "gid": 5000 + i,
                   "addr": f"127.0.0.1:{RGW_PORT + i}/{self.pid}"}
            for i, name in enumerate(self.members.rgw)
        }  # fmt: skip

    def report(self) -> None:
        now = time.monotonic()
        dt, self.last_step = now - self.last_step, now
        m = self.members
        running: dict[str, Callable[[int], bool]] = {
            "osd": m.running, "mds": self.mds_daemons.is_running, "rgw": lambda _r: True,
        }  # fmt: skip
        if dt > 0:
            for dtype, pop in self.populations.items():
                pop.step(dt, running[dtype])
        osd = self.populations.get("osd")
        if osd is not None:
            self._osd_gauges(osd)
        mds_metrics = rank0_reports(self.mds_daemons, self.mds_clients,
                                    self.populations.get("mds"), dt)  # fmt: skip
        status: dict[str, dict[str, Any]] = {
            "mds": self.mds_daemons.status(),
            "rgw": {name: {"task_status": {}} for name in m.rgw},
        }  # fmt: skip
        pg_objects: dict[int, list[list[int]]] = {}
        for (pool, ps), (n, b) in sorted(self.pg_objects.items()):
            pg_objects.setdefault(pool, []).append([ps, n, b])
        slow = self.objects.slow_ops(now, float(self.options["osd_op_complaint_time"]))
        health = {"osd": {str(o): [["SLOW_OPS", n, age]] for o, (n, age) in slow.items()}}
        self.mgr.report(
            self.populations, running, status, self.pool_io.to_wire(), pg_objects, health,
            mds_metrics, self.objects.perf.take_reports(),
        )  # fmt: skip

    def _osd_gauges(self, osd: Population) -> None:
        om = self.osdmap
        pools = {p.pool: (p.pg_num, p.size) for p in om.pools.values()}
        self.objects.recover_all()
        per_pool, per_osd, self.pg_objects = self.objects.usage()
        self.pool_io.update(pools, osd, per_pool)
        _n, _up, n_in = om.counts() if om.max_osd else (0, 0, 0)
        n_in = max(1, n_in)
        copies = sum(pg * size for pg, size in pools.values())
        per_osd_pgs = copies // n_in
        for row, o in enumerate(self.members.osds):
            in_ = om.is_in(o)
            osd.set_gauge(row, "osd.numpg", per_osd_pgs if in_ else 0)
            osd.set_gauge(row, "osd.numpg_primary", per_osd_pgs // 3 if in_ else 0)
            osd.set_gauge(row, "osd.numpg_replica", per_osd_pgs - per_osd_pgs // 3 if in_ else 0)
            osd.set_gauge(row, "osd.stat_bytes", layout.OSD_BYTES)
            used = BASE_USED + per_osd.get(o, 0)
            osd.set_gauge(row, "osd.stat_bytes_used", used)
            osd.set_gauge(row, "osd.stat_bytes_avail", layout.OSD_BYTES - used)

    # --- admin -------------------------------------------------------------------------------

    def _admin_fault(self, cmd: dict[str, Any]) -> dict[str, Any]:
        osd, action = cmd.get("osd"), cmd.get("action")
        if isinstance(osd, str) and osd.startswith("osd."):
            osd = osd[4:]
        if not (isinstance(osd, int) or (isinstance(osd, str) and osd.isdigit())):
            raise FaultError("osd_fault needs osd: <id>")
        if not isinstance(action, str):
            raise FaultError("osd_fault needs action")
        osd = int(osd)
        state = self.members.fault(osd, action, time.monotonic())
        log.info("osd.%d: %s -> %s", osd, action, state.name.lower())
        self.emit("osd_fault", osd=osd, action=action, state=state.name.lower())
        # a clean shutdown tells the mon (MOSDMarkMeDown)
        if (
            action == "stop"
            and self.osdmap.is_up(osd)
            and self._send_mon({"prefix": "osd failure", "osds": [osd], "mark_me_down": True})
        ):
            self._reported_down[osd] = time.monotonic()
        if state is RunState.RUNNING:
            self._reported_down.pop(osd, None)
            self._kick_boot()
        self.objects.retry()
        return {"osd": osd, "state": state.name.lower()}

    def _admin_mds_fault(self, cmd: dict[str, Any]) -> dict[str, Any]:
        who, action = cmd.get("mds"), cmd.get("action")
        if not isinstance(who, str) or not isinstance(action, str):
            raise FaultError("mds_fault needs mds: <name> and action")
        name = who.removeprefix("mds.")
        state, last = self.mds_daemons.fault(name, action)
        log.info("mds.%s: %s -> %s", name, action, state)
        self.emit("mds_fault", mds=name, action=action, state=state)
        if last is not None:  # a clean shutdown tells the mon (a down:dne beacon)
            self._send_mon({"prefix": "mds beacon", "mds": [last]})
        elif state == "running":
            self.mds_beacon()  # a new incarnation boots at once
        return {"mds": name, "state": state}

    def status(self) -> dict[str, Any]:
        m = self.osdmap
        return super().status() | {
            "osds": len(self.members.osds),
            "mds": list(self.members.mds),
            "rgw": list(self.members.rgw),
            "states": self.members.counts(),
            "osdmap_epoch": m.epoch,
            "have_mon_connection": self.monc.have_session,
            "boots_sent": self.boots_sent,
            "failures_sent": self.failures_sent,
            "mgr": self.mgr.status(),
            "rados": {"ops": self.objects.ops_done, "waiting": len(self.objects.waiting),
                      "recovered": self.objects.recovered, "failed": self.objects.failed,
                      "perf_counted": self.objects.perf.counted},
        }  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    main_entry(FleetDaemon, "python -m sim.fleet", argv)
