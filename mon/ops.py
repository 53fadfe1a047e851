"""What each request does on this mon: reads served locally, and on the
leader the operations the write pump runs (a command, a beacon, a hello
that needs a global id, cluster-log entries, the tick). An operation stages
changes on the services and returns its `Finish`, which builds the reply
once the change is committed.

This is the router's `RequestOps` (`mon.context`): the router decides when
and where a request runs, this file decides what it does, and neither calls
back into the daemon shell.

Who may import it: the daemon shell (which builds it) and tests.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Protocol

from mon import commands
from mon.cluster_log import LogPriority
from mon.context import Finish, MonContext, Op
from sim.messages import (
    BeaconAck,
    Command,
    CommandReply,
    Hello,
    HelloReply,
    Log,
    Message,
    MgrBeacon,
)

log = logging.getLogger(__name__)

LOG_PRIORITIES = {p.value for p in LogPriority}


class ServingContext(MonContext, Protocol):
    """A `MonContext` that also takes log entries as they are (`mon.monitor.Monitor`)."""

    def add_log(self, e: dict[str, Any]) -> None: ...
    def audit(self, who: str, cmd: dict[str, Any]) -> None: ...


class MonOps:
    def __init__(self, mon: ServingContext) -> None:
        self.mon = mon

    # --- reads ---------------------------------------------------------------------------

    def is_read(self, msg: Message) -> bool:
        if isinstance(msg, Command):
            mc = commands.COMMANDS.get(str(msg.cmd.get("prefix", "")))
            return mc is None or not mc.writes
        if isinstance(msg, Hello):
            return 0 < msg.global_id <= self.mon.auth_service.max_global_id
        return False

    def serve_read(self, sender: str, msg: Message) -> Message | None:
        if isinstance(msg, Command):
            return command_reply(msg.cmd, self._dispatch(sender, msg))
        if isinstance(msg, Hello):
            mon = self.mon
            return HelloReply(global_id=msg.global_id, mon_name=mon.id, monmap=mon.monmap())
        return None

    # --- writes (leader) ---------------------------------------------------------------------

    def write_op(self, sender: str, msg: Message) -> Op:
        """What a write does on the leader (staged, then committed by the pump)."""
        if isinstance(msg, Command):
            return lambda: self._command_op(sender, msg)
        if isinstance(msg, MgrBeacon):
            return lambda: self._beacon_op(msg)
        if isinstance(msg, Hello):
            return self._hello_op
        if isinstance(msg, Log):
            return self.log_op(sender, list(msg.entries))
        raise ValueError(f"not a write: {msg.TYPE.value}")

    def _hello_op(self) -> Finish:
        mon = self.mon
        gid = mon.auth_service.assign_global_id()
        return lambda: HelloReply(global_id=gid, mon_name=mon.id, monmap=mon.monmap())

    def _beacon_op(self, b: MgrBeacon) -> Finish:
        mon = self.mon
        out = mon.mgrmon.prepare_beacon(b)
        mon.clog_all(out.log)

        def finish() -> Message:
            m = mon.mgrmon.map
            if out.null_map:
                log.info(
                    "mgr.%s gid %d thinks it is active but it is not, dropping!", b.name, b.gid
                )
            return BeaconAck(
                gid=b.gid, mgrmap_epoch=m.epoch, active=m.active_gid == b.gid, null_map=out.null_map
            )

        return finish

    def _command_op(self, sender: str, c: Command) -> Finish:
        reply = self._dispatch(sender, c)
        return lambda: command_reply(c.cmd, reply)

    def _dispatch(self, sender: str, c: Command) -> commands.Reply:
        mon = self.mon
        mon.inbuf = c.inbuf  # `-i FILE` (config-key set)
        mc, reply = commands.dispatch(mon, c.cmd, sender)
        if mc is not None and mc.audited and reply.retval == 0:
            mon.audit(sender, c.cmd)
        return reply

    def log_op(self, sender: str, entries: list[dict[str, Any]]) -> Op:
        mon = self.mon
        from_mon = mon.quorum.rank_of(sender) is not None

        def op() -> Finish:
            for e in entries[:100]:
                if from_mon:
                    mon.add_log(e)
                else:
                    mon.add_log(
                        {**e, "name": sender, "rank": self._log_rank(sender), "stamp": None}
                    )
            return lambda: None

        return op

    def tick_op(self) -> Finish:
        mon = self.mon
        mon.clog_all(mon.mgrmon.tick())
        mon.clog_all(mon.osd_service.tick(time.time()))
        mon.clog_all(mon.mds_service.tick())
        return lambda: None

    def _log_rank(self, sender: str) -> str:
        """How the log names a client: ``mgr.<gid>`` for a known mgr (as Ceph does)."""
        kind, _, ident = sender.partition(".")
        m = self.mon.mgrmon.map
        if kind == "mgr" and m.active_gid and m.active_name == ident:
            return f"mgr.{m.active_gid}"
        standby = m.standby_by_name(ident) if kind == "mgr" else None
        return f"mgr.{standby.gid}" if standby is not None else sender


def client_log_entries(msg: Log) -> list[dict[str, Any]]:
    """A client's `Log` message, checked: at most 100 entries, known priorities."""
    out = []
    for e in msg.entries[:100]:
        if isinstance(e, dict) and isinstance(e.get("message"), str):
            prio = e.get("priority")
            if prio not in LOG_PRIORITIES:
                prio = "[INF]"
            chan = e.get("channel") if isinstance(e.get("channel"), str) else "cluster"
            out.append({"priority": str(prio), "message": e["message"], "channel": str(chan)})
    return out


def command_reply(cmd: dict[str, Any], reply: commands.Reply) -> CommandReply:
    fmt = cmd.get("format") if isinstance(cmd.get("format"), str) else None
    try:
        outbuf = reply.render(fmt)
    except Exception as exc:  # an unknown format, say
        reply, outbuf = commands.Reply(-22, outs=f"bad format: {exc}"), b""
    return CommandReply(reply.retval, outbuf, reply.outs)
