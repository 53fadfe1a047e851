"""How ceph-mgr sets libcephsqlite up at start (PyModuleRegistry::init), for the simulated mgr.

ceph-mgr registers libcephsqlite's VFS process-wide before any module runs
and hands it the daemon's own CephContext, so that the database client is a
RADOS client of the mgr itself (its address is what ``ceph_status()``
reports and what a failover blocklists). `start` does the same here: it
registers the VFS ``ceph`` whose cluster handle is ``rados.Rados(context=
<the mgr's context>)``, connected on the first database open, with the
``cephsqlite_*`` options of the mgr's configuration where it has them
(Ceph's defaults otherwise). Called once by the mgr host when it loads the
modules; calling it again reconfigures the VFS for the files opened later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from _simnative.cephsqlite import register
from _simnative.cephsqlite.striper import Settings
from _simnative.cephsqlite.vfs import CephVFS

log = logging.getLogger("cephsqlite")
OPTIONS = {
    "cephsqlite_lock_renewal_timeout": "lock_renewal_timeout_ms",
    "cephsqlite_lock_renewal_interval": "lock_renewal_interval_ms",
    "cephsqlite_blocklist_dead_locker": "blocklist_dead_locker",
}


def settings_from(get_option: Callable[[str], Any]) -> Settings:
    """libcephsqlite's settings from the daemon's raw option values (milliseconds, a bool);
    an option the daemon does not know, or a value that does not parse, keeps Ceph's default."""
    s = Settings()
    for option, attr in OPTIONS.items():
        try:
            value = get_option(option)
        except KeyError:
            continue
        try:
            if attr == "blocklist_dead_locker":
                text = str(value).strip().lower()
                if text not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
                    raise ValueError(text)
                setattr(s, attr, text in ("true", "1", "yes", "on"))
            else:
                ms = int(float(value))
                if ms <= 0:
                    raise ValueError(value)
                setattr(s, attr, ms)
        except (TypeError, ValueError):
            continue
    return s


def start(get_option: Callable[[str], Any], context: object = None) -> CephVFS | None:
    """Register the ``ceph`` VFS over the mgr's own RADOS client; None (logged) when
    this Python's SQLite cannot take a VFS: the mgr runs on, ``MgrModule.db`` fails.
    ``context`` is what ``rados.Rados(context=…)`` takes, or a callable returning it
    (called at the first database open)."""
    import rados  # the native dir's binding

    def connect() -> Any:
        ctx = context() if callable(context) else context
        client = rados.Rados(context=ctx)
        client.connect()
        return client

    try:
        return register(connect, settings=settings_from(get_option))
    except (OSError, ValueError) as e:
        log.error("libcephsqlite: the VFS 'ceph' is not available: %s", e)
        return None
