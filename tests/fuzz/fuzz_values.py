"""The frame fuzz's parameters (frames per stage, bursts, timeouts, the daemons aimed at) and
its random values: `Gen` (seeded), nesting `Deep` values, and valid, harmless messages of
every type.
"""

from __future__ import annotations

import random
import time
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sim import codec, record
from sim.messages import (
    Admin,
    BeaconAck,
    Command,
    CommandReply,
    Event,
    Hello,
    HelloReply,
    Log,
    MapUpdate,
    Message,
    MgrBeacon,
    MsgType,
    Ping,
    Pong,
    Subscribe,
    message_class,
)

SEED_ENV = "SIM_FUZZ_SEED"
ME = "client.fuzz"

# Frames per daemon, per stage (stage 4 adds a few hundred requests more).
N_RANDOM = 700
N_SIGNED_GARBAGE = 900
N_MUTATED = 800
MAX_FRAME = 1 << 20  # the biggest single frame we send (1 MiB)
BURST = 40  # hostile requests in flight before we wait for their replies
REPLY_TIMEOUT = 6.0  # generous: a burst is answered in well under a second
SEND_TIMEOUT_MS = 10_000  # a daemon that stops reading makes send() fail, not hang

# Nesting depths of `Deep` values: up to msgpack's limit (1024) and beyond it.
DEEP = (40, 300, 600, 990, 1000, 1015, 1100)

MON, MGRS, SUPERVISOR = "mon.a", ("mgr.x", "mgr.y"), "sim.supervisor"
TARGETS = (MON, *MGRS, SUPERVISOR)

# Strings we never produce at random: real daemon names and the supervisor's
# fault verbs (a signed garbage message must not change the cluster by chance).
AVOID = {
    "x", "y", "z", "a", "mgr.x", "mgr.y", "mon.a", "mgr.active", "active",
    "down", "kill", "stop", "pause", "resume", "restart", "mgrmap", "daemon_started",
    "partition", "fail", "mgr fail", "mgr set", "respawn", "daemon_crashed", "daemon_exited",
}  # fmt: skip
SPECIAL_STRINGS = [
    "", "\x00", "%s%s%n", "'; DROP TABLE kv; --", "../../../etc/passwd", "\u202e", "💥" * 8,
    "NaN", "null", "true", "-1", " ", "\n", "{}", "[]",
]  # fmt: skip
SPECIAL_INTS = [0, 1, -1, 2**31 - 1, -(2**31), 2**32, 2**63 - 1, -(2**63), 2**64 - 1]
SPECIAL_FLOATS = [float("nan"), float("inf"), float("-inf"), -0.0, 1e308, 5e-324, -1.5]


# --- values -----------------------------------------------------------------


@dataclass(frozen=True)
class Deep:
    """A value nested ``depth`` levels deep, spliced into the packed bytes
    (msgpack's packer would refuse the deepest ones)."""

    depth: int
    kind: str = "list"

    def encoded(self) -> bytes:
        level = b"\x91" if self.kind == "list" else b"\x81\xa1k"
        return level * self.depth + b"\xc0"

    def __repr__(self) -> str:
        return f"<{self.kind} nested {self.depth} deep>"


def pack(obj: Any) -> bytes:
    """`codec.pack`, with every `Deep` spliced in."""
    deeps: list[Deep] = []

    def sentinel(i: int) -> str:
        return f"\x00deep{i}\x00"

    def sub(o: Any) -> Any:
        if isinstance(o, Deep):
            deeps.append(o)
            return sentinel(len(deeps) - 1)
        if isinstance(o, list):
            return [sub(x) for x in o]
        if isinstance(o, dict):
            return {k: sub(v) for k, v in o.items()}
        return o

    data = codec.pack(sub(obj))
    for i, d in enumerate(deeps):
        data = data.replace(codec.pack(sentinel(i)), d.encoded(), 1)
    return data


def short(obj: Any, n: int = 160) -> str:
    text = repr(obj)
    return text if len(text) <= n else text[:n] + "…"


