"""freshdash (skeleton): serves /api/state, but never says that it is stale.

It loads, listens and answers; making ``stale`` honest is the challenge.
"""

import http.server
import json
import threading
import time
from typing import Any

from mgr_module import MgrModule, Option


class Module(MgrModule):
    MODULE_OPTIONS = [
        Option(name="server_addr", type="str", default="127.0.0.1", runtime=True),
        Option(name="server_port", type="int", default=0, min=0, max=65535, runtime=True),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stop = threading.Event()
        self._state: dict[str, Any] = {}
        self._fetched = 0.0

    def refresh(self) -> None:
        status = json.loads((self.get("mon_status") or {}).get("json") or "{}")
        mgrmap = self.get("mgr_map") or {}
        self._state = {
            "quorum": status.get("quorum_names", []),
            "mgrmap_epoch": mgrmap.get("epoch"),
        }
        self._fetched = time.time()

    def state(self) -> dict[str, Any]:
        # TODO: when is this state stale?
        return {**self._state, "age": round(time.time() - self._fetched, 3), "stale": False}

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
        # TODO: keep the state fresh while serving
        self._stop.wait()
        server.shutdown()
        server.server_close()

    def shutdown(self) -> None:
        self._stop.set()
