"""How every ZeroMQ socket of ours is set up, asyncio or blocking.

`sim.transport` (asyncio: daemons, `sim.client`) and `sim.oneshot` (blocking:
the CLI's one-shot command) open their DEALERs here, so both have the same
limits, reconnection, heartbeats, identity and monitor events.

Who may import it: `sim.transport` and `sim.oneshot` (kernel layer; imports
only zmq and `sim.codec`).
"""

from __future__ import annotations

import itertools
import struct

import zmq

from sim import codec

#: what a DEALER's monitor reports: the handshake done, the peer gone
MONITOR_EVENTS = zmq.EVENT_HANDSHAKE_SUCCEEDED | zmq.EVENT_DISCONNECTED | zmq.EVENT_CLOSED

_ids = itertools.count(1)


def monitor_event(raw: list[bytes]) -> int:
    """The event of a monitor message (first frame: 16-bit event, 32-bit value);
    ``zmq.utils.monitor`` would import asyncio for this."""
    if len(raw) != 2 or len(raw[0]) != 6:
        raise ValueError(f"not a monitor event: {raw!r}")
    event: int = struct.unpack("=hi", raw[0])[0]
    return event


def tune(sock: zmq.Socket) -> None:
    """Every socket: no linger at close, ZeroMQ's own size bound (`codec.MAX_WIRE_BYTES`)."""
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.MAXMSGSIZE, codec.MAX_WIRE_BYTES)


def tune_dealer(
    sock: zmq.Socket, name: str, heartbeat: float, heartbeat_timeout: float, immediate: bool
) -> None:
    """A DEALER to one peer: requests never queue for a peer we do not have
    (``immediate``; an event stream may), reconnection every 50-500 ms, ZMTP
    heartbeats (a peer alive but silent is lost after ``heartbeat_timeout``),
    and a routing identity unique to this socket."""
    tune(sock)
    sock.setsockopt(zmq.IMMEDIATE, 1 if immediate else 0)
    sock.setsockopt(zmq.RECONNECT_IVL, 50)
    sock.setsockopt(zmq.RECONNECT_IVL_MAX, 500)
    sock.setsockopt(zmq.HEARTBEAT_IVL, int(heartbeat * 1000))
    sock.setsockopt(zmq.HEARTBEAT_TIMEOUT, int(heartbeat_timeout * 1000))
    sock.setsockopt(zmq.HEARTBEAT_TTL, int(heartbeat_timeout * 1000))
    sock.setsockopt_string(zmq.IDENTITY, f"{name}/{next(_ids)}/{id(sock):x}")
