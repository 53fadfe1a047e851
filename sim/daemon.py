"""The shell every simulated daemon shares (mon, mgr, fleet).

It owns: the run directory and cluster identity, the log file, the asyncio
loop and ZeroMQ context, the admin endpoint dispatch (status, perf, faults),
the event stream to the supervisor, link filters for injected partitions, and
the rule that a daemon never outlives its supervisor: it watches an inherited
pipe (EOF = the supervisor is gone, even by SIGKILL) and also asks the kernel
for SIGKILL on parent death.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import errno
import logging
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import zmq
import zmq.asyncio

from sim import codec, msglog, wire
from sim.asok import AdminSocket, AsokTable, RunningConfig
from sim.asok import common as asok_common
from sim.auth.bootstrap import read_mkfs_keyring
from sim.auth.signer import EntitySigner
from sim.auth.view import AuthView
from sim.cluster import RunDir
from sim.links import LinkFault, daemon_seed
from sim.messages import Admin, CommandReply, Envelope, Event, MsgType
from sim.msglog import MessageLog
from sim.options import Options
from sim.perf import REPLAY_GUARD, SCHEMAS, Schema, admin_dump, admin_schema, row_of
from sim.replay import MISDIRECTED, REPLAYED, STALE
from sim.transport import Connection, Identity, NotConnected, Server

log = logging.getLogger(__name__)

PARENT_FD_ENV = "SIM_PARENT_FD"
SUPERVISOR_ENV = "SIM_SUPERVISOR"
PR_SET_PDEATHSIG = 1
IPC_PATH_MAX = 107  # sun_path: a longer admin socket path cannot be bound

AdminHandler = Callable[[dict[str, Any]], Any]


def die_with_parent() -> None:
    """Ask Linux to SIGKILL us when our parent dies (works while SIGSTOPped)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def setup_logging(path: os.PathLike[str] | str, entity: str, level: int = logging.INFO) -> None:
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    handler = logging.FileHandler(path)
    handler.setFormatter(
        logging.Formatter(
            f"%(asctime)s {entity}[{os.getpid()}] %(levelname)s %(name)s: %(message)s"
        )
    )
    root.addHandler(handler)
    root.setLevel(level)


def daemon_argparser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog)
    p.add_argument("--dir", required=True, help="the cluster's run directory")
    p.add_argument("--id", required=True, help="daemon id (the x of mgr.x)")
    return p


