"""ZeroMQ transport on asyncio: ROUTER servers and DEALER connections.

ROUTER binds, DEALER connects; never REQ/REP. All sockets of a process are
used from its one asyncio loop (module threads reach it through
``loop.call_soon_threadsafe`` / ``run_coroutine_threadsafe``).

- `Server` receives enveloped requests from any number of peers and lets the
  handler reply to the peer's routing identity.
- `Connection` talks to one server: `request` waits for the reply that echoes
  its tid (with a timeout), `send` is explicit fire-and-forget, and anything
  unsolicited (map pushes) goes to ``on_message``. A socket monitor reports
  connect/disconnect at once (a killed peer's TCP reset is seen in
  milliseconds); ZMTP heartbeats catch a peer that is alive but silent
  (SIGSTOP).
- ``link_filter`` lets a daemon drop traffic to and from named peers (network
  partitions injected by the simulator); the identity's `sim.links.Links`
  delays, drops or duplicates what it sends (link faults), in `_deliver`.
- Every frame sent carries a `sim.replay.Route` from the identity's
  `Sequencer`; every frame received passes its `ReplayGuard` (in `_accept`),
  so a replayed, duplicated or misdirected frame is dropped and counted
  (``replayed``, ``misdirected``, ``stale``).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import itertools
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import zmq
import zmq.asyncio

from sim import codec, wire
from sim.auth import reject
from sim.dealer import MONITOR_EVENTS, monitor_event, tune, tune_dealer
from sim.links import Links
from sim.messages import CommandReply, Envelope, Message
from sim.msglog import MessageLog
from sim.replay import ReplayGuard, Route, Sequencer

log = logging.getLogger(__name__)

LinkFilter = Callable[[str], bool]  # peer name -> True if traffic may pass


def _allow_all(_peer: str) -> bool:
    return True


@dataclass
class Identity:
    """Who we are on the wire and how we sign."""

    name: str
    fsid: str
    signer: wire.Signer
    drops: wire.DropCounters
    links: Links = field(default_factory=Links)  # link faults on what we send
    msglog: MessageLog | None = None  # messages as events, when the cluster records them
    # messages held back by a link fault, per (socket, peer), oldest first
    late: dict[tuple[int, str], deque[list[bytes]]] = field(default_factory=dict)
    seqs: Sequencer = field(default_factory=Sequencer)  # our nonce, a seq per destination
    guard: ReplayGuard = field(init=False)  # what we take of what we receive

    def __post_init__(self) -> None:
        self.guard = ReplayGuard(self.name, self.seqs, started=time.time())

    def route(self, peer: str, peer_nonce: int = 0) -> Route:
        """The route of the next frame to ``peer`` (its incarnation, if known)."""
        return self.seqs.route(peer, peer_nonce, time.time())

    def note(
        self,
        direction: str,
        env: Envelope,
        peer: str,
        frames: Sequence[bytes] = (),
        reason: str = "",
    ) -> None:
        """Record a message when the cluster records them; its size is counted
        only then (nothing is added to the send and receive paths otherwise)."""
        if self.msglog is not None:
            size = sum(map(len, frames))
            self.msglog.note(direction, env.type.value, peer, env.tid, env.epoch, size, reason)

    def note_drop(self, reason: str, peer: str = "?") -> None:
        if self.msglog is not None:
            self.msglog.note("drop_in", "?", peer, reason=reason)


def _send_now(sock: zmq.asyncio.Socket, frames: list[bytes]) -> bool:
    """Send without waiting; False if ZeroMQ could not take the message now.

    zmq.asyncio reports a NOBLOCK failure in the returned future rather than
    raising, so the future is inspected (and its exception consumed) here."""
    fut: Any = sock.send_multipart(frames, flags=zmq.NOBLOCK)  # an asyncio Future
    if fut.done():
        return fut.exception() is None
    fut.add_done_callback(lambda f: f.exception())
    return True


def _deliver(
    me: Identity,
    peer: str,
    sock: zmq.asyncio.Socket,
    frames: list[bytes],
    env: Envelope,
    again: Callable[[], list[bytes]] | None = None,
) -> bool:
    """Send now, or as the link to ``peer`` says (later, twice, never). False
    only if ZeroMQ could not take a message sent now. A link's duplicate is
    ``again()``: the message numbered anew (a resend, which the peer's
    `ReplayGuard` takes; the same frames twice would be a replay it drops)."""
    plan = me.links.plan(peer)
    me.note("send" if plan != [] else "drop_out", env, peer, frames,
            "" if plan != [] else "link_loss")  # fmt: skip
    if plan is None:
        return _send_now(sock, frames)
    if not plan:
        me.drops.count("link_loss")
        return True  # lost on the way, as far as the sender can tell
    loop = asyncio.get_running_loop()
    key = (id(sock), peer)  # the timers hold the socket, so its id is not reused meanwhile
    queue = me.late.setdefault(key, deque())
    for i, delay in enumerate(plan):
        queue.append(frames if i == 0 or again is None else again())
        loop.call_later(delay, _send_late, me, key, sock, queue)
    if len(plan) > 1:
        me.drops.count("link_duplicate")
    return True


def _send_late(
    me: Identity, key: tuple[int, str], sock: zmq.asyncio.Socket, queue: deque[list[bytes]]
) -> None:
    """A held-back message's time has come: send the *oldest* one held back on
    this link. Timers due at (nearly) the same instant may fire in any order;
    taking from the queue keeps the link's order, as TCP does. The last one
    out drops the link's (then empty) queue."""
    frames = queue.popleft()
    if not queue and me.late.get(key) is queue:
        del me.late[key]
    with contextlib.suppress(zmq.ZMQError):  # the socket may be closed by now
        _send_now(sock, frames)


