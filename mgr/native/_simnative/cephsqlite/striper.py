"""`Striper`: one file's bytes striped over RADOS objects, as libcephsqlite's SimpleRADOSStriper.

Layout (what Ceph's striper writes, so a database looks the same in a pool):

- byte ``off`` of file ``<oid>`` lives in object ``<oid>.<16 hex digits of
  off >> object_size>`` at ``off & (2**object_size - 1)``; objects are
  4 MiB (``object_size`` 22) unless the first object's layout says otherwise;
- the first object (``<oid>.0000000000000000``) carries the metadata as
  xattrs, numbers as 16-digit zero-padded decimals: ``striper.size`` (the
  file's length), ``striper.allocated`` (objects may exist below this
  offset), ``striper.version`` (bumped on every metadata update),
  ``striper.excl`` (the address of the client holding the lock, empty when
  none) and ``striper.layout.{stripe_unit,stripe_count,object_size}``;
- the lock is the exclusive advisory lock ``striper.lock`` (description
  ``SimpleRADOSStriper``) on the first object, taken for
  ``cephsqlite_lock_renewal_timeout`` and renewed every
  ``cephsqlite_lock_renewal_interval`` by a `LockKeeper` thread. A lock
  whose ``striper.excl`` is not empty was not released by its holder (it
  died): the new holder blocklists the old address (when
  ``cephsqlite_blocklist_dead_locker``) and takes over.

Differences from Ceph's striper, all on the safe side: writes are
synchronous (Ceph queues aio writes and waits in ``flush``); a read stops at
the file's size and the VFS zero-fills the rest (Ceph reads the objects
past it); ``truncate`` removes the objects past the new size at once (Ceph
keeps 128 MiB of slack); ``create`` initialises the metadata under the lock
(Ceph uses one exclusive-create compound op, which the Python binding lacks).

Every RADOS call goes through the ``rados.Ioctx`` API (``read``, ``write``,
``trunc``, ``remove_object``, ``get_xattr``, ``set_xattr``,
``lock_exclusive``, ``unlock``, and ``get_xattrs`` where it has it); errors are the binding's exceptions, told
apart by their ``errno``.
"""

from __future__ import annotations

import errno
import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger("cephsqlite")

XATTR_EXCL = "striper.excl"
XATTR_SIZE = "striper.size"
XATTR_ALLOCATED = "striper.allocated"
XATTR_VERSION = "striper.version"
XATTR_LAYOUT_STRIPE_UNIT = "striper.layout.stripe_unit"
XATTR_LAYOUT_STRIPE_COUNT = "striper.layout.stripe_count"
XATTR_LAYOUT_OBJECT_SIZE = "striper.layout.object_size"
LOCK_NAME = "striper.lock"
LOCK_DESC = "SimpleRADOSStriper"
LOCK_FLAG_MUST_RENEW = 2  # librados' LIBRADOS_LOCK_FLAG_MUST_RENEW
EBLOCKLISTED = errno.ESHUTDOWN  # Ceph's EBLOCKLISTED
BUSY_RETRY = 0.005  # s between lock attempts, as Ceph's striper


class Ioctx(Protocol):
    """The part of ``rados.Ioctx`` the striper uses."""

    def read(self, key: str, length: int = ..., offset: int = ...) -> bytes: ...
    def write(self, key: str, data: bytes, offset: int = ...) -> Any: ...
    def trunc(self, key: str, size: int) -> Any: ...
    def remove_object(self, key: str) -> Any: ...
    def get_xattr(self, key: str, xattr_name: str) -> bytes: ...
    def set_xattr(self, key: str, xattr_name: str, xattr_value: bytes) -> Any: ...
    def lock_exclusive(
        self,
        key: str,
        name: str,
        cookie: str,
        desc: str = ...,
        duration: Any = ...,
        flags: int = ...,
    ) -> Any: ...
    def unlock(self, key: str, name: str, cookie: str) -> Any: ...


