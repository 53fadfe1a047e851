"""A module that probes libcephsqlite in its mgr: is the VFS ``ceph`` there, and ``ceph_status()``?"""

import json
import sqlite3

from mgr_module import MgrModule


def _try(fn):
    try:
        return "ok: " + str(fn())
    except sqlite3.Error as e:
        return f"{type(e).__name__}: {e}"


class DbProbe(MgrModule):
    COMMANDS = [{"cmd": "dbprobe", "desc": "probe the ceph VFS", "perm": "r"}]

    def handle_command(self, inbuf, cmd):
        def status():
            return sqlite3.connect(":memory:").execute("SELECT ceph_status()").fetchone()[0]

        def open_db():
            uri = "file:///.mgr:dbprobe/main.db?vfs=ceph"
            return sqlite3.connect(uri, uri=True).execute("SELECT 1").fetchone()[0]

        return 0, json.dumps({"ceph_status": _try(status), "open": _try(open_db)}), ""
