"""Fake mons on real ZeroMQ ROUTER sockets for `sim.oneshot.OneShot`'s unit
tests: each runs in a thread on 127.0.0.1 at a random port, answers Hello,
Ping and Command as a script says, and counts the commands it got.

Who may import it: tests/unit only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import zmq

from sim import wire
from sim.auth import reject
from sim.auth.keys import generate_key, secret_of
from sim.cluster import ClusterSpec, RunDir
from sim.messages import (
    Command,
    CommandReply,
    Envelope,
    Hello,
    HelloReply,
    MapUpdate,
    Message,
    Ping,
    Pong,
    Subscribe,
)
from sim.options import Profile, defaults
from sim.replay import Route, Sequencer

Answer = Callable[[Command], Message | None]


def make_run_dir(path: Path, ports: list[int], **options: object) -> tuple[RunDir, wire.Signer]:
    """A run directory with mons a, b, ... at ``ports`` and a client.admin keyring
    (the fast profile's options, and ``options``)."""
    mons = [chr(ord("a") + i) for i in range(len(ports))]
    run = RunDir(path)
    run.create(ClusterSpec.new(mons, [], ports, options={**defaults(Profile.FAST), **options}))
    key = generate_key()
    (path / "ceph.client.admin.keyring").write_text(f"[client.admin]\n\tkey = {key}\n")
    return run, wire.Signer(secret_of(key))


class FakeMon:
    def __init__(self, ctx: zmq.Context, name: str) -> None:
        """Bound at once; `start` it with the cluster's fsid and client key."""
        self.name, self.fsid = name, ""
        self.signer = wire.Signer(b"unset")  # the cluster's client key, given to start
        self.sock = ctx.socket(zmq.ROUTER)
        self.port = self.sock.bind_to_random_port("tcp://127.0.0.1")
        self.in_quorum = True
        self.answer: Answer = lambda c: CommandReply(retval=0, outbuf=b"ok " + self.name.encode())
        self.commands: list[dict] = []
        self.hellos = 0
        self.refuse = False
        self.die_on_command = False
        self.on_die: Callable[[], None] = lambda: None
        self.mgrmap: dict = {}  # sent on Subscribe and, when it changes, to the subscriber
        self.mgrmap_epoch = 0
        self._sent_epoch = 0
        self._subscriber: tuple[bytes, str] | None = None
        self.raw: Callable[[Envelope], list[list[bytes]]] | None = None
        self.seqs = Sequencer()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self, fsid: str, signer: wire.Signer) -> None:
        self.fsid, self.signer = fsid, signer
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close(linger=0)

    def set_mgrmap(self, active: str, port: int) -> None:
        """The MgrMap names ``active`` at ``port`` (pushed by the fake's thread)."""
        addrs = {"addrvec": [{"type": "v2", "addr": f"127.0.0.1:{port}", "nonce": 0}]}
        self.mgrmap = {"available": True, "active_name": active, "active_addrs": addrs}
        self.mgrmap_epoch += 1

    def frames(self, env: Envelope, msg: Message, route: Route | None = None) -> list[bytes]:
        """The signed frames answering ``env`` with ``msg`` (a fresh route unless given)."""
        out = Envelope(msg.TYPE, self.name, self.fsid, env.tid, msg, 0)
        route = route or self.seqs.route(env.sender, 0, time.time())
        return wire.encode(out, self.signer, route)

    def _reply(self, ident: bytes, env: Envelope, msg: Message) -> None:
        self.sock.send_multipart([ident, *self.frames(env, msg)])

    def _run(self) -> None:
        while not self._stop.is_set():
            sub = self._subscriber
            if sub is not None and self._sent_epoch < self.mgrmap_epoch:
                self._sent_epoch = self.mgrmap_epoch
                up = MapUpdate(name="mgrmap", epoch=self.mgrmap_epoch, map=self.mgrmap)
                hdr = Envelope(up.TYPE, sub[1], self.fsid, 0, up, 0)
                self.sock.send_multipart([sub[0], *self.frames(hdr, up)])
            if not self.sock.poll(5):
                continue
            ident, *frames = self.sock.recv_multipart()
            env = wire.decode(frames, self.signer, self.fsid)
            msg = env.msg
            if isinstance(msg, Hello):
                self.hellos += 1
                mon = self.name.removeprefix("mon.")
                self._reply(
                    ident, env, HelloReply(global_id=4100, mon_name=mon, in_quorum=self.in_quorum)
                )
            elif isinstance(msg, Subscribe):
                self._subscriber, self._sent_epoch = (ident, env.sender), 0
            elif isinstance(msg, Ping):
                self._reply(ident, env, Pong(in_quorum=self.in_quorum))
            elif isinstance(msg, Command):
                self.commands.append(msg.cmd)
                if self.refuse:  # `sim.auth.reject`: as a mon that does not know our key
                    self.sock.send_multipart(
                        [ident, *reject.refusal(self.name, self.fsid, env.tid)]
                    )
                    continue
                if self.die_on_command:  # gone while running it: the socket closes
                    self.on_die()
                    self.sock.close(linger=0)
                    return
                if self.raw is not None:  # the test writes the frames itself
                    for out in self.raw(env):
                        self.sock.send_multipart([ident, *out])
                    continue
                got = self.answer(msg)
                if got is not None:
                    self._reply(ident, env, got)
