"""dashboard: cluster status over HTTP, and the real dashboard's standby contract.

Active: an HTTP server (stdlib, on the serve() thread) bound to
``server_addr`` (default 127.0.0.1) and the localized ``server_port``
(default 0: any free port), published with ``set_uri``. ``/`` is an HTML
status page and ``/api/summary`` the same as JSON; while
``have_mon_connection()`` is False both say ``stale: no mon connection``
and show the last known state.

Standby (Ceph's dashboard StandbyModule): every path answers, according to
``standby_behaviour`` (read on every request):

- ``redirect``: 303 with ``Location`` = the active's URI from the MgrMap,
  exactly, whatever the path; with no active URI known, 200 and a page that
  retries every 5 s; ``/api/prometheus_receiver*`` -> 204;
- ``error``: ``standby_error_status_code`` (default 500), "Keep on looking".
"""

import http.server
import json
import threading
from collections.abc import Callable
from typing import Any

from mgr_module import MgrModule, MgrStandbyModule, Option

from .pages import no_active_page, redirect_page, status_page, summary

PER_MODULE_REGISTRY = False
try:  # up to Squid: one CLICommand registry in mgr_module
    from mgr_module import CLICommand
except ImportError:  # Tentacle (20.2): each module makes its own registry
    from mgr_module import CLICommandBase

    PER_MODULE_REGISTRY = True

    CLICommand = CLICommandBase.make_registry_subtype("SimDashboardCLICommand")

OPTIONS = [
    Option(
        name="server_addr", type="str", default="127.0.0.1", desc="address to bind", runtime=True
    ),
    Option(
        name="server_port",
        type="int",
        default=0,
        min=0,
        max=65535,
        desc="port (0: any free port)",
        runtime=True,
    ),
    Option(
        name="standby_behaviour",
        type="str",
        default="redirect",
        enum_allowed=["redirect", "error"],
        desc="what a standby answers: a redirect to the active, or an error",
        runtime=True,
    ),
    Option(
        name="standby_error_status_code",
        type="int",
        default=500,
        min=400,
        max=599,
        desc="HTTP status of a standby in error mode",
        runtime=True,
    ),
    Option(name="password", type="str", desc="unused; declared as the real dashboard does"),
]

Responder = Callable[[str], tuple[int, dict, bytes]]


def _server(addr: str, port: int, respond: Responder) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            status, headers, body = respond(self.path)
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_HEAD = do_GET

        def log_message(self, fmt: str, *args: Any) -> None:
            return

    server = http.server.ThreadingHTTPServer((addr, port), Handler)
    server.daemon_threads = True
    return server


def _bind(mod: Any) -> http.server.ThreadingHTTPServer:
    addr = str(mod.get_localized_module_option("server_addr") or "127.0.0.1")
    port = int(mod.get_localized_module_option("server_port") or 0)
    return _server(addr, port, mod.respond)


class Module(MgrModule):
    if PER_MODULE_REGISTRY:  # 20.2 reads the module's registry here
        CLICommand = CLICommand
    MODULE_OPTIONS = OPTIONS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.server: http.server.ThreadingHTTPServer | None = None
        self.stopping = threading.Event()
        self.restart = threading.Event()

    def respond(self, path: str) -> tuple[int, dict, bytes]:
        data = summary(self)
        if path.startswith("/api/summary"):
            return 200, {"Content-Type": "application/json"}, json.dumps(data).encode()
        return 200, {"Content-Type": "text/html; charset=utf-8"}, status_page(data).encode()

    def serve(self) -> None:
        while not self.stopping.is_set():
            self.server = _bind(self)
            host, port = self.server.server_address[:2]
            self.set_uri(f"http://{host}:{port}/")
            self.log.info("serving on http://%s:%d/", host, port)
            worker = threading.Thread(
                target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
            )
            worker.start()
            self.restart.clear()
            while not self.stopping.is_set() and not self.restart.is_set():
                self.restart.wait(1.0)
            self.server.shutdown()
            self.server.server_close()
            worker.join()

    def config_notify(self) -> None:
        """Rebind when the address or port changed (like the real modules)."""
        if self.server is None:
            return
        host, port = self.server.server_address[:2]
        want_port = int(self.get_localized_module_option("server_port") or 0)
        want_addr = str(self.get_localized_module_option("server_addr") or "127.0.0.1")
        if want_addr != host or (want_port and want_port != port):
            self.restart.set()

    def shutdown(self) -> None:
        self.stopping.set()
        self.restart.set()


class StandbyModule(MgrStandbyModule):
    MODULE_OPTIONS = OPTIONS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.server: http.server.ThreadingHTTPServer | None = None
        self.stopping = threading.Event()

    def respond(self, path: str) -> tuple[int, dict, bytes]:
        if self.get_module_option("standby_behaviour") == "error":
            code = int(self.get_module_option("standby_error_status_code") or 500)
            body = json.dumps({"status": code, "detail": "Keep on looking"}).encode()
            return code, {"Content-Type": "application/json"}, body
        if path.startswith("/api/prometheus_receiver"):
            return 204, {}, b""
        uri = self.get_active_uri()
        if uri:
            return 303, {"Location": uri, "Content-Type": "text/html"}, redirect_page(uri).encode()
        return 200, {"Content-Type": "text/html; charset=utf-8"}, no_active_page().encode()

    def serve(self) -> None:
        self.server = _bind(self)
        host, port = self.server.server_address[:2]
        self.log.info("standby serving on http://%s:%d/", host, port)
        worker = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        worker.start()
        self.stopping.wait()
        self.server.shutdown()
        self.server.server_close()
        worker.join()

    def shutdown(self) -> None:
        self.stopping.set()