def _accept(
    me: Identity,
    frames: list[bytes],
    link_filter: LinkFilter,
    oversized: Callable[[wire.Oversized], None] | None = None,
    unauthenticated: Callable[[list[bytes]], None] | None = None,
) -> Envelope | None:
    """Decode an incoming message, or count why it was dropped (None); a
    message over the size limit is also handed to ``oversized`` (to answer it)."""
    try:
        env = wire.decode(frames, me.signer, me.fsid)
    except wire.Dropped as exc:
        me.drops.count(exc.reason)
        me.note_drop(exc.reason, exc.sender if isinstance(exc, wire.Oversized) else "?")
        log.debug("dropped frame: %s", exc)
        if isinstance(exc, wire.Oversized) and oversized is not None:
            log.warning("refused an oversized message: %s", exc)
            oversized(exc)
        if exc.reason == "unauthenticated" and unauthenticated is not None:
            unauthenticated(frames)  # a refused key (`sim.auth.reject`)
        return None
    except Exception:  # a decoder bug must not make the daemon deaf
        me.drops.count("malformed")
        log.exception("undecodable frame")
        return None
    if not link_filter(env.sender):
        me.drops.count("partitioned")
        me.note("drop_in", env, env.sender, frames, "partitioned")
        return None
    now = time.time()
    refused = me.guard.check(env.sender, env.route, now) if env.route else "malformed"
    if refused:
        me.drops.count(refused)
        me.note("drop_in", env, env.sender, frames, refused)
        if me.guard.should_log(refused, now):  # as Ceph's messenger logs an old message
            log.warning("dropped %s from %s[%s]: %s", env.type.value, env.sender[:64],
                        env.route.describe() if env.route else "?", refused)  # fmt: skip
        return None
    me.note("recv", env, env.sender, frames)
    return env


