"""Anti-replay: the route a signed frame carries, the sender's numbering and
the receiver's verdict.

Kernel layer, pure: no I/O, no clock reads (every time is passed in; the only
outside input is the random nonce, from the OS). Imported by `sim.wire` (the
`Route` in a frame's header) and `sim.transport` (a `Sequencer` and a
`ReplayGuard` per `Identity`).

Theory of operation. Every frame's signed header carries a `Route`: whom it
is for (``dest``, and ``dest_nonce``, the receiver's incarnation when the
sender knows it: a reply), the sender's ``nonce``, a ``seq`` and the send
time (``stamp``, the wall clock, which every process of a cluster shares:
they run on one machine, and no scenario feature fakes a clock).

- The nonce is random, 64 bits, one per process *incarnation* (per
  `Identity`), not per connection: a `Server` answers on a ROUTER socket that
  has no connection object, ZeroMQ reconnects under a `Connection` without
  telling it, and one nonce per process keeps one window per peer process at
  the receiver. A restarted process has a new nonce, so it needs to remember
  nothing of its previous life.
- ``seq`` counts per (nonce, destination name), from 1 (`Sequencer`). A
  counter forgotten to bound memory restarts above every number this
  incarnation ever used (a counter never exceeds the total sent), so a
  receiver sees it jump forward, never back. Near 2**64 a new nonce is drawn.
- The receiver (`ReplayGuard`) keeps, per (sender, nonce), a sliding window
  as IPsec and DTLS do: the highest seq seen and a bitmap of the
  `WINDOW_BITS` before it. A seq already marked, or older than the window,
  is ``replayed``; one within the window not seen yet (reordered by two
  pipes or a link) is taken once. A frame not for us is ``misdirected``.
- Memory is bounded: a window not heard from for `WINDOW_IDLE` seconds is
  forgotten, and so is the least recently heard once there are
  `MAX_WINDOWS`. What a forgotten window protected is kept as a *floor*: a
  new window refuses every frame stamped at or before the newest stamp the
  forgotten ones had accepted. The floor starts at the receiver's own start
  time, so a restarted receiver, which forgot every window, refuses every
  frame sent before it started. Frames more than `MAX_FRAME_AGE` seconds
  old (or ahead) are refused too. Both count as ``stale``.

What remains possible is written in docs/security.md ("Replayed and
duplicated frames").
"""

from __future__ import annotations

import math
import os
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import NamedTuple

#: The limits, stated once.
MAX_FRAME_AGE = 300.0  # seconds: a frame sent longer ago (or stamped that far ahead) is stale
WINDOW_BITS = 1024  # how far back (in seqs) a frame may arrive behind the newest one
WINDOW_IDLE = 2 * MAX_FRAME_AGE  # seconds: a (sender, nonce) silent this long is forgotten
MAX_WINDOWS = 4096  # (sender, nonce) windows a receiver keeps
MAX_DESTINATIONS = 4096  # per-destination counters a sender keeps
LOG_INTERVAL = 1.0  # seconds: at most one log line per drop reason this often
SEQ_MAX = 2**64 - 1  # msgpack's widest unsigned integer
NONCE_MAX = 2**64 - 1

# Verdicts, counted as drop reasons (`sim.wire.DropCounters`).
MISDIRECTED, REPLAYED, STALE = "misdirected", "replayed", "stale"


class Route(NamedTuple):
    """The anti-replay fields of a frame's signed header (a named tuple: it is
    the header's tail, and a one-shot CLI call makes one without building a
    dataclass)."""

    dest: str  # the receiver's entity name
    dest_nonce: int  # the receiver's incarnation, 0 if the sender does not know it
    nonce: int  # the sender's incarnation
    seq: int  # per (nonce, dest), from 1
    stamp: float  # the send time (seconds since the epoch)

    def describe(self) -> str:
        """A short form for a log line: the sender's nonce and the seq."""
        return f"{self.nonce:016x}:{self.seq}"

    def fields(self) -> list[object]:
        return [self.dest, self.dest_nonce, self.nonce, self.seq, self.stamp]

    @classmethod
    def from_fields(cls, f: Sequence[object]) -> Route:
        """The route of a decoded header's tail; ValueError if any field is wrong."""
        dest, dest_nonce, nonce, seq, stamp = f
        if not isinstance(dest, str):
            raise ValueError("bad route destination")
        for v in (dest_nonce, nonce, seq):
            if type(v) is not int or not 0 <= v <= SEQ_MAX:
                raise ValueError("bad route numbers")
        if nonce == 0 or seq == 0:
            raise ValueError("route nonce and seq must be positive")
        if type(stamp) not in (float, int) or not math.isfinite(stamp):  # type: ignore[arg-type]
            raise ValueError("bad route stamp")
        return cls(dest, dest_nonce, nonce, seq, float(stamp))  # type: ignore[arg-type]


#: What `sim.wire.encode` writes when it is given no route (a frame nobody takes).
UNROUTED = Route("", 0, 1, 1, 0.0)


