"""MonClient: a daemon's or the CLI's session with the mon cluster.

It hunts for a mon like Ceph's MonClient: it says hello to up to
`HUNT_PARALLEL` mons of the monmap at once (random picks) and keeps the first
that answers from inside a quorum; a round that finds none is retried with
backoff ×1.5 up to ×10 of ``mon_client_hunt_interval``. A session (Hello ->
global id, kept across reconnections as Ceph's global-id reclaim does)
resubscribes to the maps it follows from the epochs it has, and is kept
alive with pings. It is lost at once when the transport reports a disconnect
(a killed mon resets the TCP connection), when pings go unanswered for
``mon_client_ping_timeout`` (a paused mon), or when the mon says it is out of
quorum (a ping, or a `Retry` reply); then hunting starts again.

`command` waits up to its timeout for a session and an answer; a `Retry`
(the mon could not serve it now, and nothing of it took effect) is retried,
on another mon if that one is out of quorum. `MonUnavailable` after the
timeout.

``have_session`` is what the mgr reports as ``have_mon_connection()``. By
default it is Ceph's ``MonClient::is_connected()``: a session with *some*
mon. A mon out of quorum still gives a reconnecting client (one with a
global id) a session and answers its pings, and its commands wait (`Retry`
on the same mon until the deadline), so with 2 of 3 mons dead the mgr stays
attached to the survivor; the survivor trims every client session on each
tick once it has been out of quorum for 2 × ``mon_lease``, and the client is
back on it within milliseconds (Ceph 16.2's short False blips). With the
simulator's ``mon_client_require_quorum`` it is a session with a mon *in
quorum*: an out-of-quorum hello reply is refused, an out-of-quorum pong or
`Retry` makes the client hunt again, and without a quorum it stays False
(docs/quorum.md).

The monmap comes with every hello and by subscription (always, as Ceph's
MonClient subscribes to it): after ``mon add``/``mon remove`` the next hunt
dials the mons of the new map.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from typing import Any

import zmq.asyncio

from sim.auth.reject import PermissionDenied
from sim.messages import (
    Command,
    CommandReply,
    Envelope,
    Hello,
    HelloReply,
    MapUpdate,
    Message,
    MsgType,
    Ping,
    Pong,
    Retry,
    Subscribe,
)
from sim.monc_policy import (
    HELLO_PAUSE,
    HELLO_TRY,
    HUNT_PARALLEL,
    NOT_CONNECTED_PAUSE,
    NOT_IN_QUORUM_PAUSE,
    CommandRetries,
    HuntBackoff,
    MonUnavailable,
    hello_accepted,
    hunt_order,
    learn_monmap,
    mon_reply_timeout,
    no_quorum,
)
from sim.options.view import Options
from sim.transport import Connection, Identity, LinkFilter, NotConnected

log = logging.getLogger(__name__)

__all__ = ["HUNT_PARALLEL", "MonClient", "MonUnavailable"]

MapHandler = Callable[[str, int, dict[str, Any]], None]
StateHandler = Callable[[bool], None]


class MonClient:
    def __init__(
        self,
        ctx: zmq.asyncio.Context,
        me: Identity,
        mon_addrs: dict[str, str],
        entity_type: str,
        options: Options,
        on_map: MapHandler | None = None,
        on_session: StateHandler | None = None,
        link_filter: LinkFilter | None = None,
    ) -> None:
        self.ctx = ctx
        self.me = me
        self.mon_addrs = dict(mon_addrs)
        self.entity_type = entity_type
        self.options = options
        self.on_map = on_map
        self.on_session = on_session
        self.link_filter = link_filter or (lambda _peer: True)
        self.global_id = 0
        self.mon_name = ""
        self.have_session = False
        # map name -> next epoch wanted; the monmap always, as Ceph's MonClient
        self.wants: dict[str, int] = {"monmap": 0}
        self.epochs: dict[str, int] = {}
        self._caller_maps: set[str] = set()  # what on_map is told about
        self.monmap_epoch = 0
        self._conn: Connection | None = None
        self._session_up = asyncio.Event()
        self._denied = asyncio.Event()  # a mon refused our key: no session will come
        self._lost = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.sessions_opened = 0

    # --- public ---------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._session_loop(), name="monc")

    def close(self) -> None:
        self._closing = True
        if self._task:
            self._task.cancel()
        if self._conn:
            self._conn.close()
            self._conn = None

    async def aclose(self) -> None:
        """Stop the session task first (it checks ``_closing``, since 3.11's
        wait_for may swallow a cancel), then close the connection."""
        self._closing = True
        task = self._task
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(task, 2.0)
        self.close()

    @property
    def denied(self) -> bool:
        """A mon refused our key (`sim.auth.reject`): no session will come."""
        return self._denied.is_set()

    def subscribe(self, name: str, start: int = 0) -> None:
        self._caller_maps.add(name)
        self.wants[name] = start
        if self.have_session:
            self._send_subscribe()

    async def wait_for_session(self, timeout: float) -> None:
        """Raises `MonUnavailable` on timeout, `PermissionDenied` if a mon refused our key."""
        if self._session_up.is_set():
            return
        up = asyncio.ensure_future(self._session_up.wait())
        denied = asyncio.ensure_future(self._denied.wait())
        try:
            await asyncio.wait({up, denied}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            up.cancel()
            denied.cancel()
        if self._session_up.is_set():
            return
        if self._denied.is_set():
            raise PermissionDenied("the mons refused our key")
        raise MonUnavailable(f"no mon reachable within {timeout:g}s")

    def send(self, msg: Message) -> None:
        """Fire and forget to the current mon; raises NotConnected without a session."""
        if not self.have_session or self._conn is None:
            raise NotConnected("no mon session")
        self._conn.send(msg)

    async def request(self, msg: Message, timeout: float) -> Envelope:
        if not self.have_session or self._conn is None:
            raise NotConnected("no mon session")
        return await self._conn.request(msg, timeout)

    async def command(
        self, cmd: dict[str, Any], inbuf: bytes = b"", timeout: float = 10.0
    ) -> CommandReply:
        """Send a command, waiting (up to ``timeout`` overall) for a session and a reply;
        a lost session or a `Retry` during the call is retried (on the next mon)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        retries = CommandRetries()  # sim.monc_policy: shared with sim.oneshot
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise retries.timed_out()
            try:
                await self.wait_for_session(left)
            except MonUnavailable:
                raise no_quorum() from None
            try:
                env = await self.request(Command(cmd=cmd, inbuf=inbuf), deadline - loop.time())
            except NotConnected:
                await asyncio.sleep(NOT_CONNECTED_PAUSE)
                continue
            except TimeoutError:
                raise mon_reply_timeout(self.mon_name) from None
            if isinstance(env.msg, CommandReply):
                return env.msg
            if isinstance(env.msg, Retry):
                pause, rehunt = retries.on_retry(env.msg, require_quorum=self.requires_quorum)
                if rehunt:
                    self.rehunt()
                await asyncio.sleep(min(pause, max(0.0, deadline - loop.time())))
                continue
            raise MonUnavailable(f"unexpected reply {env.type.value}")

    def rehunt(self) -> None:
        """Drop the current session (its mon is no use) and hunt for another."""
        self._lost.set()

    # --- session --------------------------------------------------------------

    async def _session_loop(self) -> None:
        backoff = HuntBackoff(float(self.options["mon_client_hunt_interval"]))
        last_mon = ""
        while not self._closing:
            found = await self._hunt(backoff.round_timeout(), avoid=last_mon)
            if self._denied.is_set():
                if found is not None:
                    found[0].close()
                return
            if found is None:
                # every mon refused or did not answer: do not spin while there is no quorum
                await asyncio.sleep(backoff.failed())
                continue
            backoff.found()
            conn, reply = found
            self._conn = conn
            self._lost.clear()
            self.global_id = self.global_id or reply.global_id
            self.mon_name = last_mon = reply.mon_name
            self._learn_monmap(reply.monmap)
            self._set_session(True)
            self._send_subscribe()
            await self._keepalive(conn)
            self._set_session(False)
            conn.close()
            self._conn = None
            if self._denied.is_set():
                return

    def _connect(self, name: str) -> Connection:
        holder: list[Connection] = []

        def on_message(env: Envelope) -> None:
            if holder and holder[0] is self._conn:
                self._on_message(env)

        def on_state(up: bool) -> None:
            if holder and holder[0] is self._conn and not up:
                self._lost.set()

        conn = Connection(
            self.ctx,
            self.me,
            self.mon_addrs[name],
            f"mon.{name}",
            on_message=on_message,
            on_state=on_state,
            heartbeat=float(self.options["mon_client_ping_interval"]) / 2,
            heartbeat_timeout=float(self.options["mon_client_ping_timeout"]),
            link_filter=self.link_filter,
        )
        holder.append(conn)
        return conn

    async def _hunt(self, timeout: float, avoid: str) -> tuple[Connection, HelloReply] | None:
        """Hello to up to HUNT_PARALLEL mons at once; the first in quorum wins."""
        conns = {self._connect(n): n for n in hunt_order(list(self.mon_addrs), avoid)}
        tasks = {asyncio.ensure_future(self._hello(c, timeout)): c for c in conns}
        winner: tuple[Connection, HelloReply] | None = None
        pending = set(tasks)
        try:
            while pending and winner is None and not self._closing:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for t in done:
                    if winner is None and not t.cancelled() and t.exception() is None:
                        winner = (tasks[t], t.result())
                    elif not t.cancelled() and isinstance(t.exception(), PermissionDenied):
                        self._denied.set()  # as Ceph's MonClient: EACCES ends the hunt
        finally:
            for t in pending:
                t.cancel()
            for t in tasks:
                if not t.done():
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await t
                elif not t.cancelled():
                    t.exception()  # consumed
            for c in conns:
                if winner is None or c is not winner[0]:
                    c.close()
        return winner

    async def _hello(self, conn: Connection, timeout: float) -> HelloReply:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self._closing:
            if not await conn.wait_connected(max(0.0, deadline - loop.time())):
                raise TimeoutError
            try:
                env = await conn.request(
                    Hello(entity_type=self.entity_type, pid=os.getpid(), global_id=self.global_id),
                    max(0.01, min(HELLO_TRY, deadline - loop.time())),
                )
            except (NotConnected, TimeoutError):
                if loop.time() >= deadline:
                    raise TimeoutError from None
                await asyncio.sleep(HELLO_PAUSE)
                continue
            if hello_accepted(env.msg, self.global_id, require_quorum=self.requires_quorum):
                assert isinstance(env.msg, HelloReply)
                return env.msg
            # Out of quorum. Ceph's mon waitlists such a client and answers once it is in
            # a quorum; ask again within the round rather than wait it out on the others
            # (up to a round of 10 x mon_client_hunt_interval after a long outage).
            if loop.time() + NOT_IN_QUORUM_PAUSE >= deadline:
                raise NotConnected(f"{conn.peer_name} is not in quorum")
            await asyncio.sleep(NOT_IN_QUORUM_PAUSE)
        raise asyncio.CancelledError

    async def _keepalive(self, conn: Connection) -> None:
        interval = float(self.options["mon_client_ping_interval"])
        timeout = float(self.options["mon_client_ping_timeout"])
        while not self._lost.is_set() and not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), interval)
            if self._lost.is_set():
                return
            try:
                env = await conn.request(Ping(), timeout)
            except (TimeoutError, NotConnected):
                log.info("mon.%s: keepalive lost", self.mon_name)
                return
            except PermissionDenied:  # our key was removed (``auth rm``)
                log.warning("mon.%s refused our key", self.mon_name)
                self._denied.set()
                return
            if isinstance(env.msg, Pong) and not env.msg.in_quorum and self.requires_quorum:
                log.info("mon.%s is out of quorum; hunting", self.mon_name)
                return

    @property
    def requires_quorum(self) -> bool:
        """The simulator's quorum semantics (``mon_client_require_quorum``), read at use
        so that ``config set`` through the admin socket changes it live."""
        return bool(self.options.get("mon_client_require_quorum", False))

    def _set_session(self, up: bool) -> None:
        if up == self.have_session:
            return
        self.have_session = up
        if up:
            self.sessions_opened += 1
            self._session_up.set()
            log.info("mon session open with mon.%s (global id %d)", self.mon_name, self.global_id)
        else:
            self._session_up.clear()
            log.info("mon session with mon.%s lost", self.mon_name)
        if self.on_session is not None:
            self.on_session(up)

    def _learn_monmap(self, body: Any) -> None:
        """Where the mons are now (``mon add``/``mon remove``): the next hunt dials
        these. A map older than the one we have changes nothing."""
        learnt = learn_monmap(body, self.monmap_epoch)
        if learnt is not None:
            self.monmap_epoch, addrs = learnt
            if addrs != self.mon_addrs:
                log.info("monmap e%d: mons %s", self.monmap_epoch, ", ".join(addrs))
                self.mon_addrs = addrs

    def _send_subscribe(self) -> None:
        what = {n: max(start, self.epochs.get(n, 0)) for n, start in self.wants.items()}
        if what and self._conn is not None:
            with contextlib.suppress(NotConnected):
                self._conn.send(Subscribe(what=what))

    def _on_message(self, env: Envelope) -> None:
        if env.type is MsgType.RETRY and isinstance(env.msg, Retry):
            # unsolicited: the mon trimmed our session (Monitor::tick, out of quorum too long)
            log.info("mon.%s closed the session: %s; hunting", self.mon_name, env.msg.reason)
            self.rehunt()
            return
        if env.type is MsgType.MAP and isinstance(env.msg, MapUpdate):
            m = env.msg
            if m.epoch < self.epochs.get(m.name, 0):
                return  # older than what we have
            self.epochs[m.name] = m.epoch
            if m.name == "monmap":
                self._learn_monmap(m.map)
                if m.name not in self._caller_maps:
                    return
            if self.on_map is not None:
                self.on_map(m.name, m.epoch, m.map)
