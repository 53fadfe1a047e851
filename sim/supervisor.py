"""The supervisor: owns a cluster's daemon processes (`python -m sim supervise`).

Started detached by `sim up`, it starts every mon and mgr, reconciles on a
tick (reaps exits, records whether a fault or a crash ended them), carries out
operator faults (kill, stop, pause, resume, restart), starts daemons on
request (an exited one, or a mon added by ``ceph mon add``), collects the event
stream every daemon sends into ``events.jsonl``, and keeps the address book.
A restart or a start answers once the new process listens (its
``daemon_started`` event), it exits, or `START_WAIT` passes: what follows it
then times the daemon, not the interpreter's start-up on a loaded machine.
When it stops — `down`, SIGTERM, or killed outright — no daemon survives it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import re
import signal
import time
from typing import Any

import zmq.asyncio

from sim import codec, wire
from sim.auth.signer import EntitySigner, keyring_file_lookup
from sim.cluster import RunDir
from sim.daemon import die_with_parent, setup_logging
from sim.maps.monmap import MKFS_MONMAP
from sim.messages import Admin, CommandReply, Envelope, Event, MsgType
from sim.ownership import ProcRecord, RunLock, write_records
from sim.process import DaemonProcess, ProcState
from sim.transport import Connection, Identity, NotConnected, Server

log = logging.getLogger(__name__)

LOCK_FD_ENV = "SIM_RUN_LOCK_FD"  # the run directory's lock, inherited from `sim up`
SIGNALS = {"kill": signal.SIGKILL, "pause": signal.SIGSTOP, "resume": signal.SIGCONT}
FLEET = "fleet.0"  # the process that runs the simulated OSDs, MDSs and RGWs
OSD_NAME = re.compile(r"osd\.\d+")
MON_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
MDS_NAME = re.compile(r"mds\.[A-Za-z0-9_-]+")
START_WAIT = 10.0  # s a restart or start waits for the new process to listen


class Supervisor:
    def __init__(self, run: RunDir, lock: RunLock) -> None:
        self.run = run
        self.lock = lock  # held for as long as this process lives
        self.me_record = ProcRecord.of(os.getpid()) or ProcRecord(os.getpid(), 0.0)
        self.spec = run.spec()
        self.me = Identity(
            "sim.supervisor",
            self.spec.fsid,
            EntitySigner(run.secret(), keyring_file_lookup(run)),
            wire.DropCounters(),
        )
        self.procs: dict[str, DaemonProcess] = {}
        self.book: dict[str, str] = {}
        self.active_mgr = ""
        self.listening: dict[str, asyncio.Event] = {}  # set by a daemon's daemon_started
        self.events_file = open(run.events, "a", buffering=1)  # noqa: SIM115
        self._stop = asyncio.Event()
        self._pipe_r, self._pipe_w = os.pipe()  # children watch _pipe_r for EOF

    # --- life cycle ---------------------------------------------------------------

    async def main(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            loop.add_signal_handler(sig, self._stop.set)
        self.ctx = zmq.asyncio.Context()
        self.server = Server(self.ctx, self.me, "tcp://127.0.0.1:*", self.on_message)
        self.server.start()
        self.book = {"sim.supervisor": self.server.address}
        self.book.update({f"mon.{m}": a for m, a in self.spec.mon_addrs.items()})
        self.run.write_addresses(self.book)
        self.run.supervisor_pid.write_text(str(os.getpid()))
        self.write_records()
        for m in self.spec.mons:
            self._add(f"mon.{m}", ["-m", "mon", "--dir", str(self.run.path), "--id", m])
        for m in self.spec.mgrs:
            argv = ["-m", "mgr", "--dir", str(self.run.path), "--id", m]
            if self.spec.ceph_python:  # a release tree (sim.release): the mgr loads its Python
                argv += ["--ceph-python", self.spec.ceph_python]
            self._add(f"mgr.{m}", argv)
        if self.spec.osds or self.spec.mds or self.spec.rgws:
            self._add(FLEET, ["-m", "sim.fleet", "--dir", str(self.run.path), "--id", "0"])
        for p in self.procs.values():
            self._start(p)
        reconcile = loop.create_task(self._reconcile_loop())
        await self._stop.wait()
        reconcile.cancel()
        self.shutdown()

    def _add(self, name: str, argv: list[str]) -> None:
        self.procs[name] = DaemonProcess(
            name, argv, self.run.log_file(name), self._pipe_r, self.server.address
        )

    def _start(self, p: DaemonProcess) -> None:
        self.listening[p.name] = asyncio.Event()
        p.start()
        self.write_records()
        self.record("daemon_spawned", p.name, pid=p.pid)

    def write_records(self) -> None:
        """processes.json: who `down` may signal (sim/ownership.py)."""
        live = {}
        for name, p in self.procs.items():
            if p.pid is not None and p.state is not ProcState.EXITED:
                rec = ProcRecord.of(p.pid)
                if rec is not None:
                    live[name] = rec
        write_records(self.run.process_records, self.me_record, live)

    def shutdown(self) -> None:
        log.info("stopping every daemon")
        for p in self.procs.values():
            if p.state is not ProcState.EXITED:
                p.signal(signal.SIGTERM)
                p.signal(signal.SIGCONT)
        deadline = time.monotonic() + 5.0
        for p in self.procs.values():
            path = p.stop(timeout=max(0.1, deadline - time.monotonic()))
            log.info("%s: %s", p.name, path)
        self.write_records()
        self.record("cluster_down", "sim.supervisor")
        self.server.close()
        self.ctx.destroy(linger=0)
        self.run.supervisor_pid.unlink(missing_ok=True)

    async def _reconcile_loop(self) -> None:
        while True:
            await asyncio.sleep(0.1)
            for p in self.procs.values():
                self._reap(p)

    def _reap(self, p: DaemonProcess) -> None:
        """Record the exit of a daemon that has exited (once)."""
        rec = p.poll()
        if rec is None and p.exits and not p.exits[-1].recorded:
            rec = p.exits[-1]  # reaped by a blocking wait in another thread
        if rec is not None and not rec.recorded:
            rec.recorded = True
            self.write_records()
            # a daemon that exits 0 by itself (a mon removed from the monmap) did not crash
            kind = "daemon_exited" if rec.expected or rec.returncode == 0 else "daemon_crashed"
            self.record(kind, p.name, returncode=rec.returncode, how=rec.how)

    # --- events -------------------------------------------------------------------

    def record(self, kind: str, who: str, stamp: float | None = None, **data: Any) -> None:
        self.record_event(kind, who, data, stamp)

    def record_event(
        self, kind: str, who: str, data: dict[str, Any], stamp: float | None = None
    ) -> None:
        """Append one event to events.jsonl (the event's own fields win)."""
        ev = {**data, "stamp": stamp or time.time(), "daemon": who, "kind": kind}
        try:
            line = json.dumps(ev, default=str)
        except (TypeError, ValueError):
            self.me.drops.count("bad_event")
            return
        self.events_file.write(line + "\n")
        if kind == "mgrmap":
            self.active_mgr = str(data.get("active_name", ""))
        if kind == "daemon_started" and isinstance(data.get("addr"), str):
            self.book[who] = data["addr"]
            self.run.write_addresses(self.book)
            if who in self.listening:
                self.listening[who].set()

    def on_message(self, ident: bytes, env: Envelope) -> None:
        if env.type is MsgType.EVENT:
            assert isinstance(env.msg, Event)
            e = env.msg
            data = {k: v for k, v in e.data.items() if isinstance(k, str)}
            self.record_event(e.kind, env.sender, data, stamp=e.stamp)
        elif env.type is MsgType.ADMIN:
            assert isinstance(env.msg, Admin)
            asyncio.get_running_loop().create_task(self._admin(ident, env, env.msg.cmd))
        else:
            self.me.drops.count("unexpected_type")

    # --- operator requests --------------------------------------------------------

    def resolve(self, who: str) -> DaemonProcess:
        if who == "mgr.active":
            if not self.active_mgr:
                raise KeyError("no active mgr is known")
            who = f"mgr.{self.active_mgr}"
        p = self.procs.get(who)
        if p is None:
            raise KeyError(f"no daemon '{who[:64]}' (have: {', '.join(self.procs)})")
        return p

    async def _admin(self, ident: bytes, env: Envelope, cmd: dict[str, Any]) -> None:
        try:
            reply = await self.handle_admin(cmd)
        except Exception as exc:  # one bad request never silences the supervisor
            log.exception("admin request failed")
            reply = CommandReply(-22, outs=f"{exc.__class__.__name__}"[:200])
        self.server.reply(ident, env, reply)

    async def handle_admin(self, cmd: dict[str, Any]) -> CommandReply:
        prefix = cmd.get("prefix")
        daemon = cmd.get("daemon", "")
        if not isinstance(prefix, str) or not isinstance(daemon, str):
            return CommandReply(-22, outs="prefix and daemon must be strings")
        try:
            if prefix == "status":
                result: Any = self.status()
            elif prefix == "down":
                self._stop.set()
                result = {"stopping": True}
            elif prefix in ("kill", "stop", "pause", "resume", "restart"):
                result = await self.fault(prefix, daemon)
            elif prefix == "start":
                result = self.start_daemon(daemon)
                await self._until_listening(self.procs[result["daemon"]])
            else:
                return CommandReply(-22, outs=f"unknown supervisor command '{prefix[:64]}'")
        except KeyError as exc:
            return CommandReply(-2, outs=str(exc.args[0]))
        return CommandReply(0, outbuf=codec.pack(result))

    async def fault(self, action: str, who: str) -> dict[str, Any]:
        """Carry out one fault; blocking waits run off the event loop."""
        if OSD_NAME.fullmatch(who) or MDS_NAME.fullmatch(who):
            return await self.osd_fault(action, who)
        p = self.resolve(who)
        self.record("fault", p.name, action=action, pid=p.pid)
        log.info("%s %s (pid %s)", action, p.name, p.pid)
        if action == "kill":
            p.kill()
            if p.popen is not None:
                await asyncio.to_thread(p.popen.wait, 5.0)
            self._reap(p)
        elif action == "stop":
            await asyncio.to_thread(p.stop)
            self._reap(p)
        elif action == "restart":
            await asyncio.to_thread(p.stop)
            self._reap(p)
            self._start(p)
            await self._until_listening(p)
        else:
            if p.state is ProcState.EXITED:
                raise KeyError(f"{p.name} is not running")
            p.signal(SIGNALS[action])
        return {"daemon": p.name, "pid": p.pid, "state": p.state.value}

    async def _until_listening(self, p: DaemonProcess) -> None:
        """After a (re)start: until the new process listens (its ``daemon_started``
        event, which also puts its address in the book), it exits, or `START_WAIT`
        passes. Python's start-up alone takes seconds on a loaded machine."""
        ev = self.listening[p.name]
        deadline = time.monotonic() + START_WAIT
        while not ev.is_set():
            self._reap(p)
            if p.state is ProcState.EXITED or time.monotonic() > deadline:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ev.wait(), 0.05)

    def start_daemon(self, who: str) -> dict[str, Any]:
        """Start a daemon that is not running: one that exited, or a mon added by
        ``ceph mon add`` whose data folder `sim start` prepared (its monmap)."""
        p = self.procs.get(who)
        if p is None:
            mon_id = who[4:] if who.startswith("mon.") else ""
            made = self.run.mon_data(mon_id) / MKFS_MONMAP
            if not MON_ID.fullmatch(mon_id) or not made.exists():
                raise KeyError(f"no daemon '{who[:64]}' (have: {', '.join(self.procs)})")
            self._add(who, ["-m", "mon", "--dir", str(self.run.path), "--id", mon_id])
            p = self.procs[who]
        elif p.state is not ProcState.EXITED:
            raise KeyError(f"{who} is already running (pid {p.pid})")
        log.info("start %s", who)
        self._start(p)
        return {"daemon": p.name, "pid": p.pid, "state": p.state.value}

    async def osd_fault(self, action: str, who: str) -> dict[str, Any]:
        """A fault on one simulated OSD or MDS: carried out by the fleet process that runs it."""
        fleet = self.resolve(FLEET)
        addr = self.book.get(FLEET)
        if fleet.state is not ProcState.RUNNING or not addr:
            raise KeyError(f"{who}: {FLEET} is not running")
        self.record("fault", who, action=action, pid=fleet.pid)
        conn = Connection(self.ctx, self.me, addr, FLEET)
        try:
            await conn.wait_connected(2.0)
            env = await conn.request(Admin(cmd=_fault_cmd(who, action)), 5.0)
        except (NotConnected, TimeoutError):
            raise KeyError(f"{who}: {FLEET} did not answer") from None
        finally:
            conn.close()
        reply = env.msg
        assert isinstance(reply, CommandReply)
        if reply.retval:
            raise KeyError(f"{who}: {reply.outs}")
        state = codec.unpack(reply.outbuf).get("state", "") if reply.outbuf else ""
        return {"daemon": who, "pid": fleet.pid, "state": state}

    def status(self) -> dict[str, Any]:
        return {
            "fsid": self.spec.fsid,
            "pid": os.getpid(),
            "active_mgr": self.active_mgr,
            "dropped": self.me.drops.as_dict(),
            "replay_guard": self.me.guard.status(),
            "daemons": {
                n: {
                    "pid": p.pid,
                    "state": p.state.value,
                    "starts": p.starts,
                    "addr": self.book.get(n, ""),
                    "exits": [vars(e) for e in p.exits],
                }
                for n, p in self.procs.items()
            },
        }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sim supervise")
    parser.add_argument("--dir", required=True)
    args = parser.parse_args(argv)
    run = RunDir(args.dir)
    setup_logging(run.log_file("supervisor"), "sim.supervisor")
    inherited = os.environ.pop(LOCK_FD_ENV, "")
    if inherited.isdigit():
        lock = RunLock.adopt(run.path, int(inherited))
    else:
        lock = RunLock(run.path)
        if not lock.try_acquire():
            log.error("%s is locked: another supervisor runs this cluster", run.path)
            raise SystemExit(f"a cluster is already running in {run.path}")
    if os.environ.get("SIM_SUPERVISOR_DIE_WITH_PARENT"):
        die_with_parent()
    asyncio.run(Supervisor(run, lock).main())


def _fault_cmd(who: str, action: str) -> dict[str, Any]:
    """The fleet's admin command for a fault on one of its members."""
    if who.startswith("mds."):
        return {"prefix": "mds_fault", "mds": who, "action": action}
    return {"prefix": "osd_fault", "osd": who, "action": action}