def new_nonce() -> int:
    """A random, non-zero 64-bit nonce."""
    return int.from_bytes(os.urandom(8), "little") or 1


class Sequencer:
    """The sender's side: its nonce and a seq counter per destination."""

    def __init__(
        self,
        nonce_source: Callable[[], int] = new_nonce,
        limit: int = MAX_DESTINATIONS,
        seq_max: int = SEQ_MAX,
    ) -> None:
        self._source = nonce_source
        self._limit = limit
        self._seq_max = seq_max
        self.nonce = nonce_source()
        self.nonces = {self.nonce}  # every nonce this incarnation used (replies name one)
        self._counters: OrderedDict[str, int] = OrderedDict()
        self._total = 0  # frames numbered under the current nonce

    def route(self, dest: str, dest_nonce: int, stamp: float) -> Route:
        last = self._counters.pop(dest, None)
        if last is None:
            last = self._total  # above every seq this nonce gave anyone
            if len(self._counters) >= self._limit:
                self._counters.popitem(last=False)
        if last >= self._seq_max:  # wrap: a new nonce, numbered from 1 again
            self.nonce = self._source()
            self.nonces.add(self.nonce)
            self._counters.clear()
            self._total = last = 0
        self._counters[dest] = seq = last + 1
        self._total += 1
        return Route(dest, dest_nonce, self.nonce, seq, stamp)


class Window:
    """One (sender, nonce)'s anti-replay window: the newest seq and a bitmap."""

    __slots__ = ("top", "bits", "heard", "newest_stamp", "floor")

    def __init__(self, floor: float) -> None:
        self.top = 0  # the highest seq taken
        self.bits = 0  # bit i set: seq top - i was taken
        self.heard = 0.0  # when the last frame was taken
        self.newest_stamp = floor
        self.floor = floor  # frames stamped at or before this are stale here

    def take(self, seq: int) -> bool:
        """Mark ``seq`` taken; False if it was, or is older than the window."""
        if seq > self.top:
            shift = seq - self.top
            self.bits = ((self.bits << shift) | 1) & _MASK if shift < WINDOW_BITS else 1
            self.top = seq
            return True
        behind = self.top - seq
        if behind >= WINDOW_BITS or self.bits >> behind & 1:
            return False
        self.bits |= 1 << behind
        return True


_MASK = (1 << WINDOW_BITS) - 1


class ReplayGuard:
    """The receiver's side: accept or refuse a signed frame's route."""

    def __init__(
        self,
        name: str,
        own: Sequencer,
        started: float,
        max_age: float = MAX_FRAME_AGE,
        idle: float = WINDOW_IDLE,
        max_windows: int = MAX_WINDOWS,
    ) -> None:
        if idle < max_age:
            raise ValueError("a window must outlive the frame age it guards")
        self.name = name
        self.own = own  # our sender side: the nonces a reply to us may name
        self.floor = started  # nothing stamped before we started was ever taken
        self.max_age = max_age
        self.idle = idle
        self.max_windows = max_windows
        self.windows: OrderedDict[tuple[str, int], Window] = OrderedDict()  # oldest heard first
        self._logged: dict[str, float] = {}  # drop reason -> when it was last logged

    def check(self, sender: str, route: Route, now: float) -> str:
        """ "" if the frame is taken (and marked), else the drop reason."""
        if route.dest != self.name or (
            route.dest_nonce and route.dest_nonce not in self.own.nonces
        ):
            return MISDIRECTED
        if abs(now - route.stamp) > self.max_age:
            return STALE
        self._forget_idle(now)
        key = (sender, route.nonce)
        w = self.windows.get(key)
        if w is None:
            if route.stamp <= self.floor:
                return STALE
            w = Window(self.floor)
            self._make_room()
            self.windows[key] = w
        elif route.stamp <= w.floor:
            return STALE
        if not w.take(route.seq):
            return REPLAYED
        w.heard = now
        w.newest_stamp = max(w.newest_stamp, route.stamp)
        self.windows.move_to_end(key)
        return ""

    def _forget_idle(self, now: float) -> None:
        while self.windows:
            key, w = next(iter(self.windows.items()))
            if now - w.heard <= self.idle:
                return
            self._forget(key)

    def _make_room(self) -> None:
        while len(self.windows) >= self.max_windows:
            self._forget(next(iter(self.windows)))

    def _forget(self, key: tuple[str, int]) -> None:
        w = self.windows.pop(key)
        self.floor = max(self.floor, w.newest_stamp)

    def should_log(self, reason: str, now: float) -> bool:
        """True at most once per `LOG_INTERVAL` per reason (a flood of replays
        must not flood the log too; the drop counters count every one)."""
        if now - self._logged.get(reason, -math.inf) < LOG_INTERVAL:
            return False
        self._logged[reason] = now
        return True

    def status(self) -> dict[str, object]:
        return {"windows": len(self.windows), "floor": self.floor}
