"""The SQL functions libcephsqlite adds to every connection: ``ceph_status()`` and ``ceph_perf()``.

``ceph_status()`` is a JSON object ``{"id": <client instance id>, "addr":
"<client address vector>"}`` of the VFS's RADOS client; Ceph's
``mgr_module.open_db`` reads ``json_extract(ceph_status(), "$.addr")`` and
registers that address with the mgr so that a failed-over mgr's database
client is blocklisted. ``ceph_perf()`` is the VFS's and striper's counters.

As in libcephsqlite they are installed by ``sqlite3_auto_extension`` into
every connection opened after registration (the process's and any
library's), whatever its VFS; a function reports on the VFS of the
connection's main database when that is one of ours, else on ``ceph``.
"""

from __future__ import annotations

import ctypes
import json
import logging
from collections.abc import Callable
from typing import Any

from _simnative.cephsqlite import capi as c

log = logging.getLogger("cephsqlite")
_keep: list[Any] = []  # the CFUNCTYPE objects SQLite holds pointers to
_installed = False


def install(find: Callable[[int | None], Any]) -> None:
    """Install the auto-extension once per process; ``find(vfs_address)`` names the VFS."""
    global _installed
    if _installed:
        return

    def result(ctx: int, what: str, produce: Callable[[Any], dict[str, Any]]) -> None:
        try:
            db = c.LIB.sqlite3_context_db_handle(ctx)
            ptr = ctypes.c_void_p()
            rc = c.LIB.sqlite3_file_control(
                db, b"main", c.SQLITE_FCNTL_VFS_POINTER, ctypes.byref(ptr)
            )
            vfs = find(ptr.value if rc == c.SQLITE_OK else None)
            if vfs is None:
                raise RuntimeError("the ceph VFS is not registered")
            text = json.dumps(produce(vfs), separators=(",", ":")).encode()
            c.LIB.sqlite3_result_text(ctx, text, len(text), c.SQLITE_TRANSIENT)
        except Exception as e:
            log.error("cephsqlite %s(): %s", what, e)
            msg = f"{what}: {e}".encode()
            c.LIB.sqlite3_result_error(ctx, msg, len(msg))

    def status(ctx: int, _argc: int, _argv: int) -> None:
        result(ctx, "ceph_status", lambda vfs: vfs.status())

    def perf(ctx: int, _argc: int, _argv: int) -> None:
        result(ctx, "ceph_perf", lambda vfs: vfs.perf_dump())

    f_status, f_perf = c.xFunc(status), c.xFunc(perf)

    def autoreg(db: int, _err: int, _api: int) -> int:
        for name, fn in ((b"ceph_status", f_status), (b"ceph_perf", f_perf)):
            rc = c.LIB.sqlite3_create_function_v2(
                db, name, 0, c.SQLITE_UTF8, None, c.fn_ptr(fn), None, None, None
            )
            if rc != c.SQLITE_OK:
                return int(rc)
        return c.SQLITE_OK

    entry = c.xEntryPoint(autoreg)
    _keep.extend([f_status, f_perf, entry])
    for fn in _keep:
        c.immortal(fn)
    rc = c.LIB.sqlite3_auto_extension(c.fn_ptr(entry))
    if rc != c.SQLITE_OK:
        raise OSError(f"sqlite3_auto_extension failed: {rc}")
    _installed = True
