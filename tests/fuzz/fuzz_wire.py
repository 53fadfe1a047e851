"""The frame fuzz's frames: `Wire` builds random, signed-garbage and mutated multipart frames
(`Shot`) and signed requests (`Request`) that must be answered.
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass, field
from typing import Any

from sim import wire
from sim.messages import Envelope, Message, MsgType, message_class
from sim.replay import Route, Sequencer

from .fuzz_values import MAX_FRAME, ME, Gen, field_types, harmless, pack, short

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
    """Frames from one fuzz incarnation (``seqs``: its nonce and numbering) to
    the daemon aimed at now (``dest``)."""

    signer: wire.Signer
    fsid: str
    gen: Gen
    dest: str = ""
    seqs: Sequencer = field(default_factory=Sequencer)
    mutants: Sequencer = field(default_factory=Sequencer)  # the re-signed mutations' incarnation
    tids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def rng(self) -> random.Random:
        return self.gen.rng

    def route(self, dest: str | None = None) -> Route:
        """The next route of this incarnation, to ``dest`` (the daemon aimed at)."""
        return self.seqs.route(self.dest if dest is None else dest, 0, time.time())

    def header(
        self,
        t: MsgType | Any,
        tid: int = 0,
        sender: Any = ME,
        epoch: Any = 0,
        route: Route | None = None,
    ) -> list[Any]:
        type_s = t.value if isinstance(t, MsgType) else t
        return [type_s, sender, self.fsid, tid, epoch, *(route or self.route()).fields()]

    def signed(self, header: Any, body: Any) -> list[bytes]:
        h = header if isinstance(header, bytes) else pack(header)
        b = body if isinstance(body, bytes) else pack(body)
        return [self.signer.sign(h, b), h, b]

    def encode(self, msg: Message, tid: int = 0, route: Route | None = None) -> list[bytes]:
        env = Envelope(msg.TYPE, ME, self.fsid, tid, msg)
        return wire.encode(env, self.signer, route or self.route())

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
                "field_added", "key_types", "type_mismatch", "route_range",
            ]
        )  # fmt: skip
        header: Any = self.header(t, tid=r.randint(0, 10))
        if variant == "header_bytes":
            header = r.randbytes(r.randint(0, 64))
        elif variant == "header_arity":
            n = r.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12])  # the header has 10
            header = (header + [g.value() for _ in range(4)])[:n] if n else []
            if r.random() < 0.3:
                header = g.value()  # not even a list
        elif variant == "header_types":
            i = r.choice([1, 3, 4, 5, 6, 7, 8, 9])  # sender, tid, epoch and the route's five
            header[i] = g.not_of_type((str,) if i in (1, 5) else (float, int) if i == 9 else (int,))
        elif variant == "route_range":  # the route's numbers out of range: never taken
            i = r.choice([6, 7, 8, 9])  # dest_nonce, nonce, seq, stamp
            bad = {6: [-1, -(2**63)], 9: [float("nan"), float("inf"), float("-inf")]}
            header[i] = r.choice(bad.get(i, [0, -1, -(2**63)]))
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
        resign = r.random() < 0.5
        # A re-signed mutation may change its own route (a seq far ahead, say):
        # it comes from another incarnation, so it never disturbs the window
        # the fuzz's requests rely on.
        route = self.mutants.route(self.dest, 0, time.time()) if resign else None
        frames = self.encode(harmless(t, r), tid=r.randint(0, 1000), route=route)
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
