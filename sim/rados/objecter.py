"""The RADOS client's asyncio core (Ceph's Objecter + MonClient in librados).

One `Objecter` per connected `rados.Rados`: a mon session that follows the
OSDMap, and a connection to the fleet process that hosts the OSDs (its
address is in the run directory's address book, re-read whenever the
connection is lost: a restarted fleet binds a new port).

`op` places an object with the current map (`sim.maps.pgmap.object_pg`, the
one placement function shared with the OSDs and the PGMap views) and sends
one `OsdOp`. The fleet queues an op its PG cannot serve (fewer than
``min_size`` up, a member hung, recovery) and answers once it is applied on
every up OSD of the PG, so a blocked op is simply a reply that has not come
yet. While waiting the client re-sends the op (same ``reqid``: applied once)
when the connection to the fleet is lost or every `RESEND` seconds, and
gives up with ``-ETIMEDOUT`` after ``timeout`` (``rados_osd_op_timeout``)
when that is > 0 — else it waits for as long as it takes, as librados does.
"""

from __future__ import annotations

import asyncio
import errno
import itertools
import logging
import os
import secrets
import time
from typing import Any

import zmq.asyncio

from sim import wire
from sim.auth.reject import PermissionDenied
from sim.auth.signer import client_signer
from sim.cluster import RunDir
from sim.maps.osdmap import OSDMap
from sim.maps.pgmap import object_pg
from sim.messages import Command, CommandReply, OsdOp, OsdOpReply
from sim.monc import MonClient
from sim.options import Options
from sim.rados.fleetlink import FleetLink
from sim.transport import Connection, Identity, NotConnected

log = logging.getLogger(__name__)

RESEND = 5.0  # seconds between re-sends of an unanswered op
_instances = itertools.count(1)
# A mgr imports this file once per module namespace, so the counter alone repeats across
# the handles of one process (and one handle's write's reqid answered another's read):
# a random part per handle keeps a reqid unique to its client, as Ceph's entity nonce.


