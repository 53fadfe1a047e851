"""Fuzz: thousands of random, mutated and hostile frames at every daemon.

Each of mon.a, mgr.x, mgr.y and sim.supervisor gets, from plain synchronous
DEALER sockets:

1. purely random multipart messages (0..6 frames of random bytes, up to 1 MiB);
2. correctly signed garbage: headers of the wrong arity or types, a foreign
   fsid, unknown message types, bodies that are not maps, and bodies of every
   message type with fields dropped, added or of the wrong type;
3. mutations of real `wire.encode` envelopes of every message type: flipped,
   truncated, extended, swapped, duplicated or dropped frames, some re-signed
   after the mutation so that they reach the decoder and the handlers;
4. correctly signed, well-typed but semantically hostile requests (absurd ids,
   commands without or with mistyped prefixes and arguments, deeply nested
   values, weird subscriptions, beacons from made-up ``fuzz…`` mgrs, cluster
   log entries of the wrong shape, …), sent in bursts whose every request must
   be answered.

The test's own copy of `wire.decode` is the oracle: every frame it refuses with
a reason must be counted under that reason by the daemon. Afterwards every
daemon must still run (same pid, never restarted or respawned), answer, keep
its mgr map moving (the made-up standbys expire), and have printed no
traceback.

The seed is printed; set ``SIM_FUZZ_SEED`` to replay a run.
"""

from __future__ import annotations

import collections
import dataclasses
import itertools
import os
import random
import time
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import zmq

