"""``cls_lock``: advisory locks on an object, as Ceph's object class keeps them.

A lock has a name, a type (exclusive or shared, with a tag for shared ones)
and a set of lockers, each ``(entity, cookie)`` with its address, description
and expiry. Its state is the object's xattr ``lock.<name>`` (so it replicates
and recovers with the object, as in Ceph); locking a missing object creates it.

Rules (Ceph's ``lock_obj`` / ``unlock_obj``):
- expired lockers are dropped first;
- the same locker again: ``-EEXIST``, unless ``flags`` has ``MAY_RENEW`` (1) or
  ``MUST_RENEW`` (2), which extend its expiry;
- ``MUST_RENEW`` by a locker that does not hold the lock: ``-ENOENT``;
- another locker holds it exclusively, or this is exclusive while others hold
  it, or the shared tags differ: ``-EBUSY``;
- unlock of a locker that does not hold it: ``-ENOENT``.

The ops' arguments: ``["lock", name, type, cookie, tag, desc, duration, flags,
entity, addr, now]`` (``duration`` 0 = never expires; ``now`` the client's
clock, the one the OSDs share here) and ``["unlock", name, cookie, entity]``.
"""

from __future__ import annotations

import errno
import json
from typing import Any, Protocol


class ObjectState(Protocol):
    """What a lock op uses of `sim.fleet.objops.ObjectState`."""

    exists: bool
    data: bytes
    xattrs: dict[str, bytes]
    omap: dict[str, bytes]


EXCLUSIVE, SHARED = 1, 2
MAY_RENEW, MUST_RENEW = 1, 2
PREFIX = "lock."


class LockError(Exception):
    def __init__(self, err: int) -> None:
        super().__init__(errno.errorcode.get(err, str(err)))
        self.errno = err


def _info(o: ObjectState, name: str) -> dict[str, Any]:
    raw = o.xattrs.get(PREFIX + name)
    if not raw:
        return {"type": 0, "tag": "", "lockers": []}
    info: dict[str, Any] = json.loads(raw)
    return info


def _save(o: ObjectState, name: str, info: dict[str, Any]) -> None:
    if info["lockers"]:
        o.xattrs[PREFIX + name] = json.dumps(info, sort_keys=True).encode()
    else:
        o.xattrs.pop(PREFIX + name, None)


def _check(a: list[Any], types: tuple[Any, ...]) -> None:
    if len(a) != len(types) or not all(
        isinstance(v, t) and not isinstance(v, bool) for v, t in zip(a, types, strict=True)
    ):
        raise LockError(errno.EINVAL)


def lock(o: ObjectState, a: list[Any]) -> None:
    _check(a, (str, int, str, str, str, (int, float), int, str, str, (int, float)))
    name, ltype, cookie, tag, desc, duration, flags, entity, addr, now = a
    if ltype not in (EXCLUSIVE, SHARED) or duration < 0 or not name:
        raise LockError(errno.EINVAL)
    if not o.exists:
        o.exists, o.data, o.xattrs, o.omap = True, b"", {}, {}
    info = _info(o, name)
    lockers = [lk for lk in info["lockers"] if not lk["expiration"] or lk["expiration"] > now]
    mine = next((lk for lk in lockers if (lk["entity"], lk["cookie"]) == (entity, cookie)), None)
    expiration = now + duration if duration else 0
    if mine is not None:
        if not flags & (MAY_RENEW | MUST_RENEW):
            raise LockError(errno.EEXIST)
        mine["expiration"] = expiration
    elif flags & MUST_RENEW:
        raise LockError(errno.ENOENT)
    else:
        if lockers and (
            ltype == EXCLUSIVE or info["type"] == EXCLUSIVE or info["tag"] != tag
        ):  # fmt: skip
            raise LockError(errno.EBUSY)
        lockers.append({"entity": entity, "cookie": cookie, "addr": addr,
                        "description": desc, "expiration": expiration})  # fmt: skip
        info["type"], info["tag"] = ltype, tag
    info["lockers"] = lockers
    _save(o, name, info)


def unlock(o: ObjectState, a: list[Any]) -> None:
    _check(a, (str, str, str))
    name, cookie, entity = a
    if not o.exists:
        raise LockError(errno.ENOENT)
    info = _info(o, name)
    kept = [lk for lk in info["lockers"] if (lk["entity"], lk["cookie"]) != (entity, cookie)]
    if len(kept) == len(info["lockers"]):
        raise LockError(errno.ENOENT)
    info["lockers"] = kept
    _save(o, name, info)