class Objecter:
    def __init__(self, run: RunDir, name: str, addr: str = "", keyring: str | None = None) -> None:
        self.run = run
        self.addr = addr
        spec = run.spec()
        self.fsid = spec.fsid
        self.name = name
        self.instance = f"{os.getpid()}.{next(_instances)}.{secrets.token_hex(4)}"
        self.me = Identity(name, spec.fsid, client_signer(run, name, keyring), wire.DropCounters())
        self.ctx = zmq.asyncio.Context()
        self.osdmap = OSDMap()
        self._map_changed = asyncio.Event()
        self._tids = itertools.count(1)
        self.fleet = FleetLink(self.ctx, self.me, run)
        self.monc = MonClient(
            self.ctx, self.me, spec.mon_addrs, "client", Options(spec.options),
            on_map=self._on_map,
        )  # fmt: skip
        self.mgrmap: dict[str, Any] = {}
        self._mgr: Connection | None = None
        self._mgr_addr = ""
        self.monc.subscribe("osdmap", 0)
        self.monc.subscribe("mgrmap", 0)
        self.monc.start()

    async def close(self) -> None:
        await self.monc.aclose()
        self.fleet.close()
        if self._mgr is not None:
            self._mgr.close()
        self.ctx.destroy(linger=0)

    # --- maps -------------------------------------------------------------------------

    def _on_map(self, name: str, epoch: int, body: dict[str, Any]) -> None:
        if name == "mgrmap":
            self.mgrmap = body
        if name != "osdmap":
            return
        try:
            m = OSDMap.from_wire(body)
        except (KeyError, ValueError, TypeError):
            return
        if m.epoch >= self.osdmap.epoch:
            self.osdmap = m
            self._map_changed.set()

    async def wait_for_map(self, timeout: float, newer_than: int = 0) -> OSDMap:
        """The OSDMap, once one newer than ``newer_than`` has arrived (TimeoutError)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.osdmap.epoch <= newer_than:
            self._map_changed.clear()
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError("no osdmap")
            try:
                await asyncio.wait_for(self._map_changed.wait(), min(left, 0.5))
            except TimeoutError:
                if self.monc.denied:
                    raise PermissionDenied("the mons refused our key") from None
        return self.osdmap

    async def command(self, cmd: dict[str, Any], inbuf: bytes, timeout: float) -> CommandReply:
        return await self.monc.command(cmd, inbuf, timeout)

    async def mgr_command(self, cmd: dict[str, Any], inbuf: bytes, timeout: float) -> CommandReply:
        """A command to the active mgr (no re-send: `sim.client` has the operator's version)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            m = self.mgrmap
            addrs = m.get("active_addrs", {}).get("addrvec", []) if m.get("available") else []
            if addrs:
                break
            if loop.time() >= deadline:
                raise TimeoutError("no active mgr")
            await asyncio.sleep(0.1)
        addr = f"tcp://{addrs[0]['addr']}"
        if self._mgr is None or addr != self._mgr_addr:
            if self._mgr is not None:
                self._mgr.close()
            self._mgr_addr = addr
            self._mgr = Connection(self.ctx, self.me, addr, f"mgr.{m.get('active_name', '')}")
        await self._mgr.wait_connected(max(0.01, min(1.0, deadline - loop.time())))
        env = await self._mgr.request(Command(cmd=cmd, inbuf=inbuf),
                                      max(0.01, deadline - loop.time()))  # fmt: skip
        if not isinstance(env.msg, CommandReply):
            raise ConnectionError(f"unexpected reply {env.type.value}")
        return env.msg

    async def osd_command(self, osd: int, cmd: dict[str, Any], timeout: float) -> CommandReply:
        """``ceph tell osd.N``: the fleet answers for its OSDs (their admin commands)."""
        return await self.fleet.osd_command(osd, cmd, timeout)

    async def daemon_command(
        self, target: str, cmd: dict[str, Any], timeout: float
    ) -> CommandReply:
        """A command to one of the fleet's daemons (``mds.<gid or name>``)."""
        return await self.fleet.daemon_command(target, cmd, timeout)

    # --- ops --------------------------------------------------------------------------

    def _conn(self) -> Connection | None:
        return self.fleet.conn()

    async def op(
        self, pool: int, oid: str, nspace: str, ops: list[Any], timeout: float, ps: int = -1
    ) -> OsdOpReply:
        """Run ``ops`` on one object (or, ``oid`` empty, on PG ``ps``): the fleet's reply,
        or an ``-ETIMEDOUT`` one once ``timeout`` (> 0) has passed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout if timeout > 0 else float("inf")
        reqid = f"{self.name}.{self.instance}/{next(self._tids)}"
        mtime = time.time()
        pause = 0.02
        while True:
            left = deadline - loop.time()
            if left <= 0:
                return OsdOpReply(-errno.ETIMEDOUT)
            m = self.osdmap
            if not m.epoch:
                try:
                    await self.wait_for_map(min(left, RESEND))
                except TimeoutError:
                    pass
                continue
            if pool not in m.pools:
                return OsdOpReply(-errno.ENOENT, epoch=m.epoch)
            place_ps = object_pg(m, pool, oid, nspace)[0] if oid else ps
            msg = OsdOp(pool=pool, ps=place_ps, oid=oid, ops=ops, nspace=nspace,
                        epoch=m.epoch, reqid=reqid, mtime=mtime, addr=self.addr,
                        client=f"client.{self.monc.global_id}")  # fmt: skip
            conn = self._conn()
            try:
                if conn is None:
                    raise NotConnected("no fleet address yet")
                if not conn.connected:
                    await conn.wait_connected(min(left, 0.5))
                env = await conn.request(msg, min(left, RESEND))
            except NotConnected:  # also ConnectionLost: re-send (same reqid)
                await asyncio.sleep(min(pause, max(0.0, deadline - loop.time())))
                pause = min(pause * 2, 0.5)
                continue
            except TimeoutError:
                continue
            if isinstance(env.msg, OsdOpReply):
                return env.msg
            if isinstance(env.msg, CommandReply):  # refused by the transport (EFBIG)
                return OsdOpReply(env.msg.retval)
            log.warning("unexpected reply %s to an osd op", env.type.value)
