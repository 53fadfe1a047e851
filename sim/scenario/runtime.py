"""A running scenario: the cluster, what the steps changed, what was seen.

`Runtime` starts the cluster (`sim.launcher`), observes it through the
daemons' admin endpoints, the mon and the event stream (it is the
`Observer` that conditions read), injects faults through the supervisor and
the daemons' partition commands, and remembers every change a step made
(daemons held down or paused, partitions) so that `close` can undo them and
bring everything down whatever happened — a failed expectation, an invariant,
Ctrl-C or an engine bug.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import io
import json
import math
import os
import random
import shlex
import socket
import threading
import time
from pathlib import Path
from typing import Any

from sim import ceph_cli, launcher
from sim.client import Cluster
from sim.scenario.cluster_config import ClusterConfig
from sim.scenario.conditions import CliResult, Unobservable
from sim.scenario.errors import InvariantViolated, SimulatorFailure, StepFailed
from sim.scenario.events import EventLog
from sim.scenario.timeline import Timeline
from sim.scenario.values import DaemonRef
from sim.scenario.watch import FILE as WATCH_FILE
from sim.scenario.watch import CephWatch


class Probe(Cluster):
    """The engine's client: `Cluster` plus concurrent admin requests."""

    def admin_many(self, daemons: list[str], cmd: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Ask every daemon at once; a value or the exception it raised, per daemon."""

        async def one(d: str) -> Any:
            try:
                return await self.core.admin(d, dict(cmd), timeout)
            except Exception as exc:
                return exc

        async def every() -> list[Any]:
            return await asyncio.gather(*(one(d) for d in daemons))

        return dict(zip(daemons, self._run(every(), timeout), strict=True))


def free_port(host: str = "127.0.0.1", exclude: set[int] | frozenset[int] = frozenset()) -> int:
    """A port nobody listens on (and not in ``exclude``: ports handed out but
    not bound yet), drawn below Linux's ephemeral range (32768+) so that no
    outgoing connection takes it before the module binds it."""
    rng = random.SystemRandom()  # not the scenario's seed: parallel runs must differ
    for _ in range(200):
        port = rng.randrange(15000, 32000)
        if port in exclude:
            continue
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return port
    raise SimulatorFailure("cluster.assign_ports: found no free port in 15000-32000")


class Runtime:
    def __init__(
        self, cfg: ClusterConfig, run_dir: Path, out_dir: Path, timeline: Timeline, seed: int = 0
    ) -> None:
        self.cfg = cfg
        self.run_dir = run_dir
        self.out_dir = out_dir
        self.timeline = timeline
        self.seed = seed
        self.options: dict[str, Any] = cfg.effective_options()
        self.variables: dict[str, str] = {}
        self.events = EventLog(run_dir / "events.jsonl")
        self.events.subscribe(timeline.cluster_event)
        self.probe: Probe | None = None
        self.held: dict[str, str] = {}  # daemon -> "down" | "paused", by a step
        self.blocked: dict[
            str, set[str]
        ] = {}  # daemon -> peers it cuts or shapes (partition, link)
        self.started = time.time()
        self.last_fault = self.started
        self.last_mon_change = self.started
        self.timers: list[threading.Timer] = []
        self.seed_override: int | None = None  # --seed: wins over the steps' own seeds
        self.step_index = 0
        self._abort = threading.Event()
        self._failure: BaseException | None = None
        self.watch: CephWatch | None = None  # what `ceph -w` prints during the run
        self.watch_text = ""

    # --- life cycle ---------------------------------------------------------------

    def start(self, die_with_parent: bool = True) -> None:
        cfg = self.cfg
        options = dict(cfg.options)
        if cfg.module_paths:
            options["mgr_module_path"] = os.pathsep.join(str(p) for p in cfg.module_paths)
        kwargs: dict[str, Any] = {"message_events": True}  # the report draws them
        if cfg.network:  # every daemon link, from the first message, seeded by the run
            kwargs.update(network=cfg.network, network_seed=self.seed)
        if cfg.osds:
            if "osds" not in inspect.signature(launcher.up).parameters:
                raise SimulatorFailure("cluster.osds: this simulator has no OSD fleet yet")
            kwargs["osds"] = cfg.osds
        if cfg.ceph_release or cfg.ceph_python:
            kwargs.update(ceph_release=cfg.ceph_release, ceph_python=cfg.ceph_python)
        try:  # a scenario always starts from a new cluster (wipe)
            launcher.up(
                self.run_dir, mons=cfg.mons, mgrs=cfg.mgrs, options=options, profile=cfg.profile,
                timeout=cfg.start_timeout, die_with_parent=die_with_parent, wipe=True, **kwargs,
            )  # fmt: skip
        except Exception as exc:
            raise SimulatorFailure(f"the cluster did not start: {exc}") from exc
        self.events.start()
        self.probe = Probe(self.run_dir, name="client.scenario")
        self.assign_ports()
        gid_before = None
        if cfg.modules:
            gid_before = self.mon_json("mgr dump", timeout=5.0).get("active_gid")
        for module in cfg.modules:
            rc, _, outs = self.probe.mon_command(
                {"prefix": "mgr module enable", "module": module, "force": True}
            )
            if rc != 0:
                raise SimulatorFailure(f"cannot enable module {module!r}: {outs}")
        self.wait_settled(cfg.start_timeout, gid_before)
        self.watch = CephWatch(self.run_dir, self.out_dir / WATCH_FILE)
        self.watch.start()

    def assign_ports(self) -> None:
        """``cluster.assign_ports``: a free port per mgr in the localized option
        ``mgr/<module>/<id>/<option>``, set before the modules are enabled."""
        given: set[int] = set()
        for module, option in self.cfg.assign_ports.items():
            for mgr_id in self.cfg.daemon_ids("mgr"):
                name, port = f"mgr/{module}/{mgr_id}/{option}", free_port(exclude=given)
                given.add(port)
                rc, _, outs = self._probe().mon_command(
                    {"prefix": "config set", "who": "mgr", "name": name, "value": str(port)}
                )
                if rc != 0:
                    raise SimulatorFailure(f"cluster.assign_ports: config set {name}: {outs}")
                self.record("assign_port", mgr=f"mgr.{mgr_id}", name=name, port=port)
                self.timeline.note(f"config set mgr {name} {port}", "dim")

    def wait_settled(self, timeout: float, gid_before: int | None = None) -> None:
        """Until an available active and every other mgr registered as standby,
        each mgr running under the gid the map has for it. After enabling
        modules (every mgr respawns), the active's gid must have changed too,
        as Ceph's own tests wait for."""
        deadline = time.monotonic() + timeout
        want = {f"mgr.{m}" for m in self.cfg.daemon_ids("mgr")}
        while not self._settled(want, gid_before):
            if time.monotonic() > deadline:
                raise SimulatorFailure(
                    f"the mgrs did not settle (active + {len(want) - 1} standbys) in {timeout:g}s"
                )
            time.sleep(0.05)

    def _settled(self, want: set[str], gid_before: int | None) -> bool:
        try:
            d = self.mon_json("mgr dump", timeout=1.0)
        except Unobservable:
            return False
        gids = {f"mgr.{s['name']}": s["gid"] for s in d.get("standbys", [])}
        if d.get("active_name"):
            gids[f"mgr.{d['active_name']}"] = d.get("active_gid")
        if not want:
            return True
        if (
            not d.get("available")
            or set(gids) < want
            or not set(self.cfg.modules) <= set(d.get("modules", []))
        ):
            return False
        if gid_before is not None and d.get("active_gid") == gid_before:
            return False
        answers = self._probe().admin_many(sorted(want), {"prefix": "status"}, timeout=0.5)
        return all(isinstance(a, dict) and a.get("gid") == gids.get(n) for n, a in answers.items())

    def close(self, down: bool = True) -> list[str]:
        """Undo every fault still in force and bring the cluster down (unless not ``down``)."""
        notes: list[str] = []
        for t in self.timers:
            t.cancel()
        if self.watch is not None:
            self.watch_text = self.watch.stop()
            self.watch = None
        if self.probe is not None:
            for daemon in [d for d, peers in self.blocked.items() if peers]:
                with contextlib.suppress(Exception):
                    self.probe.admin(daemon, {"prefix": "heal"}, timeout=1.0)
                    notes.append(f"healed {daemon}")
            for daemon, state in list(self.held.items()):
                if state == "paused":
                    with contextlib.suppress(Exception):
                        self.probe.supervisor({"prefix": "resume", "daemon": daemon}, timeout=5.0)
                        notes.append(f"resumed {daemon}")
            with contextlib.suppress(Exception):
                self.probe.close()
        if down:
            with contextlib.suppress(Exception):
                notes += launcher.down(self.run_dir)
        self.events.stop()
        return notes

    # --- failure from background threads -------------------------------------------

    def fail(self, exc: BaseException) -> None:
        if self._failure is None:
            self._failure = exc
        self._abort.set()

    def check(self) -> None:
        if self._failure is not None:
            raise self._failure

    @property
    def failure(self) -> BaseException | None:
        return self._failure

    def sleep(self, seconds: float) -> None:
        if self._abort.wait(max(0.0, seconds)):
            self.check()

    # --- observation (the Observer protocol) ----------------------------------------

    def now(self) -> float:
        return time.time()

    def client(self) -> Probe:
        """The engine's client, for steps that send commands of their own."""
        return self._probe()

    def _probe(self) -> Probe:
        if self.probe is None:
            raise SimulatorFailure("the cluster is not running")
        return self.probe

    def mon_json(self, prefix: str, timeout: float = 2.0, **args: Any) -> Any:
        cmd = {"prefix": prefix, "format": "json", **args}
        try:
            rc, out, outs = self._probe().mon_command(cmd, timeout=timeout)
        except (ConnectionError, TimeoutError) as exc:
            raise Unobservable(f"no mon answered `{prefix}` within {timeout:g}s ({exc})") from None
        if rc != 0:
            raise Unobservable(f"`{prefix}` failed: {outs or rc}")
        try:
            return json.loads(out)
        except ValueError:
            raise Unobservable(f"`{prefix}` did not return JSON") from None

    def admin(self, daemon: str, prefix: str, timeout: float = 0.5, **args: Any) -> Any:
        try:
            return self._probe().admin(daemon, {"prefix": prefix, **args}, timeout=timeout)
        except (ConnectionError, TimeoutError):
            raise Unobservable(f"{daemon} does not answer") from None
        except RuntimeError as exc:
            raise Unobservable(str(exc)) from None

    def events_since(self, stamp: float) -> list[dict[str, Any]]:
        return self.events.since(stamp)

    def ceph_cli(self, line: str, timeout: float) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        try:
            args = ceph_cli.parse_cli(shlex.split(line))
        except (ceph_cli.UsageError, ValueError) as exc:
            return CliResult(-22, "", f"error: {exc}")
        args.dir, args.timeout = self.run_dir, timeout
        rc = ceph_cli.run(args, out, err)
        return CliResult(-rc, out.getvalue(), err.getvalue())

    def mgrmap_brief(self) -> tuple[str, list[str]]:
        """(active id, standby ids by gid) from the mon, else the last MgrMap event."""
        try:
            d = self.mon_json("mgr dump", timeout=1.0)
            return str(d.get("active_name", "")), [str(s["name"]) for s in d.get("standbys", [])]
        except Unobservable:
            ev = self.events.last("mgrmap") or {}
            return str(ev.get("active_name", "")), [str(s) for s in ev.get("standbys", [])]

    def resolve(self, ref: DaemonRef) -> str:
        if ref.var:
            if ref.var not in self.variables:
                raise Unobservable(f"${ref.var} is not bound yet")
            return self.variables[ref.var]
        if ref.id:
            return ref.concrete
        if ref.type == "mgr":
            active, standbys = self.mgrmap_brief()
            if ref.role == "active":
                if not active:
                    raise Unobservable("there is no active mgr")
                return f"mgr.{active}"
            if not standbys:
                raise Unobservable("there is no standby mgr")
            return f"mgr.{standbys[0]}"
        if ref.type == "mon" and ref.role == "leader":
            for m in self.cfg.daemon_ids("mon"):
                with contextlib.suppress(Unobservable):
                    if self.admin(f"mon.{m}", "mon_status").get("state") == "leader":
                        return f"mon.{m}"
            raise Unobservable("no mon is leader")
        raise Unobservable(f"cannot resolve {ref}")

    # --- the engine's own events --------------------------------------------------------

    def record(self, kind: str, **data: Any) -> None:
        self.events.add({"stamp": time.time(), "kind": kind, **data})

    # --- faults -------------------------------------------------------------------------

    def fault(self, action: str, daemon: str) -> dict[str, Any]:
        """kill | stop | pause | resume | restart | start through the supervisor."""
        self.last_fault = time.time()
        mon = daemon.startswith("mon.")
        starts = action in ("restart", "start")
        if mon:
            # a (re)started mon counts from when it listens (the supervisor answers
            # then): its interpreter's start-up is no part of quorum_within's limit
            self.last_mon_change = math.inf if starts else self.last_fault
        try:
            r = self._probe().supervisor({"prefix": action, "daemon": daemon}, timeout=30.0)
        except RuntimeError as exc:
            raise StepFailed(f"{action} {daemon}: {exc}") from None
        except (ConnectionError, TimeoutError) as exc:
            raise SimulatorFailure(f"the supervisor did not answer ({exc})") from None
        finally:
            if mon and starts:
                self.last_mon_change = time.time()
        if action in ("kill", "stop"):
            self.held[daemon] = "down"
        elif action == "pause":
            self.held[daemon] = "paused"
        elif action in ("restart", "resume", "start"):
            self.held.pop(daemon, None)
        # a (re)start is stamped when it began: the new process may be talking by now
        at = {"stamp": self.last_fault} if starts else {}
        self.record("fault", action=action, target=daemon, pid=r.get("pid"), **at)
        return dict(r)

    def mgr_fail(self, who: str = "") -> str:
        """`ceph mgr fail [who]`: the mon drops the mgr at once."""
        self.last_fault = time.time()
        cmd: dict[str, Any] = {"prefix": "mgr fail"}
        if who:
            cmd["who"] = who.removeprefix("mgr.")
        try:
            rc, _, outs = self._probe().mon_command(cmd, timeout=5.0)
        except (ConnectionError, TimeoutError) as exc:
            raise StepFailed(f"mgr fail: no mon answered ({exc})") from None
        if rc != 0:
            raise StepFailed(f"mgr fail {who}: {outs}")
        self.record("fault", action="mgr fail", target=who or "mgr.active")
        return outs

    def partition(self, side_a: list[str], side_b: list[str], one_way: bool) -> None:
        self.last_fault = time.time()
        pairs = [(a, side_b) for a in side_a] + ([] if one_way else [(b, side_a) for b in side_b])
        for daemon, peers in pairs:
            try:
                self._probe().admin(daemon, {"prefix": "partition", "peers": peers}, timeout=2.0)
            except (ConnectionError, TimeoutError, RuntimeError) as exc:
                raise StepFailed(f"partition: {daemon} did not take it ({exc})") from None
            self.blocked.setdefault(daemon, set()).update(peers)
        self.record("fault", action="partition", target=side_a, peers=side_b, one_way=one_way)

    def heal(self, side_a: list[str] | None = None, side_b: list[str] | None = None) -> list[str]:
        """Heal between two sides, or every partition a step made."""
        work: list[tuple[str, list[str] | None]]
        if side_a is None or side_b is None:
            work = [(d, None) for d, peers in self.blocked.items() if peers]
        else:
            work = [(a, list(side_b)) for a in side_a]
            work += [(b, list(side_a)) for b in side_b]
        healed = []
        for daemon, peers in work:
            cmd: dict[str, Any] = (
                {"prefix": "heal"} if peers is None else {"prefix": "heal", "peers": peers}
            )
            with contextlib.suppress(ConnectionError, TimeoutError, RuntimeError):
                self._probe().admin(daemon, cmd, timeout=2.0)
                healed.append(daemon)
            if peers is None:
                self.blocked.pop(daemon, None)
            else:
                self.blocked.get(daemon, set()).difference_update(peers)
        self.record("fault", action="heal", target=healed)
        return healed

    def later(self, seconds: float, fn: Any) -> None:
        """Run ``fn`` after ``seconds`` on a timer (cancelled by `close`)."""
        t = threading.Timer(seconds, fn)
        t.daemon = True
        self.timers.append(t)
        t.start()

    def violation(self, name: str, message: str) -> None:
        self.record("invariant", name=name, ok=False, message=message)
        self.fail(InvariantViolated(f"invariant {name} violated: {message}"))
