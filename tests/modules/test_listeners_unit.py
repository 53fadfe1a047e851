"""`mgr.host.listeners`: sockets bound on a module's threads are attributed
to it and reported while they listen (no processes)."""

from __future__ import annotations

import socket
import threading

from mgr.host import listeners


def bind_on_thread(key: str | None) -> socket.socket:
    out: list[socket.socket] = []

    def run() -> None:
        s = socket.socket()
        if key is None:
            s.bind(("127.0.0.1", 0))
        else:
            with listeners.owned_by(key):
                s.bind(("127.0.0.1", 0))
        out.append(s)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    return out[0]


def test_only_listening_sockets_of_the_owner_are_reported() -> None:
    listeners.install()
    listeners.install()  # idempotent
    mine = bind_on_thread("unit/standby")
    other = bind_on_thread(None)
    try:
        assert listeners.listening("unit/standby") == []  # bound, not listening yet
        mine.listen()
        other.listen()
        port = mine.getsockname()[1]
        assert listeners.listening("unit/standby") == [("127.0.0.1", port)]
        assert listeners.listening("unit/active") == []
    finally:
        mine.close()
        other.close()
    assert listeners.listening("unit/standby") == []  # closed: forgotten


def test_http_uri() -> None:
    assert listeners.http_uri("127.0.0.1", 8080) == "http://127.0.0.1:8080/"
    assert listeners.http_uri("::1", 8080) == "http://[::1]:8080/"