class Server:
    """A bound ROUTER socket. ``handler(peer, envelope)`` is called for every
    authenticated message; it replies with `reply`."""

    def __init__(
        self,
        ctx: zmq.asyncio.Context,
        me: Identity,
        bind: str,
        handler: Callable[[bytes, Envelope], None],
        link_filter: LinkFilter = _allow_all,
    ) -> None:
        self.me = me
        self.handler = handler
        self.link_filter = link_filter
        self.sock = ctx.socket(zmq.ROUTER)
        tune(self.sock)
        # A peer that reconnects (after a pause, say) keeps its identity: the new
        # connection takes it over. Without this the ROUTER keeps the stale
        # connection and silently drops everything the peer sends afterwards.
        self.sock.setsockopt(zmq.ROUTER_HANDOVER, 1)
        self.sock.bind(bind)
        self.address: str = self.sock.getsockopt_string(zmq.LAST_ENDPOINT)
        self.received = 0
        self._task: asyncio.Task[None] | None = None

    @property
    def host_port(self) -> str:
        """``127.0.0.1:PORT`` for a tcp endpoint."""
        return self.address.split("://", 1)[1]

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="server")

    async def _run(self) -> None:
        while True:
            try:
                frames = await self.sock.recv_multipart(copy=True)
            except zmq.ZMQError as exc:
                if exc.errno in (zmq.ETERM, zmq.ENOTSOCK):
                    return
                raise
            if len(frames) < 2:
                self.me.drops.count("malformed")
                continue
            ident = frames[0]
            env = _accept(
                self.me, frames[1:], self.link_filter, functools.partial(self._refuse, ident),
                functools.partial(self._refuse_key, ident),
            )  # fmt: skip
            if env is None:
                continue
            self.received += 1
            try:
                self.handler(ident, env)
            except Exception:
                # One bad message never takes the daemon down.
                self.me.drops.count("handler_error")
                log.exception("handler failed on %s from %s", env.type.value, env.sender)

    def _refuse(self, ident: bytes, o: wire.Oversized) -> None:
        """Answer a request that was too big to take (never silence)."""
        if o.tid:
            what = (f"{self.me.name}: a message of {o.size} bytes exceeds the "
                    f"{codec.MAX_FRAME_BYTES}-byte message size limit")  # fmt: skip
            self.send(ident, o.sender, CommandReply(-errno.EFBIG, outs=what), tid=o.tid)

    def send(
        self,
        ident: bytes,
        peer_name: str,
        msg: Message,
        tid: int = 0,
        epoch: int = 0,
        peer_nonce: int = 0,
    ) -> None:
        """Fire and forget; a reply over the size limit becomes an EFBIG reply.
        ``peer_nonce``: the peer's incarnation, when known (a reply)."""
        env = Envelope(msg.TYPE, self.me.name, self.me.fsid, tid, msg, epoch)
        if not self.link_filter(peer_name):
            self.me.note("drop_out", env, peer_name, reason="partitioned")
            return
        signer = self.me.signer.for_peer(peer_name)
        route = self.me.route(peer_name, peer_nonce)
        try:
            frames = wire.encode(env, signer, route)
        except wire.FrameTooLarge as exc:
            log.error("not sending %s to %s: %s", msg.TYPE.value, peer_name, exc)
            self.me.drops.count("oversized_send")
            if not isinstance(msg, CommandReply):
                return
            what = f"the reply ({exc.size} bytes) exceeds the {codec.MAX_FRAME_BYTES}-byte limit"
            env = Envelope(msg.TYPE, self.me.name, self.me.fsid, tid,
                           CommandReply(-errno.EFBIG, outs=f"{self.me.name}: {what}"), epoch)  # fmt: skip
            frames = wire.encode(env, signer, route)

        def again(env: Envelope = env) -> list[bytes]:
            return [ident, *wire.encode(env, signer, self.me.route(peer_name, peer_nonce))]

        with contextlib.suppress(zmq.ZMQError):
            _deliver(self.me, peer_name, self.sock, [ident, *frames], env, again)

    def _refuse_key(self, ident: bytes, frames: list[bytes]) -> None:
        """Answer a client's request signed with a key not its entity's (EACCES)."""
        who = reject.to_refuse(frames, self.me.fsid)
        if who is not None and self.link_filter(who[0]):
            with contextlib.suppress(zmq.ZMQError):
                _send_now(self.sock, [ident, *reject.refusal(self.me.name, self.me.fsid, who[1])])

    def reply(self, ident: bytes, request: Envelope, msg: Message, epoch: int = 0) -> None:
        nonce = request.route.nonce if request.route else 0
        self.send(ident, request.sender, msg, tid=request.tid, epoch=epoch, peer_nonce=nonce)

    def close(self) -> None:
        if self._task:
            self._task.cancel()
        self.sock.close(linger=0)


class NotConnected(ConnectionError):
    """The peer cannot be reached right now (nothing was sent)."""


class ConnectionLost(NotConnected):
    """The connection went down while a request was waiting for its reply:
    the peer may have received it (and may be what killed the peer)."""


