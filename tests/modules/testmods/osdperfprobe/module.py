"""A module that drives OSD perf queries: ``osdperfprobe add`` (the query as JSON in
inbuf; prints the id or ``None``), ``osdperfprobe get ID`` (``get_osd_perf_counters``
as JSON), ``osdperfprobe remove ID``."""

import json

from mgr_module import MgrModule


class OSDPerfProbe(MgrModule):
    COMMANDS = [
        {"cmd": "osdperfprobe add", "desc": "add an OSD perf query (JSON inbuf)", "perm": "w"},
        {"cmd": "osdperfprobe get name=query_id,type=CephInt", "desc": "its counters", "perm": "r"},
        {"cmd": "osdperfprobe remove name=query_id,type=CephInt", "desc": "remove it", "perm": "w"},
    ]

    def handle_command(self, inbuf, cmd):
        if cmd["prefix"] == "osdperfprobe add":
            return 0, str(self.add_osd_perf_query(json.loads(inbuf))), ""
        if cmd["prefix"] == "osdperfprobe get":
            return 0, json.dumps(self.get_osd_perf_counters(cmd["query_id"])), ""
        self.remove_osd_perf_query(cmd["query_id"])
        return 0, "", ""