from sim import codec, wire
from sim.cmdparse import CommandSig
from sim.messages import (
    Admin,
    BeaconAck,
    Command,
    CommandReply,
    Envelope,
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
from sim.testing import ConditionTimeout, TestCluster, wait_until

pytestmark = pytest.mark.fuzz

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
    for f in dataclasses.fields(cls):
        origin = typing.get_origin(hints[f.name]) or hints[f.name]
        out[f.name] = _WIRE_TYPES.get(origin, (object,))
    return out


def required_fields(cls: type[Message]) -> list[str]:
    return [
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]


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


# --- frames -----------------------------------------------------------------


@dataclass
class Shot:
    frames: list[bytes]
    kind: str


@dataclass
class Request:
    """A signed request that must be answered (by tid) with ``reply_type``."""

    frames: list[bytes]
    tid: int
    reply_type: MsgType
    what: str


@dataclass
class Wire:
    signer: wire.Signer
    fsid: str
    gen: Gen
    tids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def rng(self) -> random.Random:
        return self.gen.rng

    def header(self, t: MsgType | Any, tid: int = 0, sender: Any = ME, epoch: Any = 0) -> list[Any]:
        type_s = t.value if isinstance(t, MsgType) else t
        return [type_s, sender, self.fsid, tid, epoch]

    def signed(self, header: Any, body: Any) -> list[bytes]:
        h = header if isinstance(header, bytes) else pack(header)
        b = body if isinstance(body, bytes) else pack(body)
        return [self.signer.sign(h, b), h, b]

    def encode(self, msg: Message, tid: int = 0) -> list[bytes]:
        return wire.encode(Envelope(msg.TYPE, ME, self.fsid, tid, msg), self.signer)

    def unique_tid(self) -> int:
        """Unique, and hostile: small, negative or beyond int64."""
        n = next(self.tids)
        return self.rng.choice([n, -n, 2**63 + n, 2**64 - n])

    # --- stage 1: random frames ---------------------------------------------

    def random_frames(self) -> Shot:
        r = self.rng
        count = r.randint(0, 6)
        frames = []
        for i in range(count):
            pick = r.random()
            if count == 3 and i == 0 and pick < 0.5:
                n = wire.SIG_BYTES  # reach the HMAC comparison
            elif pick < 0.7:
                n = r.randint(0, 64)
            elif pick < 0.9:
                n = r.randint(65, 4096)
            elif pick < 0.99:
                n = r.randint(4097, 65536)
            else:
                n = r.randint(65537, MAX_FRAME)
            frames.append(r.randbytes(n))
        if r.random() < 0.2 and count >= 2:  # random but msgpack-shaped
            frames[-1] = pack(self.gen.value())
        # ZeroMQ cannot send a message of zero frames: the nearest is one empty frame.
        return Shot(frames or [b""], "random")

    # --- stage 2: signed garbage --------------------------------------------

    def signed_garbage(self) -> Shot:
        r, g = self.rng, self.gen
        t = r.choice(list(MsgType))
        body = harmless(t, r).to_body()
        variant = r.choice(
            [
                "header_bytes", "header_arity", "header_types", "wrong_fsid", "unknown_type",
                "body_not_map", "body_bytes", "field_mistyped", "field_hostile", "field_dropped",
                "field_added", "key_types", "type_mismatch",
            ]
        )  # fmt: skip
        header: Any = self.header(t, tid=r.randint(0, 10))
        if variant == "header_bytes":
            header = r.randbytes(r.randint(0, 64))
        elif variant == "header_arity":
            n = r.choice([0, 1, 2, 3, 4, 6, 7, 8])
            header = (header + [g.value() for _ in range(4)])[:n] if n else []
            if r.random() < 0.3:
                header = g.value()  # not even a list
        elif variant == "header_types":
            i = r.choice([1, 3, 4])  # sender, tid, epoch
            header[i] = g.not_of_type((str,) if i == 1 else (int,))
        elif variant == "wrong_fsid":
            header[2] = r.choice(
                [g.value(), g.text(), g.deep(), self.fsid.upper(), self.fsid + " "]
            )
        elif variant == "unknown_type":
            header[0] = r.choice([g.value(), g.text(), g.deep(), t.value.upper(), t.value + "\x00"])
        elif variant == "body_not_map":
            body = g.not_of_type((dict,))
        elif variant == "body_bytes":
            body = r.randbytes(r.randint(0, 256))
        elif variant == "type_mismatch":
            body = harmless(r.choice(list(MsgType)), r).to_body()
        else:
            cls = message_class(t)
            types = field_types(cls)
            names = list(types)
            if variant == "field_mistyped" and names:
                n = r.choice(names)
                body[n] = g.not_of_type(types[n])
            elif variant == "field_hostile" and names:
                n = r.choice(names)
                body[n] = g.of_type(types[n][0])
            elif variant == "field_dropped" and names:
                for n in r.sample(names, r.randint(1, len(names))):
                    del body[n]
            elif variant == "field_added":
                body[r.choice(["extra", g.text(), "TYPE", "__class__"])] = g.value()
            elif variant == "key_types":
                body = {
                    r.choice([g.integer(), g.blob(), None, 1.5, True]): v for v in body.values()
                }
            else:
                body = g.value()
        return Shot(self.signed(header, body), f"signed:{variant}")

    # --- stage 3: mutated valid envelopes -----------------------------------

    def mutated(self) -> Shot:
        r = self.rng
        t = r.choice(list(MsgType))
        frames = self.encode(harmless(t, r), tid=r.randint(0, 1000))
        resign = r.random() < 0.5
        how = r.choice(
            [
                "flip", "flip", "flip", "truncate", "extend", "swap", "duplicate_frame",
                "drop_frame", "twice", "resplit", "zero_sig", "foreign_key", "replay",
            ]
        )  # fmt: skip
        if how in ("flip", "truncate", "extend"):
            i = r.choice([0, 1, 2] if not resign else [1, 2])
            data = bytearray(frames[i])
            if how == "flip" and data:
                for _ in range(r.randint(1, 4)):
                    data[r.randrange(len(data))] ^= r.randint(1, 255)
            elif how == "truncate" and data:
                del data[r.randrange(len(data)) :]
            else:
                data += r.randbytes(r.randint(1, 64))
            frames[i] = bytes(data)
        elif how == "swap":
            frames = [frames[0], frames[2], frames[1]]
        elif how == "duplicate_frame":
            i = r.randrange(3)
            frames.insert(i, frames[i])
            resign = False
        elif how == "drop_frame":
            del frames[r.randrange(3)]
            resign = False
        elif how == "twice":
            frames = frames + frames
            resign = False
        elif how == "resplit":
            # Move bytes across the header/body boundary; HMAC(header + body) still holds.
            sig, h, b = frames
            k = r.randint(1, 4)
            frames = [sig, h[:-k], h[-k:] + b] if r.random() < 0.5 else [sig, h + b[:k], b[k:]]
            resign = False
        elif how == "zero_sig":
            frames[0] = bytes(wire.SIG_BYTES)
            resign = False
        elif how == "foreign_key":
            frames[0] = wire.Signer(b"another cluster").sign(frames[1], frames[2])
            resign = False
        else:
            resign = False
        if resign and len(frames) == 3:
            frames[0] = self.signer.sign(frames[1], frames[2])
        return Shot(frames, f"mutated:{how}{'+resigned' if resign else ''}")

    # --- stage 4: signed, well-formed, semantically hostile -----------------

    def request(self, msg: Message, reply: MsgType) -> Request:
        """Sign ``msg`` in a hostile envelope (sender, tid, epoch)."""
        r, g = self.rng, self.gen
        tid = self.unique_tid()
        sender = r.choice([ME, ME, "", "\x00", "client." + "A" * 5000, "mon.a", "mgr.fuzz"])
        epoch = r.choice([0, g.integer()])
        body = msg.to_body()
        frames = self.signed(self.header(msg.TYPE, tid, sender, epoch), body)
        return Request(frames, tid, reply, f"{msg.TYPE.value} {short(body)}")

    def unanswered(self, msg: Message) -> Shot:
        req = self.request(msg, MsgType.PONG)
        return Shot(req.frames, f"hostile:{req.what}")


# --- hostile request sets -----------------------------------------------------


def hostile_cmd_values(w: Wire) -> list[Any]:
    g = w.gen
    return [g.not_of_type((str,)), g.text(), g.deep(), g.value(), g.of_type(dict), g.of_type(list)]


def hostile_commands(w: Wire, readonly: dict[str, list[str]]) -> list[dict[str, Any]]:
    """`cmd` maps for COMMAND: no prefix, mistyped prefixes, unknown prefixes,
    read-only commands with mistyped arguments and formats."""
    r, g = w.rng, w.gen
    cmds: list[dict[str, Any]] = [{}, {"format": "json"}, {"prefix": ""}, {"prefix": "MGR STAT"}]
    cmds += [{"prefix": g.not_of_type((str,))} for _ in range(6)]
    cmds += [{"prefix": g.deep()}, {"prefix": "mgr stat", "format": g.deep()}]
    cmds += [{"prefix": "fuzz " + g.text(), "format": "json"} for _ in range(4)]
    for prefix, args in readonly.items():
        for _ in range(2):
            cmd: dict[Any, Any] = {"prefix": prefix}
            for a in [*args, "format", g.text(), "fuzzarg"]:
                if r.random() < 0.7:
                    cmd[a] = r.choice(hostile_cmd_values(w))
            cmds.append(cmd)
        cmds.append(
            {
                "prefix": prefix,
                "format": r.choice(["xml", "yaml", "", "\x00", "json-pretty", "plain"]),
            }
        )
    return cmds


def hostile_admin(w: Wire, prefixes: list[str]) -> list[dict[Any, Any]]:
    r, g = w.rng, w.gen
    cmds: list[dict[Any, Any]] = [{}, {"prefix": None}, {"prefix": g.deep()}, {1: 2, b"x": None}]
    cmds += [{"prefix": g.not_of_type((str,))} for _ in range(4)]
    cmds += [{"prefix": "fuzz-" + g.text()} for _ in range(4)]
    for p in prefixes:
        cmds.append({"prefix": p, **{g.key(): g.value() for _ in range(r.randint(1, 4))}})
    return cmds


def mon_requests(w: Wire, readonly: dict[str, list[str]]) -> tuple[list[Request], list[Shot]]:
    r, g = w.rng, w.gen
    reqs: list[Request] = []
    for cmd in hostile_commands(w, readonly):
        inbuf = r.randbytes(r.choice([0, 0, 0, 1, 65536, 512 * 1024]))
        reqs.append(w.request(Command(cmd=cmd, inbuf=inbuf), MsgType.COMMAND_REPLY))
    for cmd in hostile_admin(w, ["status", "drops", "mon_status", "partition", "heal"]):
        reqs.append(w.request(Admin(cmd=cmd), MsgType.COMMAND_REPLY))
    # partition/heal that must fail or change nothing (never block a real peer)
    for peers in ["mgr.x", 5, None, [1, 2], [b"mgr.x"], [g.deep()], {"mgr.x": 1}]:
        reqs.append(
            w.request(Admin(cmd={"prefix": "partition", "peers": peers}), MsgType.COMMAND_REPLY)
        )
    for peers in [5, "x", [None], [g.deep()], {}]:
        reqs.append(w.request(Admin(cmd={"prefix": "heal", "peers": peers}), MsgType.COMMAND_REPLY))
    for gid in [*SPECIAL_INTS, -5, g.integer(), g.integer()]:
        hello = Hello(
            entity_type=r.choice(["client", "mgr", "", g.text()]), pid=g.integer(), global_id=gid
        )
        reqs.append(w.request(hello, MsgType.HELLO_REPLY))
    for stamp in SPECIAL_FLOATS:
        reqs.append(w.request(Ping(stamp=stamp), MsgType.PONG))
    # beacons from made-up mgrs: new standbys named fuzz-…, never the real names
    for i in range(24):
        beacon = MgrBeacon(
            gid=r.choice([0, -1, -(2**63), 2**63 - 1, 2**64 - 1, g.integer()]),
            name=f"fuzz-{i}" + r.choice(["", "\x00", "é" * 100, "-" + "z" * 4000]),
            available=r.random() < 0.25,  # a non-active claiming available is told to respawn
            addr=g.text(),
            nonce=g.integer(),
            services=g.of_type(dict),
            available_modules=r.choice([[], g.of_type(list), [g.deep()], [{"name": g.deep()}]]),
            metadata=r.choice([{}, g.of_type(dict), {"ceph_version": g.value()}]),
            command_descs=g.of_type(list),
        )
        reqs.append(w.request(beacon, MsgType.BEACON_ACK))

    shots: list[Shot] = []
    for what in [{}, {"mgrmap": -1}, {"mgrmap": 2**64 - 1}, {"mgrmap": "0"}, {b"mgrmap": 0},
                 {1: 2}, {None: 0}, {"monmap": 0, "nosuch": 0}, {"mgrmap": True}, {"mgrmap": g.deep()},
                 {g.key(): g.value() for _ in range(5)}]:  # fmt: skip
        shots.append(w.unanswered(Subscribe(what=what)))
    many = [{"message": f"fuzz {i}", "priority": "[DBG]", "channel": "cluster"} for i in range(150)]
    for entries in [[], [1, "x", None, [], {}], [{"message": 5}], [{"message": b"fuzz"}],
                    [{"message": "fuzz", "priority": 5, "channel": []}],
                    [{"message": "fuzz", "priority": "\x00", "channel": "z" * 3000}],
                    [{"message": "x" * 256 * 1024}], many, [g.deep()], [{"message": g.deep()}],
                    [g.of_type(dict) for _ in range(5)]]:  # fmt: skip
        shots.append(w.unanswered(Log(entries=entries)))
    for t in MsgType:  # replies and events are not for the mon: counted, not answered
        if t not in (MsgType.HELLO, MsgType.PING, MsgType.COMMAND, MsgType.ADMIN, MsgType.SUBSCRIBE,
                     MsgType.MGR_BEACON, MsgType.LOG):  # fmt: skip
            shots.append(w.unanswered(harmless(t, r)))
    return reqs, shots


def mgr_requests(w: Wire, readonly: dict[str, list[str]]) -> tuple[list[Request], list[Shot]]:
    r = w.rng
    reqs: list[Request] = []
    for cmd in hostile_commands(w, readonly):
        inbuf = r.randbytes(r.choice([0, 0, 0, 1, 65536]))
        reqs.append(w.request(Command(cmd=cmd, inbuf=inbuf), MsgType.COMMAND_REPLY))
    for cmd in hostile_admin(w, ["status", "drops", "mgr_status", "partition", "heal"]):
        reqs.append(w.request(Admin(cmd=cmd), MsgType.COMMAND_REPLY))
    shots = [
        w.unanswered(harmless(t, r)) for t in MsgType if t not in (MsgType.COMMAND, MsgType.ADMIN)
    ]
    return reqs, shots


def supervisor_requests(
    w: Wire, _commands: dict[str, list[str]]
) -> tuple[list[Request], list[Shot]]:
    r, g = w.rng, w.gen
    reqs: list[Request] = []
    for cmd in hostile_admin(w, ["status"]):
        reqs.append(w.request(Admin(cmd=cmd), MsgType.COMMAND_REPLY))
    # faults aimed at daemons that do not exist (never "down", never a real name)
    for verb in ["kill", "stop", "pause", "resume", "restart"]:
        for who in [
            "fuzz.nope",
            "",
            "mgr.nosuch",
            "mon.zz",
            "mgr.",
            5,
            None,
            [],
            {"a": 1},
            g.text(),
            g.deep(),
        ]:
            reqs.append(
                w.request(Admin(cmd={"prefix": verb, "daemon": who}), MsgType.COMMAND_REPLY)
            )
    shots: list[Shot] = []
    for _ in range(40):
        data = {g.key(): g.value() for _ in range(r.randint(0, 5))}
        if r.random() < 0.2:
            data[r.choice(["kind", "stamp", "who", "daemon"])] = g.value()
        kind = "fuzz" + r.choice(["", g.text(), "\x00"])
        shots.append(w.unanswered(Event(kind=kind, stamp=g.real(), data=data)))
    shots += [
        w.unanswered(harmless(t, r)) for t in MsgType if t not in (MsgType.EVENT, MsgType.ADMIN)
    ]
    return reqs, shots


# --- talking to one daemon ----------------------------------------------------


def oracle(frames: list[bytes], w: Wire) -> str:
    """What the daemons' decoder makes of these frames (its own code, run here):
    a drop reason, "" if it accepts them, or "!error" if it fails."""
    try:
        wire.decode(frames, w.signer, w.fsid)
    except wire.Dropped as exc:
        return exc.reason
    except Exception as exc:  # the decoder must only ever raise Dropped
        return f"!{exc.__class__.__name__}: {str(exc)[:80]}"
    return ""


@dataclass
class Report:
    """What we sent to one daemon, and what its decoder must refuse."""

    sent: int = 0
    kinds: collections.Counter[str] = field(default_factory=collections.Counter)
    expected_drops: collections.Counter[str] = field(default_factory=collections.Counter)
    decoder_errors: list[str] = field(default_factory=list)

    def account(self, frames: list[bytes], kind: str, w: Wire) -> str:
        verdict = oracle(frames, w)
        if verdict.startswith("!"):
            self.decoder_errors.append(f"{kind}: {verdict[1:]}")
        elif verdict:
            self.expected_drops[verdict] += 1
        self.kinds[kind.split(":")[0]] += 1
        self.sent += 1
        return verdict


def dealer(ctx: zmq.Context[zmq.Socket[bytes]], endpoint: str) -> zmq.Socket[bytes]:
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.setsockopt(zmq.SNDTIMEO, SEND_TIMEOUT_MS)
    s.connect(endpoint)
    return s


def drain(sock: zmq.Socket[bytes]) -> None:
    while sock.poll(0):
        sock.recv_multipart()


def collect_replies(
    sock: zmq.Socket[bytes],
    w: Wire,
    want: dict[int, Request],
    got: dict[int, Envelope],
    problems: list[str],
    who: str,
) -> Callable[[], bool]:
    """A `wait_until` probe: read replies for a while; True once all arrived."""

    def probe() -> bool:
        while sock.poll(50):
            frames = sock.recv_multipart()
            try:
                env = wire.decode(frames, w.signer, w.fsid)
            except wire.Dropped as exc:
                problems.append(f"{who} sent a reply we cannot decode: {exc}")
                continue
            if env.tid in want and env.tid not in got:
                got[env.tid] = env
        return all(t in got for t in want)

    return probe


def barrier(sock: zmq.Socket[bytes], w: Wire, who: str, problems: list[str]) -> bool:
    """Everything sent on ``sock`` before has been read by the daemon once it
    answers this request (one pipe is read in order)."""
    tid = w.unique_tid()
    req = Request(
        w.encode(Admin(cmd={"prefix": "status"}), tid), tid, MsgType.COMMAND_REPLY, "status"
    )
    got: dict[int, Envelope] = {}
    try:
        sock.send_multipart(req.frames)
        wait_until(
            collect_replies(sock, w, {tid: req}, got, problems, who),
            REPLY_TIMEOUT,
            f"{who} to answer after the barrage",
        )
    except (zmq.Again, ConditionTimeout) as exc:
        problems.append(f"{who} stopped answering after the barrage: {exc}")
        return False
    return True


def spray(
    ctx: zmq.Context[zmq.Socket[bytes]],
    endpoint: str,
    w: Wire,
    who: str,
    report: Report,
    problems: list[str],
) -> bool:
    shots = [w.random_frames() for _ in range(N_RANDOM)]
    shots += [w.signed_garbage() for _ in range(N_SIGNED_GARBAGE)]
    shots += [w.mutated() for _ in range(N_MUTATED)]
    w.rng.shuffle(shots)
    with dealer(ctx, endpoint) as sock:
        for i, shot in enumerate(shots):
            try:
                sock.send_multipart(shot.frames)
            except zmq.Again:
                problems.append(f"{who} stopped reading: send blocked after {i} frames")
                return False
            report.account(shot.frames, shot.kind, w)
            if i % 64 == 0:
                drain(sock)  # replies to replayed requests: read them so they never back up
        return barrier(sock, w, who, problems)


def hostile(
    ctx: zmq.Context[zmq.Socket[bytes]],
    endpoint: str,
    w: Wire,
    who: str,
    reqs: list[Request],
    shots: list[Shot],
    report: Report,
    problems: list[str],
) -> None:
    with dealer(ctx, endpoint) as sock:
        try:
            for shot in shots:
                sock.send_multipart(shot.frames)
                report.account(shot.frames, shot.kind, w)
            # A request its decoder refuses (nested too deep, say) is only counted.
            answerable = []
            for q in reqs:
                if oracle(q.frames, w) == "":
                    answerable.append(q)
                else:
                    sock.send_multipart(q.frames)
                    report.account(q.frames, f"hostile:{q.what}", w)
            for start in range(0, len(answerable), BURST):
                burst = answerable[start : start + BURST]
                if not request_burst(sock, w, who, burst, report, problems):
                    return  # it answers nothing any more; the checks below tell the rest
        except zmq.Again:
            problems.append(f"{who} stopped reading during the hostile requests")
        drain(sock)


def request_burst(
    sock: zmq.Socket[bytes],
    w: Wire,
    who: str,
    burst: list[Request],
    report: Report,
    problems: list[str],
) -> bool:
    """Send the requests, wait for every reply; False if none came."""
    want = {q.tid: q for q in burst}
    got: dict[int, Envelope] = {}
    for q in burst:
        sock.send_multipart(q.frames)
        report.account(q.frames, "hostile", w)
    try:
        wait_until(
            collect_replies(sock, w, want, got, problems, who), REPLY_TIMEOUT, f"{who} to answer"
        )
    except ConditionTimeout:
        missing = [q.what for t, q in want.items() if t not in got]
        problems.append(
            f"{who} left {len(missing)} of {len(burst)} hostile requests unanswered, e.g. "
            + "; ".join(short(m, 200) for m in missing[:4])
        )
    for t, env in got.items():
        if env.type is not want[t].reply_type:
            problems.append(f"{who} answered {want[t].what} with {env.type.value}")
    return bool(got)


# --- the test ----------------------------------------------------------------


def readonly_commands(c: TestCluster) -> dict[str, list[str]]:
    """prefix -> argument names of every command that only reads (mon and mgr
    modules), from the mon's published descriptions."""
    out: dict[str, list[str]] = {}
    for d in c.json("get_command_descriptions"):
        sig = CommandSig.from_json(d)
        if "w" not in sig.perm and "x" not in sig.perm:
            out[sig.prefix] = [a.name for a in sig.args]
    return out


def dropped(c: TestCluster, who: str) -> collections.Counter[str] | None:
    """The daemon's drop counters (None for a daemon that does not report them)."""
    st = c.supervisor("status", timeout=5.0) if who == SUPERVISOR else c.admin(who, "status")
    return collections.Counter(st["dropped"]) if "dropped" in st else None


def settled(c: TestCluster) -> dict[str, Any] | None:
    s = c.mgr_stat()
    return s if s["available"] and s["num_standby"] == len(c.mgr_names()) - 1 else None


def check_survivors(
    c: TestCluster, sup_before: dict[str, Any], status_before: dict[str, Any], problems: list[str]
) -> set[str]:
    """Nobody died, restarted or respawned; returns the daemons that answer."""
    answering = set()
    try:
        sup_after = c.supervisor("status", timeout=5.0)
        answering.add(SUPERVISOR)
    except Exception as exc:
        problems.append(f"the supervisor does not answer: {exc!r}")
        sup_after = None
    if sup_after is not None:
        if sup_after["pid"] != sup_before["pid"]:
            problems.append(
                f"the supervisor's pid changed: {sup_before['pid']} -> {sup_after['pid']}"
            )
        for n, d in sup_after["daemons"].items():
            old = sup_before["daemons"].get(n, {})
            if d["state"] != "running" or d["starts"] != 1 or d["pid"] != old.get("pid"):
                problems.append(f"{n} did not survive: {d}")
    for n in (MON, *MGRS):
        try:
            st = c.admin(n, "status", timeout=5.0)
        except Exception as exc:
            problems.append(f"{n} does not answer status: {exc!r}")
            continue
        answering.add(n)
        before = status_before[n]
        if st["pid"] != before["pid"] or st["uptime"] < before["uptime"]:
            problems.append(
                f"{n} restarted: pid {before['pid']} -> {st['pid']}, uptime {st['uptime']}"
            )
        if n in MGRS and st["gid"] != before["gid"]:
            problems.append(f"{n} respawned: gid {before['gid']} -> {st['gid']}")
        if st["blocked_peers"]:
            problems.append(f"{n} now blocks peers {st['blocked_peers']}")
    return answering


def check_mon_works(c: TestCluster, stat_before: dict[str, Any], problems: list[str]) -> None:
    """The mon answers commands and still runs its tick: the made-up standbys
    expire after the grace, and the real active never changed."""
    try:
        rc, out, err = c.mon_command({"prefix": "mgr stat", "format": "json"}, timeout=5.0)
    except Exception as exc:
        problems.append(f"the mon does not answer mgr stat after the barrage: {exc!r}")
        return
    if rc != 0:
        problems.append(f"mgr stat failed after the barrage: {rc} {err}")
    grace = float(c.core.spec.options["mon_mgr_beacon_grace"])

    def back_to_normal() -> dict[str, Any] | None:
        s = c.mgr_stat()
        same = s["active_name"] == stat_before["active_name"]
        return (
            s
            if s["available"] and same and s["num_standby"] == stat_before["num_standby"]
            else None
        )

    try:
        wait_until(
            back_to_normal, 3 * grace + 5, "the fuzz standbys to expire, same active available"
        )
        rc, out, err = c.mon_command({"prefix": "mgr dump", "format": "json"}, timeout=5.0)
        if rc != 0:
            problems.append(f"mgr dump fails once the fuzz standbys are gone: {rc} {err}")
    except Exception as exc:
        try:
            now: Any = c.mgr_stat()
        except Exception as again:
            now = repr(again)
        problems.append(f"the mon's mgr map does not recover after the barrage: {exc!r}; now {now}")


def check_drops(
    c: TestCluster,
    drops_before: dict[str, Any],
    reports: dict[str, Report],
    answering: set[str],
    problems: list[str],
) -> None:
    """Every frame the decoder refuses was counted under its reason."""
    for who in TARGETS:
        rep = reports[who]
        if who not in answering:
            continue
        after, before = dropped(c, who), drops_before[who]
        if after is None or before is None:
            print(f"{who} does not report drop counters")
            continue
        grown = after - before
        print(f"{who} counted drops {dict(grown)}")
        short_by = {k: (grown[k], v) for k, v in rep.expected_drops.items() if grown[k] < v}
        if short_by:
            problems.append(
                f"{who} counted fewer drops than it must have refused (counted, refused): {short_by}"
            )
        if sum(grown.values()) < rep.kinds["random"]:
            problems.append(
                f"{who} counted {sum(grown.values())} drops for {rep.kinds['random']} random frames"
            )
        for reason in ("unauthenticated", "malformed", "wrong_fsid", "unknown_type"):
            if not grown[reason]:
                problems.append(f"{who} never counted a {reason!r} drop")


def check_decoder(reports: dict[str, Report], problems: list[str]) -> None:
    """`wire.decode` refuses a frame only by raising `Dropped`: anything else
    escapes the daemons' receive loops."""
    for who, rep in reports.items():
        if rep.decoder_errors:
            problems.append(
                f"wire.decode raised something other than Dropped on {len(rep.decoder_errors)} "
                f"frames sent to {who}, e.g. {rep.decoder_errors[:2]}"
            )


def check_outputs(c: TestCluster, problems: list[str]) -> None:
    """No daemon printed a traceback; no event says a daemon went away."""
    for name in (MON, *MGRS, "supervisor"):
        out_file = c.run.log_dir / f"{name}.out"
        text = out_file.read_text(errors="replace") if out_file.exists() else ""
        if "Traceback" in text:
            problems.append(f"{out_file.name} has a traceback:\n{text[-3000:]}")
    try:
        events = c.events()
    except ValueError as exc:
        problems.append(f"events.jsonl is no longer JSON lines: {exc}")
        return
    gone = [
        e
        for e in events
        if e.get("kind") in ("daemon_crashed", "daemon_exited", "respawn")
        and e.get("daemon") in TARGETS
    ]
    if gone:
        problems.append(f"events say a daemon went away: {gone[:3]}")


def test_fuzz_frames_every_daemon_survives_and_answers(cluster: TestCluster) -> None:
    seed = int(os.environ.get(SEED_ENV) or random.SystemRandom().randrange(2**32))
    print(f"fuzz seed {seed} (replay with {SEED_ENV}={seed})")
    rng = random.Random(seed)
    w = Wire(wire.Signer(cluster.run.secret()), cluster.core.spec.fsid, Gen(rng))
    book = cluster.run.addresses()
    assert set(TARGETS) <= set(book), book

    stat_before = wait_until(lambda: settled(cluster), 30, "an active mgr and its standby")
    sup_before = cluster.supervisor("status")
    status_before = {n: cluster.admin(n, "status") for n in (MON, *MGRS)}
    drops_before = {n: dropped(cluster, n) for n in TARGETS}
    readonly = readonly_commands(cluster)
    assert "mgr stat" in readonly and "mgr fail" not in readonly, readonly

    problems: list[str] = []
    reports = {n: Report() for n in TARGETS}
    makers = {
        MON: mon_requests,
        MGRS[0]: mgr_requests,
        MGRS[1]: mgr_requests,
        SUPERVISOR: supervisor_requests,
    }
    t0 = time.monotonic()
    with zmq.Context() as ctx:
        for who in TARGETS:
            if spray(ctx, book[who], w, who, reports[who], problems):
                reqs, shots = makers[who](w, readonly)
                hostile(ctx, book[who], w, who, reqs, shots, reports[who], problems)
    print(f"barrage took {time.monotonic() - t0:.1f}s")
    for who, rep in reports.items():
        refused = sum(rep.expected_drops.values())
        print(
            f"{who}: {rep.sent} frames {dict(rep.kinds)}, {refused} to be refused {dict(rep.expected_drops)}"
        )

    check_decoder(reports, problems)
    answering = check_survivors(cluster, sup_before, status_before, problems)
    if MON in answering:
        check_mon_works(cluster, stat_before, problems)
    check_drops(cluster, drops_before, reports, answering, problems)
    check_outputs(cluster, problems)
    assert not problems, f"seed {seed} ({SEED_ENV}={seed}):\n- " + "\n- ".join(problems)
