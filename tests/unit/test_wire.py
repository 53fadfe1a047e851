"""Unit tests of framing and authentication (sim/wire.py, sim/messages.py, sim/codec.py).

Every message type round-trips through `wire.encode`/`wire.decode`; every way a
frame can be refused raises `Dropped` with its one-word reason.
"""

from __future__ import annotations

from typing import Any

import pytest

from sim import codec, record, wire
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
    MgrConfigure,
    MgrOpen,
    MgrReport,
    MonElection,
    MonForward,
    MonForwardReply,
    MonPaxos,
    MsgType,
    OsdOp,
    OsdOpReply,
    Ping,
    Pong,
    ProtocolError,
    Retry,
    Subscribe,
    message_class,
)
from sim.replay import UNROUTED
from sim.wire import DropCounters, Dropped, Signer

KEY = b"cluster-secret-0123456789"
FSID = "6f1c3a5e-7c1b-4b0e-9a55-2f0d3e1a9b77"
SIGNER = Signer(KEY)

SAMPLES: list[Message] = [
    Hello(entity_type="mgr", pid=1234, global_id=4100),
    HelloReply(
        global_id=4100,
        mon_name="a",
        in_quorum=False,
        monmap={"epoch": 1, "mons": [{"name": "a", "addr": "tcp://127.0.0.1:1"}]},
    ),
    Ping(stamp=1_700_000_000.5),
    Pong(stamp=1_700_000_000.75, in_quorum=True),
    Command(cmd={"prefix": "mgr fail", "who": "x", "format": "json"}, inbuf=b"\x00\xffbin"),
    CommandReply(retval=-2, outbuf=b'{"a": 1}\n', outs="Error ENOENT: nope"),
    Subscribe(what={"mgrmap": 3, "monmap": 0}),
    MapUpdate(
        name="mgrmap",
        epoch=7,
        map={"epoch": 7, "standbys": [{"gid": 4101, "name": "y"}], "services": {}},
    ),
    MgrBeacon(
        gid=4100,
        name="x",
        available=True,
        addr="127.0.0.1:6800",
        nonce=99,
        services={"dashboard": "http://h:8080/"},
        available_modules=[{"name": "hello", "can_run": True, "module_options": {}}],
        metadata={"hostname": "h"},
        command_descs=[{"cmd": "hello", "perm": "r"}],
    ),
    BeaconAck(gid=4100, mgrmap_epoch=7, active=True, null_map=False),
    Admin(cmd={"prefix": "status"}),
    Event(kind="mgrmap", stamp=12.5, data={"epoch": 7, "standbys": ["y"]}),
    Log(entries=[{"channel": "cluster", "priority": "[INF]", "message": "hi", "stamp": 1.0}]),
    Retry(reason="mon.c is not in quorum", in_quorum=False),
    MonElection(op="ack", epoch=5, last_quorum_epoch=4, last_quorum=[0, 1, 2]),
    MonPaxos(
        op="begin",
        epoch=6,
        pn=301,
        version=12,
        values=[[12, [["kv", "k", b"\x00v"], ["kv", "old", None]]]],
        uncommitted=[12, 301, [["kv", "k", b"v"]]],
        lease_until=1234.5,
    ),
    MonForward(
        fid=3, client="mgr.x", kind="command", body={"cmd": {"prefix": "mgr fail"}}, epoch=6
    ),
    MonForwardReply(fid=3, kind="command_reply", body={"retval": 0}, retry=""),
    MgrOpen(
        daemons=[["osd", "3", {"hostname": "node00"}]],
        schema={"osd": [["osd.op_r", 10, 5, 1, "", "Client read operations"]]},
        service={"rgw0": {"gid": 5000}},
    ),
    MgrReport(
        stamp=12.5,
        daemon_type="osd",
        ids=[3],
        values=b"\x00" * 8,
        status={},
        pools={2: [1] * 6},
        osd_perf_metrics={
            "3": [[[[["client_id", "^(.+)$"]], ["ops"]], [[[["client.4"]], [[2, 0]]]]]]
        },
    ),
    MgrConfigure(osd_perf_metric_queries=[[[[["pool_id", "^(.+)$"]], ["ops"]], [["ops", 10]]]]),
    OsdOp(
        pool=2,
        ps=5,
        oid="obj",
        ops=[["write_full", b"data"], ["setxattr", "a", b"1"]],
        nspace="ns",
        epoch=7,
        reqid="client.admin.1/3",
        mtime=1.5,
    ),  # fmt: skip
    OsdOpReply(retval=0, results=[None, [4, 1.5]], version=9, epoch=7),
]


