"""Commands that hurt their own mgr or the wire (for the CLI's hardening tests)."""

import os

from mgr_module import MgrModule

MIB = 1 << 20


class Hostile(MgrModule):
    COMMANDS = [
        {"cmd": "hostile exit", "desc": "end this mgr process at once", "perm": "w"},
        {
            "cmd": "hostile big name=mib,type=CephInt,range=1",
            "desc": "answer MIB mebibytes",
            "perm": "r",
        },
    ]

    def handle_command(self, inbuf, cmd):
        if cmd["prefix"] == "hostile exit":
            os._exit(3)
        if cmd["prefix"] == "hostile big":
            return 0, "x" * (int(cmd["mib"]) * MIB), ""
        return super().handle_command(inbuf, cmd)
