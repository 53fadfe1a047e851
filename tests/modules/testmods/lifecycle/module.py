"""Records its life cycle in a file next to the mgr's log (for the tests)."""

import os
import threading
import time

from mgr_module import MgrModule, Option


class Lifecycle(MgrModule):
    COMMANDS = [
        {"cmd": "lifecycle ping", "desc": "answer pong", "perm": "r"},
        {"cmd": "lifecycle write name=value,type=CephString", "desc": "a write", "perm": "w"},
        {"cmd": "lifecycle boom", "desc": "raise", "perm": "r"},
        {"cmd": "lifecycle wrongtype", "desc": "return a list", "perm": "r"},
        {"cmd": "lifecycle notimpl", "desc": "not handled", "perm": "r"},
    ]
    MODULE_OPTIONS = [Option(name="greeting", default="pong")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stop = threading.Event()
        self.greeting = self.get_module_option("greeting")  # a host call in __init__
        self.record("init")

    def record(self, what):
        path = os.path.join(
            os.path.dirname(self.get_ceph_option("log_file")),
            f"lifecycle.{self.get_mgr_id()}.events",
        )
        with open(path, "a") as f:
            f.write(f"{time.time():.6f} {os.getpid()} {what}\n")

    def handle_command(self, inbuf, cmd):
        prefix = cmd["prefix"]
        if prefix == "lifecycle ping":
            return 0, self.greeting, ""
        if prefix == "lifecycle write":
            return 0, cmd["value"], ""
        if prefix == "lifecycle boom":
            raise OSError(2, "boom with an errno")
        if prefix == "lifecycle wrongtype":
            return [0, "", ""]
        return super().handle_command(inbuf, cmd)

    def serve(self):
        self.record("serve")
        self.stop.wait()
        self.record("serve-returned")

    def shutdown(self):
        self.record("shutdown")
        self.stop.set()
