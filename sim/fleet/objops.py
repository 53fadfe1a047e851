"""The object ops of a RADOS op, applied to one object: a pure core.

An `OsdOp` carries a list of ops (``[[name, args…], …]``), applied in order
to a copy of the object and kept only if every one succeeds (Ceph applies a
compound op as one transaction). Reads return results; writes change the
copy. Errors are negative errnos as librados returns them: ``-ENOENT`` for
a missing object (reads, ``remove``, ``rmxattr``, ``omap_rm_keys``),
``-EEXIST`` for an exclusive ``create`` of an existing one, ``-ENODATA``
for a missing xattr, ``-EINVAL`` for a malformed op.

A removed object leaves a *tombstone* (``exists`` False, its version kept),
so that recovery can tell "deleted at v7" from "never written" and a stale
replica cannot bring the object back.

`plan_recovery` is the pure part of recovery: given every source OSD's
versions of a PG's objects, it says which OSD must copy what from whom
(the newest version wins).
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sim.fleet import cls_lock

MAX_OBJECT = 128 << 20  # osd_max_object_size
MAX_LIST = 100_000  # keys per omap read


class OpError(Exception):
    def __init__(self, err: int, what: str = "") -> None:
        super().__init__(what or errno.errorcode.get(err, str(err)))
        self.errno = err


@dataclass
class ObjectState:
    """One object as one OSD stores it."""

    exists: bool = False
    version: int = 0
    mtime: float = 0.0
    data: bytes = b""
    xattrs: dict[str, bytes] = field(default_factory=dict)
    omap: dict[str, bytes] = field(default_factory=dict)

    def copy(self) -> ObjectState:
        return replace(self, xattrs=dict(self.xattrs), omap=dict(self.omap))


def _bytes(v: Any) -> bytes:
    if isinstance(v, bytes):
        return v
    if isinstance(v, str):
        return v.encode()
    raise OpError(errno.EINVAL, f"expected bytes, got {type(v).__name__}")


def _int(v: Any, lo: int = 0) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < lo:
        raise OpError(errno.EINVAL, f"expected an integer >= {lo}")
    return v


def _str(v: Any) -> str:
    if not isinstance(v, str):
        raise OpError(errno.EINVAL, "expected a string")
    return v


def _need(o: ObjectState) -> None:
    if not o.exists:
        raise OpError(errno.ENOENT)


def _touch(o: ObjectState) -> None:
    if not o.exists:
        o.exists, o.data, o.xattrs, o.omap = True, b"", {}, {}


def _write_at(o: ObjectState, off: int, data: bytes) -> None:
    if off + len(data) > MAX_OBJECT:
        raise OpError(errno.EFBIG)
    _touch(o)
    cur = o.data
    if off > len(cur):
        cur = cur + bytes(off - len(cur))
    o.data = cur[:off] + data + cur[off + len(data) :]


# --- reads ---------------------------------------------------------------------------


def _read(o: ObjectState, a: list[Any]) -> Any:
    _need(o)
    off, length = _int(a[0]), _int(a[1])
    return o.data[off : off + length] if length else o.data[off:]


def _stat(o: ObjectState, a: list[Any]) -> Any:
    _need(o)
    return [len(o.data), o.mtime]


def _getxattr(o: ObjectState, a: list[Any]) -> Any:
    _need(o)
    name = _str(a[0])
    if name not in o.xattrs:
        raise OpError(errno.ENODATA)
    return o.xattrs[name]


def _getxattrs(o: ObjectState, a: list[Any]) -> Any:
    _need(o)
    return [[k, v] for k, v in sorted(o.xattrs.items())]


def _omap_get_vals(o: ObjectState, a: list[Any]) -> Any:
    _need(o)
    after, prefix, n = _str(a[0]), _str(a[1]), min(_int(a[2]), MAX_LIST)
    keys = [k for k in sorted(o.omap) if k > after and k.startswith(prefix)]
    return [[[k, o.omap[k]] for k in keys[:n]], len(keys) > n]


def _omap_get_keys(o: ObjectState, a: list[Any]) -> Any:
    _need(o)
    after, n = _str(a[0]), min(_int(a[1]), MAX_LIST)
    keys = [k for k in sorted(o.omap) if k > after]
    return [[[k, b""] for k in keys[:n]], len(keys) > n]


def _omap_get_vals_by_keys(o: ObjectState, a: list[Any]) -> Any:
    _need(o)
    keys = [_str(k) for k in a[0]]
    return [[[k, o.omap[k]] for k in keys if k in o.omap], False]


def _assert_exists(o: ObjectState, a: list[Any]) -> Any:
    _need(o)
    return None


# --- writes ---------------------------------------------------------------------------


def _create(o: ObjectState, a: list[Any]) -> Any:
    if o.exists and a and a[0]:
        raise OpError(errno.EEXIST)
    _touch(o)


def _write(o: ObjectState, a: list[Any]) -> Any:
    _write_at(o, _int(a[0]), _bytes(a[1]))


def _write_full(o: ObjectState, a: list[Any]) -> Any:
    data = _bytes(a[0])
    if len(data) > MAX_OBJECT:
        raise OpError(errno.EFBIG)
    _touch(o)
    o.data = data


def _append(o: ObjectState, a: list[Any]) -> Any:
    _write_at(o, len(o.data) if o.exists else 0, _bytes(a[0]))


def _truncate(o: ObjectState, a: list[Any]) -> Any:
    size = _int(a[0])
    if size > MAX_OBJECT:
        raise OpError(errno.EFBIG)
    _touch(o)
    o.data = o.data[:size] + bytes(max(0, size - len(o.data)))


def _remove(o: ObjectState, a: list[Any]) -> Any:
    _need(o)
    o.exists, o.data, o.xattrs, o.omap = False, b"", {}, {}


def _setxattr(o: ObjectState, a: list[Any]) -> Any:
    _touch(o)
    o.xattrs[_str(a[0])] = _bytes(a[1])


def _rmxattr(o: ObjectState, a: list[Any]) -> Any:
    _need(o)
    name = _str(a[0])
    if name not in o.xattrs:
        raise OpError(errno.ENODATA)
    del o.xattrs[name]


def _omap_set(o: ObjectState, a: list[Any]) -> Any:
    if not isinstance(a[0], dict):
        raise OpError(errno.EINVAL, "omap_set needs a map")
    _touch(o)
    o.omap.update({_str(k): _bytes(v) for k, v in a[0].items()})


def _omap_rm_keys(o: ObjectState, a: list[Any]) -> Any:
    _need(o)
    for k in a[0]:
        o.omap.pop(_str(k), None)


def _omap_clear(o: ObjectState, a: list[Any]) -> Any:
    _need(o)
    o.omap = {}


def _lock(o: ObjectState, a: list[Any]) -> Any:
    try:
        cls_lock.lock(o, a)
    except cls_lock.LockError as exc:
        raise OpError(exc.errno) from None


def _unlock(o: ObjectState, a: list[Any]) -> Any:
    try:
        cls_lock.unlock(o, a)
    except cls_lock.LockError as exc:
        raise OpError(exc.errno) from None


OpFn = Callable[[ObjectState, list[Any]], Any]
# name -> (function, number of arguments, is a write)
OPS: dict[str, tuple[OpFn, int, bool]] = {
    "read": (_read, 2, False),
    "stat": (_stat, 0, False),
    "getxattr": (_getxattr, 1, False),
    "getxattrs": (_getxattrs, 0, False),
    "omap_get_vals": (_omap_get_vals, 3, False),
    "omap_get_keys": (_omap_get_keys, 2, False),
    "omap_get_vals_by_keys": (_omap_get_vals_by_keys, 1, False),
    "assert_exists": (_assert_exists, 0, False),
    "create": (_create, 1, True),
    "write": (_write, 2, True),
    "write_full": (_write_full, 1, True),
    "append": (_append, 1, True),
    "truncate": (_truncate, 1, True),
    "remove": (_remove, 0, True),
    "setxattr": (_setxattr, 2, True),
    "rmxattr": (_rmxattr, 1, True),
    "omap_set": (_omap_set, 1, True),
    "omap_rm_keys": (_omap_rm_keys, 1, True),
    "omap_clear": (_omap_clear, 0, True),
    "lock": (_lock, 10, True),  # cls_lock
    "unlock": (_unlock, 3, True),
}


def _writes(ops: list[Any]) -> Iterator[bool]:
    """For each known op of ``ops``: whether it changes the object."""
    for op in ops:
        if isinstance(op, list) and op and isinstance(op[0], str) and op[0] in OPS:
            yield OPS[op[0]][2]


def is_write(ops: list[Any]) -> bool:
    """True if any op changes the object (unknown ops count as reads: they fail)."""
    return any(_writes(ops))


def is_read(ops: list[Any]) -> bool:
    """True if any known op only reads the object."""
    return not all(_writes(ops))


@dataclass(frozen=True)
class Outcome:
    retval: int
    results: list[Any]
    state: ObjectState  # the new state (the old one when nothing was written)
    wrote: bool


def apply(obj: ObjectState, ops: list[Any], version: int, mtime: float) -> Outcome:
    """Apply ``ops`` to a copy of ``obj``; a write gets ``version`` and ``mtime``."""
    new = obj.copy()
    results: list[Any] = []
    wrote = False
    for op in ops:
        if not (isinstance(op, list) and op and isinstance(op[0], str) and op[0] in OPS):
            return Outcome(-errno.EINVAL, results, obj, False)
        fn, nargs, write = OPS[op[0]]
        if len(op) - 1 != nargs:
            return Outcome(-errno.EINVAL, results, obj, False)
        try:
            results.append(fn(new, op[1:]))
        except OpError as exc:
            return Outcome(-exc.errno, results, obj, False)
        wrote = wrote or write
    if not wrote:
        return Outcome(0, results, obj, False)
    new.version, new.mtime = version, mtime
    return Outcome(0, results, new, True)


def plan_recovery(
    versions: Mapping[int, Mapping[str, int]], targets: list[int]
) -> dict[int, list[tuple[str, int]]]:
    """What each target OSD must copy: ``{osd: [(key, source_osd), …]}``.

    ``versions`` is every reachable OSD's ``{object key: version}`` for one PG
    (tombstones included); for each object the OSD with the highest version
    is the source, and every target below it copies from it."""
    best: dict[str, tuple[int, int]] = {}
    for osd, objs in versions.items():
        for key, v in objs.items():
            if key not in best or v > best[key][0]:
                best[key] = (v, osd)
    out: dict[int, list[tuple[str, int]]] = {}
    for t in targets:
        mine = versions.get(t, {})
        todo = [(k, src) for k, (v, src) in sorted(best.items()) if mine.get(k, -1) < v]
        if todo:
            out[t] = todo
    return out
