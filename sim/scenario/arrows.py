"""Who said what to whom: the report's space-time diagram, as arrows.

Pure. Input: the message rows every daemon recorded (`report.messages`:
``[t, daemon, dir, type, peer, tid, epoch, size, reason]``). A ``send`` at
the sender is paired with the ``recv`` (or the ``drop_in``) of the same
type, tid and epoch at the peer — the earliest not yet paired that is not
earlier than the send; the pairing needs no message ids on the wire because
a link never reorders (`sim.links`). What is left:

- a send never received: *lost* (the receiver was down, paused, or the frame
  is still in flight when the run ended); drawn to the receiver's line with
  a cross;
- a drop at the sender (``drop_out``: ``partitioned``, ``link_loss``): a
  short arrow that ends in a cross;
- a receive with no send (a sender that does not record: a client): drawn
  from the receiver's own time.

Each arrow: ``{"t0", "t1", "from", "to", "type", "kind", "tid", "epoch",
"size", "fate"}`` with fate ``delivered``, ``dropped`` (and ``reason``) or
``lost``. At most `MAX_ARROWS` are kept (the first ones, by send time); the
rest are counted.
"""

from __future__ import annotations

from collections import defaultdict, deque
from typing import Any

MAX_ARROWS = 20000

KINDS = {
    "mgr_beacon": "beacon", "beacon_ack": "beacon",
    "map": "map", "subscribe": "map",
    "mon_election": "election",
    "mon_paxos": "paxos",
    "command": "command", "mon_forward": "command",
    "command_reply": "reply", "mon_forward_reply": "reply", "retry": "reply",
    "hello": "session", "hello_reply": "session",
    "mgr_open": "report", "mgr_report": "report",
    "log": "log",
}  # fmt: skip


def kind_of(mtype: str, to: str) -> str:
    kind = KINDS.get(mtype, "other")
    if kind == "command" and to.startswith("mgr."):
        return "module command"
    return kind


def build(rows: list[list[Any]]) -> dict[str, Any]:
    """Arrows from the recorded rows (sorted by time)."""
    pending: dict[tuple[str, str, str, int, int], deque[list[Any]]] = defaultdict(deque)
    arrows: list[dict[str, Any]] = []

    def arrow(
        t0: float, t1: float, src: str, dst: str, row: list[Any], fate: str, reason: str = ""
    ) -> None:
        a = {"t0": t0, "t1": t1, "from": src, "to": dst, "type": row[3],
             "kind": kind_of(str(row[3]), dst), "tid": row[5], "epoch": row[6], "size": row[7],
             "fate": fate}  # fmt: skip
        if reason:
            a["reason"] = reason
        arrows.append(a)

    recorders = {row[1] for row in rows}
    for row in rows:
        t, who, direction, mtype, peer, tid, epoch = row[:7]
        reason = row[8] if len(row) > 8 else ""
        if direction == "send":
            pending[(who, peer, mtype, tid, epoch)].append(row)
        elif direction == "drop_out":
            arrow(t, t, who, peer, row, "dropped", reason)
        elif direction in ("recv", "drop_in"):
            queue = pending.get((peer, who, mtype, tid, epoch))
            sent = queue.popleft() if queue else None
            t0 = float(sent[0]) if sent else t
            fate = "delivered" if direction == "recv" else "dropped"
            arrow(t0, t, peer, who, row, fate, reason if direction == "drop_in" else "")
    for queue in pending.values():
        for row in queue:
            # to a peer that records (a daemon) and never got it: lost; to a
            # client, which records nothing: delivered, time unknown
            fate = "lost" if row[4] in recorders else "delivered"
            arrow(float(row[0]), float(row[0]), row[1], row[4], row, fate)
    arrows.sort(key=lambda a: (a["t0"], a["t1"]))
    extra = max(0, len(arrows) - MAX_ARROWS)
    return {"arrows": arrows[:MAX_ARROWS], "left_out": extra}
