"""Link faults: what happens to a message a daemon sends to a peer.

Kernel layer; pure except for the clock and a seeded RNG. Each daemon holds
one `Links` (its end of every link). A peer may be *blocked* (a partition:
traffic is dropped both ways) or carry a `LinkFault` (Maelstrom's link
faults): one-way ``latency`` plus a uniform ``jitter`` of up to that much
more, a ``loss`` probability and a ``duplicate`` probability. ``"*"`` stands
for every peer. The transport asks `Links.plan` before each send.

A cluster may also run on a *network* (``cluster.network`` in a scenario,
`sim.cluster.ClusterSpec.network`): a `LinkFault` on every link between two
daemons from the first message on, restarts included. A link step toward a
peer replaces it for that peer; ``heal`` returns to it, not to a perfect
network.

Messages on one link never overtake each other, whatever the jitter: the
links stand for TCP connections (ZeroMQ over TCP), where reordering does not
happen; a delivery time is never earlier than the previous one to that peer.
Loss and duplication do not happen on TCP either; they are there because
teaching a protocol means showing what it does when they do (a lost beacon,
a command run twice). A duplicate is numbered anew by the transport, as a
resend would be, so the receiver's replay guard (`sim.replay`) takes it; the
same frames twice would be a replay, which it drops.

Every random choice comes from one `random.Random` seeded per daemon, so a
scenario's seed decides them (as far as the order of sends is the same).
"""

from __future__ import annotations

import random
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

ALL = "*"
#: whom ``"*"`` covers: the cluster's daemons, not the harness (``sim.supervisor``,
#: the event stream) nor clients (the CLI, a test's client)
DAEMON_PREFIXES = ("mon.", "mgr.", "osd.", "mds.", "rgw.", "fleet.")


class LinkError(ValueError):
    """A link fault that makes no sense (a negative latency, a loss of 200 %)."""


@dataclass(frozen=True)
class LinkFault:
    latency: float = 0.0  # seconds, one way
    jitter: float = 0.0  # seconds, uniform in [0, jitter] on top of the latency
    loss: float = 0.0  # probability that a message is dropped
    duplicate: float = 0.0  # probability that a message is delivered twice

    def __post_init__(self) -> None:
        for name in ("latency", "jitter"):
            v = getattr(self, name)
            if not isinstance(v, int | float) or isinstance(v, bool) or not 0 <= v <= 3600:
                raise LinkError(f"link {name} must be between 0 and 3600 seconds, not {v!r}")
        for name in ("loss", "duplicate"):
            v = getattr(self, name)
            if not isinstance(v, int | float) or isinstance(v, bool) or not 0 <= v <= 1:
                raise LinkError(f"link {name} must be a probability between 0 and 1, not {v!r}")

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LinkFault:
        unknown = set(d) - {"latency", "jitter", "loss", "duplicate"}
        if unknown:
            raise LinkError(f"unknown link fault field(s): {', '.join(sorted(unknown))}")
        return cls(**{k: float(v) if _num(v) else v for k, v in d.items()})

    @property
    def inert(self) -> bool:
        return self == LinkFault()

    def as_dict(self) -> dict[str, float]:
        return {k: v for k, v in asdict(self).items() if v}


def _num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def daemon_seed(name: str, seed: int = 0) -> int:
    """A daemon's RNG seed: the scenario's seed and the daemon's name."""
    return zlib.crc32(f"{seed}/{name}".encode())


