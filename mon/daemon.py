"""The mon daemon shell (`python -m mon --dir DIR --id a`).

What it owns: the process — the store file, the mon's ROUTER at its fixed
address (clients and the other mons talk to it), the wiring of the parts
below, the quorum's role events (`QuorumListener`), the leader's tick timer,
subscriptions and the admin endpoint (also bound as the admin socket
``$run_dir/ceph-mon.ID.asok``; its own commands in `mon.asok`).

What it hands on: a client's request goes to the router (`mon.requests`),
which decides when and where it runs; what it does is `mon.ops`; the
commit path and the services are `mon.commit`; the mon as handlers see it is
`mon.monitor.Monitor` (a `mon.context.MonContext`). A request enters this
file once, in `on_message`, and never comes back; commits go from the
quorum shell straight to the commit path.

Who may import it: `mon.__main__` only. Nothing in mon/ imports it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from mon import asok as mon_asok
from mon.commit import mkfs_or_load
from mon.mon_map import mon_status
from mon.monitor import Monitor
from mon.ops import MonOps, client_log_entries
from mon.paxos_store import PaxosStore
from mon.quorum import QuorumShell
from mon.requests import Router
from mon.store import MonStore
from mon.subscriptions import Subscriptions
from sim.asok import AsokTable
from sim.auth.bootstrap import read_mkfs_keyring
from sim.auth.signer import is_daemon
from sim.auth.view import AUTHDB
from sim.daemon import DaemonShell, main_entry
from sim.maps.monmap import MKFS_MONMAP, MonMap
from sim.messages import Envelope, Log, Message, MsgType, Pong, Retry, Subscribe
from sim.transport import Server

log = logging.getLogger(__name__)

CLIENT_TYPES = (MsgType.COMMAND, MsgType.MGR_BEACON, MsgType.HELLO)
PEER_TYPES = (MsgType.MON_ELECTION, MsgType.MON_PAXOS)


class MonDaemon(DaemonShell):
    entity_type = "mon"

    def client_secret(self, entity: str) -> bytes | None:
        mon = getattr(self, "mon", None)
        return None if mon is None else mon.auth_monitor.secret(entity)

    async def start(self) -> None:
        path = self.run.mon_data(self.id) / "store.db"
        self.store = MonStore(path)
        fresh = self._mkfs_monmap()
        if fresh is not None and self._removed_since(fresh):
            # removed, then added again: Ceph's operator wipes the mon's data and
            # runs mkfs again; so do we
            log.warning("mon.%s: a store from before its removal; new store", self.id)
            self.store.close()
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            self.store = MonStore(path)
        created = mkfs_or_load(self.store, self.spec, fresh, read_mkfs_keyring(self.run))
        self.mon = Monitor(self.spec, self.id, self.options, self.store, created, self.emit)
        self.commit = self.mon.commit
        monmap = self.commit.monmap_service.map
        if not monmap.contains(self.id):
            log.error("mon.%s is not in monmap e%d, exiting", self.id, monmap.epoch)
            self.request_stop()
            return
        self.rank = monmap.rank(self.id)
        self.addr = monmap.get(self.id).endpoint
        self.ops = MonOps(self.mon)
        assert self.ctx is not None
        self.quorum = QuorumShell(
            self.ctx,
            self.me,
            self.id,
            self.spec.mons,
            self.spec.mon_addrs,
            self.options,
            PaxosStore(self.store),
            self,
            self.commit,
            self.link_allowed,
        )
        self.server = Server(self.ctx, self.me, self.addr, self.on_message, self.link_allowed)
        self.listen_admin(self.server)
        self.router = Router(
            self.id,
            self.quorum,
            self.ops,
            self.commit,
            self.server.reply,
            self.mon.queue_log,
            self.me.drops,
        )
        self.mon.attach(self.quorum, self.router)
        self.commit.proposals = self.router.pump
        self.subs = Subscriptions(
            self.server, self.mon.current_map, self.commit.log_service.watch_map
        )
        self.commit.subscribers = self.subs
        self.commit.monmap_listener = self._on_monmap
        self._monmap_changing = False
        self.server.start()
        self.admin_handlers["mon_status"] = lambda cmd: mon_status(self.mon)
        # this mon's committed monmap (for `sim start`, when no quorum answers `mon getmap`)
        self.admin_handlers["monmap"] = lambda cmd: self.mon.monmap_service.map.to_store()
        self._tick_task = asyncio.get_running_loop().create_task(self._tick_loop())
        self._tick_pending = False
        self.exited_quorum: float | None = None  # when this mon last left a quorum (monotonic)
        log.info("mon.%s rank %d listening on %s", self.id, self.rank, self.addr)
        self.emit("daemon_started", addr=self.addr, rank=self.rank)
        self.quorum.start()

    def _mkfs_monmap(self) -> MonMap | None:
        """The monmap a mon added with ``mon add`` is made with: ``mon.ID/monmap.json``
        (written by `sim start mon.ID` from the cluster's current map)."""
        path = self.run.mon_data(self.id) / MKFS_MONMAP
        try:
            return MonMap.from_store(json.loads(path.read_text()))
        except FileNotFoundError:
            return None

    def _removed_since(self, fresh: MonMap) -> bool:
        """Our store's map does not name us but ``fresh``, a newer one, does."""
        raw = self.store.get("monmap", "map")
        if not isinstance(raw, dict):
            return False
        mine = MonMap.from_store(raw)
        return not mine.contains(self.id) and fresh.contains(self.id) and fresh.epoch > mine.epoch

    def _on_monmap(self, monmap: MonMap) -> None:
        """A new monmap is current: applied once the commit that carried it is done
        (the quorum shell is not re-entered from inside its own commit) and the
        replies it released have gone out — the pump's futures wake their tasks on
        the next turn of the loop, so the answers to a forwarded ``mon add`` leave
        before the election's messages, and a peon answers its client first."""
        loop = asyncio.get_running_loop()
        loop.call_soon(loop.call_soon, self._apply_monmap, monmap)

    def _apply_monmap(self, monmap: MonMap) -> None:
        if monmap != self.commit.monmap_service.map:
            return  # a newer one came meanwhile; it is applied instead
        if not monmap.contains(self.id):
            # Ceph: "removed from monmap, suicide."
            log.warning("mon.%s removed from monmap e%d, exiting", self.id, monmap.epoch)
            self.emit("mon_removed", epoch=monmap.epoch)
            # the answers to forwards still waiting (the removal itself) go out first
            loop = asyncio.get_running_loop()
            self._exit_when_answered(loop.time() + float(self.options["mon_lease"]))
            return
        self.rank = monmap.rank(self.id)
        log.info("monmap e%d: mons %s, rank %d", monmap.epoch, monmap.names, self.rank)
        self._monmap_changing = True  # the term it ends keeps its forwards a while
        try:
            self.quorum.set_monmap(monmap.names, monmap.endpoints())
        finally:
            self._monmap_changing = False

    def _exit_when_answered(self, deadline: float) -> None:
        loop = asyncio.get_running_loop()
        if self.router.forwards and loop.time() < deadline:
            loop.call_later(0.01, self._exit_when_answered, deadline)
            return
        self.request_stop()

    def asok_tables(self) -> list[AsokTable]:
        return [*super().asok_tables(), mon_asok.TABLE]

    def observe_option(self, name: str, value: Any) -> bool:
        """An admin socket ``config set`` outlives the next config commit (the
        config service applies the mon's options)."""
        if not hasattr(self, "mon") or name not in self.options.as_dict():
            return super().observe_option(name, value)
        self.mon.config_service.set_override(name, value)
        return True

    def forget_option(self, name: str, before: Any) -> None:
        if hasattr(self, "mon"):
            self.mon.config_service.set_override(name, None)
        else:
            super().forget_option(name, before)

    def perf_values(self) -> dict[str, Any]:
        out = super().perf_values()
        if hasattr(self, "quorum"):
            out["mon.num_elections"] = self.quorum.epoch // 2
            out["mon.election_win"] = int(self.quorum.is_leader())
        return out

    async def shutdown(self) -> None:
        if hasattr(self, "quorum"):
            self.quorum.close()
        if hasattr(self, "server"):
            self.server.close()
        if hasattr(self, "store"):
            self.store.close()

    # --- quorum events (QuorumListener) -------------------------------------------

    def on_election_started(self, epoch: int, reason: str, first: bool) -> None:
        log.info("calling monitor election (epoch %d): %s", epoch, reason)
        self.emit("election", epoch=epoch, rank=self.rank, reason=reason)
        if first:
            self.mon.cluster_log("[INF]", f"mon.{self.id} calling monitor election")

    def on_left_quorum(self) -> None:
        log.info("left the quorum")
        self.exited_quorum = time.monotonic()
        # after a monmap change, forwards wait a lease for the answers on their way
        grace = float(self.options["mon_lease"]) if self._monmap_changing else 0.0
        self.router.term_ended(f"mon.{self.id} left the quorum", grace)
        self.commit.refresh_services(None)  # drop whatever was staged and not committed

    def on_quorum(self, leader: int, quorum: tuple[int, ...], epoch: int, previous: Any) -> None:
        self.exited_quorum = None
        names = [self.quorum.names[r] for r in quorum]
        if leader != self.rank:
            log.info("peon of mon.%s, quorum %s, epoch %d", self.quorum.names[leader], names, epoch)
            return
        log.info("leader, quorum %s, epoch %d (previous quorum %s)", names, epoch, previous)
        self.mon.cluster_log(
            "[INF]",
            f"mon.{self.id} is new leader, mons {','.join(names)} in quorum "
            f"(ranks {','.join(str(r) for r in quorum)})",
        )
        self.emit("quorum", leader=self.id, quorum=names, election_epoch=epoch)

    def on_readable(self) -> None:
        self.subs.send_current_to_all()
        if not self.quorum.is_leader():
            self.mon.flush_log()

    def on_writeable(self) -> None:
        mon = self.mon
        mm = mon.mgrmon
        mm.on_restart()  # beacon clocks start now: an election never fails a mgr
        mon.osd_service.on_leader()  # so do the OSDs' report clocks
        mon.mds_service.on_leader()  # and the MDS daemons' beacon clocks
        mm.module_health = dict(mon.health_service.module_health)
        mon.auth_service.start_term()
        m = mon.monmap_service.map
        addrs = ",".join(f"{x.name}={x.addrvec_str()}" for x in m.mons)
        mon.cluster_log(
            "[DBG]", f"monmap e{m.epoch}: {len(m)} mons at {{{addrs}}} removed_ranks: {{}}"
        )
        mon.cluster_log("[DBG]", f"fsmap {mon.mds_service.map.summary()}")
        if mm.map.epoch:
            mon.cluster_log("[DBG]", mm.map.summary_line(time.time()))
        mon.flush_log()
        self.router.kick()

    # --- the leader's tick ----------------------------------------------------------

    async def _tick_loop(self) -> None:
        while True:
            await asyncio.sleep(float(self.options["mon_tick_interval"]))
            self._trim_sessions()
            if self.quorum.writeable() and not self._tick_pending:
                self._tick_pending = True
                fut = self.router.pump.submit(self.ops.tick_op)
                fut.add_done_callback(self._tick_done)

    def _trim_sessions(self) -> None:
        """Ceph's ``Monitor::tick``: once out of quorum for more than 2 × mon_lease,
        every client session is trimmed, on every tick ("because we've been out of
        quorum too long"); the client hunts again, and if this mon is the only one
        it can reach, it is back within milliseconds (docs/quorum.md)."""
        if self.exited_quorum is None or self.quorum.in_quorum():
            return
        if time.monotonic() - self.exited_quorum <= 2 * float(self.options["mon_lease"]):
            return
        reason = f"mon.{self.id} trimmed the session: out of quorum too long"
        for ident, peer in self.subs.trim_clients():
            log.info("trimming session %s because we've been out of quorum too long", peer)
            self.server.send(ident, peer, Retry(reason=reason, in_quorum=False))

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
            s = env.msg
            what = {str(k): int(v) for k, v in s.what.items() if isinstance(v, int)}
            if not is_daemon(env.sender):  # the keys are the daemons' alone
                what.pop(AUTHDB, None)
            self.subs.subscribe(ident, env.sender, what, send_now=self.quorum.readable())
        elif t is MsgType.ADMIN:
            self.server.reply(ident, env, self.handle_admin(env))
        elif t is MsgType.LOG:
            assert isinstance(env.msg, Log)
            entries = client_log_entries(env.msg)
            if entries:
                self.router.submit_log(env.sender, entries)
        else:
            self.me.drops.count("unexpected_type")


def main(argv: list[str] | None = None) -> None:
    main_entry(MonDaemon, "python -m mon", argv)
