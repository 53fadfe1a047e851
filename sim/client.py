"""The client library: talk to a running cluster from Python.

`AsyncCluster` is the asyncio core (used by the CLI): a mon session following
the MgrMap, commands to the mon or to the active mgr, admin requests to any
daemon, requests to the supervisor. `Cluster` is the same behind a
synchronous facade that runs the loop on a background thread, for tests,
benchmarks and users' scripts::

    with Cluster(run_dir) as c:
        rc, out, err = c.mon_command({"prefix": "mgr stat", "format": "json"})
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import zmq.asyncio

from sim import codec, wire
from sim.auth.signer import client_signer
from sim.cluster import RunDir
from sim.messages import Admin, Command, CommandReply
from sim.monc import MonClient
from sim.monc_policy import (
    MGR_CONNECT_WAIT,
    MGR_NOT_CONNECTED_PAUSE,
    MGR_RESENDS,
    MGRMAP_WAIT,
    MgrCommandLost,
    MgrResends,
    MonUnavailable,
    active_mgr,
    mgr_moved,
    no_active_mgr,
)
from sim.options.view import Options
from sim.transport import Connection, ConnectionLost, Identity, NotConnected

T = TypeVar("T")

__all__ = ["MGR_RESENDS", "AsyncCluster", "Cluster", "DaemonUnreachable", "MgrCommandLost"]


class DaemonUnreachable(ConnectionError):
    """A daemon did not answer in time (dead, paused or cut off)."""


class AsokUnavailable(ConnectionError):
    """Nothing listens at an admin socket path (no file, or a dead daemon's)."""


FLEET = "fleet.0"  # the process that answers for the simulated OSDs and MDSs


def asok_target(path: Path) -> str | None:
    """The daemon an admin socket path names: ``ceph-osd.3.asok`` -> ``osd.3``."""
    stem = path.name.removesuffix(".asok")
    _cluster, sep, name = stem.partition("-")
    return name if sep and "." in name else None


def probe_asok(path: Path) -> None:
    """Fail as Ceph's CLI does when nothing listens at ``path`` (ZeroMQ would wait)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        try:
            s.connect(str(path))
        except OSError as exc:
            raise AsokUnavailable(f"[Errno {exc.errno}] {os.strerror(exc.errno or 0)}") from None


class AsyncCluster:
    def __init__(
        self,
        run_dir: Path | str,
        name: str = "client.admin",
        keyring: Path | str | None = None,
        harness: bool = True,
    ) -> None:
        self.run = RunDir(run_dir)
        if not self.run.exists():
            raise FileNotFoundError(f"no cluster in {self.run.path} (run `python -m sim up`)")
        self.spec = self.run.spec()
        # its own key (``keyring``, else DIR/ceph.<name>.keyring); NoKeyring if none
        self.me = Identity(
            f"{name}",
            self.spec.fsid,
            client_signer(self.run, name, keyring, harness),
            wire.DropCounters(),
        )
        self.options = Options(self.spec.options)
        self.ctx = zmq.asyncio.Context()
        self.mgrmap: dict[str, Any] = {}
        self._mgrmap_seen = asyncio.Event()
        self._conns: dict[str, Connection] = {}
        self._followers: dict[str, Callable[[int, dict[str, Any]], None]] = {}
        self.monc = MonClient(
            self.ctx, self.me, self.spec.mon_addrs, "client", self.options, on_map=self._on_map
        )
        self.monc.subscribe("mgrmap", 0)
        self.monc.start()

    def _on_map(self, name: str, epoch: int, body: dict[str, Any]) -> None:
        if name == "mgrmap":
            self.mgrmap = body
            self._mgrmap_seen.set()
        handler = self._followers.get(name)
        if handler is not None:
            handler(epoch, body)

    def follow(
        self, name: str, handler: Callable[[int, dict[str, Any]], None], start: int = 0
    ) -> None:
        """Subscribe to ``name`` (a map, or a ``log-<level>`` cursor) from
        ``start``; ``handler(epoch, body)`` gets every update, from whichever
        mon the session is with (it resubscribes after hunting)."""
        self._followers[name] = handler
        self.monc.subscribe(name, start)

    async def close(self) -> None:
        await self.monc.aclose()
        for c in self._conns.values():
            c.close()
        self.ctx.destroy(linger=0)

    # --- commands ---------------------------------------------------------------

    async def mon_command(
        self, cmd: dict[str, Any], inbuf: bytes = b"", timeout: float = 10.0
    ) -> CommandReply:
        return await self.monc.command(cmd, inbuf, timeout)

    async def active_mgr_addr(self, timeout: float) -> tuple[str, str]:
        """(name, endpoint) of the available active mgr, waiting up to ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = active_mgr(self.mgrmap)
            if found is not None:
                return found
            left = deadline - loop.time()
            if left <= 0:
                raise no_active_mgr()
            self._mgrmap_seen.clear()
            try:
                await asyncio.wait_for(self._mgrmap_seen.wait(), min(left, MGRMAP_WAIT))
            except TimeoutError:
                pass

    async def mgr_command(
        self, cmd: dict[str, Any], inbuf: bytes = b"", timeout: float = 10.0
    ) -> CommandReply:
        """Send a command to the active mgr, all within ``timeout``.

        As Ceph's MgrClient does, a command whose mgr went away while it ran is
        re-sent to the next active mgr — here at most `MGR_RESENDS` times, so a
        command that kills its mgr cannot take down every mgr in turn
        (`MgrCommandLost` then). `MonUnavailable` names the mgr that did not
        answer in time. The policy is `sim.monc_policy`'s, shared with `sim.oneshot`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        resends = MgrResends()
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise resends.no_answer()
            try:
                name, endpoint = await self.active_mgr_addr(left)
            except MonUnavailable:
                raise resends.no_active() from None
            resends.target(name)
            conn = self._conn(resends.tried, endpoint)
            await conn.wait_connected(min(MGR_CONNECT_WAIT, max(0.0, deadline - loop.time())))
            try:
                env = await conn.request(
                    Command(cmd=cmd, inbuf=inbuf), max(0.01, deadline - loop.time())
                )
            except ConnectionLost:
                resends.went_away()  # MgrCommandLost past the bound
                await self._next_active(name, deadline)
                continue
            except NotConnected:
                await asyncio.sleep(min(MGR_NOT_CONNECTED_PAUSE, max(0.0, deadline - loop.time())))
                continue
            except TimeoutError:
                raise resends.no_answer() from None
            assert isinstance(env.msg, CommandReply)
            return env.msg

    async def _next_active(self, gone: str, deadline: float) -> None:
        """Until the MgrMap names an active other than ``gone`` (or the deadline)."""
        loop = asyncio.get_running_loop()
        while not mgr_moved(self.mgrmap, gone):
            left = deadline - loop.time()
            if left <= 0:
                return
            self._mgrmap_seen.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._mgrmap_seen.wait(), min(left, MGRMAP_WAIT))

    # --- admin ------------------------------------------------------------------

    def _conn(self, name: str, endpoint: str) -> Connection:
        c = self._conns.get(name)
        if c is None or c.address != endpoint:
            if c is not None:
                c.close()
            c = Connection(self.ctx, self.me, endpoint, name)
            self._conns[name] = c
        return c

    async def admin_reply(
        self, daemon: str, cmd: dict[str, Any], timeout: float = 2.0, endpoint: str | None = None
    ) -> CommandReply:
        """An admin request to one daemon, its reply as sent; raises DaemonUnreachable.
        ``endpoint`` (else the address book's) is where it listens."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            # Re-read the book each try: a respawned daemon has a new address.
            where = endpoint or self.run.addresses().get(daemon)
            if where is None:
                raise DaemonUnreachable(f"{daemon} has no address in the address book")
            conn = self._conn(daemon, where)
            await conn.wait_connected(min(0.25, max(0.0, deadline - loop.time())))
            try:
                env = await conn.request(Admin(cmd=cmd), max(0.01, deadline - loop.time()))
                break
            except NotConnected:
                if loop.time() >= deadline:
                    raise DaemonUnreachable(f"{daemon} is not reachable") from None
                await asyncio.sleep(0.02)
            except TimeoutError:
                raise DaemonUnreachable(f"{daemon} did not answer within {timeout:g}s") from None
        reply = env.msg
        assert isinstance(reply, CommandReply)
        return reply

    async def admin(self, daemon: str, cmd: dict[str, Any], timeout: float = 2.0) -> Any:
        """An admin request to one daemon; raises DaemonUnreachable."""
        reply = await self.admin_reply(daemon, cmd, timeout)
        if reply.retval:
            raise RuntimeError(f"{daemon}: {reply.outs}")
        return codec.unpack(reply.outbuf) if reply.outbuf else None

    # --- admin sockets: ``ceph daemon``, ``--admin-daemon``, ``ceph tell`` ------------

    async def asok(
        self, path: Path | str, cmd: dict[str, Any], timeout: float = 10.0
    ) -> CommandReply:
        """An admin socket command through ``$run_dir/ceph-NAME.asok`` (`asok_target`
        names the daemon); raises `AsokUnavailable` if nothing listens there."""
        path = Path(path)
        target = asok_target(path)
        path = Path(os.path.realpath(path))  # a link to a socket in a short folder
        probe_asok(path)
        wrapped = {"prefix": "asok", "target": target, "cmd": cmd}
        # Frames are addressed to the process that listens (an OSD's socket is
        # a link to its fleet's), which the real path names.
        process = asok_target(path) or target or path.name
        return await self.admin_reply(process, wrapped, timeout, endpoint=f"ipc://{path}")

    async def tell(self, who: str, cmd: dict[str, Any], timeout: float = 10.0) -> CommandReply:
        """``ceph tell WHO``: ``mgr`` follows the MgrMap (a command sent to an active that
        dies is sent again to the one the mon promotes, within ``timeout``); ``mgr.X``,
        ``mon.X``, ``osd.N``, ``mds.X`` go to that daemon, ``mgr.X`` once it is the
        active (a tell to a standby waits, as in Ceph)."""
        if who == "mgr":
            return await self._tell_active_mgr(cmd, timeout)
        dtype, _, did = who.partition(".")
        if dtype == "mgr":  # as Ceph's MgrClient: only the active takes a tell
            return await self._tell_named_mgr(did, cmd, timeout)
        endpoint = None
        if dtype == "mon" and did in self.spec.mon_addrs:
            endpoint = self.spec.mon_addrs[did]
        daemon = FLEET if dtype in ("osd", "mds") else who
        wrapped = {"prefix": "asok", "target": who, "cmd": cmd}
        return await self.admin_reply(daemon, wrapped, timeout, endpoint=endpoint)

    async def _tell_named_mgr(
        self, mgr_id: str, cmd: dict[str, Any], timeout: float
    ) -> CommandReply:
        """Real 16.2 holds a tell to a mgr that is not the active (the capture
        ``tell_mgr_y_version_standby``: it blocked until the CLI's timeout); here it
        waits, within ``timeout``, for that mgr to be the available active."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            name, active = await self.active_mgr_addr(max(0.0, deadline - loop.time()))
            if name == mgr_id:
                wrapped = {"prefix": "asok", "target": f"mgr.{mgr_id}", "cmd": cmd}
                left = max(0.01, deadline - loop.time())
                try:
                    return await self.admin_reply(f"mgr.{mgr_id}", wrapped, left, endpoint=active)
                except DaemonUnreachable as exc:
                    raise MonUnavailable(str(exc)) from None
            if loop.time() >= deadline:
                raise MonUnavailable(f"mgr.{mgr_id} is not the active mgr")
            await self._next_active(name, deadline)

    async def _tell_active_mgr(self, cmd: dict[str, Any], timeout: float) -> CommandReply:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            name, endpoint = await self.active_mgr_addr(max(0.0, deadline - loop.time()))
            wrapped = {"prefix": "asok", "target": f"mgr.{name}", "cmd": cmd}
            ask = loop.create_task(
                self.admin_reply(f"mgr.{name}", wrapped, deadline - loop.time(), endpoint)
            )
            moved = loop.create_task(self._next_active(name, deadline))
            done, _ = await asyncio.wait({ask, moved}, return_when=asyncio.FIRST_COMPLETED)
            if ask in done:
                moved.cancel()
                try:
                    return ask.result()
                except DaemonUnreachable as exc:
                    raise MonUnavailable(str(exc)) from None
            ask.cancel()
            with contextlib.suppress(asyncio.CancelledError, DaemonUnreachable):
                await ask
            if loop.time() >= deadline:
                raise MonUnavailable(f"mgr.{name} did not answer")

    async def supervisor(self, cmd: dict[str, Any], timeout: float = 15.0) -> Any:
        return await self.admin("sim.supervisor", cmd, timeout)


class Cluster:
    """Synchronous facade over `AsyncCluster` (its loop runs on a thread)."""

    def __init__(
        self, run_dir: Path | str, name: str = "client.admin", keyring: Path | str | None = None
    ) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="cluster")
        self._thread.start()
        self.pid = os.getpid()

        async def make() -> AsyncCluster:
            return AsyncCluster(run_dir, name, keyring)

        try:
            self.core = self._run(make(), 10.0)
        except BaseException:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5.0)
            raise
        self.run = self.core.run

    def _run(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout + 5.0)

    def mon_command(
        self, cmd: dict[str, Any], inbuf: bytes = b"", timeout: float = 10.0
    ) -> tuple[int, bytes, str]:
        r = self._run(self.core.mon_command(cmd, inbuf, timeout), timeout)
        return r.retval, r.outbuf, r.outs

    def mgr_command(
        self, cmd: dict[str, Any], inbuf: bytes = b"", timeout: float = 10.0
    ) -> tuple[int, bytes, str]:
        r = self._run(self.core.mgr_command(cmd, inbuf, timeout), timeout)
        return r.retval, r.outbuf, r.outs

    def admin(self, daemon: str, cmd: dict[str, Any] | str, timeout: float = 2.0) -> Any:
        if isinstance(cmd, str):
            cmd = {"prefix": cmd}
        return self._run(self.core.admin(daemon, cmd, timeout), timeout)

    def daemon_command(
        self, daemon: str, cmd: dict[str, Any], timeout: float = 10.0
    ) -> tuple[int, bytes, str]:
        """``ceph daemon NAME …``: an admin socket command (``config set`` …)."""
        path = self.run.asok_path(daemon)
        r = self._run(self.core.asok(path, cmd, timeout), timeout)
        return r.retval, r.outbuf, r.outs

    def supervisor(self, cmd: dict[str, Any] | str, timeout: float = 15.0) -> Any:
        if isinstance(cmd, str):
            cmd = {"prefix": cmd}
        return self._run(self.core.supervisor(cmd, timeout), timeout)

    def close(self) -> None:
        if self._loop.is_closed():
            return
        try:
            self._run(self.core.close(), 5.0)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5.0)
            self._loop.close()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
