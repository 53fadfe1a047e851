"""Catch-up in Paxos: what a member that is behind gets, and how it takes it.

A member whose store is behind receives the committed versions it lacks, or
a whole-store snapshot when those versions have left the sender's window
(``first_committed``). The leader collects them from peons during recovery
(LAST), ships them to lagging peons (SHARE), and a peon answers a COLLECT
with what it has (LAST). Pure functions of the `Storage`; no state of their
own, no clock.

Who may import it: `mon.paxos` only.
"""

from __future__ import annotations

from dataclasses import replace

from mon.paxos_defs import Action, Committed, Installed, PaxosMsg, PaxosOp, Storage

KEEP_SNAPSHOT_GAP = 1  # a follower more than its store's window behind gets a snapshot


def learn(storage: Storage, msg: PaxosMsg, out: list[Action]) -> None:
    """Take committed versions (or a snapshot) someone has and we lack."""
    s = storage
    snap = msg.snapshot
    if snap is not None and snap.last_committed > s.last_committed():
        s.install(snap)
        out.append(Installed(snap.last_committed))
    for version, value in msg.values:
        if version == s.last_committed() + 1:
            s.commit(version, value)
            out.append(Committed(version, value, None))


def catch_up(storage: Storage, msg: PaxosMsg, their_lc: int) -> PaxosMsg:
    """``msg`` with what a member at ``their_lc`` lacks: versions, or a snapshot."""
    s = storage
    lc = s.last_committed()
    if lc <= their_lc:
        return msg
    if their_lc + KEEP_SNAPSHOT_GAP < s.first_committed():
        return replace(msg, snapshot=s.snapshot())
    return replace(msg, values=tuple(s.values(their_lc + 1, lc)))


def last_reply(storage: Storage, epoch: int, their_lc: int) -> PaxosMsg:
    """A peon's LAST for a COLLECT from a leader at ``their_lc``: its promise,
    what the leader lacks, and its accepted-but-uncommitted value."""
    s = storage
    lc = s.last_committed()
    reply = PaxosMsg(
        PaxosOp.LAST,
        epoch,
        pn=s.accepted_pn(),
        first_committed=s.first_committed(),
        last_committed=lc,
    )
    reply = catch_up(s, reply, their_lc)
    unc = s.uncommitted()
    if unc is not None and unc.version == lc + 1:
        reply = replace(reply, uncommitted=unc)
    return reply
