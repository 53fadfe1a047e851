"""MonClient: a daemon's or the CLI's session with the mon cluster.

It hunts for a mon (random pick from the monmap, backoff ×1.5 up to ×10 of
``mon_client_hunt_interval``), opens a session (Hello -> global id, kept
across reconnections as Ceph's global-id reclaim does), resubscribes to the
maps it follows from the epochs it has, and keeps the session alive with
pings. The session is lost at once when the transport reports a disconnect
(a killed mon resets the TCP connection) or when pings go unanswered for
``mon_client_ping_timeout`` (a paused mon), and hunting starts again.

``have_session`` is what the mgr reports as ``have_mon_connection()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
from collections.abc import Callable
from typing import Any

import zmq.asyncio

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
    Subscribe,
)
from sim.options import Options
from sim.transport import Connection, Identity, LinkFilter, NotConnected

log = logging.getLogger(__name__)

MapHandler = Callable[[str, int, dict[str, Any]], None]
StateHandler = Callable[[bool], None]


class MonUnavailable(ConnectionError):
    """No mon session within the time allowed."""


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
        self.wants: dict[str, int] = {}  # map name -> next epoch wanted
        self.epochs: dict[str, int] = {}
        self._conn: Connection | None = None
        self._session_up = asyncio.Event()
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

    def subscribe(self, name: str, start: int = 0) -> None:
        self.wants[name] = start
        if self.have_session:
            self._send_subscribe()

    async def wait_for_session(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self._session_up.wait(), timeout)
        except TimeoutError:
            raise MonUnavailable(f"no mon reachable within {timeout:g}s") from None

    def send(self, msg: Message) -> None:
        """Fire and forget to the current mon; raises NotConnected without a session."""
        if not self.have_session or self._conn is None:
            raise NotConnected("no mon session")
        self._conn.send(msg)

    async def request(self, msg: Message, timeout: float) -> Envelope:
        if not self.have_session or self._conn is None:
            raise NotConnected("no mon session")
        return await self._conn.request(msg, timeout)

    async def command(self, cmd: dict[str, Any], inbuf: bytes = b"", timeout: float = 10.0) -> CommandReply:
        """Send a command, waiting (up to ``timeout`` overall) for a session and a reply;
        a lost session during the call is retried on the next mon."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise MonUnavailable("timed out waiting for the mon cluster")
            await self.wait_for_session(left)
            try:
                env = await self.request(Command(cmd=cmd, inbuf=inbuf), deadline - loop.time())
            except NotConnected:
                await asyncio.sleep(0.01)
                continue
            except TimeoutError:
                raise MonUnavailable("timed out waiting for the mon's reply") from None
            if isinstance(env.msg, CommandReply):
                return env.msg
            raise MonUnavailable(f"unexpected reply {env.type.value}")

    # --- session --------------------------------------------------------------

    async def _session_loop(self) -> None:
        backoff = 1.0
        names = list(self.mon_addrs)
        while not self._closing:
            name = random.choice(names)
            conn = Connection(
                self.ctx,
                self.me,
                self.mon_addrs[name],
                f"mon.{name}",
                on_message=self._on_message,
                on_state=self._on_transport,
                heartbeat=float(self.options["mon_client_ping_interval"]) / 2,
                heartbeat_timeout=float(self.options["mon_client_ping_timeout"]),
                link_filter=self.link_filter,
            )
            self._conn = conn
            self._lost.clear()
            hunt = float(self.options["mon_client_hunt_interval"]) * backoff
            try:
                reply = await self._hello(conn, hunt)
            except (TimeoutError, NotConnected, ConnectionError):
                conn.close()
                self._conn = None
                backoff = min(backoff * 1.5, 10.0)
                await asyncio.sleep(0.05 if len(names) == 1 else 0)
                continue
            backoff = 1.0
            self.global_id = self.global_id or reply.global_id
            self.mon_name = reply.mon_name
            self._set_session(True)
            self._send_subscribe()
            await self._keepalive(conn)
            self._set_session(False)
            conn.close()
            self._conn = None

    async def _hello(self, conn: Connection, timeout: float) -> HelloReply:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self._closing:
            if not await conn.wait_connected(max(0.0, deadline - loop.time())):
                raise TimeoutError
            try:
                env = await conn.request(
                    Hello(entity_type=self.entity_type, pid=os.getpid(), global_id=self.global_id),
                    max(0.01, min(0.5, deadline - loop.time())),
                )
            except (NotConnected, TimeoutError):
                if loop.time() >= deadline:
                    raise TimeoutError from None
                await asyncio.sleep(0.02)
                continue
            if isinstance(env.msg, HelloReply):
                return env.msg
            raise NotConnected("bad hello reply")
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
            if isinstance(env.msg, Pong) and not env.msg.in_quorum:
                log.info("mon.%s is out of quorum; hunting", self.mon_name)
                return

    def _on_transport(self, up: bool) -> None:
        if not up:
            self._lost.set()

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

    def _send_subscribe(self) -> None:
        what = {n: max(start, self.epochs.get(n, 0)) for n, start in self.wants.items()}
        if what and self._conn is not None:
            with contextlib.suppress(NotConnected):
                self._conn.send(Subscribe(what=what))

    def _on_message(self, env: Envelope) -> None:
        if env.type is MsgType.MAP and isinstance(env.msg, MapUpdate):
            m = env.msg
            if m.epoch < self.epochs.get(m.name, 0):
                return  # older than what we have
            self.epochs[m.name] = m.epoch
            if self.on_map is not None:
                self.on_map(m.name, m.epoch, m.map)
