"""Who follows which map, and pushing maps to them.

A client subscribes with the first epoch it wants of each map (``mgrmap``,
``monmap``, ``osdmap``, ``config``, ``kv`` …). The mon pushes the current map
at once if it is new enough (and the mon may serve reads), then every newer
one as it is committed; after each push the session only wants what is
newer still. Maps are looked up through ``current`` (`Monitor.current_map`);
the commit path publishes committed maps through `publish`.

The cluster log is followed differently, as Ceph's ``log-<level>``
subscriptions are (``ceph -w``): the start is a sequence number, a cursor.
The mon pushes the committed entries from that number on (``since``,
`LogService.watch_map`: at or above the level, every channel) and, after
each commit of the log, the entries that are new for that session; start 0
is "from now" (an empty push that gives the cursor). A client that
resubscribes elsewhere with its cursor gets what it missed from that mon.

Who may import it: the daemon shell (which builds it) and tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.messages import MapUpdate
from sim.transport import Server

CurrentMap = Callable[[str], "tuple[int, dict[str, Any]] | None"]
Since = Callable[[str, int], "tuple[int, dict[str, Any]] | None"]  # (name, start) -> newer part

LOG_SOURCE = "log"  # the map whose commits feed the log-<level> subscriptions
LOG_SUBS = "log-"


class Subscriptions:
    def __init__(self, server: Server, current: CurrentMap, since: Since | None = None) -> None:
        self.server = server
        self.current = current
        self.since = since
        self.sessions: dict[bytes, tuple[str, dict[str, int]]] = {}  # ident -> (peer, wants)

    def subscribe(self, ident: bytes, peer: str, what: dict[str, int], send_now: bool) -> None:
        for name, start in what.items():
            if name.startswith(LOG_SUBS) and not start and not send_now and self.since:
                # "from now" is now, even if the first push waits for a readable mon
                now = self.since(name, 0)
                if now is not None:
                    what[name] = now[0] + 1
        self.sessions[ident] = (peer, what)
        if send_now:
            self.send_current(ident)

    def send_current(self, ident: bytes) -> None:
        """Push every map this session wants that is at least the epoch it asked for."""
        peer, what = self.sessions[ident]
        for name, start in list(what.items()):
            if name.startswith(LOG_SUBS):
                self._push_log(ident, peer, name, start)
                continue
            current = self.current(name)
            if current is not None and current[0] >= start:
                self._push(ident, peer, name, current[0], current[1])

    def trim_clients(self) -> list[tuple[bytes, str]]:
        """Forget every session that is not a mon's; returns them (ident, peer)."""
        gone = [(i, peer) for i, (peer, _) in self.sessions.items() if not peer.startswith("mon.")]
        for ident, _ in gone:
            del self.sessions[ident]
        return gone

    def send_current_to_all(self) -> None:
        for ident in list(self.sessions):
            self.send_current(ident)

    def publish(self, name: str, epoch: int, body: dict[str, Any]) -> None:
        for ident, (peer, what) in list(self.sessions.items()):
            if name in what and epoch >= what[name]:
                self._push(ident, peer, name, epoch, body)
            if name == LOG_SOURCE:
                for sub, start in list(what.items()):
                    if sub.startswith(LOG_SUBS):
                        self._push_log(ident, peer, sub, start)

    def _push_log(self, ident: bytes, peer: str, name: str, start: int) -> None:
        """The entries from ``start`` on (see the module's docstring); nothing
        to send (none at that level) only moves the session's cursor."""
        newer = self.since(name, start) if self.since is not None else None
        if newer is None:
            return
        epoch, body = newer
        if start and not body.get("entries"):
            self.sessions[ident][1][name] = epoch + 1
            return
        self._push(ident, peer, name, epoch, body)

    def _push(self, ident: bytes, peer: str, name: str, epoch: int, body: dict[str, Any]) -> None:
        self.server.send(ident, peer, MapUpdate(name=name, epoch=epoch, map=body), epoch=epoch)
        self.sessions[ident][1][name] = epoch + 1  # only newer ones from now on
