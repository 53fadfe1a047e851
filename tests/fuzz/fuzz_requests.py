"""The frame fuzz's hostile request sets: correctly signed, well-typed but semantically
hostile requests for the mon, the mgrs and the supervisor.
"""

from __future__ import annotations

from typing import Any

from sim.messages import Admin, Command, Event, Hello, Log, MgrBeacon, MsgType, Ping, Subscribe

from .fuzz_values import SPECIAL_FLOATS, SPECIAL_INTS, harmless
from .fuzz_wire import Request, Shot, Wire

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
