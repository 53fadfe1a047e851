"""The mgr daemon shell (`python -m mgr --dir DIR --id x`), Ceph's MgrStandby.

It binds its own ROUTER (commands from clients when active, admin requests
always; also bound as the admin socket ``$run_dir/ceph-mgr.ID.asok``, its own
commands in `mgr.asok`), keeps a mon session, beacons every ``mgr_tick_period``, follows the
MgrMap through `MgrRole` and performs its decisions: start the module host as
active or standby, and respawn (re-exec itself, keeping its pid, coming back
with a new gid) when it is no longer active.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import platform
import socket
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from mgr import asok as mgr_asok
from mgr import commands as mgr_commands
from mgr.daemon_state import DaemonState
from mgr.module_host import ModuleHost, NullModuleHost
from mgr.role import Action, Decision, MgrRole, Role
from sim.asok import AsokTable
from sim.auth.view import AUTHDB
from sim.caps import service_cap
from sim.daemon import PARENT_FD_ENV, DaemonShell, daemon_argparser
from sim.messages import (
    BeaconAck,
    Command,
    CommandReply,
    Envelope,
    MgrBeacon,
    MgrConfigure,
    MsgType,
)
from sim.monc import MonClient
from sim.transport import NotConnected, Server
from sim.version import CEPH_RELEASE, CEPH_VERSION, CEPH_VERSION_SHORT

log = logging.getLogger(__name__)

MODULE_SHUTDOWN_BOUND = 4.0  # s; below the supervisor's SIGTERM -> SIGKILL escalation (5 s)


def system_metadata(
    name: str, addr: str, version: tuple[str, str, str] | None = None
) -> dict[str, str]:
    """The metadata a beacon carries; ``version``: (ceph_version, ceph_release,
    ceph_version_short) of the mgr Python in use (a release tree's own: a
    ceph-mgr of that release reports its version), else the simulator's."""
    ceph_version, release, short = version or (CEPH_VERSION, CEPH_RELEASE, CEPH_VERSION_SHORT)
    uname = platform.uname()
    return {
        "addr": addr.split(":")[0],
        "addrs": f"{addr.split(':')[0]}:0/{os.getpid()}",
        "arch": uname.machine,
        "ceph_release": release,
        "ceph_version": ceph_version,
        "ceph_version_short": short,
        "cpu": platform.processor() or uname.machine,
        "distro": platform.freedesktop_os_release().get("ID", "")
        if hasattr(platform, "freedesktop_os_release")
        else "",
        "hostname": socket.gethostname(),
        "kernel_description": uname.version,
        "kernel_version": uname.release,
        "mem_swap_kb": str(psutil.swap_memory().total // 1024),
        "mem_total_kb": str(psutil.virtual_memory().total // 1024),
        "os": uname.system,
    }


class MgrDaemon(DaemonShell):
    entity_type = "mgr"
    ceph_python: str | None = None  # --ceph-python (or the cluster option mgr_ceph_python)
    tree_version: tuple[str, str, str] | None = None  # the release tree's, once loaded

    def __init__(self, run_dir: str, daemon_id: str) -> None:
        super().__init__(run_dir, daemon_id)
        grace = float(self.options["mon_mgr_beacon_grace"])
        self.role = MgrRole(
            self.id,
            stall_after=max(0.5, grace / 3),
            lease_span=grace,
            standby_modules=bool(self.options["mgr_standby_modules"]),
        )
        self.modules: ModuleHost = NullModuleHost()
        self.daemon_state = DaemonState(self.spec.fsid, float(self.options["mgr_stats_period"]))
        self.mgrmap: dict[str, Any] = {}
        self.beacons_sent = 0
        self.modules_loaded = False
        self._tasks: list[asyncio.Task[Any]] = []
        self._sessions: dict[str, tuple[bytes, int]] = {}  # daemons opened: ROUTER id, nonce

    async def start(self) -> None:
        assert self.ctx is not None
        self.server = Server(
            self.ctx, self.me, "tcp://127.0.0.1:*", self.on_message, self.link_allowed
        )
        self.listen_admin(self.server)
        self.server.start()
        self.addr = self.server.host_port
        self._loop = asyncio.get_running_loop()
        self.daemon_state.osd_queries.on_change = self._queries_changed
        self.admin_handlers["mgr_status"] = lambda cmd: self.status()
        self.admin_handlers["module_option"] = self._admin_module_option
        self.monc = MonClient(
            self.ctx,
            self.me,
            self.spec.mon_addrs,
            "mgr",
            self.options,
            on_map=self.on_map,
            on_session=self.on_session,
            link_filter=self.link_allowed,
        )
        self.modules = self.make_module_host()
        # Config first (mgr_module_path may come from the mon's config), then
        # the modules are loaded, and only then does this mgr beacon and follow
        # the MgrMap: modules never start without their configuration.
        for name in ("config", "kv", AUTHDB):
            self.monc.subscribe(name, 0)
        self.monc.start()
        await self.modules.load()
        self.modules_loaded = True
        for name in ("monmap", "mgrmap", "osdmap", "fsmap", "log"):
            self.monc.subscribe(name, 0)
        self.send_beacon()
        loop = asyncio.get_running_loop()
        self._tasks += [
            loop.create_task(self._beacon_loop(), name="beacon"),
            loop.create_task(self._watchdog(), name="watchdog"),
            loop.create_task(
                self.daemon_state.run_digest(self.monc, lambda: self.role.claims_active),
                name="pg-digest",
            ),
        ]
        log.info("mgr.%s listening on %s", self.id, self.addr)
        self.emit("daemon_started", addr=self.server.address)

    def make_module_host(self) -> ModuleHost:
        if self.options.get("mgr_module_host") == "null":
            return NullModuleHost()
        from mgr.host.context import HostContext
        from mgr.host.host import PyModuleHost

        version, release = CEPH_VERSION, CEPH_RELEASE
        tree = self.ceph_python or self.options.get("mgr_ceph_python")
        if tree:
            from mgr.host import apipath, cephtree

            apipath.use_ceph_tree(Path(str(tree)))
            found = cephtree.detect(Path(str(tree)))
            version, release = found.version_string, found.name
            self.tree_version = (version, release, found.version)
            log.info("mgr.%s runs Ceph's own mgr Python from %s (%s)", self.id, tree, version)
        ctx = HostContext(
            embedded_api=not tree,
            mgr_id=self.id,
            fsid=self.spec.fsid,
            created=self.spec.created,
            ceph_version=version,
            ceph_release=release,
            options=self.options.as_dict(),
            log_dir=self.run.log_dir,
            monc=self.monc,
            emit=self.emit,
            request_beacon=self.send_beacon,
            daemon_state=self.daemon_state,
        )
        return PyModuleHost(ctx)

    async def shutdown(self) -> None:
        for t in self._tasks:
            t.cancel()
        await self.modules.shutdown(timeout=MODULE_SHUTDOWN_BOUND)
        if hasattr(self, "monc"):
            self.monc.close()
        if hasattr(self, "server"):
            self.server.close()

    # --- admin socket -------------------------------------------------------------

    def asok_tables(self) -> list[AsokTable]:
        return [*super().asok_tables(), mgr_asok.TABLE]

    @property
    def gid(self) -> int:
        return self.role.gid

    @property
    def osdmap_epoch(self) -> int:
        return self.daemon_state.osdmap.epoch

    # --- role -----------------------------------------------------------------

    def apply(self, d: Decision) -> None:
        if d.reason:
            log.info("%s", d.reason)
        for act in d.actions:
            if act is Action.SEND_BEACON:
                self.send_beacon()
            elif act is Action.START_ACTIVE:
                self.emit("activating", gid=self.role.gid)
                self._tasks.append(asyncio.get_running_loop().create_task(self._activate()))
            elif act is Action.START_STANDBY_MODULES:
                self.modules.start_standby(self.mgrmap)
            elif act is Action.STOP_STANDBY_MODULES:
                self.modules.stop_standby()
            elif act is Action.RESPAWN:
                self.respawn(d.reason)

    async def _activate(self) -> None:
        await self.modules.start_active(self.mgrmap)
        d = self.role.on_activated()
        if d.actions:
            self.emit("active", gid=self.role.gid)
        self.apply(d)

    def respawn(self, reason: str) -> None:
        """Re-execute this process (Ceph's respawn): same pid, new gid, standby."""
        log.warning("respawning: %s", reason)
        self.emit("respawn", reason=reason, gid=self.role.gid)
        fd = os.environ.get(PARENT_FD_ENV)
        if fd:
            with contextlib.suppress(OSError, ValueError):
                os.set_inheritable(int(fd), True)
        logging.shutdown()
        self.close_events()  # the respawn event must reach the supervisor (mgr_paused)
        if self.ctx is not None:
            self.ctx.destroy(linger=0)
        self._remove_asok_files()  # the new process binds its own
        argv = [sys.executable, "-m", "mgr", "--dir", str(self.run.path), "--id", self.id]
        if self.ceph_python:  # the same release tree after the respawn
            argv += ["--ceph-python", str(self.ceph_python)]
        os.execv(sys.executable, argv)

    def on_session(self, up: bool) -> None:
        self.emit("mon_connection", up=up, mon=self.monc.mon_name)
        self.modules.set_mon_connection(up)
        if up:
            self.apply(self.role.on_session(self.monc.global_id))

    def on_map(self, name: str, epoch: int, body: dict[str, Any]) -> None:
        self.observe()
        if name == "mgrmap":
            self.mgrmap = body
            self.apply(self.role.on_mgrmap(body))
        if name == "osdmap":
            self.daemon_state.on_osdmap(epoch, body)
        if name == "fsmap":
            self.daemon_state.on_fsmap(epoch, body)
        if name == AUTHDB:
            self.auth_view.update(epoch, body)
            return
        self.modules.notify_map(name, epoch, body)

    def observe(self) -> None:
        self.apply(self.role.observe(time.monotonic()))

    async def _watchdog(self) -> None:
        while True:
            self.observe()
            await asyncio.sleep(0.1)

    # --- beacons --------------------------------------------------------------

    def beacon(self) -> MgrBeacon:
        # A stalled active (CONFIRMING) still beacons as the active: if it was
        # replaced meanwhile, the mon answers with a null map and it respawns,
        # instead of registering it as a standby under its old gid.
        available = self.role.claims_active or (
            self.role.role is Role.CONFIRMING and self.role.activated
        )
        return MgrBeacon(
            gid=self.role.gid,
            name=self.id,
            available=available,
            addr=self.addr if available else "",
            nonce=os.getpid() if available else 0,
            services=self.modules.services() if available else {},
            available_modules=self.modules.available_modules(),
            metadata=system_metadata(self.id, self.addr, self.tree_version),
            command_descs=mgr_commands.descriptions() + self.modules.command_descs()
            if available
            else [],
            health_checks=self.modules.health_checks() if available else {},
        )

    async def _beacon_loop(self) -> None:
        while True:
            await asyncio.sleep(float(self.options["mgr_tick_period"]))
            self.observe()
            self.send_beacon()

    def send_beacon(self) -> None:
        if not self.modules_loaded or not self.monc.have_session or not self.role.gid:
            return
        self._tasks = [t for t in self._tasks if not t.done()]
        self._tasks.append(asyncio.get_running_loop().create_task(self._beacon_roundtrip()))

    async def _beacon_roundtrip(self) -> None:
        sent_at = time.monotonic()
        try:
            env = await self.monc.request(
                self.beacon(), float(self.options["mon_mgr_beacon_grace"])
            )
        except (NotConnected, TimeoutError):
            return
        self.beacons_sent += 1
        if isinstance(env.msg, BeaconAck):
            a = env.msg
            self.apply(self.role.on_beacon_ack(a.active, a.null_map, a.mgrmap_epoch, sent_at))

    # --- requests ---------------------------------------------------------------

    def on_message(self, ident: bytes, env: Envelope) -> None:
        self.observe()
        if env.type is MsgType.ADMIN:
            self.server.reply(ident, env, self.handle_admin(env))
        elif env.type in (MsgType.MGR_OPEN, MsgType.MGR_REPORT):
            if self.role.claims_active:  # daemons report to the active only
                self.daemon_state.on_message(env)
                if env.type is MsgType.MGR_OPEN:  # DaemonServer::handle_open: configure it
                    self._sessions[env.sender] = (ident, env.route.nonce if env.route else 0)
                    self._send_configure(env.sender)
        elif env.type is MsgType.COMMAND:
            assert isinstance(env.msg, Command)
            asyncio.get_running_loop().create_task(self._command(ident, env, env.msg))
        else:
            self.me.drops.count("unexpected_type")

    def _send_configure(self, only: str = "") -> None:
        """`MgrConfigure` (the OSD perf queries, `mgr.osd_perf_queries`) to the daemons
        that opened with this active (``only``: to that one)."""
        msg = MgrConfigure(osd_perf_metric_queries=self.daemon_state.osd_queries.configure())
        for name, (ident, nonce) in list(self._sessions.items()):
            if not only or name == only:
                self.server.send(ident, name, msg, peer_nonce=nonce)

    def _queries_changed(self) -> None:  # from a module thread
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody to tell
            self._loop.call_soon_threadsafe(self._send_configure)

    async def _command(self, ident: bytes, env: Envelope, c: Command) -> None:
        if not self.role.claims_active:
            reply = CommandReply(-errno.EAGAIN, outs=f"mgr.{self.id} is not the active mgr")
        else:
            try:
                # Ceph's DaemonServer: its own checks, its own commands first, then the
                # modules'. Off the loop: a big cluster's ``pg dump`` must not delay beacons.
                cap = service_cap(self.auth_view.caps(env.sender), "mgr")
                refused = mgr_commands.precheck(c.cmd)
                if refused is not None:
                    reply = refused
                elif mgr_commands.is_builtin(c.cmd):
                    cluster = mgr_commands.Cluster(self.daemon_state, self.daemon_state.pg)
                    reply = await asyncio.to_thread(
                        mgr_commands.run, cluster, c.cmd, env.sender, cap
                    )
                else:
                    reply = await self.modules.handle_command(c.cmd, c.inbuf, env.sender, cap)
            except Exception as exc:
                log.exception("command failed")
                reply = CommandReply(-errno.EINVAL, outs=f"{exc.__class__.__name__}: {exc}")
        self.server.reply(ident, env, reply)

    def _admin_module_option(self, cmd: dict[str, Any]) -> Any:
        """admin ``module_option {module, key}``: what that module's
        ``get_module_option(key)`` returns on this mgr (active or standby)."""
        module, key = cmd.get("module"), cmd.get("key")
        if not isinstance(module, str) or not isinstance(key, str):
            raise ValueError("module_option needs module and key (strings)")
        return self.modules.module_option(module, key)

    def status(self) -> dict[str, Any]:
        return super().status() | {
            "gid": self.role.gid,
            "role": self.role.role.value,
            # the claim the "single active" invariant samples: role and lease
            "active": self.role.holds_lease(time.monotonic()),
            "lease_remaining": round(max(0.0, self.role.lease_until - time.monotonic()), 3),
            "have_mon_connection": self.monc.have_session if hasattr(self, "monc") else False,
            "mon": self.monc.mon_name if hasattr(self, "monc") else "",
            "mon_sessions": self.monc.sessions_opened if hasattr(self, "monc") else 0,
            "mgrmap_epoch": self.role.mgrmap_epoch,
            "active_name": self.role.active_name,
            "addr": getattr(self, "addr", ""),
            "beacons_sent": self.beacons_sent,
            "modules": self.modules.status(),
            "daemon_state": self.daemon_state.status(),
        }


def main(argv: list[str] | None = None) -> None:
    """``python -m mgr --dir D --id x [--ceph-python TREE]``: TREE (Ceph's
    ``mgr_module.py`` and stock modules, a release tree of `sim.release`)
    replaces the embedded API."""
    parser = daemon_argparser("python -m mgr")
    parser.add_argument("--ceph-python", help="a Ceph release's manager Python (mgr_module.py …)")
    args = parser.parse_args(argv)
    MgrDaemon.ceph_python = args.ceph_python
    MgrDaemon(args.dir, args.id).run_forever()
    sys.exit(0)