def env(
    msg: Message, *, sender: str = "mgr.x", fsid: str = FSID, tid: int = 17, epoch: int = 3
) -> Envelope:
    return Envelope(msg.TYPE, sender, fsid, tid, msg, epoch)


def signed(header: Any, body: Any, *, raw: bool = False) -> list[bytes]:
    """Frames with a valid signature over arbitrary (packed, unless raw) parts."""
    h = header if raw else codec.pack(header)
    b = body if raw else codec.pack(body)
    return [SIGNER.sign(h, b), h, b]


def header(
    type_s: Any = "ping", sender: Any = "mgr.x", fsid: Any = FSID, tid: Any = 1, epoch: Any = 0
) -> list[Any]:
    return [type_s, sender, fsid, tid, epoch, *UNROUTED.fields()]


def dropped(frames: list[bytes], fsid: str = FSID, signer: Signer = SIGNER) -> Dropped:
    with pytest.raises(Dropped) as ei:
        wire.decode(frames, signer, fsid)
    return ei.value


# --- round trips --------------------------------------------------------------------


def test_samples_cover_every_message_type() -> None:
    assert sorted(m.TYPE.value for m in SAMPLES) == sorted(t.value for t in MsgType)
    for m in SAMPLES:
        assert message_class(m.TYPE) is type(m)


@pytest.mark.parametrize("msg", SAMPLES, ids=lambda m: m.TYPE.value)
def test_round_trip(msg: Message) -> None:
    e = env(msg)
    frames = wire.encode(e, SIGNER)
    assert len(frames) == 3 and all(isinstance(f, bytes) for f in frames)
    assert len(frames[0]) == wire.SIG_BYTES

    back = wire.decode(frames, SIGNER, FSID)

    assert back == e
    assert type(back.msg) is type(msg)
    for name, value in msg.to_body().items():  # types survive, e.g. bytes stay bytes
        assert type(getattr(back.msg, name)) is type(value), name


@pytest.mark.parametrize("cls", [Hello, Ping, Pong, MgrBeacon], ids=lambda c: c.TYPE.value)
def test_round_trip_with_defaults(cls: type[Message]) -> None:
    required = {"entity_type": "client", "gid": 1, "name": "x", "available": False}
    fields = {f.name for f in record.fields(cls)}
    msg = cls(**{k: v for k, v in required.items() if k in fields})
    assert wire.decode(wire.encode(env(msg), SIGNER), SIGNER, FSID).msg == msg


def test_float_field_accepts_int_on_the_wire() -> None:
    frames = signed(header("ping"), {"stamp": 5})
    assert wire.decode(frames, SIGNER, FSID).msg == Ping(stamp=5)


def test_missing_optional_fields_take_defaults() -> None:
    frames = signed(header("mgr_beacon"), {"gid": 1, "name": "x", "available": False})
    msg = wire.decode(frames, SIGNER, FSID).msg
    assert msg == MgrBeacon(gid=1, name="x", available=False)


def test_frames_accept_any_sequence_of_bytes() -> None:
    frames = tuple(wire.encode(env(Ping()), SIGNER))
    assert wire.decode(frames, SIGNER, FSID).msg == Ping()


# --- drops ----------------------------------------------------------------------------

GOOD = wire.encode(env(Ping(stamp=1.0)), SIGNER)


def flip(b: bytes, i: int) -> bytes:
    return b[:i] + bytes([b[i] ^ 0x01]) + b[i + 1 :]


