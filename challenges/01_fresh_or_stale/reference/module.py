"""freshdash (reference): its state is as fresh as the mgr's last digest from
the mons (``notify('health')``, once a tick while the mons answer); it says
``stale`` when that is older than STALE_AFTER or the mgr has no mon session.
"""

import http.server
import json
import threading
import time
from typing import Any

from mgr_module import MgrModule, NotifyType, Option

STALE_AFTER = 1.25  # the digest comes once a second; well inside the 2 s rule


class Module(MgrModule):
    NOTIFY_TYPES = [NotifyType.health]
    MODULE_OPTIONS = [
        Option(name="server_addr", type="str", default="127.0.0.1", runtime=True),
        Option(name="server_port", type="int", default=0, min=0, max=65535, runtime=True),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stop = threading.Event()
        self._state: dict[str, Any] = {}
        self._fetched = 0.0

    def notify(self, notify_type: str, notify_id: str) -> None:
        if notify_type == "health":  # a digest arrived: what get() returns is new
            self.refresh()

    def refresh(self) -> None:
        status = json.loads((self.get("mon_status") or {}).get("json") or "{}")
        mgrmap = self.get("mgr_map") or {}
        self._state = {
            "quorum": status.get("quorum_names", []),
            "mgrmap_epoch": mgrmap.get("epoch"),
        }
        self._fetched = time.time()

    def state(self) -> dict[str, Any]:
        age = time.time() - self._fetched
        stale = age > STALE_AFTER or not self.have_mon_connection()
        return {**self._state, "age": round(age, 3), "stale": stale}

    def serve(self) -> None:
        module = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = json.dumps(module.state()).encode()
                self.send_response(200 if self.path.startswith("/api/state") else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, fmt: str, *args: Any) -> None:
                return

        addr = str(self.get_localized_module_option("server_addr") or "127.0.0.1")
        port = int(self.get_localized_module_option("server_port") or 0)
        server = http.server.ThreadingHTTPServer((addr, port), Handler)
        server.daemon_threads = True
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        ).start()
        self.set_uri(f"http://{addr}:{server.server_address[1]}/")
        self.refresh()
        self._stop.wait()
        server.shutdown()
        server.server_close()

    def shutdown(self) -> None:
        self._stop.set()
