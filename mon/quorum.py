"""The mon's quorum shell: mon-to-mon transport and timers around `QuorumCore`.

Each mon keeps one DEALER connection to every other mon's ROUTER (the same
address clients use) and sends its election and Paxos messages on it; what
peers send arrives on our ROUTER and is handed to `QuorumShell.on_message`.
Injected partitions apply: `Connection.send` and the server both consult the
daemon's link filter. A message to a peer we are not connected to is simply
lost, as on a network: the protocol's timeouts cover it. When a connection
comes up the elector may resend what the peer missed.

Time is the process's monotonic clock (shared by all processes on a host,
which Paxos leases rely on); the one timer is re-armed at the core's next
deadline after every input. What the core decides (a new leader, a commit, a
lost quorum …) is carried out by the daemon through the `QuorumListener` hooks;
commits and snapshots go straight to the commit path (`CommitListener`).

Who may import it: the daemon shell (which builds it) and tests; others see
it as `mon.context.QuorumView` / `QuorumPort`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from typing import TYPE_CHECKING, Any, Protocol

from mon import elector as el
from mon import paxos as px
from mon.paxos_store import PaxosStore
from mon.quorum_core import Out, QuorumCore
from sim.messages import Envelope, Message, MonElection, MonPaxos
from sim.options import Options
from sim.transport import Connection, NotConnected

if TYPE_CHECKING:
    import zmq.asyncio

    from sim.transport import Identity, LinkFilter

log = logging.getLogger(__name__)


class QuorumListener(Protocol):
    """The daemon shell: the mon's role changed."""

    def on_election_started(self, epoch: int, reason: str, first: bool) -> None: ...
    def on_left_quorum(self) -> None: ...
    def on_quorum(
        self, leader: int, quorum: tuple[int, ...], epoch: int, previous: Any
    ) -> None: ...
    def on_readable(self) -> None: ...
    def on_writeable(self) -> None: ...


class CommitListener(Protocol):
    """The commit path (`mon.commit`): the store changed."""

    def on_committed(self, version: int, value: px.Value, token: object | None) -> None: ...
    def on_installed(self) -> None: ...


def timing(options: Options) -> tuple[float, px.Timing]:
    """(election timeout, Paxos timing) from the mon's options (Ceph's names)."""
    lease = float(options["mon_lease"])
    return float(options["mon_election_timeout"]), px.Timing(
        lease=lease,
        renew=lease * float(options["mon_lease_renew_interval_factor"]),
        ack_timeout=lease * float(options["mon_lease_ack_timeout_factor"]),
        accept_timeout=lease * float(options["mon_accept_timeout_factor"]),
    )


# --- wire forms -------------------------------------------------------------------------


def election_to_wire(s: el.Send) -> MonElection:
    return MonElection(
        op=s.op.value,
        epoch=s.epoch,
        quorum=list(s.quorum),
        last_quorum_epoch=s.last_quorum.epoch,
        last_quorum=list(s.last_quorum.ranks),
    )


def election_from_wire(frm: int, m: MonElection) -> el.Event:
    op = el.ElectionOp(m.op)
    if op is el.ElectionOp.PROPOSE:
        return el.Propose(frm, m.epoch)
    if op is el.ElectionOp.ACK:
        rec = el.QuorumRecord(m.last_quorum_epoch, tuple(int(r) for r in m.last_quorum))
        return el.Ack(frm, m.epoch, rec)
    return el.Victory(frm, m.epoch, tuple(int(r) for r in m.quorum))


def paxos_to_wire(m: px.PaxosMsg) -> MonPaxos:
    unc = m.uncommitted
    snap = m.snapshot
    return MonPaxos(
        op=m.op.value,
        epoch=m.epoch,
        pn=m.pn,
        version=m.version,
        first_committed=m.first_committed,
        last_committed=m.last_committed,
        values=[[v, value] for v, value in m.values],
        uncommitted=[unc.version, unc.pn, unc.value] if unc is not None else [],
        snapshot=[snap.last_committed, snap.first_committed, snap.rows] if snap else [],
        lease_until=m.lease_until,
        round=m.round,
    )


def _value(v: Any) -> px.Value:
    if not isinstance(v, list) or not all(
        isinstance(op, list)
        and len(op) == 3
        and isinstance(op[0], str)
        and isinstance(op[1], str)
        and (op[2] is None or isinstance(op[2], bytes))
        for op in v
    ):
        raise ValueError("a value is a list of [prefix, key, packed value or nil] ops")
    return v


