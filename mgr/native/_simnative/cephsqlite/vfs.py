"""`CephVFS`: the SQLite VFS ``ceph`` (libcephsqlite's), its callbacks written in Python.

SQLite calls these through ctypes from whichever thread runs a statement
(the stdlib releases the GIL around ``sqlite3_step``; a callback takes it
back). Every callback catches every exception and returns an SQLite error
code: an exception must never cross into C. Each open file is a `Striper`
over an ``Ioctx`` of the file's pool (and namespace) from the VFS's cluster
handle, which is made lazily by the ``cluster`` callable given at
registration (in a mgr: a ``rados.Rados`` of the mgr's own context).

As libcephsqlite: temporary files are refused (modules set ``PRAGMA
temp_store = memory``); every lock level above NONE is the striper's one
exclusive RADOS lock (so even readers are serialised); a journal is the file
``<name>-journal`` beside the database; there is no shared memory, hence no
WAL. One addition: when this VFS takes a database's lock it re-reads the
metadata of that database's other open files (its journal), which another
client may have written since.
"""

from __future__ import annotations

import ctypes
import errno
import itertools
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from _simnative.cephsqlite import capi as c
from _simnative.cephsqlite.path import FileLoc, parse_path
from _simnative.cephsqlite.striper import EBLOCKLISTED, LockKeeper, Settings, Striper, err_no

log = logging.getLogger("cephsqlite")
SECTOR_SIZE = 65536
DEVICE_CHARACTERISTICS = (
    c.SQLITE_IOCAP_ATOMIC
    | c.SQLITE_IOCAP_POWERSAFE_OVERWRITE
    | c.SQLITE_IOCAP_UNDELETABLE_WHEN_OPEN
    | c.SQLITE_IOCAP_SAFE_APPEND
)
JULIAN_UNIX_EPOCH_MS = 210866760000000  # 2440587.5 days in ms


@dataclass
class OpenFile:
    loc: FileLoc
    flags: int
    striper: Striper
    ioctx: Any
    lock: int = c.SQLITE_LOCK_NONE
    main: bool = field(default=False)