@dataclass
class Settings:
    """libcephsqlite's options (milliseconds, as Ceph's)."""

    lock_renewal_timeout_ms: int = 30000
    lock_renewal_interval_ms: int = 2000
    blocklist_dead_locker: bool = True
    object_size: int = 22  # log2 of the object size of new files

    @property
    def lock_duration_s(self) -> int:
        # the Python binding's lock duration is whole seconds
        return max(1, -(-self.lock_renewal_timeout_ms // 1000))


class StriperError(Exception):
    """A striper operation failed with ``errno`` (positive)."""

    def __init__(self, err: int, what: str) -> None:
        super().__init__(f"{what}: {errno.errorcode.get(err, err)}")
        self.errno = err


def err_no(exc: BaseException) -> int:
    """The positive errno of a binding error (EIO when it has none)."""
    e = getattr(exc, "errno", None)
    return abs(e) if isinstance(e, int) and e else errno.EIO


def uint(v: int) -> bytes:
    return b"%016d" % v


class Striper:
    """One striped file; not thread-safe on its own (SQLite serialises a file's calls)."""

    def __init__(
        self,
        ioctx: Ioctx,
        oid: str,
        *,
        myaddrs: str,
        settings: Settings,
        keeper: LockKeeper,
        mon_command: Any = None,
    ) -> None:
        self.ioctx = ioctx
        self.oid = oid
        self.myaddrs = myaddrs
        self.settings = settings
        self.keeper = keeper
        self.mon_command = mon_command
        self.object_size = settings.object_size
        self.cookie = str(uuid.uuid4())
        self.size = 0
        self.allocated = 0
        self.version = 0
        self.size_dirty = False
        self.locked = False
        self.blocklisted = False
        self.counters: dict[str, int] = {}
        self.mutex = threading.Lock()  # the lock state, shared with the keeper's renewals

    # --- layout -----------------------------------------------------------------

    def soid(self, index: int) -> str:
        return f"{self.oid}.{index:016x}"

    @property
    def first(self) -> str:
        return self.soid(0)

    def extents(self, off: int, length: int) -> list[tuple[str, int, int]]:
        """(object, offset in it, length) for the bytes ``off .. off+length``."""
        out = []
        obj = 1 << self.object_size
        while length > 0:
            index, inner = off >> self.object_size, off & (obj - 1)
            n = min(length, obj - inner)
            out.append((self.soid(index), inner, n))
            off, length = off + n, length - n
        return out

    def _count(self, name: str, n: int = 1) -> None:
        self.counters[name] = self.counters.get(name, 0) + n

    def _check(self) -> None:
        if self.blocklisted:
            raise StriperError(EBLOCKLISTED, f"{self.oid}: lost the lock")

    # --- metadata -------------------------------------------------------------

    def create(self) -> None:
        """Make the file if it does not exist (under the lock, so never over a live file)."""
        self._check()
        held = self.locked
        if not held:
            self._take_lock()
        try:
            if XATTR_SIZE in self.xattrs():
                return
            for name, value in (
                (XATTR_VERSION, uint(0)),
                (XATTR_SIZE, uint(0)),
                (XATTR_ALLOCATED, uint(0)),
                (XATTR_LAYOUT_STRIPE_UNIT, uint(1)),
                (XATTR_LAYOUT_STRIPE_COUNT, uint(1)),
                (XATTR_LAYOUT_OBJECT_SIZE, uint(1 << self.object_size)),
            ):
                self.ioctx.set_xattr(self.first, name, value)
        finally:
            if not held:
                self._release_lock()

    def open(self, xattrs: dict[str, bytes] | None = None) -> None:
        """Read the metadata (raises ENOENT/ENODATA for a file that does not exist)."""
        self._check()
        x = self.xattrs() if xattrs is None else xattrs
        if XATTR_SIZE not in x:
            raise StriperError(errno.ENODATA, f"{self.oid}: not a striped file")
        self.size = int(x[XATTR_SIZE] or b"0")
        self.allocated = int(x.get(XATTR_ALLOCATED) or b"0")
        self.version = int(x.get(XATTR_VERSION) or b"0")
        osize = int(x.get(XATTR_LAYOUT_OBJECT_SIZE) or b"0")
        if osize > 0 and osize & (osize - 1) == 0:
            self.object_size = osize.bit_length() - 1
        self.size_dirty = False

    def xattrs(self) -> dict[str, bytes]:
        """The first object's xattrs, in one read (``get_xattrs``) where the binding has it."""
        if hasattr(self.ioctx, "get_xattrs"):
            return {str(k): bytes(v) for k, v in self.ioctx.get_xattrs(self.first)}
        out = {}
        for name in (
            XATTR_EXCL,
            XATTR_SIZE,
            XATTR_ALLOCATED,
            XATTR_VERSION,
            XATTR_LAYOUT_OBJECT_SIZE,
        ):
            try:
                out[name] = self.ioctx.get_xattr(self.first, name)
            except Exception as e:
                if err_no(e) != errno.ENODATA:
                    raise
        return out

    def _set_metadata(self, *, size: int | None = None, allocated: int | None = None) -> None:
        if size is not None:
            self.ioctx.set_xattr(self.first, XATTR_SIZE, uint(size))
        if allocated is not None:
            self.ioctx.set_xattr(self.first, XATTR_ALLOCATED, uint(allocated))
        self.version += 1
        self.ioctx.set_xattr(self.first, XATTR_VERSION, uint(self.version))
        self._count("update_metadata")

    def _round_up(self, n: int) -> int:
        mask = (1 << self.object_size) - 1
        return (n + mask) & ~mask

    # --- data -------------------------------------------------------------------

    def read(self, length: int, off: int) -> bytes:
        """Up to ``length`` bytes at ``off`` (fewer at the end of the file)."""
        self._check()
        length = max(0, min(length, self.size - off))
        parts = []
        for soid, inner, n in self.extents(off, length):
            try:
                data = self.ioctx.read(soid, n, inner)
            except Exception as e:
                if err_no(e) != errno.ENOENT:
                    raise
                data = b""
            parts.append(data.ljust(n, b"\0") if len(data) < n else data[:n])
        self._count("read")
        return b"".join(parts)

    def write(self, data: bytes, off: int) -> None:
        self._check()
        end = off + len(data)
        if end > self.allocated:
            # record the allocation first: no object exists past `allocated`
            self.allocated = self._round_up(end)
            self._set_metadata(allocated=self.allocated)
        pos = 0
        for soid, inner, n in self.extents(off, len(data)):
            self.ioctx.write(soid, data[pos : pos + n], inner)
            pos += n
        self._count("write")
        if end > self.size:
            self.size = end
            self.size_dirty = True

    def truncate(self, size: int) -> None:
        self._check()
        keep = self._round_up(size)
        for index in range(keep >> self.object_size, self.allocated >> self.object_size):
            if index == 0:
                continue  # the first object holds the metadata
            self._remove_quietly(self.soid(index))
        tail = size & ((1 << self.object_size) - 1)
        if size < self.size and (tail or not size):
            try:
                self.ioctx.trunc(self.soid(size >> self.object_size), tail)
            except Exception as e:
                if err_no(e) != errno.ENOENT:
                    raise
        self.size = size
        self.allocated = keep
        self._set_metadata(size=size, allocated=self.allocated)
        self.size_dirty = False
        self._count("truncate")

    def flush(self) -> None:
        """Make the size durable (``xSync``)."""
        self._check()
        if self.size_dirty:
            self._set_metadata(size=self.size)
            self.size_dirty = False

    def remove(self) -> None:
        """Delete the file (the caller holds the lock; removing the first object drops it)."""
        self._check()
        for index in range(1, max(1, self.allocated >> self.object_size)):
            self._remove_quietly(self.soid(index))
        self.ioctx.remove_object(self.first)
        self.locked = False
        self.keeper.discard(self)

    def _remove_quietly(self, soid: str) -> None:
        try:
            self.ioctx.remove_object(soid)
        except Exception as e:
            if err_no(e) != errno.ENOENT:
                raise

    # --- the lock ---------------------------------------------------------------

    def lock(self) -> None:
        """Take the exclusive lock (waiting as long as another live client holds it)."""
        self._check()
        self.open(self._take_lock())

    def lock_any(self) -> None:
        """Take the lock of a file that may not exist (to delete it, as Ceph's xDelete)."""
        self._check()
        xattrs = self._take_lock()
        if XATTR_SIZE in xattrs:
            self.open(xattrs)

    def _take_lock(self) -> dict[str, bytes]:
        """Lock; returns the first object's xattrs as they were when we got it."""
        if not hasattr(self.ioctx, "lock_exclusive"):
            raise StriperError(
                errno.ENOSYS,
                f"{self.oid}: the rados binding has no Ioctx.lock_exclusive (cls_lock), "
                "which libcephsqlite's lock needs",
            )
        waited = 0.0
        duration = self.settings.lock_duration_s
        while True:
            try:
                self.ioctx.lock_exclusive(
                    self.first, LOCK_NAME, self.cookie, LOCK_DESC, duration, 0
                )
                break
            except Exception as e:
                if err_no(e) != errno.EBUSY:
                    raise
            if waited % 0.5 < BUSY_RETRY:
                log.info("%s: waiting for locks", self.oid)
            time.sleep(BUSY_RETRY)
            waited += BUSY_RETRY
        try:
            xattrs = self.xattrs()
        except Exception:
            self._unlock_quietly()
            raise
        holder = xattrs.get(XATTR_EXCL, b"").decode()
        try:
            if holder and holder != self.myaddrs:
                self._recover(holder)
            self.ioctx.set_xattr(self.first, XATTR_EXCL, self.myaddrs.encode())
        except Exception:
            self._unlock_quietly()
            raise
        with self.mutex:
            self.locked = True
        self.keeper.add(self)
        self._count("lock")
        return xattrs

    def _recover(self, holder: str) -> None:
        """The last holder died with the lock: blocklist it before writing (Ceph's recover_lock)."""
        log.warning("%s: exclusive lock holder was %s; recovering", self.oid, holder)
        self._count("recover")
        if not self.settings.blocklist_dead_locker:
            return
        if self.mon_command is None:
            raise StriperError(errno.EIO, f"{self.oid}: cannot blocklist {holder}")
        for addr in holder.strip("[]").split(","):
            if not addr:
                continue
            cmd = {"prefix": "osd blocklist", "blocklistop": "add", "addr": addr}
            ret, _out, outs = self.mon_command(json.dumps(cmd), b"")
            if ret == -errno.EINVAL:
                cmd = {"prefix": "osd blacklist", "blacklistop": "add", "addr": addr}
                ret, _out, outs = self.mon_command(json.dumps(cmd), b"")
            if ret < 0:
                log.error("%s: cannot blocklist the old client %s: %s", self.oid, addr, outs)
                raise StriperError(errno.EIO, f"{self.oid}: cannot blocklist {addr}: {outs}")

    def unlock(self) -> None:
        self._check()
        self.flush()
        self._release_lock()
        self._count("unlock")

    def _release_lock(self) -> None:
        self.keeper.discard(self)
        with self.mutex:
            self.locked = False
            self.ioctx.set_xattr(self.first, XATTR_EXCL, b"")
            self.ioctx.unlock(self.first, LOCK_NAME, self.cookie)

    def _unlock_quietly(self) -> None:
        try:
            self.ioctx.unlock(self.first, LOCK_NAME, self.cookie)
        except Exception as e:
            log.debug("%s: unlock after a failed lock: %s", self.oid, e)

    def renew(self) -> None:
        """Extend the lock (the keeper's tick); a failure loses it for good."""
        with self.mutex:
            if self.locked:
                self._renew()

    def _renew(self) -> None:
        try:
            self.ioctx.lock_exclusive(
                self.first,
                LOCK_NAME,
                self.cookie,
                LOCK_DESC,
                self.settings.lock_duration_s,
                LOCK_FLAG_MUST_RENEW,
            )
        except Exception as e:
            log.error("%s: lock renewal failed: %s", self.oid, e)
            self.blocklisted = True
            self.locked = False
            self.keeper.discard(self)


class LockKeeper:
    """One thread renewing every held lock each ``lock_renewal_interval`` (started lazily)."""

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self._held: dict[int, tuple[Striper, float]] = {}
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, striper: Striper) -> None:
        with self._cond:
            self._held[id(striper)] = (striper, time.monotonic())
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="cephsqlite-lock", daemon=True
                )
                self._thread.start()

    def discard(self, striper: Striper) -> None:
        with self._cond:
            self._held.pop(id(striper), None)

    def held(self) -> list[Striper]:
        with self._cond:
            return [s for s, _ in self._held.values()]

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait(self.interval_s / 4)
                now = time.monotonic()
                due = [s for s, t in self._held.values() if now - t >= self.interval_s]
                for s in due:
                    self._held[id(s)] = (s, now)
            for s in due:
                s.renew()
