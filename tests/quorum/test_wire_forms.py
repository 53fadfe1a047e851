"""The mon-to-mon messages: the cores' dataclasses survive the wire (through the
real envelope codec), and malformed bodies are refused, not half-applied."""

from __future__ import annotations

import pytest

from mon import elector as el
from mon import paxos as px
from mon.quorum import election_from_wire, election_to_wire, paxos_from_wire, paxos_to_wire
from sim import codec, wire
from sim.messages import Envelope, MonElection, MonPaxos

SIGNER = wire.Signer(b"k" * 32)
FSID = "f"


def through_wire(msg: MonElection | MonPaxos) -> MonElection | MonPaxos:
    frames = wire.encode(Envelope(msg.TYPE, "mon.b", FSID, 0, msg), SIGNER)
    out = wire.decode(frames, SIGNER, FSID).msg
    assert isinstance(out, MonElection | MonPaxos)
    return out


def test_election_messages_round_trip() -> None:
    sends = [
        el.Send(1, el.ElectionOp.PROPOSE, 7),
        el.Send(0, el.ElectionOp.ACK, 7, last_quorum=el.QuorumRecord(6, (0, 1, 2))),
        el.Send(2, el.ElectionOp.VICTORY, 8, quorum=(0, 2)),
    ]
    events = [election_from_wire(1, through_wire(election_to_wire(s))) for s in sends]  # type: ignore[arg-type]
    assert events == [
        el.Propose(1, 7),
        el.Ack(1, 7, el.QuorumRecord(6, (0, 1, 2))),
        el.Victory(1, 8, (0, 2)),
    ]


def test_paxos_messages_round_trip() -> None:
    value = [["kv", "k", codec.pack(b"v")], ["kv", "gone", None]]
    msgs = [
        px.PaxosMsg(px.PaxosOp.COLLECT, 4, pn=301, first_committed=1, last_committed=9),
        px.PaxosMsg(
            px.PaxosOp.LAST,
            4,
            pn=301,
            last_committed=11,
            values=((10, value), (11, value)),
            uncommitted=px.Uncommitted(12, 201, value),
        ),
        px.PaxosMsg(
            px.PaxosOp.SHARE, 4, snapshot=px.Snapshot(40, 41, [["kv", "k", codec.pack(1)]])
        ),
        px.PaxosMsg(px.PaxosOp.LEASE, 4, last_committed=9, lease_until=1234.5, round=3),
    ]
    for m in msgs:
        assert paxos_from_wire(through_wire(paxos_to_wire(m))) == m  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "body",
    [
        {"op": "nonsense"},
        {"values": [[1, "not a list"]]},
        {"values": [[1, [["kv", "k", 5]]]]},  # a value that is not packed bytes
        {"values": [["x", []]]},
        {"uncommitted": [1, 2]},
        {"snapshot": [1, 2, [["kv", "k", "str"]]]},
    ],
)
def test_malformed_paxos_bodies_are_refused(body: dict[str, object]) -> None:
    base = {"op": "commit", "epoch": 2}
    with pytest.raises((ValueError, TypeError)):
        paxos_from_wire(MonPaxos(**(base | body)))  # type: ignore[arg-type]


def test_an_unknown_election_op_is_refused() -> None:
    with pytest.raises(ValueError):
        election_from_wire(0, MonElection(op="coup", epoch=3))
