"""Who follows which map, and pushing maps to them.

A client subscribes with the first epoch it wants of each map (``mgrmap``,
``monmap``, ``osdmap``, ``config``, ``kv`` …). The mon pushes the current map
at once if it is new enough (and the mon may serve reads), then every newer
one as it is committed; after each push the session only wants what is
newer still. Maps are looked up through ``current`` (`Monitor.current_map`);
the commit path publishes committed maps through `publish`.

Who may import it: the daemon shell (which builds it) and tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.messages import MapUpdate
from sim.transport import Server

CurrentMap = Callable[[str], "tuple[int, dict[str, Any]] | None"]


class Subscriptions:
    def __init__(self, server: Server, current: CurrentMap) -> None:
        self.server = server
        self.current = current
        self.sessions: dict[bytes, tuple[str, dict[str, int]]] = {}  # ident -> (peer, wants)

    def subscribe(self, ident: bytes, peer: str, what: dict[str, int], send_now: bool) -> None:
        self.sessions[ident] = (peer, what)
        if send_now:
            self.send_current(ident)

    def send_current(self, ident: bytes) -> None:
        """Push every map this session wants that is at least the epoch it asked for."""
        peer, what = self.sessions[ident]
        for name, start in list(what.items()):
            current = self.current(name)
            if current is not None and current[0] >= start:
                self._push(ident, peer, name, current[0], current[1])

    def send_current_to_all(self) -> None:
        for ident in list(self.sessions):
            self.send_current(ident)

    def publish(self, name: str, epoch: int, body: dict[str, Any]) -> None:
        for ident, (peer, what) in list(self.sessions.items()):
            if name in what and epoch >= what[name]:
                self._push(ident, peer, name, epoch, body)

    def _push(self, ident: bytes, peer: str, name: str, epoch: int, body: dict[str, Any]) -> None:
        self.server.send(ident, peer, MapUpdate(name=name, epoch=epoch, map=body), epoch=epoch)
        self.sessions[ident][1][name] = epoch + 1  # only newer ones from now on