class CephVFS:
    """One registered VFS: its C structure, callbacks, cluster handle and open files."""

    def __init__(self, name: str, cluster: Callable[[], Any], settings: Settings) -> None:
        self.name = name
        self.cluster_factory = cluster
        self.settings = settings
        self.keeper = LockKeeper(settings.lock_renewal_interval_ms / 1000)
        self._cluster: Any = None
        self.files: dict[int, OpenFile] = {}
        self._handles = itertools.count(1)  # next() is atomic under the GIL
        self._cluster_lock = threading.Lock()
        self.perf: dict[str, list[float]] = {}
        self.closed_counters: dict[str, int] = {}  # the striper counters of closed files
        self._callbacks: list[Any] = []  # keeps every CFUNCTYPE alive
        self.io_methods = c.sqlite3_io_methods(iVersion=1)
        self.struct = c.sqlite3_vfs(
            iVersion=2,
            szOsFile=ctypes.sizeof(c.CephFile),
            mxPathname=4096,
            zName=name.encode(),
        )
        self._fill()

    # --- the cluster handle -------------------------------------------------------

    def cluster(self) -> Any:
        with self._cluster_lock:
            if self._cluster is None:
                self._cluster = self.cluster_factory()
            return self._cluster

    def reconfigure(self, cluster: Callable[[], Any], settings: Settings) -> None:
        """New files use this cluster and settings (open ones keep theirs)."""
        self.cluster_factory = cluster
        self.settings = settings
        self.keeper.interval_s = settings.lock_renewal_interval_ms / 1000
        self._cluster = None

    def _lost(self, exc: BaseException) -> None:
        if err_no(exc) == EBLOCKLISTED:
            log.warning("cephsqlite: client blocklisted; reconnecting on the next open")
            self._cluster = None

    def status(self) -> dict[str, Any]:
        cl = self.cluster()
        return {"id": int(cl.get_instance_id()), "addr": str(cl.get_addrs())}

    def perf_dump(self) -> dict[str, Any]:
        vfs = {
            k: {"avgcount": int(n), "sum": s, "avgtime": s / n if n else 0.0}
            for k, (n, s) in sorted(self.perf.items())
        }
        striper = dict(self.closed_counters)
        for f in list(self.files.values()):
            for k, v in f.striper.counters.items():
                striper[k] = striper.get(k, 0) + v
        return {"libcephsqlite_vfs": vfs, "libcephsqlite_striper": striper}

    # --- plumbing -----------------------------------------------------------------

    def _fill(self) -> None:
        default = c.LIB.sqlite3_vfs_find(None)
        base = c.sqlite3_vfs.from_address(default) if default else None
        vfs_calls: dict[str, tuple[Any, Callable[..., int]]] = {
            "xOpen": (c.xOpen, self.x_open),
            "xDelete": (c.xDelete, self.x_delete),
            "xAccess": (c.xAccess, self.x_access),
            "xFullPathname": (c.xFullPathname, self.x_full_pathname),
            "xRandomness": (c.xRandomness, self.x_randomness),
            "xSleep": (c.xSleep, self.x_sleep),
            "xCurrentTime": (c.xCurrentTime, self.x_current_time),
            "xCurrentTimeInt64": (c.xCurrentTimeInt64, self.x_current_time_int64),
        }
        for name, (proto, fn) in vfs_calls.items():
            setattr(self.struct, name, self._keep(proto, fn, name))
        for name in ("xDlOpen", "xDlError", "xDlSym", "xDlClose", "xGetLastError"):
            # extension loading and error text: the default (unix) VFS's own
            setattr(self.struct, name, getattr(base, name) if base else None)
        io_calls: dict[str, tuple[Any, Callable[..., int]]] = {
            "xClose": (c.xClose, self.x_close),
            "xRead": (c.xRead, self.x_read),
            "xWrite": (c.xWrite, self.x_write),
            "xTruncate": (c.xTruncate, self.x_truncate),
            "xSync": (c.xSync, self.x_sync),
            "xFileSize": (c.xFileSize, self.x_file_size),
            "xLock": (c.xLock, self.x_lock),
            "xUnlock": (c.xLock, self.x_unlock),
            "xCheckReservedLock": (c.xCheckReservedLock, self.x_check_reserved_lock),
            "xFileControl": (c.xFileControl, self.x_file_control),
            "xSectorSize": (c.xSectorSize, self.x_sector_size),
            "xDeviceCharacteristics": (c.xSectorSize, self.x_device_characteristics),
        }
        for name, (proto, fn) in io_calls.items():
            setattr(self.io_methods, name, self._keep(proto, fn, name))

    def _keep(self, proto: Any, fn: Callable[..., int], name: str) -> int:
        def guarded(*args: Any) -> int:
            t0 = time.monotonic()
            try:
                return fn(*args)
            except BaseException as e:  # nothing may unwind into C (an interrupt neither)
                log.error("cephsqlite %s failed: %s: %s", name, type(e).__name__, e)
                log.debug("cephsqlite %s failed", name, exc_info=True)
                self._lost(e)
                return c.SQLITE_IOERR
            finally:
                acc = self.perf.setdefault(
                    "op" + ("f_" if name not in VFS_OPS else "_") + name[1:].lower(), [0, 0.0]
                )
                acc[0] += 1
                acc[1] += time.monotonic() - t0

        cb = proto(guarded)
        c.immortal(cb)
        self._callbacks.append(cb)
        return c.fn_ptr(cb)

    def _file(self, pfile: int) -> OpenFile:
        return self.files[c.file_handle(pfile)]

    def _ioctx(self, loc: FileLoc) -> Any:
        cl = self.cluster()
        for attempt in (0, 1):
            try:
                pool_id = loc.pool_id
                io = cl.open_ioctx2(pool_id) if pool_id is not None else cl.open_ioctx(loc.pool)
                break
            except Exception as e:
                # an out-of-date OSDMap may not know a new pool yet: fetch the latest, once
                if (
                    attempt
                    or err_no(e) != errno.ENOENT
                    or not hasattr(cl, "wait_for_latest_osdmap")
                ):
                    raise
                cl.wait_for_latest_osdmap()
        if loc.namespace:
            io.set_namespace(loc.namespace)
        return io

    def _striper(self, loc: FileLoc, io: Any) -> Striper:
        cl = self.cluster()
        return Striper(
            io,
            loc.name,
            myaddrs=str(cl.get_addrs()),
            settings=self.settings,
            keeper=self.keeper,
            mon_command=getattr(cl, "mon_command", None),
        )

    def _family(self, f: OpenFile) -> list[OpenFile]:
        db = f.loc.database()
        return [o for o in self.files.values() if o is not f and o.loc.database() == db]

    # --- sqlite3_vfs ----------------------------------------------------------------

    def x_open(self, _vfs: int, zname: bytes | None, pfile: int, flags: int, pout: Any) -> int:
        if zname is None:
            log.error("cephsqlite: cannot open a temporary database")
            return c.SQLITE_CANTOPEN
        loc = parse_path(zname.decode())
        if loc is None:
            return c.SQLITE_CANTOPEN
        io = self._ioctx(loc)
        striper = self._striper(loc, io)
        try:
            if flags & c.SQLITE_OPEN_CREATE:
                striper.create()
            striper.open()
        except Exception as e:
            io.close()
            if err_no(e) in (errno.ENOENT, errno.ENODATA):
                return c.SQLITE_CANTOPEN
            raise
        handle = next(self._handles)
        self.files[handle] = OpenFile(
            loc, flags, striper, io, main=bool(flags & c.SQLITE_OPEN_MAIN_DB)
        )
        cf = ctypes.cast(pfile, ctypes.POINTER(c.CephFile)).contents
        cf.handle = handle
        cf.pMethods = ctypes.addressof(self.io_methods)
        if pout:
            pout[0] = flags
        return c.SQLITE_OK

    def x_delete(self, _vfs: int, zname: bytes, _dsync: int) -> int:
        loc = parse_path(zname.decode())
        if loc is None:
            return c.SQLITE_NOTFOUND
        io = self._ioctx(loc)
        try:
            striper = self._striper(loc, io)
            striper.lock_any()  # creates the first object if missing: remove() drops it again
            striper.remove()
        except Exception as e:
            log.error("cephsqlite: cannot delete %s: %s", loc, e)
            return c.SQLITE_IOERR_DELETE
        finally:
            io.close()
        return c.SQLITE_OK

    def x_access(self, _vfs: int, zname: bytes, _flags: int, pres: Any) -> int:
        pres[0] = 0
        loc = parse_path(zname.decode())
        if loc is None:
            return c.SQLITE_NOTFOUND
        io = self._ioctx(loc)
        try:
            self._striper(loc, io).open()
        except Exception as e:
            if err_no(e) in (errno.ENOENT, errno.ENODATA):
                return c.SQLITE_OK
            raise
        finally:
            io.close()
        pres[0] = 1
        return c.SQLITE_OK

    def x_full_pathname(self, _vfs: int, zname: bytes, nout: int, zout: int) -> int:
        loc = parse_path(zname.decode())
        if loc is None:
            return c.SQLITE_CANTOPEN
        out = loc.canonical().encode()
        if len(out) >= nout:
            return c.SQLITE_CANTOPEN
        ctypes.memmove(zout, out + b"\0", len(out) + 1)
        return c.SQLITE_OK

    def x_randomness(self, _vfs: int, n: int, zout: int) -> int:
        ctypes.memmove(zout, os.urandom(n), n)
        return n

    def x_sleep(self, _vfs: int, micros: int) -> int:
        time.sleep(micros / 1e6)
        return micros

    def x_current_time(self, _vfs: int, pout: Any) -> int:
        pout[0] = time.time() / 86400.0 + 2440587.5
        return c.SQLITE_OK

    def x_current_time_int64(self, _vfs: int, pout: Any) -> int:
        pout[0] = int(time.time() * 1000) + JULIAN_UNIX_EPOCH_MS
        return c.SQLITE_OK

    # --- sqlite3_io_methods ---------------------------------------------------------

    def x_close(self, pfile: int) -> int:
        handle = c.file_handle(pfile)
        f = self.files.pop(handle, None)
        if f is None:
            return c.SQLITE_OK
        for k, v in f.striper.counters.items():
            self.closed_counters[k] = self.closed_counters.get(k, 0) + v
        try:
            if f.striper.locked:
                f.striper.unlock()
            elif not f.striper.blocklisted:
                f.striper.flush()
        finally:
            f.ioctx.close()
        return c.SQLITE_OK

    def x_read(self, pfile: int, buf: int, n: int, off: int) -> int:
        data = self._file(pfile).striper.read(n, off)
        ctypes.memmove(buf, data, len(data))
        if len(data) < n:
            ctypes.memset(buf + len(data), 0, n - len(data))
            return c.SQLITE_IOERR_SHORT_READ
        return c.SQLITE_OK

    def x_write(self, pfile: int, buf: int, n: int, off: int) -> int:
        self._file(pfile).striper.write(ctypes.string_at(buf, n), off)
        return c.SQLITE_OK

    def x_truncate(self, pfile: int, size: int) -> int:
        self._file(pfile).striper.truncate(size)
        return c.SQLITE_OK

    def x_sync(self, pfile: int, _flags: int) -> int:
        self._file(pfile).striper.flush()
        return c.SQLITE_OK

    def x_file_size(self, pfile: int, pout: Any) -> int:
        pout[0] = self._file(pfile).striper.size
        return c.SQLITE_OK

    def x_lock(self, pfile: int, level: int) -> int:
        f = self._file(pfile)
        if not f.striper.locked and level > c.SQLITE_LOCK_NONE:
            f.striper.lock()
            for other in self._family(f):
                # another client may have written the journal since we last held the lock
                try:
                    other.striper.open()
                except Exception as e:
                    if err_no(e) not in (errno.ENOENT, errno.ENODATA):
                        raise
        f.lock = level
        return c.SQLITE_OK

    def x_unlock(self, pfile: int, level: int) -> int:
        f = self._file(pfile)
        if level <= c.SQLITE_LOCK_NONE < f.lock and f.striper.locked:
            for other in self._family(f):
                other.striper.flush()
            f.striper.unlock()
        f.lock = level
        return c.SQLITE_OK

    def x_check_reserved_lock(self, pfile: int, pres: Any) -> int:
        pres[0] = 1 if self._file(pfile).lock > c.SQLITE_LOCK_SHARED else 0
        return c.SQLITE_OK

    def x_file_control(self, _pfile: int, _op: int, _arg: int) -> int:
        return c.SQLITE_NOTFOUND

    def x_sector_size(self, _pfile: int) -> int:
        return SECTOR_SIZE

    def x_device_characteristics(self, _pfile: int) -> int:
        return DEVICE_CHARACTERISTICS


VFS_OPS = {"xOpen", "xDelete", "xAccess", "xFullPathname", "xCurrentTime", "xCurrentTimeInt64"}
VFS_OPS |= {"xRandomness", "xSleep"}
