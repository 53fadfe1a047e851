"""Which listening sockets each hosted module has open (for the admin ``status``).

Where a module answers HTTP is its own business: the cluster only learns
what the *active* publishes with ``set_uri``. A standby's listener (the
dashboard's redirecting standby) is published nowhere, yet a scenario or an
operator needs to know where to knock. So the host watches the sockets bound
on the threads it runs a module on -- its finisher (constructor, notify,
commands) and its ``serve()`` thread -- with an audit hook on
``socket.bind``, and reports those still listening. Threads a module starts
itself are not followed; a socket handed to ``ssl.wrap_socket`` is seen only
until it is detached.

Nothing here calls into the module; the cost for other threads is one string
comparison per audit event.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import weakref
from collections.abc import Iterator
from typing import Any

_owners: dict[int, str] = {}  # thread ident -> owner key ("dashboard/standby")
_bound: dict[str, list[weakref.ref[socket.socket]]] = {}
_lock = threading.Lock()
_installed = False
_ACCEPTCONN = getattr(socket, "SO_ACCEPTCONN", None)


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event != "socket.bind":
        return
    key = _owners.get(threading.get_ident())
    if key is None or not args:
        return
    try:
        ref = weakref.ref(args[0])
    except TypeError:
        return
    with _lock:
        _bound.setdefault(key, []).append(ref)


def install() -> None:
    """Add the audit hook (once per process; audit hooks cannot be removed)."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    sys.addaudithook(_hook)


def owner() -> str | None:
    """The owner key of the calling thread (``<module>/<kind>``), None for other threads."""
    return _owners.get(threading.get_ident())


@contextlib.contextmanager
def owned_by(key: str) -> Iterator[None]:
    """Sockets bound on this thread meanwhile belong to ``key``."""
    ident = threading.get_ident()
    _owners[ident] = key
    try:
        yield
    finally:
        _owners.pop(ident, None)


def listening(key: str) -> list[tuple[str, int]]:
    """(host, port) of every socket ``key`` bound that is listening now."""
    out: list[tuple[str, int]] = []
    with _lock:
        alive = []
        for ref in _bound.get(key, []):
            sock = ref()
            if sock is None or sock.fileno() == -1:
                continue  # closed (or detached): forget it
            alive.append(ref)
            try:
                if _ACCEPTCONN is not None and not sock.getsockopt(socket.SOL_SOCKET, _ACCEPTCONN):
                    continue
                host, port = sock.getsockname()[:2]
            except (OSError, ValueError, TypeError):
                continue  # not an IP socket, or closed meanwhile
            out.append((str(host), int(port)))
        if key in _bound:
            _bound[key] = alive
    return out


def http_uri(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"