class Gen:
    """Random values of every msgpack type, biased towards edge cases."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def integer(self) -> int:
        r = self.rng
        pick = r.random()
        if pick < 0.6:
            return r.choice(SPECIAL_INTS)
        if pick < 0.8:
            return r.randint(-(2**62), -1)
        return r.randint(10**9, 2**62)  # never near real global ids (4100+)

    def real(self) -> float:
        r = self.rng
        return r.choice(SPECIAL_FLOATS) if r.random() < 0.6 else r.uniform(-1e12, 1e12)

    def text(self) -> str:
        r = self.rng
        pick = r.random()
        if pick < 0.3:
            s = r.choice(SPECIAL_STRINGS)
        elif pick < 0.6:
            s = "".join(r.choice("abcdefghijklmnopqrstuvwxyz. -_") for _ in range(r.randint(1, 16)))
        elif pick < 0.85:
            s = "".join(
                chr(r.choice([r.randint(1, 0xD7FF), r.randint(0xE000, 0x10FFFF)]))
                for _ in range(r.randint(1, 24))
            )
        else:
            s = r.choice("Aé💥") * r.randint(1000, 20000)
        return "fuzz" + s if s in AVOID else s

    def blob(self) -> bytes:
        r = self.rng
        return r.randbytes(r.choice([0, 1, 8, 32, 33, r.randint(0, 4096)]))

    def scalar(self) -> Any:
        r = self.rng
        return r.choice([None, True, False, self.integer(), self.real(), self.text(), self.blob()])

    def key(self) -> Any:
        r = self.rng
        return r.choice([self.text(), self.text(), self.integer(), self.blob(), None, True, 1.5])

    def deep(self) -> Deep:
        return Deep(self.rng.choice(DEEP), self.rng.choice(["list", "map"]))

    def value(self, depth: int = 0) -> Any:
        r = self.rng
        pick = r.random()
        if pick < 0.04:
            return self.deep()
        if depth >= 3 or pick < 0.55:
            return self.scalar()
        if pick < 0.78:
            return [self.value(depth + 1) for _ in range(r.randint(0, 6))]
        return {self.key(): self.value(depth + 1) for _ in range(r.randint(0, 6))}

    def of_type(self, t: type) -> Any:
        """A hostile value of the given wire type."""
        if t is bool:
            return self.rng.random() < 0.5
        if t is int:
            return self.integer()
        if t is float:
            return self.real()
        if t is str:
            return self.text()
        if t is bytes:
            return self.blob()
        if t is list:
            return [self.value(1) for _ in range(self.rng.randint(0, 5))]
        if t is dict:
            return {self.key(): self.value(1) for _ in range(self.rng.randint(0, 5))}
        return self.value()

    def not_of_type(self, allowed: tuple[type, ...]) -> Any:
        """A value that ``isinstance`` refuses (bool counts as int, int as float)."""
        while True:
            v = self.value()
            if isinstance(v, Deep):
                if list not in allowed and dict not in allowed:
                    return v
                continue
            if not isinstance(v, allowed):
                return v


_WIRE_TYPES: dict[Any, tuple[type, ...]] = {
    int: (int,),
    float: (float, int),
    str: (str,),
    bool: (bool,),
    bytes: (bytes,),
    dict: (dict,),
    list: (list,),
}


def field_types(cls: type[Message]) -> dict[str, tuple[type, ...]]:
    hints = typing.get_type_hints(cls)
    out = {}
    for f in record.fields(cls):
        origin = typing.get_origin(hints[f.name]) or hints[f.name]
        out[f.name] = _WIRE_TYPES.get(origin, (object,))
    return out


def required_fields(cls: type[Message]) -> list[str]:
    return [f.name for f in record.fields(cls) if f.required]


# --- valid, harmless messages of every type ---------------------------------

_PLAIN_VALUES: dict[type, Any] = {
    int: 1,
    float: 0.0,
    str: "fuzz",
    bool: False,
    bytes: b"",
    dict: {},
    list: [],
}


def harmless(t: MsgType, rng: random.Random) -> Message:
    """A valid message of type ``t`` that changes nothing if a daemon obeys it."""
    fuzz_gid = rng.randint(10**12, 2**62)
    samples: dict[MsgType, Callable[[], Message]] = {
        MsgType.HELLO: lambda: Hello(entity_type="client", pid=rng.randint(1, 2**22)),
        MsgType.HELLO_REPLY: lambda: HelloReply(global_id=fuzz_gid, mon_name="fuzz"),
        MsgType.PING: lambda: Ping(stamp=time.time()),
        MsgType.PONG: lambda: Pong(stamp=time.time()),
        MsgType.COMMAND: lambda: Command(cmd={"prefix": "mgr stat", "format": "json"}),
        MsgType.COMMAND_REPLY: lambda: CommandReply(retval=-22, outbuf=b"fuzz", outs="fuzz"),
        MsgType.ADMIN: lambda: Admin(cmd={"prefix": "status"}),
        MsgType.SUBSCRIBE: lambda: Subscribe(what={"mgrmap": 0}),
        MsgType.MAP: lambda: MapUpdate(name="mgrmap", epoch=1, map={}),
        MsgType.MGR_BEACON: lambda: MgrBeacon(
            gid=fuzz_gid, name=f"fuzz-{rng.randint(0, 3)}", available=False
        ),
        MsgType.BEACON_ACK: lambda: BeaconAck(gid=fuzz_gid, mgrmap_epoch=1, active=False),
        MsgType.EVENT: lambda: Event(kind="fuzz", stamp=time.time(), data={"n": 1}),
        MsgType.LOG: lambda: Log(
            entries=[{"channel": "cluster", "priority": "[DBG]", "message": "fuzz", "stamp": 0.0}]
        ),
    }
    make = samples.get(t)
    if make is not None:
        return make()
    # A message type this test does not know yet: fill the required fields.
    cls = message_class(t)
    types = field_types(cls)
    return cls(**{n: _PLAIN_VALUES.get(types[n][0]) for n in required_fields(cls)})
