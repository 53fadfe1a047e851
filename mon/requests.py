"""How a mon serves clients with a quorum: reads, writes, forwarding, batching.

Theory of operation:

- A request that arrives while this mon is not in a quorum is answered with
  `Retry` at once (a hello with ``in_quorum=False``): the client tries again,
  usually at another mon. Nothing is held for later, so nothing can take
  effect after the client has given up on it. A hello that reclaims a known
  global id is the exception: it gets a session (``in_quorum=False``), as
  Ceph's messenger authenticates a client on any mon; whether the client
  keeps it is the client's choice (`sim.monc`). A message sent without a tid
  (fire and forget: the mgr's ``pg digest``, the fleet's beacons) gets no
  `Retry`: it is sent again anyway, and a tidless `Retry` is the mon trimming
  the session, which would send the client hunting.
- Reads (commands without ``w``, hellos that reclaim a global id) wait until
  the mon may serve reads — a peon under a valid lease with no accepted value
  pending, a leader that has recovered — then run locally.
- Writes (commands with ``w``, beacons, hellos needing a new global id, log
  entries) run on the leader: a peon forwards them (`MonForward`) with the
  election epoch and relays the reply. On the leader they go to the
  `WritePump`, which runs every queued operation against the services (they
  stage pending changes), recomputes health, encodes one transaction through
  the daemon's commit path and proposes it; one proposal is in flight at a
  time and the operations' replies are sent once it commits. While the leader
  may not write yet (recovering, waiting out older leases) they queue.
- The router decides *when and where* a request runs; *what* it does is
  `RequestOps` (`mon.ops`), and the commit path is `CommitPort`
  (`mon.commit`). Both are protocols (`mon.context`): nothing here imports
  the daemon shell, and a request never calls back into it.
- When the term ends (the quorum is lost or re-formed) every queued or
  in-flight operation and every forward still waiting is answered `Retry`: a
  value already accepted may still be committed by the next leader during its
  recovery, but that happens before it serves anything new, so a client's
  retry always lands after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mon.context import CommitPort, Finish, Op, QuorumPort, RequestOps
from mon.paxos import NotWriteable
from sim import record
from sim.messages import (
    Command,
    CommandReply,
    Envelope,
    Hello,
    HelloReply,
    Log,
    Message,
    MgrBeacon,
    MonForward,
    MonForwardReply,
    MsgType,
    ProtocolError,
    Retry,
    message_class,
)
from sim.wire import DropCounters

log = logging.getLogger(__name__)

Reply = Callable[[bytes, Envelope, Message], None]  # the server's reply to a client
QueueLog = Callable[[list[dict[str, Any]]], None]  # keep entries until there is a leader

READ_WAIT = 2.0  # s a read waits for a lease while the mon is in quorum
FORWARD_LIFETIME = 120.0  # s a forward may wait for its reply within one term


class TermEnded(Exception):
    """The quorum term ended before the operation was done: answer Retry."""


@dataclass
class _Pending:
    op: Op
    fut: asyncio.Future[Message | None]
    finish: Finish | None = None


@dataclass
class WritePump:
    quorum: QuorumPort
    commit: CommitPort
    queue: list[_Pending] = field(default_factory=list)
    in_flight: tuple[object, list[_Pending]] | None = None
    _scheduled: bool = False

    def submit(self, op: Op) -> asyncio.Future[Message | None]:
        fut: asyncio.Future[Message | None] = asyncio.get_running_loop().create_future()
        self.queue.append(_Pending(op, fut))
        self.kick()
        return fut

    def kick(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._run)

    def owns(self, token: object) -> bool:
        return self.in_flight is not None and self.in_flight[0] is token

    def _run(self) -> None:
        self._scheduled = False
        if self.in_flight is not None or not self.quorum.writeable():
            return
        ops, self.queue = self.queue, []
        for p in ops:
            try:
                p.finish = p.op()
            except Exception as exc:  # an op's bug fails that op only
                log.exception("write operation failed")
                if not p.fut.done():
                    p.fut.set_exception(exc)
        self.commit.update_health()
        txn = self.commit.encode_pending()
        if txn is None:
            self._resolve(ops)
            if self.queue:
                self.kick()
            return
        token = object()
        self.in_flight = (token, ops)
        try:
            self.quorum.propose(txn.to_wire(), token)
        except NotWriteable as exc:  # the term changed under us: nothing was sent
            self.abort(f"cannot propose: {exc}")
            self.commit.refresh_services(None)

    def committed(self, token: object) -> None:
        assert self.in_flight is not None and self.in_flight[0] is token
        ops = self.in_flight[1]
        self.in_flight = None
        self._resolve(ops)
        self.kick()  # health may follow from what just committed; queued ops

    def _resolve(self, ops: list[_Pending]) -> None:
        for p in ops:
            if p.fut.done():
                continue
            try:
                p.fut.set_result(p.finish() if p.finish is not None else None)
            except Exception as exc:
                log.exception("building a reply failed")
                p.fut.set_exception(exc)

    def abort(self, reason: str) -> None:
        ops = (self.in_flight[1] if self.in_flight else []) + self.queue
        self.in_flight, self.queue = None, []
        for p in ops:
            if not p.fut.done():
                p.fut.set_exception(TermEnded(reason))


class Router:
    def __init__(
        self,
        mon_id: str,
        quorum: QuorumPort,
        ops: RequestOps,
        commit: CommitPort,
        reply: Reply,
        queue_log: QueueLog,
        drops: DropCounters,
    ) -> None:
        self.mon_id = mon_id
        self.quorum = quorum
        self.ops = ops
        self.reply = reply
        self.queue_log = queue_log
        self.drops = drops
        self.pump = WritePump(quorum, commit)
        self.forwards: dict[int, asyncio.Future[MonForwardReply]] = {}
        self._fids = itertools.count(1)
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def kick(self) -> None:
        """Something was staged outside an operation (a mon's own log line)."""
        self.pump.kick()

    def term_ended(self, reason: str, grace: float = 0.0) -> None:
        """Every queued write is answered `Retry`, and every forward still waiting,
        at once or (``grace``) if its answer has not come within that time: a term
        ended by a monmap change, whose commit's answers are on their way."""
        self.pump.abort(reason)
        forwards, self.forwards = self.forwards, {}
        if grace > 0 and forwards:
            self.forwards.update(forwards)
            asyncio.get_running_loop().call_later(grace, self._give_up, forwards, reason)
            return
        self._give_up(forwards, reason)

    def _give_up(self, forwards: dict[int, asyncio.Future[MonForwardReply]], reason: str) -> None:
        for fid, fut in forwards.items():
            self.forwards.pop(fid, None)
            if not fut.done():
                fut.set_exception(TermEnded(reason))

    # --- client requests ----------------------------------------------------------------

    def on_request(self, ident: bytes, env: Envelope) -> None:
        self.spawn(self._serve(ident, env))

    async def _serve(self, ident: bytes, env: Envelope) -> None:
        try:
            reply = await self.handle(env.sender, env.msg)
        except Exception as exc:  # one bad request never leaves the client hanging
            log.exception("%s from %s failed", env.type.value, env.sender)
            self.drops.count("handler_error")
            if not isinstance(env.msg, Command):
                return
            reply = CommandReply(-errno.EINVAL, outs=f"{exc.__class__.__name__}: {exc}"[:500])
        if isinstance(reply, Retry) and not env.tid:
            # Fire and forget (the mgr's pg digest, the fleet's beacons): sent again
            # anyway, and nobody waits for this answer. A Retry without a tid tells a
            # client its session was trimmed (`Monitor::tick`), so it would hunt.
            return
        if reply is not None:
            self.reply(ident, env, reply)

    async def handle(self, sender: str, msg: Message) -> Message | None:
        q = self.quorum
        if not q.in_quorum():
            if isinstance(msg, Hello) and self.ops.is_read(msg):
                # A reconnecting client authenticates on any mon (Ceph's msgr2 does it in
                # the messenger): it gets a session, told the mon is out of quorum.
                reply = self.ops.serve_read(sender, msg)
                if isinstance(reply, HelloReply):
                    return record.replace(reply, in_quorum=False)
            return self._not_now(msg, f"mon.{self.mon_id} is not in quorum", in_quorum=False)
        if self.ops.is_read(msg):
            if not await q.wait_readable(READ_WAIT):
                return self._not_now(msg, f"mon.{self.mon_id} cannot serve reads yet")
            return self.ops.serve_read(sender, msg)
        try:
            if q.is_leader():
                return await self.pump.submit(self.ops.write_op(sender, msg))
            return await self._forward(sender, msg)
        except TermEnded as exc:
            return self._not_now(msg, str(exc))

    def _not_now(self, msg: Message, reason: str, in_quorum: bool = True) -> Message | None:
        if isinstance(msg, Hello):
            return HelloReply(global_id=0, mon_name=self.mon_id, in_quorum=False)
        if isinstance(msg, MgrBeacon | Log):
            return None  # beacons and logs are sent again anyway
        return Retry(reason=reason, in_quorum=in_quorum)

    # --- fire-and-forget log entries ----------------------------------------------------

    def submit_log(self, sender: str, entries: list[dict[str, Any]]) -> None:
        """Cluster-log entries (from a client, or another mon's own lines)."""
        q = self.quorum
        if q.is_leader():
            fut = self.pump.submit(self.ops.log_op(sender, entries))
            fut.add_done_callback(_consume)
        elif not (q.in_quorum() and self._send_forward(0, sender, Log(entries=entries))):
            self.queue_log(entries)  # sent once there is a leader to take them

    # --- peon side ------------------------------------------------------------------------

    def _send_forward(self, fid: int, client: str, msg: Message) -> bool:
        q = self.quorum
        leader = q.leader_rank()
        if leader is None:
            return False
        fwd = MonForward(
            fid=fid, client=client, kind=msg.TYPE.value, body=msg.to_body(), epoch=q.epoch
        )
        return q.send_to(leader, fwd)

    async def _forward(self, sender: str, msg: Message) -> Message | None:
        fid = next(self._fids)
        fut: asyncio.Future[MonForwardReply] = asyncio.get_running_loop().create_future()
        self.forwards[fid] = fut
        try:
            if not self._send_forward(fid, sender, msg):
                raise TermEnded("the leader is not reachable")
            reply = await asyncio.wait_for(fut, FORWARD_LIFETIME)
        except TimeoutError:
            return None  # outcome unknown: no answer rather than a wrong one
        finally:
            self.forwards.pop(fid, None)
        if reply.retry:
            raise TermEnded(reply.retry)
        try:
            out = message_class(MsgType(reply.kind)).from_body(reply.body)
        except (ValueError, ProtocolError):
            self.drops.count("malformed")
            return None
        if isinstance(out, HelloReply):  # the session is with us, not the leader
            out = HelloReply(global_id=out.global_id, mon_name=self.mon_id, monmap=out.monmap)
        return out

    def on_forward_reply(self, env: Envelope) -> None:
        assert isinstance(env.msg, MonForwardReply)
        fut = self.forwards.get(env.msg.fid)
        if fut is not None and not fut.done():
            fut.set_result(env.msg)

    # --- leader side ----------------------------------------------------------------------

    def on_forward(self, env: Envelope) -> None:
        fwd = env.msg
        assert isinstance(fwd, MonForward)
        q = self.quorum
        frm = q.rank_of(env.sender)
        if frm is None or frm == q.rank:
            self.drops.count("not_a_peer")
            return
        if not q.is_leader() or fwd.epoch != q.epoch:
            if fwd.fid:
                q.send_to(frm, MonForwardReply(fid=fwd.fid, retry="not the leader of that term"))
            return
        try:
            msg = message_class(MsgType(fwd.kind)).from_body(fwd.body)
        except (ValueError, ProtocolError):
            self.drops.count("malformed")
            return
        if isinstance(msg, Log):
            self.submit_log(fwd.client, list(msg.entries))
            return
        self.spawn(self._serve_forward(env.sender, fwd, msg))

    async def _serve_forward(self, peer: str, fwd: MonForward, msg: Message) -> None:
        try:
            reply = await self.pump.submit(self.ops.write_op(fwd.client, msg))
        except TermEnded as exc:
            self._reply_forward(peer, MonForwardReply(fid=fwd.fid, retry=str(exc)))
            return
        except Exception:
            log.exception("forwarded %s failed", fwd.kind)
            reply = None
        if reply is None:
            self._reply_forward(peer, MonForwardReply(fid=fwd.fid, retry="no reply"))
        else:
            self._reply_forward(
                peer, MonForwardReply(fid=fwd.fid, kind=reply.TYPE.value, body=reply.to_body())
            )

    def _reply_forward(self, peer: str, reply: MonForwardReply) -> None:
        """To the peon by name: its rank may have changed meanwhile, or it may have
        just been removed (a monmap change)."""
        self.quorum.send_to_peer(peer, reply)


def _consume(fut: asyncio.Future[Any]) -> None:
    with contextlib.suppress(BaseException):
        fut.result()
