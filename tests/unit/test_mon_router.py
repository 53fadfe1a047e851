"""The mon's request router (`mon.requests.Router`) without processes: a peon whose
leader is out of reach answers a request `Retry`, but sends nothing back for a message
sent without a tid (fire and forget: the mgr's ``pg digest``, the fleet's beacons). A
tidless `Retry` is the mon trimming the session, and its client would hunt."""

from __future__ import annotations

import asyncio
from typing import Any

from mon.requests import Router
from sim.messages import Command, Envelope, Message, Retry
from sim.wire import DropCounters


class PeonCutOffFromItsLeader:
    """A `QuorumPort` for a peon of a standing quorum whose leader cannot be reached."""

    epoch = 2

    def in_quorum(self) -> bool:
        return True

    def is_leader(self) -> bool:
        return False

    def leader_rank(self) -> int:
        return 0

    def send_to(self, rank: int, msg: Message) -> bool:
        return False  # the link to the leader is down


class WritesOnly:
    def is_read(self, msg: Message) -> bool:
        return False


def serve(tid: int) -> list[Message]:
    sent: list[Message] = []

    async def go() -> None:
        router = Router(
            "c",
            PeonCutOffFromItsLeader(),  # type: ignore[arg-type]
            WritesOnly(),  # type: ignore[arg-type]
            None,  # type: ignore[arg-type]
            lambda ident, env, msg: sent.append(msg),
            lambda entries: None,
            DropCounters(),
        )
        cmd: dict[str, Any] = {"prefix": "pg digest", "digest": {}}
        router.on_request(b"mgr.x", Envelope(Command.TYPE, "mgr.x", "fsid", tid, Command(cmd=cmd)))
        await asyncio.gather(*router._tasks)

    asyncio.run(go())
    return sent


def test_a_request_the_peon_cannot_forward_is_answered_retry() -> None:
    [reply] = serve(tid=7)
    assert isinstance(reply, Retry) and reply.reason == "the leader is not reachable"


def test_a_fire_and_forget_message_gets_no_retry() -> None:
    assert serve(tid=0) == []