class Links:
    """One daemon's end of its links."""

    def __init__(self, seed: int = 0, clock: Callable[[], float] = time.monotonic) -> None:
        self.blocked: set[str] = set()
        self.faults: dict[str, LinkFault] = {}
        self.network: LinkFault | None = None  # every daemon link's baseline
        self._rng = random.Random(seed)
        self._clock = clock
        self._last: dict[str, float] = {}  # peer -> latest planned delivery time

    def reseed(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def allowed(self, peer: str) -> bool:
        return peer not in self.blocked

    def set_fault(self, peers: list[str], fault: LinkFault) -> None:
        for p in peers:
            if fault.inert:
                self.faults.pop(p, None)
            else:
                self.faults[p] = fault

    def heal(self, peers: list[str] | None = None) -> None:
        """Undo partitions and link faults (toward ``peers``, or all)."""
        if peers is None:
            self.blocked.clear()
            self.faults.clear()
            return
        self.blocked.difference_update(peers)
        for p in peers:
            self.faults.pop(p, None)

    def fault_for(self, peer: str) -> LinkFault | None:
        fault = self.faults.get(peer)
        if fault is None and peer.startswith(DAEMON_PREFIXES):
            fault = self.faults.get(ALL, self.network)
        return fault

    def plan(self, peer: str) -> list[float] | None:
        """None: send now, untouched. Otherwise the delays (seconds from now) of
        the copies to deliver: ``[]`` dropped, ``[d]`` once, ``[d, d2]`` twice."""
        fault = self.fault_for(peer)
        if fault is None:
            return None
        if fault.loss and self._rng.random() < fault.loss:
            return []
        copies = 2 if fault.duplicate and self._rng.random() < fault.duplicate else 1
        now = self._clock()
        out = []
        for _ in range(copies):
            delay = fault.latency + (self._rng.uniform(0, fault.jitter) if fault.jitter else 0.0)
            at = max(now + delay, self._last.get(peer, 0.0))  # no overtaking on a link
            self._last[peer] = at
            out.append(at - now)
        return out

    def status(self) -> dict[str, Any]:
        return {
            "blocked_peers": sorted(self.blocked),
            "link_faults": {p: f.as_dict() for p, f in sorted(self.faults.items())},
            "network": self.network.as_dict() if self.network else {},
        }


def parse_seconds(text: str) -> float:
    """``200ms``, ``0.2s``, ``1m`` or a bare number of seconds."""
    t = str(text).strip().lower()
    for suffix, scale in (("ms", 0.001), ("s", 1.0), ("m", 60.0)):
        if t.endswith(suffix):
            t, mult = t[: -len(suffix)], scale
            break
    else:
        mult = 1.0
    try:
        return float(t) * mult
    except ValueError:
        raise LinkError(f"not a duration: {text!r} (e.g. 200ms, 0.2s)") from None


def parse_ratio(text: str) -> float:
    """``10%`` or ``0.1``."""
    t = str(text).strip()
    try:
        return float(t[:-1]) / 100 if t.endswith("%") else float(t)
    except ValueError:
        raise LinkError(f"not a probability: {text!r} (e.g. 10% or 0.1)") from None


def parse_fault(text: str) -> dict[str, float]:
    """``latency=5ms,jitter=2ms,loss=1%,duplicate=0.1%`` (``sim up --network``)
    as `LinkFault` fields; validated."""
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep:
            raise LinkError(f"not FIELD=VALUE: {part!r} (e.g. latency=5ms,loss=1%)")
        key = key.strip()
        if key in ("latency", "jitter"):
            out[key] = parse_seconds(value)
        elif key in ("loss", "duplicate"):
            out[key] = parse_ratio(value)
        else:
            raise LinkError(
                f"unknown link fault field {key!r}; known: latency, jitter, loss, duplicate"
            )
    LinkFault.from_dict(out)
    return out


def link_pairs(a: str, b: str, daemons: list[str], one_way: bool) -> list[tuple[str, list[str]]]:
    """Who sets a fault toward whom for a link between ``a`` and ``b`` (either may
    be ``*``: every daemon). ``one_way``: only what ``a`` sends."""
    side_a = daemons if a == ALL else [a]
    side_b = daemons if b == ALL else [b]
    pairs = [(x, [ALL] if b == ALL else [b]) for x in side_a]
    if not one_way and not (a == ALL and b == ALL):
        pairs += [(y, [ALL] if a == ALL else [a]) for y in side_b if y not in side_a or a == ALL]
    return [(d, [p for p in peers if p != d]) for d, peers in pairs if [p for p in peers if p != d]]
