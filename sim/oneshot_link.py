"""One blocking DEALER to one daemon for `sim.oneshot.OneShot`: the socket,
its monitor, sends signed and routed frames, keeps the replies by tid, and
turns a refused key into `sim.auth.reject.PermissionDenied` for its request.

Who may import it: `sim.oneshot` (and tests).
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

import zmq

from sim import wire
from sim.auth import reject
from sim.dealer import MONITOR_EVENTS, monitor_event, tune_dealer
from sim.messages import Envelope, Message


class NotConnected(ConnectionError):
    """The peer cannot be reached right now (nothing was sent)."""


class ConnectionLost(NotConnected):
    """The connection went down while a request waited for its reply."""


class _Link:
    """One blocking DEALER to one daemon, with its monitor; `sim.transport.Connection`'s
    sockets and options (`sim.dealer`), replies kept by tid until taken."""

    def __init__(
        self, shot: Any, address: str, peer: str, heartbeat: float, heartbeat_timeout: float
    ) -> None:
        self.shot, self.address, self.peer = shot, address, peer
        self.sock = shot.ctx.socket(zmq.DEALER)
        tune_dealer(self.sock, shot.name, heartbeat, heartbeat_timeout, immediate=True)
        self.monitor = self.sock.get_monitor_socket(MONITOR_EVENTS)
        self.sock.connect(address)
        self.connected = False
        self.downs = 0  # times the connection went down after being up
        self.replies: dict[int, Envelope | Exception] = {}
        self.waiting: set[int] = set()
        self._tid = 0

    def send(self, msg: Message, request: bool = True) -> int:
        """Send now: a request (its tid, whose reply is kept) or fire and forget
        (tid 0); NotConnected if ZeroMQ has no peer to give it to."""
        tid = 0
        if request:
            self._tid += 1
            tid = self._tid
        env = Envelope(msg.TYPE, self.shot.name, self.shot.fsid, tid, msg, 0)
        route = self.shot.seqs.route(self.peer, 0, time.time())
        frames = wire.encode(env, self.shot.signer, route)  # FrameTooLarge: refused before sending
        try:
            self.sock.send_multipart(frames, flags=zmq.NOBLOCK)
        except zmq.ZMQError:
            raise NotConnected(f"{self.peer} is not reachable") from None
        if tid:
            self.waiting.add(tid)
        return tid

    def forget(self, tid: int) -> None:
        self.waiting.discard(tid)
        self.replies.pop(tid, None)

    def on_monitor(self) -> None:
        while True:
            try:
                raw = self.monitor.recv_multipart(flags=zmq.NOBLOCK)
            except zmq.ZMQError:
                return
            up = monitor_event(raw) == zmq.EVENT_HANDSHAKE_SUCCEEDED
            if up == self.connected:
                continue
            self.connected = up
            if not up:
                self.downs += 1
                for tid in self.waiting:  # what was asked may have been received
                    self.replies.setdefault(tid, ConnectionLost(f"lost connection to {self.peer}"))
                self.waiting.clear()
                if self is self.shot.mon:
                    self.shot.lose_session()

    def on_readable(self) -> None:
        while True:
            try:
                frames = self.sock.recv_multipart(flags=zmq.NOBLOCK)
            except zmq.ZMQError:
                return
            try:
                env = wire.decode(frames, self.shot.signer, self.shot.fsid)
            except wire.Oversized as o:  # a reply too big to take fails its request
                self._fail(o.tid, wire.FrameTooLarge(o.size))
                continue
            except wire.Dropped as exc:
                if exc.reason == "unauthenticated":  # `sim.auth.reject`: our key was refused
                    tid = reject.refused_tid(frames, self.shot.fsid)
                    self._fail(tid, reject.PermissionDenied(f"{self.peer} refused our key"))
                continue
            if not env.route or self.shot.guard.check(env.sender, env.route, time.time()):
                continue  # a replayed or unrouted frame (`sim.replay`)
            if env.tid in self.waiting:
                self.waiting.discard(env.tid)
                self.replies[env.tid] = env
            elif self is self.shot.mon:
                self.shot.on_unsolicited(env)

    def _fail(self, tid: int | None, exc: Exception) -> None:
        """The request ``tid`` (if one is waiting) gets ``exc`` as its reply."""
        if tid in self.waiting:
            self.waiting.discard(tid)
            self.replies[tid] = exc

    def close(self) -> None:
        if self not in self.shot.links:
            return
        self.shot.links.remove(self)
        with contextlib.suppress(zmq.ZMQError):
            self.sock.disable_monitor()
        self.monitor.close(linger=0)
        self.sock.close(linger=0)
