"""`sim.scenario.arrows`: sends paired with receives, drops and losses marked."""

from __future__ import annotations

from sim.scenario.arrows import build, kind_of


def row(t, who, d, mtype, peer, tid=0, epoch=0, size=10, reason=""):
    return [t, who, d, mtype, peer, tid, epoch, size, reason]


def test_a_send_meets_its_receive_in_order() -> None:
    rows = [
        row(1.0, "mgr.x", "send", "mgr_beacon", "mon.a"),
        row(1.5, "mgr.x", "send", "mgr_beacon", "mon.a"),
        row(1.1, "mon.a", "recv", "mgr_beacon", "mgr.x"),
        row(1.6, "mon.a", "recv", "mgr_beacon", "mgr.x"),
        row(1.2, "mon.a", "send", "command_reply", "mgr.x", tid=7),
        row(1.3, "mgr.x", "recv", "command_reply", "mon.a", tid=7),
    ]
    rows.sort(key=lambda r: r[0])
    out = build(rows)["arrows"]
    assert [(a["t0"], a["t1"], a["from"], a["to"], a["kind"], a["fate"]) for a in out] == [
        (1.0, 1.1, "mgr.x", "mon.a", "beacon", "delivered"),
        (1.2, 1.3, "mon.a", "mgr.x", "reply", "delivered"),
        (1.5, 1.6, "mgr.x", "mon.a", "beacon", "delivered"),
    ]


def test_drops_and_losses() -> None:
    rows = [
        row(1.0, "mgr.x", "drop_out", "mgr_beacon", "mon.a", size=0, reason="partitioned"),
        row(2.0, "mon.a", "send", "map", "mgr.y", epoch=4),  # mgr.y records, never got it
        row(2.5, "mgr.y", "recv", "beacon_ack", "mon.a"),
        row(
            3.0, "mon.a", "send", "command_reply", "client.admin", tid=1
        ),  # a client records nothing
        row(3.5, "mon.b", "drop_in", "mon_paxos", "mon.a", reason="partitioned"),
    ]
    out = {(a["from"], a["to"], a["type"]): a for a in build(rows)["arrows"]}
    assert out[("mgr.x", "mon.a", "mgr_beacon")]["fate"] == "dropped"
    assert out[("mgr.x", "mon.a", "mgr_beacon")]["reason"] == "partitioned"
    assert out[("mon.a", "mgr.y", "map")]["fate"] == "lost"
    assert out[("mon.a", "client.admin", "command_reply")]["fate"] == "delivered"
    assert out[("mon.a", "mon.b", "mon_paxos")]["fate"] == "dropped"


def test_a_command_to_a_mgr_is_a_module_command() -> None:
    assert kind_of("command", "mgr.x") == "module command"
    assert kind_of("command", "mon.a") == "command"
    assert kind_of("mon_election", "mon.b") == "election"
