"""frontdoor (broken): a standby looks the active's URI up once and keeps it,
so after a failover it sends clients to the old active.
"""

import http.server
import json
import threading
from collections.abc import Callable
from typing import Any

from mgr_module import MgrModule, MgrStandbyModule, Option

OPTIONS = [
    Option(name="server_addr", type="str", default="127.0.0.1", runtime=True),
    Option(name="server_port", type="int", default=0, min=0, max=65535, runtime=True),
]
Answer = tuple[int, dict[str, str], bytes]


def listen(mod: Any, respond: Callable[[str], Answer]) -> http.server.ThreadingHTTPServer:
    """An HTTP server on the mgr's own address and port, answering with ``respond``."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, headers, body = respond(self.path)
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt: str, *args: Any) -> None:
            return

    addr = str(mod.get_localized_module_option("server_addr") or "127.0.0.1")
    port = int(mod.get_localized_module_option("server_port") or 0)
    server = http.server.ThreadingHTTPServer((addr, port), Handler)
    server.daemon_threads = True
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    ).start()
    return server


class Module(MgrModule):
    MODULE_OPTIONS = OPTIONS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stop = threading.Event()

    def respond(self, path: str) -> Answer:
        body = json.dumps({"active": self.get_mgr_id(), "path": path}).encode()
        return 200, {"Content-Type": "application/json"}, body

    def serve(self) -> None:
        server = listen(self, self.respond)
        host, port = server.server_address[:2]
        self.set_uri(f"http://{host}:{port}/")
        self._stop.wait()
        server.shutdown()
        server.server_close()

    def shutdown(self) -> None:
        self._stop.set()


class StandbyModule(MgrStandbyModule):
    MODULE_OPTIONS = OPTIONS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stop = threading.Event()
        self._uri = ""

    def respond(self, path: str) -> Answer:
        if not self._uri:
            self._uri = self.get_active_uri()  # looked up once: the bug
        uri = self._uri
        if not uri:
            return 503, {"Content-Type": "text/plain", "Retry-After": "1"}, b"no active mgr yet\n"
        return 303, {"Location": uri, "Content-Type": "text/plain"}, f"see {uri}\n".encode()

    def serve(self) -> None:
        server = listen(self, self.respond)
        self._stop.wait()
        server.shutdown()
        server.server_close()

    def shutdown(self) -> None:
        self._stop.set()
