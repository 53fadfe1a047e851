"""A daemon's refusal of a client's key, as the client sees it.

Ceph's mon ends the cephx handshake of a client whose key is not the one of
the entity it claims with EACCES, and the CLI prints ``[errno 13] RADOS
permission denied (error connecting to the cluster)``. Here a request frame
whose signature is not the claimed entity's is dropped and counted
(``unauthenticated``) like any other, and the server answers it with a
*refusal*: the same three frames with `MARK` where the signature goes, a
header naming the request's tid, no body. The client fails that request
with `PermissionDenied` (`sim.transport.Connection`), its MonClient stops
hunting (`sim.monc`), the CLI exits 13.

A refusal is not signed (the server does not know a key the client holds):
it can only be sent by the peer the client's DEALER is connected to, and all
it can do is make that request fail (docs/security.md).

Who may import it: the transport, the MonClient, the CLI and tests.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim import codec

MARK = b"cephx-refused".ljust(32, b"\0")  # where the signature goes
REFUSAL = "auth_refused"
# entity types that are daemons: their frames carry the service secret
DAEMON_TYPES = frozenset({"mon", "mgr", "osd", "mds", "rgw", "fleet", "sim"})


class PermissionDenied(PermissionError):
    """The cluster refused this client's key (EACCES)."""


def _header(frames: Sequence[bytes]) -> list[object] | None:
    if len(frames) != 3:
        return None
    try:
        fields = codec.unpack(frames[1])
    except codec.DecodeError:
        return None
    # the envelope's five fields first (a route may follow them)
    return fields[:5] if isinstance(fields, list) and len(fields) >= 5 else None


def to_refuse(frames: Sequence[bytes], fsid: str) -> tuple[str, int] | None:
    """(sender, tid) of an unauthenticated request that gets a refusal: a
    client's (not a daemon's) request of this cluster; None otherwise."""
    h = _header(frames)
    if h is None or frames[0] == MARK:
        return None
    _type, sender, their_fsid, tid, _epoch = h
    if not isinstance(sender, str) or type(tid) is not int or tid <= 0 or their_fsid != fsid:
        return None
    if sender.partition(".")[0] in DAEMON_TYPES:
        return None
    return sender, tid


def refusal(me: str, fsid: str, tid: int) -> list[bytes]:
    return [MARK, codec.pack([REFUSAL, me, fsid, tid, 0]), b""]


def refused_tid(frames: Sequence[bytes], fsid: str) -> int | None:
    """The tid a refusal answers (None if ``frames`` is not one)."""
    h = _header(frames)
    if h is None or frames[0] != MARK or h[0] != REFUSAL or h[2] != fsid:
        return None
    tid = h[3]
    return tid if type(tid) is int and tid > 0 else None
