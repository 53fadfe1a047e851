"""The mon daemon shell (`python -m mon --dir DIR --id a`).

A thin I/O shell: it binds the mon's ROUTER at its fixed address (clients
and the other mons talk to it), runs the quorum (`mon.quorum`: elections and
Paxos with the other mons), serves clients through `mon.requests` (reads
under a lease, writes batched by the leader's pump, forwarded by peons), keeps
subscriptions and pushes maps, and runs the leader's tick.

`encode_pending` is the one commit path: every service encodes its pending
changes into one transaction, which the leader proposes; when it commits,
`on_committed` makes it current on the leader (services' own
``on_committed``) and on peons (services refresh from the store), and maps
are published to subscribers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from typing import Any

from mon import commands
from mon.cluster_log import ClusterLog, LogPriority
from mon.config_key import ConfigKeyService
from mon.config_monitor import ConfigMonitor
from mon.health import HealthCheck, HealthMap, HealthStatus, diff_messages
from mon.health_service import FIRST_GLOBAL_ID, AuthService, HealthService
from mon.log_service import LogService
from mon.mgr_monitor import Clog, MgrMonitor
from mon.mgr_service import MgrMapService
from mon.osd_monitor import OSDMonitor, initial_map
from mon.paxos_store import PaxosStore
from mon.quorum import QuorumShell
from mon.requests import Finish, Op, Router
from mon.service import PaxosService
from mon.status import mgrmap_summary
from mon.store import MonStore, Transaction
from mon.subscriptions import Subscriptions
from sim.daemon import DaemonShell, main_entry
from sim.fleet.osdmap import OSDMap
from sim.messages import (
    BeaconAck,
    Command,
    CommandReply,
    Envelope,
    Hello,
    HelloReply,
    Log,
    Message,
    MgrBeacon,
    MsgType,
    Pong,
    Subscribe,
)
from sim.transport import Server

log = logging.getLogger(__name__)

GLOBAL_ID_BLOCK = 100
LOG_PRIORITIES = {p.value for p in LogPriority}
OUTGOING_LOG_MAX = 200  # own cluster-log lines kept while there is no leader to take them
CLIENT_TYPES = (MsgType.COMMAND, MsgType.MGR_BEACON, MsgType.HELLO)
PEER_TYPES = (MsgType.MON_ELECTION, MsgType.MON_PAXOS)


class MonDaemon(DaemonShell):
    entity_type = "mon"

    async def start(self) -> None:
        self.rank = self.spec.mon_rank(self.id)
        self.addr = self.spec.mon_addrs[self.id]
        self.store = MonStore(self.run.mon_data(self.id) / "store.db")
        self._mkfs_or_load()
        self.outgoing_log: deque[dict[str, Any]] = deque(maxlen=OUTGOING_LOG_MAX)
        self.next_global_id = 0
        self.inbuf = b""
        assert self.ctx is not None
        self.router = Router(self)
        self.quorum = QuorumShell(
            self.ctx,
            self.me,
            self.id,
            self.spec.mons,
            self.spec.mon_addrs,
            self.options,
            PaxosStore(self.store),
            self,
            self.link_allowed,
        )
        self.server = Server(self.ctx, self.me, self.addr, self.on_message, self.link_allowed)
        self.subs = Subscriptions(self.server, self.current_map)
        self.server.start()
        self.admin_handlers["mon_status"] = lambda cmd: self.mon_status()
        self._tick_task = asyncio.get_running_loop().create_task(self._tick_loop())
        self._tick_pending = False
        log.info("mon.%s rank %d listening on %s", self.id, self.rank, self.addr)
        self.emit("daemon_started", addr=self.addr, rank=self.rank)
        self.quorum.start()

    async def shutdown(self) -> None:
        if hasattr(self, "quorum"):
            self.quorum.close()
        if hasattr(self, "server"):
            self.server.close()
        if hasattr(self, "store"):
            self.store.close()

    # --- store and services ---------------------------------------------------

    def _mkfs_or_load(self) -> None:
        created = self.store.get("monmap", "created")
        if created is None:
            # Every mon makes the same initial store (version 0): same stamp, same ids.
            created = self.spec.created or time.time()
            txn = Transaction().put("monmap", "created", created)
            txn.put("auth", "max_global_id", FIRST_GLOBAL_ID)
            self.store.apply(txn)
            log.info("mkfs: new store for fsid %s", self.spec.fsid)
        self.created = float(created)
        self.mgr_service = MgrMapService(
            self.options, self.created, self.publish, self.cluster_log, self.emit
        )
        self.log_service = LogService(
            int(self.options["mon_cluster_log_keep"]), self.emit, self.publish
        )
        self.health_service = HealthService()
        self.auth_service = AuthService()
        # Commit order matters: services that log come before the log itself.
        self.services: list[PaxosService] = [
            self.mgr_service,
            self.health_service,
            self.auth_service,
            self.log_service,
        ]
        for service in self.services:
            service.load(self.store)
        self.config_service = ConfigMonitor(
            self.spec.fsid, self.id, self.options, lambda: self.mgrmon.map, self.publish, self.emit
        )
        self.add_service(self.config_service)
        self.kv_service = ConfigKeyService(
            self.publish,
            self.emit,
            lambda: int(self.config_service.mon_value("mon_config_key_max_entry_size")),
        )
        self.add_service(self.kv_service)
        self.osd_service = OSDMonitor(self.options, self._initial_osdmap, self.publish, self.emit)
        self.add_service(self.osd_service)
        log.info("loaded mgrmap e%d, log seq %d", self.mgrmon.map.epoch, self.log_service.last_seq)

    def _initial_osdmap(self) -> OSDMap:
        s = self.spec
        return initial_map(s.fsid, self.created, s.osds, s.mds, s.rgws)

    def add_service(self, service: PaxosService) -> None:
        """Register another service (before the log, which must commit last)."""
        service.load(self.store)
        self.services.insert(len(self.services) - 1, service)

    @property
    def mgrmon(self) -> MgrMonitor:
        return self.mgr_service.mgrmon

    @property
    def clog(self) -> ClusterLog:
        return self.log_service.clog

    @property
    def health(self) -> HealthMap:
        return self.health_service.health

    def encode_pending(self) -> Transaction | None:
        """Every service's pending changes as one transaction (None: nothing to do)."""
        txn = Transaction()
        try:
            for service in self.services:
                service.encode_pending(txn)
        except Exception:
            # One poisonous change must not wedge every later commit.
            log.exception("cannot encode pending changes; discarding them")
            for service in self.services:
                service.discard_pending()
            return None
        return txn if txn else None

    def refresh_services(self, prefixes: set[str] | None) -> None:
        """Services read what is committed again (all, or those owning ``prefixes``),
        and subscribers get the maps that changed."""
        for service in self.services:
            if prefixes is not None and not prefixes & set(service.prefixes):
                continue
            before = service.current_map()
            service.refresh(self.store)
            after = service.current_map()
            if after is not None and (before is None or after[0] != before[0]):
                self.publish(service.name, after[0], after[1])

    # --- quorum events (QuorumListener) -------------------------------------------

    def on_election_started(self, epoch: int, reason: str, first: bool) -> None:
        log.info("calling monitor election (epoch %d): %s", epoch, reason)
        self.emit("election", epoch=epoch, rank=self.rank, reason=reason)
        if first:
            self.cluster_log("[INF]", f"mon.{self.id} calling monitor election")

    def on_left_quorum(self) -> None:
        log.info("left the quorum")
        self.router.term_ended(f"mon.{self.id} left the quorum")
        self.refresh_services(None)  # drop whatever was staged and not committed

    def on_quorum(self, leader: int, quorum: tuple[int, ...], epoch: int, previous: Any) -> None:
        names = [self.spec.mons[r] for r in quorum]
        if leader != self.rank:
            log.info("peon of mon.%s, quorum %s, epoch %d", self.spec.mons[leader], names, epoch)
            return
        log.info("leader, quorum %s, epoch %d (previous quorum %s)", names, epoch, previous)
        self.cluster_log(
            "[INF]",
            f"mon.{self.id} is new leader, mons {','.join(names)} in quorum "
            f"(ranks {','.join(str(r) for r in quorum)})",
        )
        self.emit("quorum", leader=self.id, quorum=names, election_epoch=epoch)

    def on_committed(self, version: int, value: list[Any], token: object | None) -> None:
        if token is not None and self.router.pump.owns(token):
            for service in self.services:
                service.on_committed()
            self.router.pump.committed(token)
            return
        txn = Transaction.from_wire(value)
        self.refresh_services({p for p, _, _ in txn.ops})

    def on_installed(self) -> None:
        log.info("installed a store snapshot")
        self.refresh_services(None)

    def on_readable(self) -> None:
        self.subs.send_current_to_all()
        if not self.quorum.is_leader():
            self._flush_log()

    def on_writeable(self) -> None:
        mm = self.mgrmon
        mm.on_restart()  # beacon clocks start now: an election never fails a mgr
        self.osd_service.on_leader()  # so do the OSDs' report clocks
        mm.module_health = dict(self.health_service.module_health)
        self.next_global_id = self.auth_service.max_global_id + 1
        m = self.monmap()
        addrs = ",".join(f"{x['name']}=[v2:{x['addr']}]" for x in m["mons"])
        self.cluster_log(
            "[DBG]",
            f"monmap e{m['epoch']}: {len(m['mons'])} mons at {{{addrs}}} removed_ranks: {{}}",
        )
        pm = mm.map
        standbys = [pm.standbys[g].name for g in sorted(pm.standbys)]
        if pm.epoch:
            self.cluster_log(
                "[DBG]",
                mgrmap_summary(
                    pm.active_name,
                    pm.available,
                    pm.active_change,
                    standbys,
                    time.time(),
                    epoch=pm.epoch,
                ),
            )
        self._flush_log()
        self.router.pump.kick()

    # --- cluster log and health -----------------------------------------------

    def cluster_log(self, priority: str, message: str, channel: str = "cluster") -> None:
        entry = {
            "name": self.name,
            "rank": f"mon.{self.rank}",
            "stamp": time.time(),
            "priority": priority,
            "message": message,
            "channel": channel,
        }
        log.info("clog %s %s", priority, message)
        if self.quorum.writeable():
            self._add_log(entry)
            self.router.pump.kick()
        else:
            self.outgoing_log.append(entry)
            if self.quorum.readable():
                self._flush_log()

    def queue_log(self, entries: list[dict[str, Any]]) -> None:
        """Clients' entries kept (as this mon's) until a leader can take them."""
        stamp = time.time()
        me = {"name": self.name, "rank": f"mon.{self.rank}", "stamp": stamp}
        self.outgoing_log.extend({**me, **e} for e in entries)  # a mon's own keep theirs

    def _flush_log(self) -> None:
        q = self.quorum
        if q.is_leader():
            if q.writeable():
                while self.outgoing_log:
                    self._add_log(self.outgoing_log.popleft())
                self.router.pump.kick()
            return
        if not q.in_quorum():
            return
        pending = list(self.outgoing_log)
        self.outgoing_log.clear()
        for i in range(0, len(pending), 100):
            self.router.submit_log(self.name, pending[i : i + 100])  # re-queued if unsent

    def _add_log(self, e: dict[str, Any]) -> None:
        """One mon's own entry (possibly another mon's, forwarded) into the log."""
        name = str(e.get("name", self.name))
        rank_of = self.quorum.rank_of(name)
        addrs = self.addrvec(self.spec.mons[rank_of] if rank_of is not None else self.id)
        stamp = e.get("stamp")
        self.log_service.add(
            name,
            str(e.get("rank", f"mon.{self.rank}")),
            addrs,
            str(e.get("priority", "[INF]")),
            str(e.get("message", "")),
            str(e.get("channel", "cluster")),
            stamp=float(stamp) if isinstance(stamp, (int, float)) else None,
        )

    def clog_all(self, lines: Clog) -> None:
        for prio, msg in lines:
            self.cluster_log(prio, msg)

    def addrvec(self, mon_id: str | None = None) -> dict[str, Any]:
        host_port = self.spec.mon_addrs[mon_id or self.id].split("://", 1)[1]
        return {"addrvec": [{"type": "v2", "addr": host_port, "nonce": 0}]}

    def mon_down_checks(self) -> list[HealthCheck]:
        if time.time() - self.created < float(self.options["mon_down_mkfs_grace"]):
            return []
        names = self.quorum.quorum_names()
        down = [m for m in self.spec.mons if m not in names]
        if not down:
            return []
        detail = tuple(
            f"mon.{m} (rank {self.spec.mon_rank(m)}) addr "
            f"[v2:{self.spec.mon_addrs[m].split('://', 1)[1]}/0] is down (out of quorum)"
            for m in down
        )
        summary = f"{len(down)}/{len(self.spec.mons)} mons down, quorum {','.join(names)}"
        return [HealthCheck("MON_DOWN", HealthStatus.HEALTH_WARN, summary, len(down), detail)]

    def update_health(self) -> None:
        """Leader only (inside the pump): stage the health the mon sees now."""
        mm = self.mgrmon
        new = HealthMap.merge(
            HealthMap(mm.health_checks()),
            HealthMap.from_module_checks(mm.module_health),
            HealthMap(self.mon_down_checks()),
            HealthMap(self.osd_service.health_checks()),
        )
        old = self.health
        if self.health_service.stage(new, mm.module_health):
            for prio, msg in diff_messages(old, new):
                self.cluster_log(prio, msg)
            if new.to_json(detail=True) != old.to_json(detail=True):
                self.emit("health", status=new.status.value, checks=sorted(new.checks))

    async def _tick_loop(self) -> None:
        while True:
            await asyncio.sleep(float(self.options["mon_tick_interval"]))
            if self.quorum.writeable() and not self._tick_pending:
                self._tick_pending = True
                fut = self.router.pump.submit(self._tick_op)
                fut.add_done_callback(self._tick_done)

    def _tick_op(self) -> Finish:
        self.clog_all(self.mgrmon.tick())
        self.clog_all(self.osd_service.tick(time.time()))
        return lambda: None

    def _tick_done(self, fut: asyncio.Future[Message | None]) -> None:
        self._tick_pending = False
        if not fut.cancelled() and fut.exception() is not None:
            log.warning("mon tick failed: %s", fut.exception())

    # --- messages ---------------------------------------------------------------

    def on_message(self, ident: bytes, env: Envelope) -> None:
        t = env.type
        if t in CLIENT_TYPES:
            self.router.on_request(ident, env)
        elif t in PEER_TYPES:
            self.quorum.on_message(env)
        elif t is MsgType.MON_FORWARD:
            self.router.on_forward(env)
        elif t is MsgType.MON_FORWARD_REPLY:
            self.router.on_forward_reply(env)
        elif t is MsgType.PING:
            self.server.reply(
                ident, env, Pong(stamp=time.time(), in_quorum=self.quorum.in_quorum())
            )
        elif t is MsgType.SUBSCRIBE:
            assert isinstance(env.msg, Subscribe)
            self.handle_subscribe(ident, env, env.msg)
        elif t is MsgType.ADMIN:
            self.server.reply(ident, env, self.handle_admin(env))
        elif t is MsgType.LOG:
            assert isinstance(env.msg, Log)
            entries = self._client_log_entries(env.msg)
            if entries:
                self.router.submit_log(env.sender, entries)
        else:
            self.me.drops.count("unexpected_type")

    def serve_read(self, sender: str, msg: Message) -> Message | None:
        if isinstance(msg, Command):
            return self._command_reply(msg.cmd, self._dispatch(sender, msg))
        if isinstance(msg, Hello):
            return HelloReply(global_id=msg.global_id, mon_name=self.id, monmap=self.monmap())
        return None

    def write_op(self, sender: str, msg: Message) -> Op:
        """What a write does on the leader (staged, then committed by the pump)."""
        if isinstance(msg, Command):
            return lambda: self._command_op(sender, msg)
        if isinstance(msg, MgrBeacon):
            return lambda: self._beacon_op(msg)
        if isinstance(msg, Hello):
            return self._hello_op
        if isinstance(msg, Log):
            return self.log_op(sender, list(msg.entries))
        raise ValueError(f"not a write: {msg.TYPE.value}")

    def _hello_op(self) -> Finish:
        gid = self.next_global_id
        self.next_global_id += 1
        if gid > max(self.auth_service.max_global_id, self.auth_service.pending or 0):
            self.auth_service.reserve(gid + GLOBAL_ID_BLOCK)
        return lambda: HelloReply(global_id=gid, mon_name=self.id, monmap=self.monmap())

    def _beacon_op(self, b: MgrBeacon) -> Finish:
        out = self.mgrmon.prepare_beacon(b)
        self.clog_all(out.log)

        def finish() -> Message:
            m = self.mgrmon.map
            if out.null_map:
                log.info(
                    "mgr.%s gid %d thinks it is active but it is not, dropping!", b.name, b.gid
                )
            return BeaconAck(
                gid=b.gid, mgrmap_epoch=m.epoch, active=m.active_gid == b.gid, null_map=out.null_map
            )

        return finish

    def _command_op(self, sender: str, c: Command) -> Finish:
        reply = self._dispatch(sender, c)
        return lambda: self._command_reply(c.cmd, reply)

    def _dispatch(self, sender: str, c: Command) -> commands.Reply:
        self.inbuf = c.inbuf  # `-i FILE` (config-key set)
        mc, reply = commands.dispatch(self, c.cmd, sender)
        if mc is not None and mc.audited and reply.retval == 0:
            self.audit(sender, c.cmd)
        return reply

    @staticmethod
    def _command_reply(cmd: dict[str, Any], reply: commands.Reply) -> CommandReply:
        fmt = cmd.get("format") if isinstance(cmd.get("format"), str) else None
        try:
            outbuf = reply.render(fmt)
        except Exception as exc:  # an unknown format, say
            reply, outbuf = commands.Reply(-22, outs=f"bad format: {exc}"), b""
        return CommandReply(reply.retval, outbuf, reply.outs)

    def log_op(self, sender: str, entries: list[dict[str, Any]]) -> Op:
        from_mon = self.quorum.rank_of(sender) is not None

        def op() -> Finish:
            for e in entries[:100]:
                if from_mon:
                    self._add_log(e)
                else:
                    self._add_log(
                        {**e, "name": sender, "rank": self._log_rank(sender), "stamp": None}
                    )
            return lambda: None

        return op

    def _log_rank(self, sender: str) -> str:
        """How the log names a client: ``mgr.<gid>`` for a known mgr (as Ceph does)."""
        kind, _, ident = sender.partition(".")
        m = self.mgrmon.map
        if kind == "mgr" and m.active_gid and m.active_name == ident:
            return f"mgr.{m.active_gid}"
        standby = m.standby_by_name(ident) if kind == "mgr" else None
        return f"mgr.{standby.gid}" if standby is not None else sender

    def _client_log_entries(self, msg: Log) -> list[dict[str, Any]]:
        out = []
        for e in msg.entries[:100]:
            if isinstance(e, dict) and isinstance(e.get("message"), str):
                prio = e.get("priority")
                if prio not in LOG_PRIORITIES:
                    prio = "[INF]"
                chan = e.get("channel") if isinstance(e.get("channel"), str) else "cluster"
                out.append({"priority": str(prio), "message": e["message"], "channel": str(chan)})
        return out

    def audit(self, who: str, cmd: dict[str, Any]) -> None:
        self.cluster_log(
            "[INF]",
            f"from='{who}' entity='{who}' cmd=[{json.dumps(cmd, sort_keys=False)}]: dispatch",
            channel="audit",
        )

    # --- subscriptions ---------------------------------------------------------------

    def handle_subscribe(self, ident: bytes, env: Envelope, s: Subscribe) -> None:
        what = {str(k): int(v) for k, v in s.what.items() if isinstance(v, int)}
        self.subs.subscribe(ident, env.sender, what, send_now=self.quorum.readable())

    def current_map(self, name: str) -> tuple[int, dict[str, Any]] | None:
        if name == "monmap":
            return 1, self.monmap()
        for service in self.services:
            if service.name == name:
                return service.current_map()
        return None

    def publish(self, name: str, epoch: int, body: dict[str, Any]) -> None:
        if hasattr(self, "subs"):
            self.subs.publish(name, epoch, body)

    # --- maps for commands ------------------------------------------------------

    def monmap(self) -> dict[str, Any]:
        from mon.mon_map import monmap_dump

        return monmap_dump(self.spec, self.created)

    def mon_status(self) -> dict[str, Any]:
        from mon.mon_map import mon_status

        return mon_status(self)


def main(argv: list[str] | None = None) -> None:
    main_entry(MonDaemon, "python -m mon", argv)
