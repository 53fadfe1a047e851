"""The C side of SQLite that the ``ceph`` VFS needs, through ctypes.

The library is reached through the stdlib's own ``_sqlite3`` extension:
``dlopen`` of an object already loaded returns its handle, and ``dlsym`` on
that handle searches the object and the libraries it was linked with, so the
functions found here are those of the very libsqlite3 that ``sqlite3.connect``
uses (``/lib/x86_64-linux-gnu/libsqlite3.so.0`` on Debian; a statically
linked ``_sqlite3`` that exports its SQLite works the same way). A VFS
registered here is therefore visible to the stdlib module, which a VFS in a
wheel that bundles its own SQLite (apsw) is not.

The structures are ``sqlite3_vfs`` (version 2) and ``sqlite3_io_methods``
(version 1) of sqlite3.h; every function pointer field is a ``c_void_p`` that
the VFS fills with a CFUNCTYPE callback it keeps alive itself.
"""

from __future__ import annotations

import _sqlite3
import ctypes
from ctypes import POINTER, c_char_p, c_double, c_int, c_int64, c_void_p
from typing import Any

SQLITE_OK = 0
SQLITE_ERROR = 1
SQLITE_BUSY = 5
SQLITE_IOERR = 10
SQLITE_NOTFOUND = 12
SQLITE_CANTOPEN = 14
SQLITE_IOERR_READ = SQLITE_IOERR | (1 << 8)
SQLITE_IOERR_SHORT_READ = SQLITE_IOERR | (2 << 8)
SQLITE_IOERR_WRITE = SQLITE_IOERR | (3 << 8)
SQLITE_IOERR_FSYNC = SQLITE_IOERR | (4 << 8)
SQLITE_IOERR_TRUNCATE = SQLITE_IOERR | (6 << 8)
SQLITE_IOERR_FSTAT = SQLITE_IOERR | (7 << 8)
SQLITE_IOERR_UNLOCK = SQLITE_IOERR | (8 << 8)
SQLITE_IOERR_RDLOCK = SQLITE_IOERR | (9 << 8)
SQLITE_IOERR_DELETE = SQLITE_IOERR | (10 << 8)
SQLITE_IOERR_LOCK = SQLITE_IOERR | (15 << 8)
SQLITE_IOERR_ACCESS = SQLITE_IOERR | (13 << 8)

SQLITE_OPEN_READONLY = 0x1
SQLITE_OPEN_CREATE = 0x4
SQLITE_OPEN_MAIN_DB = 0x100
SQLITE_OPEN_MAIN_JOURNAL = 0x800

SQLITE_LOCK_NONE = 0
SQLITE_LOCK_SHARED = 1
SQLITE_LOCK_RESERVED = 2
SQLITE_LOCK_PENDING = 3
SQLITE_LOCK_EXCLUSIVE = 4

SQLITE_IOCAP_ATOMIC = 0x1
SQLITE_IOCAP_SAFE_APPEND = 0x200
SQLITE_IOCAP_UNDELETABLE_WHEN_OPEN = 0x800
SQLITE_IOCAP_POWERSAFE_OVERWRITE = 0x1000

SQLITE_UTF8 = 1
SQLITE_FCNTL_VFS_POINTER = 27
SQLITE_TRANSIENT = c_void_p(-1)


def _pointers(*names: str) -> list[tuple[str, Any]]:
    return [(name, c_void_p) for name in names]


class sqlite3_io_methods(ctypes.Structure):  # noqa: N801 - sqlite3.h's name
    _fields_ = [("iVersion", c_int)] + _pointers(
        "xClose", "xRead", "xWrite", "xTruncate", "xSync", "xFileSize", "xLock", "xUnlock",
        "xCheckReservedLock", "xFileControl", "xSectorSize", "xDeviceCharacteristics",
    )  # fmt: skip


_HEAD: list[tuple[str, Any]] = [
    ("iVersion", c_int),
    ("szOsFile", c_int),
    ("mxPathname", c_int),
    ("pNext", c_void_p),
    ("zName", c_char_p),
    ("pAppData", c_void_p),
]


