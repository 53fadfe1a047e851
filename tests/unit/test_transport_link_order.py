"""A link fault's held-back messages leave in the order they were sent
(`sim.transport._deliver`): timers due at nearly the same instant may fire in
any order, the link may not (it stands for a TCP connection)."""

from __future__ import annotations

import asyncio
import time
from typing import Any, cast

import pytest

from sim import transport, wire
from sim.links import LinkFault, Links
from sim.messages import Envelope, Ping
from sim.replay import REPLAYED


class RecordingSocket:
    """What `_send_now` needs of a ZeroMQ socket: a send that completes at once."""

    def __init__(self) -> None:
        self.sent: list[list[bytes]] = []

    def send_multipart(self, frames: list[bytes], flags: int = 0) -> asyncio.Future[None]:
        self.sent.append(frames)
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        fut.set_result(None)
        return fut


@pytest.mark.parametrize(
    "fault", [LinkFault(latency=0.02, jitter=0.05), LinkFault(jitter=0.03, duplicate=0.3)]
)
def test_held_back_messages_keep_the_link_order(fault: LinkFault) -> None:
    async def main() -> list[int]:
        me = transport.Identity(
            "mgr.x", "fsid", wire.Signer(b"k" * 32), wire.DropCounters(), Links(seed=3)
        )
        me.links.set_fault(["mon.a"], fault)
        sock = RecordingSocket()
        for n in range(300):
            ok = transport._deliver(
                me, "mon.a", cast(Any, sock), [str(n).encode()], cast(Envelope, None)
            )
            assert ok
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while (id(sock), "mon.a") in me.late:  # until every held-back copy has left (and its queue)
            assert loop.time() < deadline, f"only {len(sock.sent)} sent"
            await asyncio.sleep(0.01)
        return [int(f[0]) for f in sock.sent]

    got = asyncio.run(main())
    assert len(got) >= 300
    assert got == sorted(got), "a later message overtook an earlier one on the link"


def test_a_link_duplicate_is_numbered_anew_and_taken() -> None:
    """A link's duplicate stands for a resend: a new seq, which the peer's
    guard takes (the same frames twice would be dropped as a replay)."""
    signer = wire.Signer(b"k" * 32)
    peer = transport.Identity("mon.a", "fsid", signer, wire.DropCounters())  # started first

    async def main() -> list[list[bytes]]:
        me = transport.Identity("mgr.x", "fsid", signer, wire.DropCounters(), Links(seed=3))
        me.links.set_fault(["mon.a"], LinkFault(duplicate=1.0))
        sock = RecordingSocket()
        msg = Ping(stamp=1.0)
        env = Envelope(msg.TYPE, "mgr.x", "fsid", 0, msg)

        def frames() -> list[bytes]:
            return wire.encode(env, signer, me.route("mon.a"))

        for _ in range(20):
            assert transport._deliver(me, "mon.a", cast(Any, sock), frames(), env, frames)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while (id(sock), "mon.a") in me.late:
            assert loop.time() < deadline, f"only {len(sock.sent)} sent"
            await asyncio.sleep(0.01)
        return sock.sent

    sent = asyncio.run(main())
    assert len(sent) == 40
    envs = [wire.decode(f, signer, "fsid") for f in sent]
    assert [peer.guard.check(e.sender, e.route, time.time()) for e in envs if e.route] == [""] * 40
    assert peer.guard.check(envs[0].sender, envs[0].route, time.time()) == REPLAYED  # type: ignore[arg-type]