def paxos_from_wire(m: MonPaxos) -> px.PaxosMsg:
    """Checked conversion; ValueError/TypeError on a malformed body."""
    values = tuple((int(v), _value(value)) for v, value in m.values)
    unc = None
    if m.uncommitted:
        v, pn, value = m.uncommitted
        unc = px.Uncommitted(int(v), int(pn), _value(value))
    snap = None
    if m.snapshot:
        lc, fc, rows = m.snapshot
        if not isinstance(rows, list) or not all(
            isinstance(r, list) and len(r) == 3 and isinstance(r[2], bytes) for r in rows
        ):
            raise ValueError("bad snapshot rows")
        snap = px.Snapshot(int(lc), int(fc), rows)
    return px.PaxosMsg(
        op=px.PaxosOp(m.op),
        epoch=m.epoch,
        pn=m.pn,
        version=m.version,
        first_committed=m.first_committed,
        last_committed=m.last_committed,
        values=values,
        uncommitted=unc,
        snapshot=snap,
        lease_until=float(m.lease_until),
        round=m.round,
    )


# --- the shell ----------------------------------------------------------------------------


class QuorumShell:
    def __init__(
        self,
        ctx: zmq.asyncio.Context,
        me: Identity,
        mon_id: str,
        mons: list[str],
        addrs: dict[str, str],
        options: Options,
        storage: PaxosStore,
        listener: QuorumListener,
        commits: CommitListener,
        link_filter: LinkFilter,
    ) -> None:
        self.ctx, self.me = ctx, me
        self.mon_id = mon_id
        self.names = list(mons)
        self.addrs = dict(addrs)
        self.rank = self.names.index(mon_id)
        self.options = options
        self.listener = listener
        self.commits = commits
        self.link_filter = link_filter
        self.storage = storage
        self.core = self._new_core()
        self.peers: dict[int, Connection] = {}
        self.departed: dict[str, Connection] = {}  # mons just removed from the monmap
        self.quorum_stamp = time.time()  # wall time the current quorum formed
        self.changed = asyncio.Event()  # pulsed on every transition
        self._timer: asyncio.TimerHandle | None = None
        self.elections_called = 0

    def _new_core(self) -> QuorumCore:
        election_timeout, paxos_timing = timing(self.options)
        return QuorumCore(
            self.rank, len(self.names), self.storage, time.monotonic, election_timeout, paxos_timing
        )

    def _connect(self, name: str) -> Connection:
        return Connection(
            self.ctx,
            self.me,
            self.addrs[name],
            f"mon.{name}",
            on_state=functools.partial(self._peer_state, name),
            heartbeat=max(0.05, float(self.options["mon_lease"]) / 2),
            heartbeat_timeout=float(self.options["mon_lease"])
            * float(self.options["mon_lease_ack_timeout_factor"]),
            link_filter=self.link_filter,
        )

    def start(self) -> None:
        for rank, name in enumerate(self.names):
            if rank != self.rank:
                self.peers[rank] = self._connect(name)
        self._apply(self.core.start())

    def set_monmap(self, mons: list[str], addrs: dict[str, str]) -> None:
        """A new monmap is current (``mon add``/``mon remove``): re-rank, keep the
        connections to mons still in it, connect to new ones, drop the others, and
        start over with an election — Ceph's monitors bootstrap after a monmap
        change. Paxos and the elector are built anew from the persisted state
        (the election epoch carries on); whatever this mon was doing in the old
        term ends, as on leaving a quorum."""
        if mons == self.names and addrs == self.addrs:
            return
        if self.core.in_quorum():
            self.listener.on_left_quorum()
        old = {self.names[r]: c for r, c in self.peers.items()}
        self.names, self.addrs = list(mons), dict(addrs)
        self.rank = self.names.index(self.mon_id)
        self.peers = {}
        for rank, name in enumerate(self.names):
            if rank == self.rank:
                continue
            conn = old.pop(name, None)
            if conn is not None and conn.address != self.addrs[name]:
                conn.close()
                conn = None
            self.peers[rank] = conn if conn is not None else self._connect(name)
        for name, conn in old.items():
            # kept a lease for answers on their way to it (its own removal's)
            self.departed[name] = conn
            asyncio.get_running_loop().call_later(
                float(self.options["mon_lease"]), self._close_departed, name, conn
            )
        self.core = self._new_core()
        self._apply(self.core.call_election("monmap changed"))

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        for c in [*self.peers.values(), *self.departed.values()]:
            c.close()
        self.peers.clear()
        self.departed.clear()

    # --- queries ------------------------------------------------------------------------------

    @property
    def epoch(self) -> int:
        return self.core.elector.epoch

    @property
    def state(self) -> str:
        return self.core.state.value

    def in_quorum(self) -> bool:
        return self.core.in_quorum()

    def is_leader(self) -> bool:
        return self.core.state is el.ElectorState.LEADER

    def leader_rank(self) -> int | None:
        return self.core.elector.leader

    def quorum_ranks(self) -> list[int]:
        return list(self.core.elector.quorum) if self.in_quorum() else []

    def quorum_names(self) -> list[str]:
        return [self.names[r] for r in self.quorum_ranks()]

    def readable(self) -> bool:
        return self.core.readable()

    def last_committed(self) -> int:
        return self.core.paxos.storage.last_committed()

    def writeable(self) -> bool:
        return self.core.writeable()

    async def wait_readable(self, timeout: float) -> bool:
        """Until reads may be served (True), or the term ends or time runs out (False)."""
        epoch = self.epoch
        deadline = time.monotonic() + timeout
        while not self.readable():
            left = deadline - time.monotonic()
            if left <= 0 or self.epoch != epoch or not self.in_quorum():
                return False
            ev = self.changed
            try:
                await asyncio.wait_for(ev.wait(), min(left, 0.05))
            except TimeoutError:
                pass
        return True

    # --- inputs ---------------------------------------------------------------------------------

    def rank_of(self, sender: str) -> int | None:
        kind, _, name = sender.partition(".")
        if kind != "mon" or name not in self.names:
            return None
        return self.names.index(name)

    def on_message(self, env: Envelope) -> None:
        frm = self.rank_of(env.sender)
        if frm is None or frm == self.rank:
            self.me.drops.count("not_a_peer")
            return
        try:
            if isinstance(env.msg, MonElection):
                out = self.core.on_election(election_from_wire(frm, env.msg))
            elif isinstance(env.msg, MonPaxos):
                out = self.core.on_paxos(frm, paxos_from_wire(env.msg))
            else:
                return
        except (ValueError, TypeError):
            self.me.drops.count("malformed")
            return
        self._apply(out)

    def call_election(self, reason: str) -> None:
        self._apply(self.core.call_election(reason))

    def propose(self, value: px.Value, token: object) -> None:
        self._apply(self.core.propose(value, token))

    def _peer_state(self, name: str, up: bool) -> None:
        if up and name in self.names:
            self._apply(self.core.on_peer_up(self.names.index(name)))

    def _on_timer(self) -> None:
        self._timer = None
        self._apply(self.core.tick())

    # --- outputs --------------------------------------------------------------------------------

    def send_to(self, rank: int, msg: Message) -> bool:
        """Send to a peer mon; False if it is not connected (the message is lost)."""
        return self._send_conn(self.peers.get(rank), msg)

    def send_to_peer(self, name: str, msg: Message) -> bool:
        """Send to a peer mon by name (``mon.b``), also one just removed from the
        monmap; False if it is not connected."""
        mon_id = name.partition(".")[2]
        conn = self.departed.get(mon_id)
        if mon_id in self.names:
            conn = self.peers.get(self.names.index(mon_id))
        return self._send_conn(conn, msg)

    def _send_conn(self, conn: Connection | None, msg: Message) -> bool:
        if conn is None:
            return False
        try:
            conn.send(msg)
        except NotConnected:
            self.me.drops.count("peer_unreachable")
            return False
        return True

    def _close_departed(self, name: str, conn: Connection) -> None:
        if self.departed.get(name) is conn:
            del self.departed[name]
        conn.close()

    def _send(self, to: int, msg: MonElection | MonPaxos) -> None:
        self.send_to(to, msg)

    def _apply(self, actions: list[Out]) -> None:
        listener = self.listener
        for a in actions:
            if isinstance(a, el.Send):
                self._send(a.to, election_to_wire(a))
            elif isinstance(a, px.Send):
                self._send(a.to, paxos_to_wire(a.msg))
            elif isinstance(a, el.ElectionStarted):
                self.elections_called += 1
                self.core.set_timing(*timing(self.options))
                listener.on_election_started(a.epoch, a.reason, a.first)
            elif isinstance(a, el.LeftQuorum):
                listener.on_left_quorum()
            elif isinstance(a, el.Won):
                self.quorum_stamp = time.time()
                listener.on_quorum(self.rank, a.quorum, a.epoch, a.previous)
            elif isinstance(a, el.Lost):
                self.quorum_stamp = time.time()
                listener.on_quorum(a.leader, a.quorum, a.epoch, None)
            elif isinstance(a, px.Committed):
                self.commits.on_committed(a.version, a.value, a.token)
            elif isinstance(a, px.Installed):
                self.commits.on_installed()
            elif isinstance(a, px.Readable):
                listener.on_readable()
            elif isinstance(a, px.Writeable):
                listener.on_writeable()
        if actions:
            self.changed.set()
            self.changed = asyncio.Event()
        self._reschedule()

    def _reschedule(self) -> None:
        deadline = self.core.deadline()
        if self._timer is not None:
            if deadline is not None and self._timer.when() == deadline:
                return
            self._timer.cancel()
            self._timer = None
        if deadline is not None:
            loop = asyncio.get_running_loop()
            # loop.time() is time.monotonic(), the core's clock
            self._timer = loop.call_at(max(deadline, loop.time()), self._on_timer)
