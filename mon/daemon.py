"""The mon daemon shell (`python -m mon --dir DIR --id a`).

A thin I/O shell around the pure services: it binds the mon's ROUTER at its
fixed address, opens client sessions (global ids), keeps subscriptions,
dispatches commands and beacons to the services, runs the tick, and commits
each change to the store before anyone is answered — the replicated path that
the quorum issue makes majority-committed goes through `commit()` only.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from mon import commands
from mon.cluster_log import ClusterLog, LogPriority
from mon.config_key import ConfigKeyService
from mon.config_monitor import ConfigMonitor
from mon.health import HealthMap, diff_messages
from mon.log_service import LogService
from mon.mgr_monitor import Clog, MgrMonitor
from mon.mgr_service import MgrMapService
from mon.service import PaxosService
from mon.store import MonStore, Transaction
from sim.daemon import DaemonShell, main_entry
from sim.messages import (
    BeaconAck,
    Command,
    CommandReply,
    Envelope,
    Hello,
    HelloReply,
    Log,
    MapUpdate,
    MgrBeacon,
    MsgType,
    Pong,
    Subscribe,
)
from sim.transport import Server

log = logging.getLogger(__name__)

FIRST_GLOBAL_ID = 4100
GLOBAL_ID_BLOCK = 100
LOG_PRIORITIES = {p.value for p in LogPriority}


class MonDaemon(DaemonShell):
    entity_type = "mon"

    async def start(self) -> None:
        import mon.config_commands  # noqa: F401  (registers commands)
        import mon.mgr_commands  # noqa: F401
        import mon.mon_commands  # noqa: F401

        self.rank = self.spec.mon_rank(self.id)
        self.addr = self.spec.mon_addrs[self.id]
        self.store = MonStore(self.run.mon_data(self.id) / "store.db")
        self._mkfs_or_load()
        self.quorum_since = time.time()
        self.election_epoch = 2  # one mon: always leader of its quorum (issue: mon quorum)
        self.subscribers: dict[bytes, tuple[str, dict[str, int]]] = {}
        self.health = HealthMap()
        self.mgrmon.on_restart()
        assert self.ctx is not None
        self.server = Server(self.ctx, self.me, self.addr, self.on_message, self.link_allowed)
        self.server.start()
        self.admin_handlers["mon_status"] = lambda cmd: self.mon_status()
        self._tick_task = asyncio.get_running_loop().create_task(self._tick_loop())
        log.info("mon.%s rank %d listening on %s", self.id, self.rank, self.addr)
        self.emit("daemon_started", addr=self.addr, rank=self.rank)
        self.emit("quorum", leader=self.id, quorum=[self.id], election_epoch=self.election_epoch)

    async def shutdown(self) -> None:
        if hasattr(self, "server"):
            self.server.close()
        if hasattr(self, "store"):
            self.store.close()

    # --- store and services ---------------------------------------------------

    def _mkfs_or_load(self) -> None:
        created = self.store.get("monmap", "created")
        if created is None:
            created = time.time()
            txn = Transaction().put("monmap", "created", created)
            txn.put("auth", "max_global_id", FIRST_GLOBAL_ID)
            self.store.apply(txn)
            log.info("mkfs: new store for fsid %s", self.spec.fsid)
        self.created = float(created)
        self.mgr_service = MgrMapService(
            self.options, self.created, self.publish, self.cluster_log, self.emit
        )
        self.log_service = LogService(int(self.options["mon_cluster_log_keep"]), self.emit)
        # Commit order matters: services that log come before the log itself.
        self.services: list[PaxosService] = [self.mgr_service, self.log_service]
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
        # global ids are reserved in blocks, so a hello costs no store write
        self.max_global_id = int(self.store.get("auth", "max_global_id", FIRST_GLOBAL_ID))
        self.next_global_id = self.max_global_id + 1
        log.info("loaded mgrmap e%d, log seq %d", self.mgrmon.map.epoch, self.log_service.last_seq)

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

    def commit(self) -> None:
        """Persist every service's pending changes in one transaction, then
        make them current and publish (the one path replication changes)."""
        txn = Transaction()
        try:
            for service in self.services:
                service.encode_pending(txn)
        except Exception:
            # One poisonous change must not wedge every later commit.
            log.exception("cannot encode pending changes; discarding them")
            for service in self.services:
                service.discard_pending()
            return
        if not txn:
            return
        self.store.apply(txn)
        for service in self.services:
            service.on_committed()

    # --- cluster log and health -----------------------------------------------

    def cluster_log(self, priority: str, message: str, channel: str = "cluster") -> None:
        self.log_service.add(self.name, f"mon.{self.rank}", self.addrvec(), priority, message, channel)
        log.info("clog %s %s", priority, message)

    def clog_all(self, lines: Clog) -> None:
        for prio, msg in lines:
            self.cluster_log(prio, msg)

    def addrvec(self) -> dict[str, Any]:
        host_port = self.addr.split("://", 1)[1]
        return {"addrvec": [{"type": "v2", "addr": host_port, "nonce": 0}]}

    def update_health(self) -> None:
        new = HealthMap.merge(
            HealthMap(self.mgrmon.health_checks()),
            HealthMap.from_module_checks(self.mgrmon.module_health),
        )
        for prio, msg in diff_messages(self.health, new):
            self.cluster_log(prio, msg)
        if new.to_json(detail=True) != self.health.to_json(detail=True):
            self.emit("health", status=new.status.value, checks=sorted(new.checks))
        self.health = new

    async def _tick_loop(self) -> None:
        while True:
            await asyncio.sleep(float(self.options["mon_tick_interval"]))
            try:
                self.clog_all(self.mgrmon.tick())
                self.commit()
                self.update_health()
                self.commit()
            except Exception:
                log.exception("mon tick failed")

    # --- messages ---------------------------------------------------------------

    def on_message(self, ident: bytes, env: Envelope) -> None:
        t = env.type
        if t is MsgType.MGR_BEACON:
            assert isinstance(env.msg, MgrBeacon)
            self.handle_beacon(ident, env, env.msg)
        elif t is MsgType.PING:
            self.server.reply(ident, env, Pong(stamp=time.time(), in_quorum=True))
        elif t is MsgType.COMMAND:
            assert isinstance(env.msg, Command)
            self.handle_command(ident, env, env.msg)
        elif t is MsgType.SUBSCRIBE:
            assert isinstance(env.msg, Subscribe)
            self.handle_subscribe(ident, env, env.msg)
        elif t is MsgType.HELLO:
            assert isinstance(env.msg, Hello)
            self.handle_hello(ident, env, env.msg)
        elif t is MsgType.ADMIN:
            self.server.reply(ident, env, self.handle_admin(env))
        elif t is MsgType.LOG:
            assert isinstance(env.msg, Log)
            self.handle_log(env.sender, env.msg)
        else:
            self.me.drops.count("unexpected_type")

    def handle_hello(self, ident: bytes, env: Envelope, hello: Hello) -> None:
        gid = hello.global_id
        if not 0 < gid <= self.max_global_id:
            gid = self.allocate_global_id()
        self.server.reply(
            ident, env, HelloReply(global_id=gid, mon_name=self.id, monmap=self.monmap())
        )

    def allocate_global_id(self) -> int:
        gid = self.next_global_id
        self.next_global_id += 1
        if gid > self.max_global_id:
            self.max_global_id = gid + GLOBAL_ID_BLOCK
            self.store.apply(Transaction().put("auth", "max_global_id", self.max_global_id))
        return gid

    def handle_beacon(self, ident: bytes, env: Envelope, b: MgrBeacon) -> None:
        out = self.mgrmon.prepare_beacon(b)
        self.clog_all(out.log)
        self.commit()
        m = self.mgrmon.map
        ack = BeaconAck(
            gid=b.gid, mgrmap_epoch=m.epoch, active=m.active_gid == b.gid, null_map=out.null_map
        )
        self.server.reply(ident, env, ack)
        self.update_health()
        self.commit()
        if out.null_map:
            log.info("mgr.%s gid %d thinks it is active but it is not, dropping!", b.name, b.gid)

    def handle_command(self, ident: bytes, env: Envelope, c: Command) -> None:
        cmd = c.cmd
        self.inbuf = c.inbuf  # `-i FILE` (config-key set)
        mc, reply = commands.dispatch(self, cmd)
        if mc is not None and mc.writes and reply.retval == 0:
            self.audit(env.sender, cmd)
        self.commit()
        self.update_health()
        self.commit()
        fmt = cmd.get("format") if isinstance(cmd.get("format"), str) else None
        try:
            outbuf = reply.render(fmt)
        except Exception as exc:  # an unknown format, say
            reply, outbuf = commands.Reply(-22, outs=f"bad format: {exc}"), b""
        self.server.reply(ident, env, CommandReply(reply.retval, outbuf, reply.outs))

    def audit(self, who: str, cmd: dict[str, Any]) -> None:
        import json

        self.cluster_log(
            "[INF]",
            f"from='{who}' entity='{who}' cmd=[{json.dumps(cmd, sort_keys=False)}]: dispatch",
            channel="audit",
        )

    def handle_subscribe(self, ident: bytes, env: Envelope, s: Subscribe) -> None:
        what = {str(k): int(v) for k, v in s.what.items() if isinstance(v, int)}
        self.subscribers[ident] = (env.sender, what)
        for name, start in what.items():
            current = self.current_map(name)
            if current is not None and current[0] >= start:
                self._push(ident, env.sender, name, current[0], current[1])

    def current_map(self, name: str) -> tuple[int, dict[str, Any]] | None:
        if name == "monmap":
            return 1, self.monmap()
        for service in self.services:
            if service.name == name:
                return service.current_map()
        return None

    def publish(self, name: str, epoch: int, body: dict[str, Any]) -> None:
        for ident, (peer, what) in list(self.subscribers.items()):
            if name in what and epoch >= what[name]:
                self._push(ident, peer, name, epoch, body)

    def _push(self, ident: bytes, peer: str, name: str, epoch: int, body: dict[str, Any]) -> None:
        self.server.send(ident, peer, MapUpdate(name=name, epoch=epoch, map=body), epoch=epoch)

    def handle_log(self, sender: str, msg: Log) -> None:
        for e in msg.entries[:100]:
            if isinstance(e, dict) and isinstance(e.get("message"), str):
                prio = e.get("priority")
                if prio not in LOG_PRIORITIES:
                    prio = "[INF]"
                chan = e.get("channel") if isinstance(e.get("channel"), str) else "cluster"
                self.cluster_log(str(prio), e["message"], channel=str(chan))
        self.commit()

    # --- maps for commands ------------------------------------------------------

    def monmap(self) -> dict[str, Any]:
        from mon.mon_map import monmap_dump

        return monmap_dump(self.spec, self.created)

    def mon_status(self) -> dict[str, Any]:
        from mon.mon_map import mon_status

        return mon_status(self)


def main(argv: list[str] | None = None) -> None:
    main_entry(MonDaemon, "python -m mon", argv)