class sqlite3_vfs(ctypes.Structure):  # noqa: N801
    _fields_ = _HEAD + _pointers(
        "xOpen", "xDelete", "xAccess", "xFullPathname", "xDlOpen", "xDlError", "xDlSym",
        "xDlClose", "xRandomness", "xSleep", "xCurrentTime", "xGetLastError", "xCurrentTimeInt64",
    )  # fmt: skip


class CephFile(ctypes.Structure):
    """Our ``sqlite3_file``: the methods pointer, then the handle of the Python file."""

    _fields_ = [("pMethods", c_void_p), ("handle", c_int64)]


# callback types (sqlite3_file* and sqlite3_vfs* are passed as void*)
xOpen = ctypes.CFUNCTYPE(c_int, c_void_p, c_char_p, c_void_p, c_int, POINTER(c_int))
xDelete = ctypes.CFUNCTYPE(c_int, c_void_p, c_char_p, c_int)
xAccess = ctypes.CFUNCTYPE(c_int, c_void_p, c_char_p, c_int, POINTER(c_int))
xFullPathname = ctypes.CFUNCTYPE(c_int, c_void_p, c_char_p, c_int, c_void_p)
xRandomness = ctypes.CFUNCTYPE(c_int, c_void_p, c_int, c_void_p)
xSleep = ctypes.CFUNCTYPE(c_int, c_void_p, c_int)
xCurrentTime = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(c_double))
xCurrentTimeInt64 = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(c_int64))
xClose = ctypes.CFUNCTYPE(c_int, c_void_p)
xRead = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_int, c_int64)
xWrite = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_int, c_int64)
xTruncate = ctypes.CFUNCTYPE(c_int, c_void_p, c_int64)
xSync = ctypes.CFUNCTYPE(c_int, c_void_p, c_int)
xFileSize = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(c_int64))
xLock = ctypes.CFUNCTYPE(c_int, c_void_p, c_int)
xCheckReservedLock = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(c_int))
xFileControl = ctypes.CFUNCTYPE(c_int, c_void_p, c_int, c_void_p)
xSectorSize = ctypes.CFUNCTYPE(c_int, c_void_p)
xEntryPoint = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_void_p)
xFunc = ctypes.CFUNCTYPE(None, c_void_p, c_int, c_void_p)


def _load() -> ctypes.CDLL:
    lib = ctypes.CDLL(_sqlite3.__file__)
    sigs: dict[str, tuple[object, list[object]]] = {
        "sqlite3_libversion": (c_char_p, []),
        "sqlite3_vfs_find": (c_void_p, [c_char_p]),
        "sqlite3_vfs_register": (c_int, [c_void_p, c_int]),
        "sqlite3_auto_extension": (c_int, [c_void_p]),
        "sqlite3_create_function_v2": (
            c_int,
            [c_void_p, c_char_p, c_int, c_int, c_void_p, c_void_p, c_void_p, c_void_p, c_void_p],
        ),
        "sqlite3_result_text": (None, [c_void_p, c_char_p, c_int, c_void_p]),
        "sqlite3_result_error": (None, [c_void_p, c_char_p, c_int]),
        "sqlite3_context_db_handle": (c_void_p, [c_void_p]),
        "sqlite3_file_control": (c_int, [c_void_p, c_char_p, c_int, c_void_p]),
    }
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


try:
    LIB = _load()
    LOAD_ERROR: str | None = None
except (OSError, AttributeError) as e:  # a _sqlite3 that hides its SQLite: no VFS possible
    LIB = ctypes.CDLL(None)
    LOAD_ERROR = f"the stdlib's libsqlite3 is not reachable through {_sqlite3.__file__}: {e}"


def file_handle(pfile: int) -> int:
    """The Python handle stored in our ``sqlite3_file``."""
    return int(ctypes.cast(pfile, POINTER(CephFile)).contents.handle)


def immortal(obj: object) -> None:
    """Never free ``obj``: SQLite may call a callback while the interpreter shuts down
    (a connection still open at exit is closed after the modules are torn down)."""
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))


def fn_ptr(fn: object) -> int:
    """The address of a CFUNCTYPE callback (kept alive by the caller)."""
    return int(ctypes.cast(fn, c_void_p).value or 0)  # type: ignore[arg-type]
