"""The connection to the fleet process that hosts the OSDs, and ``tell osd.N``.

The fleet's address is in the run directory's address book (``fleet.0``),
re-read whenever it changes: a restarted fleet binds a new port. Used by the
RADOS client (`sim.rados.objecter`: ops and ``Rados.osd_command``) and by the
mgr (``MgrModule.send_command`` to an OSD or an MDS, as ceph-mgr sends an
``MCommand``).
"""

from __future__ import annotations

import asyncio
from typing import Any

import zmq.asyncio

from sim.cluster import RunDir
from sim.messages import Admin, CommandReply
from sim.transport import Connection, Identity, NotConnected

FLEET = "fleet.0"  # the address-book name of the process hosting the OSDs


class FleetLink:
    def __init__(self, ctx: zmq.asyncio.Context, me: Identity, run: RunDir) -> None:
        self.ctx, self.me, self.run = ctx, me, run
        self._conn: Connection | None = None
        self._addr = ""

    def conn(self) -> Connection | None:
        """The connection to the fleet's current address (None: none in the book yet)."""
        addr = self.run.addresses().get(FLEET, "")
        if self._conn is not None and addr == self._addr:
            return self._conn
        self.close()
        if not addr:
            return None
        self._addr = addr
        self._conn = Connection(self.ctx, self.me, addr, FLEET)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    async def osd_command(self, osd: int, cmd: dict[str, Any], timeout: float) -> CommandReply:
        """``ceph tell osd.N``: the fleet answers for its OSDs (their admin commands);
        `TimeoutError` once ``timeout`` passes without a connection."""
        return await self.daemon_command(f"osd.{osd}", cmd, timeout)

    async def daemon_command(
        self, target: str, cmd: dict[str, Any], timeout: float
    ) -> CommandReply:
        """A command to one of the fleet's daemons (``osd.N``, ``mds.X``), answered by
        its admin socket's table; `TimeoutError` once ``timeout`` passes unconnected."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        wrapped = {"prefix": "asok", "target": target, "cmd": cmd}
        while True:
            conn = self.conn()
            try:
                if conn is None:
                    raise NotConnected("no fleet address yet")
                await conn.wait_connected(max(0.01, min(0.5, deadline - loop.time())))
                env = await conn.request(Admin(cmd=wrapped), max(0.01, deadline - loop.time()))
            except NotConnected:
                if loop.time() >= deadline:
                    raise TimeoutError(f"{target} is not reachable") from None
                await asyncio.sleep(0.05)
                continue
            if not isinstance(env.msg, CommandReply):
                raise ConnectionError(f"unexpected reply {env.type.value}")
            return env.msg
