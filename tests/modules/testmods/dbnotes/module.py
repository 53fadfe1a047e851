"""A module that keeps notes in ``self.db`` (its database in the ``.mgr`` pool)."""

import errno
import json

from mgr_module import MgrDBNotReady, MgrModule


class DbNotes(MgrModule):
    SCHEMA = ["CREATE TABLE Notes (k TEXT PRIMARY KEY, v TEXT NOT NULL);"]
    SCHEMA_VERSIONED = [SCHEMA]
    COMMANDS = [
        {
            "cmd": "dbnotes put name=key,type=CephString name=value,type=CephString",
            "desc": "keep a note",
            "perm": "w",
        },
        {"cmd": "dbnotes get", "desc": "every note", "perm": "r"},
    ]

    def handle_command(self, inbuf, cmd):
        try:
            with self._db_lock, self.db:
                if cmd["prefix"] == "dbnotes put":
                    self.db.execute(
                        "INSERT OR REPLACE INTO Notes VALUES (?, ?)", (cmd["key"], cmd["value"])
                    )
                    return 0, "", ""
                rows = self.db.execute("SELECT k, v FROM Notes ORDER BY k").fetchall()
                return 0, json.dumps({k: v for k, v in rows}), ""
        except MgrDBNotReady:
            return -errno.EAGAIN, "", "mgr db not yet available"
        except Exception as e:  # the module answers whatever the database does
            return -errno.EIO, "", f"{type(e).__name__}: {e}"