@pytest.mark.parametrize(
    ("frames", "reason"),
    [
        pytest.param([], "malformed", id="no-frames"),
        pytest.param(GOOD[:2], "malformed", id="two-frames"),
        pytest.param([*GOOD, b""], "malformed", id="four-frames"),
        pytest.param([b"x" * 32, *GOOD[1:]], "unauthenticated", id="forged-signature"),
        pytest.param([GOOD[0][:16], *GOOD[1:]], "unauthenticated", id="short-signature"),
        pytest.param([b"", *GOOD[1:]], "unauthenticated", id="empty-signature"),
        pytest.param([flip(GOOD[0], 0), *GOOD[1:]], "unauthenticated", id="flipped-sig-byte"),
        pytest.param(
            [GOOD[0], flip(GOOD[1], 3), GOOD[2]], "unauthenticated", id="flipped-header-byte"
        ),
        pytest.param(
            [GOOD[0], GOOD[1], flip(GOOD[2], len(GOOD[2]) - 1)],
            "unauthenticated",
            id="flipped-body-byte",
        ),
        pytest.param([GOOD[0], GOOD[2], GOOD[1]], "unauthenticated", id="swapped-parts"),
        pytest.param(
            Signer(b"other-cluster").sign(GOOD[1], GOOD[2]), "unauthenticated", id="wrong-key"
        ),
        pytest.param(
            signed(b"\xc1", codec.pack({}), raw=True), "malformed", id="header-not-msgpack"
        ),
        pytest.param(signed({"type": "ping"}, {}), "malformed", id="header-is-a-map"),
        pytest.param(signed(header()[:4], {}), "malformed", id="header-4-fields"),
        pytest.param(signed([*header(), 0], {}), "malformed", id="header-11-fields"),
        pytest.param(signed(header()[:5], {}), "malformed", id="header-without-route"),
        pytest.param(
            signed([*header()[:5], 5, 0, 1, 1, 0.0], {}), "malformed", id="route-dest-int"
        ),
        pytest.param(signed([*header()[:8], 1.5, 0.0], {}), "malformed", id="route-seq-float"),
        pytest.param(signed([*header()[:8], 0, 0.0], {}), "malformed", id="route-seq-0"),
        pytest.param(signed([*header()[:7], 0, 1, 0.0], {}), "malformed", id="route-nonce-0"),
        pytest.param(signed([*header()[:9], "now"], {}), "malformed", id="route-stamp-str"),
        pytest.param(signed([*header()[:9], float("nan")], {}), "malformed", id="route-stamp-nan"),
        pytest.param(signed([*header()[:7], -1, 1, 0.0], {}), "malformed", id="route-nonce-neg"),
        pytest.param(signed(header(sender=5), {}), "malformed", id="header-sender-int"),
        pytest.param(signed(header(tid="1"), {}), "malformed", id="header-tid-str"),
        pytest.param(signed(header(epoch=1.5), {}), "malformed", id="header-epoch-float"),
        pytest.param(signed(header(fsid="0000"), {}), "wrong_fsid", id="other-fsid"),
        pytest.param(signed(header(fsid=None), {}), "wrong_fsid", id="fsid-none"),
        pytest.param(signed(header(type_s="osd_boot"), {}), "unknown_type", id="unknown-type"),
        pytest.param(signed(header(type_s=7), {}), "unknown_type", id="type-int"),
        pytest.param(signed(header(type_s=[1]), {}), "unknown_type", id="type-list"),
        pytest.param(
            signed(codec.pack(header()), b"\xc1", raw=True), "malformed", id="body-not-msgpack"
        ),
        pytest.param(signed(header(), [1.0]), "malformed", id="body-is-a-list"),
        pytest.param(signed(header(), None), "malformed", id="body-is-nil"),
        pytest.param(signed(header(), {"stamp": "now"}), "malformed", id="field-mistyped"),
        pytest.param(signed(header(), {"stamp": 1.0, "extra": 1}), "malformed", id="field-unknown"),
        pytest.param(signed(header(), {1: 1.0}), "malformed", id="field-name-int"),
        pytest.param(
            signed(header("mgr_beacon"), {"gid": 1, "name": "x"}), "malformed", id="field-missing"
        ),
        pytest.param(
            signed(header("mgr_beacon"), {"gid": "1", "name": "x", "available": False}),
            "malformed",
            id="int-field-str",
        ),
        pytest.param(
            signed(header("mgr_beacon"), {"gid": 1, "name": "x", "available": 1}),
            "malformed",
            id="bool-field-int",
        ),
        pytest.param(
            signed(
                header("mgr_beacon"), {"gid": 1, "name": "x", "available": False, "services": []}
            ),
            "malformed",
            id="dict-field-list",
        ),
        pytest.param(
            signed(header("command"), {"cmd": {}, "inbuf": "text"}),
            "malformed",
            id="bytes-field-str",
        ),
        pytest.param(signed(header("log"), {"entries": {}}), "malformed", id="list-field-dict"),
    ],
)
def test_drop_reasons(frames: Any, reason: str) -> None:
    if isinstance(frames, bytes):  # the wrong-key case: a signature only
        frames = [frames, GOOD[1], GOOD[2]]
    e = dropped(frames)
    assert e.reason == reason
    assert str(e).startswith(reason)