class DaemonShell:
    """Base class: subclasses set ``entity_type`` and implement `start`."""

    entity_type = "daemon"

    def __init__(self, run_dir: str, daemon_id: str) -> None:
        self.run = RunDir(run_dir)
        self.spec = self.run.spec()
        self.id = daemon_id
        self.name = f"{self.entity_type}.{daemon_id}"
        # the auth database as this daemon sees it (the mgr and the fleet follow
        # the mon's ``authdb`` map; the mon overrides `client_secret`). Until the
        # first map arrives it holds the keys the cluster was made with (the mkfs
        # keyring): a daemon started while the mons are down still knows them.
        self.auth_view = AuthView()
        self.auth_view.seed(read_mkfs_keyring(self.run))
        self.me = Identity(
            self.name,
            self.spec.fsid,
            EntitySigner(self.run.secret(), lambda entity: self.client_secret(entity)),
            wire.DropCounters(),
        )
        self.options = Options(self.spec.options)
        self.started_at = time.time()
        self.admin_handlers: dict[str, AdminHandler] = {
            "status": lambda cmd: self.status(),
            "drops": lambda cmd: self.me.drops.as_dict(),
            "partition": self._admin_partition,
            "heal": self._admin_heal,
            "link": self._admin_link,
            "delay": self._admin_delay,
            "asok": self._admin_asok,
        }
        self.config = RunningConfig(
            self.name,
            self.options,
            self.fixed_config(self.name),
            self.observe_option,
            self.forget_option,
        )
        self.asok = AdminSocket(self, self.asok_tables())
        self._asok_files: list[Path] = []  # removed at a clean stop
        self.me.links.reseed(daemon_seed(self.name, self.spec.network_seed))
        if self.spec.network:
            self.me.links.network = LinkFault.from_dict(self.spec.network)
        if self.spec.message_events:
            self.me.msglog = MessageLog()
        self.ctx: zmq.asyncio.Context | None = None
        self._events: Connection | None = None
        self._stop = asyncio.Event()

    def client_secret(self, entity: str) -> bytes | None:
        """The secret a client's frame claiming ``entity`` is verified with."""
        return self.auth_view.secret(entity)

    # --- life cycle ---------------------------------------------------------

    def run_forever(self) -> None:
        die_with_parent()
        setup_logging(self.run.log_file(self.name), self.name)
        log.info("starting %s pid %d", self.name, os.getpid())
        try:
            asyncio.run(self._main())
        except Exception:
            log.exception("%s failed", self.name)
            raise
        log.info("%s stopped", self.name)

    async def _main(self) -> None:
        loop = asyncio.get_running_loop()
        self.ctx = zmq.asyncio.Context()
        self._watch_parent(loop)
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request_stop)
        sup = os.environ.get(SUPERVISOR_ENV)
        if sup:
            self._events = Connection(self.ctx, self.me, sup, "sim.supervisor", immediate=False)
        flusher = loop.create_task(self._flush_messages()) if self.me.msglog else None
        try:
            await self.start()
            await self._stop.wait()
        finally:
            await self.shutdown()
            self._remove_asok_files()
            if flusher is not None:
                flusher.cancel()
                self._emit_messages()
            if self._events:
                self._events.close()
            self.ctx.destroy(linger=0)

    async def _flush_messages(self) -> None:
        while True:
            await asyncio.sleep(msglog.PERIOD)
            self._emit_messages()

    def _emit_messages(self) -> None:
        batch = self.me.msglog.flush() if self.me.msglog else None
        if batch is not None:
            self.emit("messages", **batch)

    def request_stop(self) -> None:
        self._stop.set()

    async def start(self) -> None:
        raise NotImplementedError

    async def shutdown(self) -> None:
        """Graceful stop (SIGTERM); bounded by the supervisor's escalation."""

    def _watch_parent(self, loop: asyncio.AbstractEventLoop) -> None:
        fd_s = os.environ.get(PARENT_FD_ENV)
        if not fd_s:
            return
        fd = int(fd_s)

        def readable() -> None:
            try:
                data = os.read(fd, 1)
            except OSError:
                data = b""
            if not data:
                log.warning("supervisor is gone; exiting")
                logging.shutdown()
                os._exit(0)

        try:
            loop.add_reader(fd, readable)
        except (OSError, ValueError):
            log.warning("cannot watch parent fd %s", fd_s)

    # --- observation --------------------------------------------------------

    def emit(self, kind: str, **data: Any) -> None:
        """Send an event to the supervisor (fire and forget)."""
        if self._events is None:
            return
        with contextlib.suppress(NotConnected):
            self._events.send(Event(kind=kind, stamp=time.time(), data=data))

    def close_events(self, linger_ms: int = 1000) -> None:
        """Close the event stream letting the last events out: a daemon about to
        exec or exit (a respawn) terminates its context right after, and a
        thawed process's connection to the supervisor may still be reconnecting."""
        if self._events is not None:
            events, self._events = self._events, None
            events.close(linger_ms=linger_ms)

    def status(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "pid": os.getpid(),
            "fsid": self.spec.fsid,
            "uptime": round(time.time() - self.started_at, 3),
            "dropped": self.me.drops.as_dict(),
            "replay_guard": self.me.guard.status(),
            **self.me.links.status(),  # blocked_peers, link_faults
        }

    # --- admin socket (``ceph daemon``, ``ceph tell``) ---------------------------

    def asok_tables(self) -> list[AsokTable]:
        """The admin socket commands of this daemon (subclasses add theirs)."""
        return [asok_common.TABLE]

    def fixed_config(self, name: str) -> dict[str, str]:
        """Options that are this daemon's identity and paths, as ``config show`` has them."""
        mons = ",".join(f"[v2:{a.split('://', 1)[-1]}/0]" for a in self.spec.mon_addrs.values())
        return {
            "admin_socket": str(self.run.asok_path(name)),
            "fsid": self.spec.fsid,
            "log_file": str(self.run.log_file(self.name)),
            "mon_host": mons,
            "run_dir": str(self.run.run_dir),
        }

    def observe_option(self, name: str, value: Any) -> bool:
        """An admin socket ``config set``: options this daemon reads take effect."""
        if name not in self.options.as_dict():
            return False
        self.options.update({name: value})
        return True

    def forget_option(self, name: str, before: Any) -> None:
        """An admin socket ``config unset``: back to the value under the override."""
        if before is not None:
            self.observe_option(name, before)

    def admin_socket(self, target: str | None) -> AdminSocket | None:
        """The admin socket answering for ``target`` (the fleet hosts many)."""
        return self.asok if target in (None, self.name) else None

    def listen_admin(self, server: Server) -> None:
        """Bind the admin endpoint also at ``$run_dir/ceph-$name.asok`` (ipc)."""
        self.bind_asok(server, self.run.asok_path(self.name))

    def bind_asok(self, server: Server, path: Path) -> bool:
        """Bind ``server`` also at the admin socket ``path``. A path too long for a
        unix socket gets a symlink to a socket in a private short folder instead."""
        os.makedirs(self.run.run_dir, mode=0o700, exist_ok=True)
        where = path
        if len(os.fspath(path)) > IPC_PATH_MAX:
            short = Path(tempfile.mkdtemp(prefix="sim-asok-"))  # 0700
            self._asok_files.append(short)
            where = short / path.name
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # a dead daemon's socket or link
        try:
            server.sock.bind(f"ipc://{where}")
            os.chmod(where, 0o600)
            if where != path:
                path.symlink_to(where)
        except (zmq.ZMQError, OSError) as exc:
            log.warning("no admin socket at %s: %s", path, exc)
            return False
        self._asok_files.insert(0, path)
        if where != path:
            self._asok_files.insert(0, where)
        return True

    def _remove_asok_files(self) -> None:
        for p in self._asok_files:
            with contextlib.suppress(OSError):
                p.rmdir() if p.is_dir() and not p.is_symlink() else p.unlink()
        self._asok_files = []

    def perf_schema_def(self) -> Schema:
        """Ceph's loggers of this daemon type, then the replay guard's."""
        return Schema.of([*SCHEMAS.get(self.entity_type, []), *REPLAY_GUARD])

    def perf_values(self) -> dict[str, Any]:
        """This daemon's own counters by path (subclasses add theirs)."""
        server = getattr(self, "server", None)
        received = server.received if isinstance(server, Server) else 0
        return {"AsyncMessenger::Worker-0.msgr_recv_messages": received, **self.replay_counters()}

    def replay_counters(self) -> dict[str, int]:
        """The ``replay_guard`` logger: the guard's drops by reason, and its windows."""
        dropped = self.me.drops.by_reason
        out = {f"replay_guard.{r}": dropped[r] for r in (REPLAYED, MISDIRECTED, STALE)}
        return out | {"replay_guard.windows": len(self.me.guard.windows)}

    def perf_dump(self) -> dict[str, Any]:
        s = self.perf_schema_def()
        return admin_dump(s, row_of(s, self.perf_values()))

    def perf_schema(self) -> dict[str, Any]:
        return admin_schema(self.perf_schema_def())

    def mempools(self) -> dict[str, tuple[int, int]]:
        return {}

    def _admin_asok(self, cmd: dict[str, Any]) -> CommandReply:
        """``{"prefix": "asok", "target": NAME, "cmd": {...}}``: an admin socket command."""
        target, inner = cmd.get("target"), cmd.get("cmd")
        if target is not None and not isinstance(target, str):
            raise ValueError("asok target must be a daemon name")
        if not isinstance(inner, dict):
            raise ValueError("asok needs cmd: {prefix: ...}")
        try:
            sock = self.admin_socket(target)
        except ConnectionRefusedError:  # a member that is down: its socket refuses
            return CommandReply(retval=-errno.ECONNREFUSED, outs="[Errno 111] Connection refused")
        if sock is None:
            return CommandReply(retval=-errno.ENXIO, outs=f"{target} is not served by {self.name}")
        return sock.call(inner)

    # --- admin endpoint -----------------------------------------------------

    def handle_admin(self, env: Envelope) -> CommandReply:
        assert env.type is MsgType.ADMIN and isinstance(env.msg, Admin)
        prefix = env.msg.cmd.get("prefix")
        handler = self.admin_handlers.get(prefix) if isinstance(prefix, str) else None
        if handler is None:
            shown = prefix[:64] if isinstance(prefix, str) else type(prefix).__name__
            return CommandReply(retval=-22, outs=f"unknown admin command '{shown}'")
        try:
            result = handler(env.msg.cmd)
        except Exception as exc:
            log.warning("admin %s failed: %s", prefix, exc.__class__.__name__)
            return CommandReply(retval=-22, outs=f"{exc.__class__.__name__}: {exc}"[:500])
        if isinstance(result, CommandReply):  # already a reply (``asok``)
            return result
        return CommandReply(retval=0, outbuf=codec.pack(result))

    @property
    def blocked_peers(self) -> set[str]:
        """Peers cut off by an injected partition (traffic dropped both ways)."""
        return self.me.links.blocked

    def link_allowed(self, peer: str) -> bool:
        return self.me.links.allowed(peer)

    def _admin_partition(self, cmd: dict[str, Any]) -> list[str]:
        peers = _peers(cmd, "partition")
        self.blocked_peers.update(peers)
        self.emit("partition", peers=sorted(self.blocked_peers))
        return sorted(self.blocked_peers)

    def _admin_heal(self, cmd: dict[str, Any]) -> list[str]:
        """Undo partitions and link faults, toward ``peers`` or all."""
        peers = cmd.get("peers")
        self.me.links.heal(None if peers is None else _peers(cmd, "heal"))
        self.emit("heal", peers=sorted(self.blocked_peers))
        return sorted(self.blocked_peers)

    def _admin_link(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """``{"prefix": "link", "peers": [...] or ["*"], "latency": s, "jitter": s,
        "loss": p, "duplicate": p, "seed": n}``: a link fault on what we send to them."""
        peers = _peers(cmd, "link")
        seed = cmd.get("seed")
        fields = {k: v for k, v in cmd.items() if k not in ("prefix", "peers", "seed")}
        fault = LinkFault.from_dict(fields)
        if seed is not None:  # a scenario's seed makes the losses repeatable
            self.me.links.reseed(daemon_seed(self.name, int(seed)))
        self.me.links.set_fault(peers, fault)
        self.emit("link", peers=peers, **fault.as_dict())
        return self.me.links.status()

    def _admin_delay(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """``{"prefix": "delay", "peers": [...], "seconds": s}``: a fixed latency."""
        return self._admin_link({"peers": cmd.get("peers"), "latency": cmd.get("seconds")})


def _peers(cmd: dict[str, Any], what: str) -> list[str]:
    peers = cmd.get("peers")
    if not isinstance(peers, list) or not peers or not all(isinstance(p, str) for p in peers):
        raise ValueError(f"{what} needs peers: [names]")
    return peers


def main_entry(shell_cls: type[DaemonShell], prog: str, argv: list[str] | None = None) -> None:
    args = daemon_argparser(prog).parse_args(argv)
    shell_cls(args.dir, args.id).run_forever()
    sys.exit(0)
