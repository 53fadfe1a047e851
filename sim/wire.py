"""Framing and authentication: Envelope <-> ZeroMQ frames.

A message is three frames: ``[signature, header, body]``. The header is the
packed envelope fields, the body the packed message fields. The signature is
HMAC-SHA256 over header and body with the cluster's secret (the jupyter_client
scheme), so a frame from another cluster, or forged, or damaged, is refused.
The header's fsid must also be ours. The header also carries a `Route`
(destination, nonce, seq, send time; `sim.replay`), which the transport's
`ReplayGuard` checks, so a frame replayed or sent to the wrong daemon is
refused too.

`decode` raises `Dropped` with a short reason; daemons count the reasons and
keep serving (see `DropCounters`).
"""

from __future__ import annotations

import collections
import hashlib
import hmac
from collections.abc import Sequence

from sim import codec
from sim.messages import Envelope, Message, MsgType, ProtocolError, message_class
from sim.replay import UNROUTED, Route

SIG_BYTES = 32
HEADER_FIELDS = 10  # type, sender, fsid, tid, epoch and the route's five


class Dropped(Exception):
    """A frame that was refused; ``reason`` is one word, for counting."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class FrameTooLarge(ValueError):
    """A message over `codec.MAX_FRAME_BYTES`: refused by its sender."""

    def __init__(self, size: int) -> None:
        super().__init__(
            f"a message of {size} bytes exceeds the {codec.MAX_FRAME_BYTES}-byte message size limit"
        )
        self.size = size


class Oversized(Dropped):
    """A frame over the limit; its (unverified) header's ``tid`` and ``sender``
    let the receiver answer a request with an error instead of silence."""

    def __init__(self, size: int, sender: str, tid: int) -> None:
        super().__init__("oversized", f"{size} bytes from {sender[:64]}")
        self.size, self.sender, self.tid = size, sender, tid


class Signer:
    def __init__(self, key: bytes) -> None:
        if not key:
            raise ValueError("a cluster secret is required")
        self._key = key

    def sign(self, *parts: bytes) -> bytes:
        # Each part is length-prefixed, so bytes cannot move between frames.
        mac = hmac.new(self._key, digestmod=hashlib.sha256)
        for p in parts:
            mac.update(len(p).to_bytes(8, "big"))
            mac.update(p)
        return mac.digest()

    def verify(self, signature: bytes, *parts: bytes) -> bool:
        return hmac.compare_digest(signature, self.sign(*parts))

    def for_peer(self, peer: str) -> Signer:
        """The signer for what is sent to ``peer`` (per-entity keys: `sim.auth.signer`)."""
        return self


def encode(env: Envelope, signer: Signer, route: Route = UNROUTED) -> list[bytes]:
    header = codec.pack([env.type.value, env.sender, env.fsid, env.tid, env.epoch, *route.fields()])
    body = codec.pack(env.msg.to_body())
    if len(header) + len(body) > codec.MAX_FRAME_BYTES:
        raise FrameTooLarge(len(header) + len(body))
    return [signer.sign(header, body), header, body]


def decode(frames: Sequence[bytes], signer: Signer, fsid: str) -> Envelope:
    if len(frames) != 3:
        raise Dropped("malformed", f"{len(frames)} frames")
    signature, header, body = frames
    size = len(header) + len(body)
    if size > codec.MAX_FRAME_BYTES:  # refused before the signature is even computed
        _refuse_oversized(header, size)
    if len(signature) != SIG_BYTES or not signer.verify(signature, header, body):
        raise Dropped("unauthenticated")
    try:
        fields = codec.unpack(header)
    except codec.DecodeError as exc:
        raise Dropped("malformed", str(exc)) from None
    if not (isinstance(fields, list) and len(fields) == HEADER_FIELDS):
        raise Dropped("malformed", "bad header")
    type_s, sender, their_fsid, tid, epoch = fields[:5]
    if not (isinstance(sender, str) and type(tid) is int and type(epoch) is int):
        raise Dropped("malformed", "bad header fields")
    try:
        route = Route.from_fields(fields[5:])
    except ValueError as exc:
        raise Dropped("malformed", str(exc)) from None
    if their_fsid != fsid:
        raise Dropped("wrong_fsid", _show(their_fsid))
    try:
        msg_type = MsgType(type_s)
    except ValueError:
        raise Dropped("unknown_type", _show(type_s)) from None
    try:
        msg: Message = message_class(msg_type).from_body(codec.unpack(body))
    except (codec.DecodeError, ProtocolError) as exc:
        raise Dropped("malformed", str(exc)) from None
    return Envelope(msg_type, sender, fsid, tid, msg, epoch, route)


def _refuse_oversized(header: bytes, size: int) -> None:
    """Raise `Oversized` naming who sent it and its tid (so it can be answered)."""
    try:
        fields = codec.unpack(header)
        sender, tid = str(fields[1]), fields[3]
    except (codec.DecodeError, TypeError, IndexError, KeyError):
        raise Dropped("oversized", f"{size} bytes") from None
    raise Oversized(size, sender, tid if type(tid) is int else 0)


def _show(value: object) -> str:
    """A short, safe description of a hostile value (never its repr)."""
    return value[:64] if isinstance(value, str) else type(value).__name__


class DropCounters:
    """Counts refused frames by reason (reported by every daemon's status)."""

    def __init__(self) -> None:
        self.by_reason: collections.Counter[str] = collections.Counter()

    def count(self, reason: str) -> None:
        self.by_reason[reason] += 1

    @property
    def total(self) -> int:
        return sum(self.by_reason.values())

    def as_dict(self) -> dict[str, int]:
        return dict(self.by_reason)
