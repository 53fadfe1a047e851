"""libcephsqlite for the simulator: the SQLite VFS ``ceph``, in the stdlib's own libsqlite3.

Ceph's ``mgr_module.open_db`` (18.2 and later) runs, unmodified::

    sqlite3.connect("file:///.mgr:<module>/main.db?vfs=ceph", uri=True, ...)
    db.execute('SELECT json_extract(ceph_status(), "$.addr");')

`register` makes both work in this process: it registers the VFS ``ceph``
(`vfs.CephVFS`) with ``sqlite3_vfs_register`` in the libsqlite3 that the
stdlib ``sqlite3`` module uses (`capi`), and installs ``ceph_status()`` /
``ceph_perf()`` on every new connection (`functions`). Files are striped
over RADOS objects as libcephsqlite's SimpleRADOSStriper does (`striper`),
at paths of libcephsqlite's grammar (`path`). The mgr registers it when its
native side starts; a user's own Python (a test, a tool) may too::

    from _simnative import cephsqlite           # mgr/native on sys.path
    cephsqlite.register(lambda: my_connected_rados)

``cluster`` is called lazily, once per VFS (again after the client was
blocklisted), and must return a connected ``rados.Rados``-like handle:
``open_ioctx(name)``, ``open_ioctx2(pool_id)``, ``get_addrs()``,
``get_instance_id()``, and, for breaking a dead client's lock,
``mon_command(cmd, inbuf)``. Registering again under a name already
registered keeps the VFS and changes the cluster and settings of the files
opened from then on. Nothing is registered by importing this package.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from typing import Any

from _simnative.cephsqlite import capi, functions
from _simnative.cephsqlite.path import FileLoc, parse_path
from _simnative.cephsqlite.striper import Settings, Striper
from _simnative.cephsqlite.vfs import CephVFS

__all__ = ["CephVFS", "FileLoc", "Settings", "Striper", "parse_path", "register", "registered"]

DEFAULT_NAME = "ceph"
_vfs: dict[str, CephVFS] = {}  # the registered VFSes live as long as the process
_lock = threading.Lock()


def register(
    cluster: Callable[[], Any], *, name: str = DEFAULT_NAME, settings: Settings | None = None
) -> CephVFS:
    """Register (or reconfigure) the VFS ``name`` over the cluster handle ``cluster()``."""
    settings = settings or Settings()
    if capi.LOAD_ERROR is not None:
        raise OSError(capi.LOAD_ERROR)
    with _lock:
        vfs = _vfs.get(name)
        if vfs is not None:
            vfs.reconfigure(cluster, settings)
            return vfs
        if capi.LIB.sqlite3_vfs_find(name.encode()):
            raise ValueError(f"a VFS named {name!r} is already registered by someone else")
        vfs = CephVFS(name, cluster, settings)
        rc = capi.LIB.sqlite3_vfs_register(ctypes.addressof(vfs.struct), 0)
        if rc != capi.SQLITE_OK:
            raise OSError(f"sqlite3_vfs_register({name!r}) failed: {rc}")
        _vfs[name] = vfs
        functions.install(_find)
        return vfs


def registered(name: str = DEFAULT_NAME) -> CephVFS | None:
    """The VFS registered under ``name`` by `register`, if any."""
    return _vfs.get(name)


def _find(address: int | None) -> CephVFS | None:
    for vfs in _vfs.values():
        if address is not None and ctypes.addressof(vfs.struct) == address:
            return vfs
    return _vfs.get(DEFAULT_NAME)