def test_int_field_refuses_bool() -> None:
    """``True`` is an int to Python, but a gid of ``True`` is a mistyped field;
    `from_body` promises a handler never sees one."""
    frames = signed(header("mgr_beacon"), {"gid": True, "name": "x", "available": False})
    assert dropped(frames).reason == "malformed"


def test_checks_are_ordered_size_then_auth_then_fsid_then_type() -> None:
    # a forged frame from another cluster with an unknown type: unauthenticated
    forged = [b"\x00" * 32, codec.pack(header(type_s="zzz", fsid="other")), codec.pack({})]
    assert dropped(forged).reason == "unauthenticated"
    # authentic but another cluster's fsid and an unknown type: wrong_fsid
    assert dropped(signed(header(type_s="zzz", fsid="other"), {})).reason == "wrong_fsid"
    # a right fsid, an unknown type, and a broken body: unknown_type
    frames = signed(codec.pack(header(type_s="zzz")), b"\xc1", raw=True)
    assert dropped(frames).reason == "unknown_type"


def test_oversized_refused_before_authentication() -> None:
    body = b"\x00" * (codec.MAX_FRAME_BYTES + 1 - len(GOOD[1]))
    e = dropped([b"forged", GOOD[1], body])
    assert e.reason == "oversized"
    # exactly at the limit is not oversized (the signature then decides)
    body = body[:-1]
    assert dropped([b"forged", GOOD[1], body]).reason == "unauthenticated"


def test_oversized_follows_codec_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    frames = wire.encode(env(Log(entries=["x" * 200])), SIGNER)
    monkeypatch.setattr(codec, "MAX_FRAME_BYTES", 100)
    assert dropped(frames).reason == "oversized"


def test_wrong_expected_fsid() -> None:
    frames = wire.encode(env(Ping()), SIGNER)
    e = dropped(frames, fsid="another-fsid")
    assert e.reason == "wrong_fsid"
    assert e.detail == FSID


def test_wrong_key_on_receiver() -> None:
    frames = wire.encode(env(Ping()), SIGNER)
    assert dropped(frames, signer=Signer(KEY + b"!")).reason == "unauthenticated"


def test_dropped_detail_is_bounded() -> None:
    e = dropped(signed(header(type_s="t" * 10_000), {}))
    assert e.reason == "unknown_type"
    assert len(e.detail) <= 64


# --- signer, codec, from_body -------------------------------------------------------------


def test_signer() -> None:
    with pytest.raises(ValueError):
        Signer(b"")
    sig = SIGNER.sign(b"a", b"b")
    assert len(sig) == wire.SIG_BYTES
    assert SIGNER.verify(sig, b"a", b"b")
    assert not SIGNER.verify(sig, b"a", b"c")
    assert not Signer(b"k2").verify(sig, b"a", b"b")
    # parts are length-bound: bytes cannot move from one frame to the other
    assert SIGNER.sign(b"ab", b"") != SIGNER.sign(b"a", b"b")
    assert SIGNER.sign(b"ab") != SIGNER.sign(b"a", b"b")


def test_codec_unpack_errors() -> None:
    with pytest.raises(codec.DecodeError):
        codec.unpack(b"\xc1")
    with pytest.raises(codec.DecodeError):
        codec.unpack(codec.pack([1, 2])[:-1])  # truncated
    assert codec.unpack(codec.pack({1: b"x", "s": [1.5, None]})) == {1: b"x", "s": [1.5, None]}


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"stamp": "x"}, "ping.stamp: str is not float/int"),
        ({"nope": 1}, "unknown fields ['nope']"),
        ([], "body is list, not a map"),
    ],
)
def test_protocol_error_messages(body: Any, fragment: str) -> None:
    with pytest.raises(ProtocolError) as ei:
        Ping.from_body(body)
    assert fragment in str(ei.value)


# --- drop counters ------------------------------------------------------------------------


def test_drop_counters() -> None:
    c = DropCounters()
    assert (c.total, c.as_dict()) == (0, {})
    for frames in (
        [],
        [b"x" * 32, *GOOD[1:]],
        [b"x" * 32, *GOOD[1:]],
        signed(header(fsid="other"), {}),
    ):
        try:
            wire.decode(frames, SIGNER, FSID)
        except Dropped as exc:
            c.count(exc.reason)
    assert c.as_dict() == {"malformed": 1, "unauthenticated": 2, "wrong_fsid": 1}
    assert c.total == 4
    d = c.as_dict()
    d["malformed"] = 99  # a copy
    assert c.as_dict()["malformed"] == 1