class Connection:
    """A DEALER connected to one server, with request/reply by tid."""

    def __init__(
        self,
        ctx: zmq.asyncio.Context,
        me: Identity,
        address: str,
        peer_name: str,
        on_message: Callable[[Envelope], None] | None = None,
        on_state: Callable[[bool], None] | None = None,
        heartbeat: float = 0.5,
        heartbeat_timeout: float = 2.0,
        link_filter: LinkFilter = _allow_all,
        immediate: bool = True,
    ) -> None:
        self.me = me
        self.address = address
        self.peer_name = peer_name
        self.on_message = on_message
        self.on_state = on_state
        self.link_filter = link_filter
        self.immediate = immediate
        self.connected = False
        self._up = asyncio.Event()
        self._tids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Envelope]] = {}
        self.sock = ctx.socket(zmq.DEALER)
        tune_dealer(self.sock, me.name, heartbeat, heartbeat_timeout, immediate)
        self._monitor = self.sock.get_monitor_socket(MONITOR_EVENTS)
        self.sock.connect(address)
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._recv_loop(), name=f"conn-{peer_name}"),
            loop.create_task(self._monitor_loop(), name=f"mon-{peer_name}"),
        ]

    async def _recv_loop(self) -> None:
        while True:
            try:
                frames = await self.sock.recv_multipart(copy=True)
            except zmq.ZMQError:
                return
            env = _accept(
                self.me, frames, self.link_filter, self._oversized_reply, self._key_refused
            )
            if env is None:
                continue
            fut = self._pending.pop(env.tid, None) if env.tid else None
            if fut is not None:
                if not fut.done():
                    fut.set_result(env)
                continue
            if self.on_message is not None:
                try:
                    self.on_message(env)
                except Exception:
                    self.me.drops.count("handler_error")
                    log.exception("handler failed on %s from %s", env.type.value, env.sender)

    async def _monitor_loop(self) -> None:
        while True:
            try:
                raw = await self._monitor.recv_multipart()
            except zmq.ZMQError:
                return
            event = monitor_event(raw)
            up = event == zmq.EVENT_HANDSHAKE_SUCCEEDED
            if up == self.connected:
                continue
            self.connected = up
            if up:
                self._up.set()
            else:
                self._up.clear()
                self._fail_pending()
            if self.on_state is not None:
                try:
                    self.on_state(up)
                except Exception:
                    log.exception("connection state callback failed")

    def _oversized_reply(self, o: wire.Oversized) -> None:
        fut = self._pending.pop(o.tid, None) if o.tid else None
        if fut is not None and not fut.done():
            fut.set_exception(wire.FrameTooLarge(o.size))

    def _key_refused(self, frames: list[bytes]) -> None:
        tid = reject.refused_tid(frames, self.me.fsid)
        fut = self._pending.pop(tid, None) if tid else None
        if fut is not None and not fut.done():
            fut.set_exception(reject.PermissionDenied(f"{self.peer_name} refused our key"))

    def _fail_pending(self) -> None:
        pending, self._pending = self._pending, {}
        for fut in pending.values():
            if not fut.done():
                fut.set_exception(ConnectionLost(f"lost connection to {self.peer_name}"))

    async def wait_connected(self, timeout: float) -> bool:
        """Wait for the handshake with the peer; False on timeout."""
        try:
            await asyncio.wait_for(self._up.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def send(self, msg: Message, tid: int = 0, epoch: int = 0) -> None:
        """Fire and forget. Raises NotConnected if the peer is unreachable."""
        env = Envelope(msg.TYPE, self.me.name, self.me.fsid, tid, msg, epoch)
        if not self.link_filter(self.peer_name):
            self.me.note("drop_out", env, self.peer_name, reason="partitioned")
            return  # silently lost, as on a cut network
        if self.immediate and not self.connected and self.me.links.fault_for(self.peer_name):
            raise NotConnected(f"{self.peer_name} is not reachable")  # nothing to delay it on
        try:
            frames = wire.encode(env, self.me.signer, self.me.route(self.peer_name))
            again = lambda: wire.encode(env, self.me.signer, self.me.route(self.peer_name))  # noqa: E731
            sent = _deliver(self.me, self.peer_name, self.sock, frames, env, again)
        except zmq.ZMQError:
            sent = False
        if not sent:
            raise NotConnected(f"{self.peer_name} is not reachable")

    async def request(self, msg: Message, timeout: float) -> Envelope:
        tid = next(self._tids)
        fut: asyncio.Future[Envelope] = asyncio.get_running_loop().create_future()
        self._pending[tid] = fut
        try:
            self.send(msg, tid=tid)
            return await asyncio.wait_for(fut, timeout)
        finally:
            self._pending.pop(tid, None)

    def close(self, linger_ms: int = 0) -> None:
        """Close now; with ``linger_ms``, what was sent but is still queued (the
        peer reconnecting) may go out for that long while the context terminates."""
        for t in self._tasks:
            t.cancel()
        self._fail_pending()
        with contextlib.suppress(zmq.ZMQError):
            self.sock.disable_monitor()
        self._monitor.close(linger=0)
        self.sock.close(linger=linger_ms)
