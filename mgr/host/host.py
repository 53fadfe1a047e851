"""`PyModuleHost`: the real `mgr.module_host.ModuleHost` (Ceph's PyModuleRegistry + Active/StandbyPyModules).

Theory of operation:

- At daemon start `load()` imports every module found on the module path
  (`mgr.host.registry`), so every beacon can report each module's ModuleInfo
  (can_run, error string, option schema).
- Maps pushed by the mon feed local caches: ``config`` (`ConfigView`),
  ``kv`` (`KVStore`), ``mgrmap`` and ``monmap`` (`ClusterState`). A config
  change queues ``config_notify()`` on every active module; a new monmap
  queues ``notify('mon_map')`` to the modules that listen for it.
- `start_active` waits for the standby modules to stop, then constructs
  every enabled module that can run (each on its own finisher thread), then
  starts each ``serve()``; it returns once all are constructed, which is when
  the mgr beacons ``available``. Before the modules start, the host takes
  one digest (health, mon status with its monmap), as Ceph's ``Mgr::init``
  waits for the first ``MMgrDigest``. A digest task then refreshes health and
  mon status every ``mon_mgr_digest_period`` and sends ``notify('health')``.
- `start_standby` runs the ``MgrStandbyModule`` classes; `stop_standby`
  shuts them down in the background (bounded).
- Respawn (losing the active role, a change of enabled modules) re-executes
  the process without calling ``shutdown()``, as Ceph does; `shutdown`
  (SIGTERM) calls every module's ``shutdown()`` and joins ``serve()``,
  bounded by ``mgr_module_shutdown_timeout``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import errno
import functools
import logging
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

from _simnative.cephsqlite.mgrhook import start as cephsqlite_start

from mgr.host import digest, listeners
from mgr.host.clog_feed import ClogFeed
from mgr.host.commands import dispatch, owner_of
from mgr.host.config_cache import ConfigView, KVStore
from mgr.host.context import HostContext
from mgr.host.handle import ModuleHandle, StandbyHandle, rados_context, read_module_option
from mgr.host.health import module_health
from mgr.host.monbridge import MonBridge
from mgr.host.native import NativeOptions
from mgr.host.rados_calls import RadosCalls
from mgr.host.registry import ModuleRecord, probe
from mgr.host.runner import ModuleRunner
from mgr.host.state import ClusterState
from mgr.host.writes import Writes
from sim.caps import ALLOW_ALL
from sim.cluster import RunDir
from sim.messages import CommandReply
from sim.rados.fleetlink import FleetLink

log = logging.getLogger(__name__)
RELEASE = "pacific"
CONFIG_WAIT = 2.0  # s: how long load() waits for the mon's first config push


class PyModuleHost:
    def __init__(self, ctx: HostContext) -> None:
        self.ctx = ctx
        self.mgr_id = ctx.mgr_id
        self.ceph_version = ctx.ceph_version
        self.ceph_release = ctx.ceph_release
        self.embedded_api = ctx.embedded_api
        self.module_log = logging.getLogger("mgr.modules")
        self.records: dict[str, ModuleRecord] = {}
        self.enabled: set[str] = set()
        self.runners: dict[str, ModuleRunner] = {}
        self.standby_runners: dict[str, ModuleRunner] = {}
        self.config = ConfigView(f"mgr.{ctx.mgr_id}")
        self.config_received = False
        self.kv = KVStore()
        self.clog_feed = ClogFeed()
        self.state = ClusterState(
            ctx.fsid, ctx.mgr_id, ctx.ceph_version, ctx.created, daemons=ctx.daemon_state
        )
        if ctx.daemon_state is not None:  # its notifies (osd_map, pg_summary …) reach modules
            ctx.daemon_state.listener = self.notify_all
        self.native = NativeOptions(ctx.options, ctx.fixed_options())
        self.progress: dict[str, Any] = {}
        self._health: dict[str, dict[str, Any]] = {}
        self._uris: dict[str, str] = {}
        self._lock = threading.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._digest: asyncio.Task[Any] | None = None
        self._standby_stopping: concurrent.futures.Future[None] | None = None
        self.role = "standby"
        self.loop: asyncio.AbstractEventLoop | None = None
        self._config_seen = asyncio.Event()
        self.bridge: MonBridge
        self._fleet: FleetLink | None = None  # send_command to OSDs (first use)
        self.writes = Writes(self)
        self.rados_calls = RadosCalls(self._emit_soon)  # module threads inside librados
        listeners.install()

    # --- start-up ---------------------------------------------------------------

    async def load(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.bridge = MonBridge(self.loop, self.ctx.monc, self.ctx.emit)
        # mgr_module_path / mgr_disabled_modules may be set in the mon's config
        # database too: give its first push a moment (it follows the session).
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._config_seen.wait(), CONFIG_WAIT)
        conf = self.config.effective
        # libcephsqlite: the VFS "ceph" of MgrModule.db, registered before any module runs
        # over the mgr's own RADOS client (the capsule a module's get_context gives)
        cephsqlite_start(
            lambda key: self.native.raw(key, self.config.effective),
            context=lambda: rados_context(
                self.mgr_id,
                lambda key: self.native.typed(key, self.config.effective),
                self.rados_calls.track,
            ),
        )
        self.spawn(self.rados_calls.watch())
        disabled = set(str(self.native.raw("mgr_disabled_modules", conf)).replace(",", " ").split())
        paths = self.ctx.module_paths(conf.get("mgr_module_path"))
        t0 = time.monotonic()
        self.records = await asyncio.to_thread(probe, paths, disabled)
        log.info(
            "loaded %d modules from %s in %.2fs: %s",
            len(self.records),
            ":".join(map(str, paths)),
            time.monotonic() - t0,
            ", ".join(
                f"{n}{'' if r.can_run else ' (cannot run)'}" for n, r in self.records.items()
            ),
        )

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _set_enabled(self, mgrmap: dict[str, Any]) -> None:
        always = mgrmap.get("always_on_modules", {})
        releases = [r for r in ("octopus", "pacific") if r in always]
        on = set(always.get(RELEASE) or (always[releases[-1]] if releases else []))
        self.enabled = set(mgrmap.get("modules", [])) | on

    # --- ModuleHost: beacons -----------------------------------------------------------

    def available_modules(self) -> list[dict[str, Any]]:
        return [r.info() for r in self.records.values()]

    def services(self) -> dict[str, str]:
        with self._lock:
            return dict(self._uris)

    def command_descs(self) -> list[dict[str, Any]]:
        return [
            desc
            for name, rec in self.records.items()
            if rec.loaded
            for desc, prefix in zip(rec.commands, rec.perms, strict=False)
            if owner_of(self, prefix) == name
        ]

    def health_checks(self) -> dict[str, Any]:
        if self.role != "active":
            return {}
        dependency: dict[str, str] = {}
        failed: dict[str, str] = {}
        for name in sorted(self.enabled & set(self.records)):
            rec, runner = self.records[name], self.runners.get(name)
            if not rec.can_run:
                dependency[name] = rec.error_string
            elif runner is not None and runner.failed:
                failed[name] = runner.error_string
        with self._lock:
            checks = {m: dict(c) for m, c in self._health.items() if m in self.runners}
        return module_health(dependency, failed, checks)

    # --- ModuleHost: roles ---------------------------------------------------------------

    async def start_active(self, mgrmap: dict[str, Any]) -> None:
        if self._standby_stopping is not None:
            await asyncio.wrap_future(self._standby_stopping)
        self._set_enabled(mgrmap)
        self.state.set_mgrmap(mgrmap)
        self.role = "active"
        if self.ctx.monc.have_session:  # Ceph's Mgr::init waits for the first MgrDigest
            try:
                await digest.refresh(self, self.ctx.monc)
            except Exception:
                log.exception("first digest refresh failed")
        names = [n for n in sorted(self.enabled) if n in self.records and self.records[n].can_run]
        futures = {}
        for name in names:
            runner = ModuleRunner(name, "active", self._factory(name), self._on_failure)
            self.runners[name] = runner
            futures[name] = asyncio.wrap_future(runner.construct())
        if futures:
            timeout = float(self.native.typed("mgr_module_load_timeout", self.config.effective))
            done, pending = await asyncio.wait(futures.values(), timeout=timeout)
            for fut in done:
                fut.exception()  # already reported by the runner
        for name, runner in self.runners.items():
            if runner.instance is None and not runner.failed:
                runner._fail("did not initialize in time", "", "construct")
            runner.start_serving()
            self.ctx.emit("module_started", module=name, role="active", state=runner.state.value)
        every = digest.period(self.ctx.options)
        self._digest = self.spawn(digest.run(self, self.ctx.monc, every))

    def _factory(self, name: str) -> Callable[[], Any]:
        cls = self.records[name].active_cls
        return functools.partial(_construct_active, cls, name, self)

    def _standby_factory(self, name: str) -> Callable[[], Any]:
        cls = self.records[name].standby_cls
        return functools.partial(_construct_standby, cls, name, self)

    def start_standby(self, mgrmap: dict[str, Any]) -> None:
        self._set_enabled(mgrmap)
        self.state.set_mgrmap(mgrmap)
        for name in sorted(self.enabled & set(self.records)):
            rec = self.records[name]
            if rec.standby_cls is None or not rec.can_run:
                continue
            runner = ModuleRunner(name, "standby", self._standby_factory(name), self._on_failure)
            self.standby_runners[name] = runner
            runner.construct().add_done_callback(functools.partial(_serve_after, runner))
            self.ctx.emit("module_started", module=name, role="standby")

    def stop_standby(self) -> None:
        runners, self.standby_runners = list(self.standby_runners.values()), {}
        timeout = self.shutdown_timeout()
        self._standby_stopping = concurrent.futures.Future()
        fut = self._standby_stopping

        def stop_all() -> None:
            _stop_parallel(runners, timeout)
            fut.set_result(None)

        threading.Thread(target=stop_all, name="standby-stop", daemon=True).start()

    def shutdown_timeout(self) -> float:
        return float(self.native.typed("mgr_module_shutdown_timeout", self.config.effective))

    async def shutdown(self, timeout: float) -> None:
        """Graceful stop (SIGTERM): every module's shutdown(), bounded."""
        if self._digest is not None:
            self._digest.cancel()
        runners = [*self.runners.values(), *self.standby_runners.values()]
        if runners:  # the mon session is still up: shutdown() may still write
            limit = min(timeout, self.shutdown_timeout())
            await asyncio.to_thread(_stop_parallel, runners, limit)
        if hasattr(self, "bridge"):
            self.bridge.close()
        if self._fleet is not None:
            self._fleet.close()

    async def tell_osd(self, osd: int, cmd: dict[str, Any], timeout: float) -> CommandReply:
        """A module's ``send_command`` to ``osd.N`` (ceph-mgr's MCommand to the OSD).
        As Ceph's Objecter: an OSD the map does not have answers ENOENT ("osd dne") and one
        the map has down ENXIO ("osd down"), at once; only an up OSD is sent to."""
        osdmap = self.ctx.daemon_state.osdmap if self.ctx.daemon_state is not None else None
        if osdmap is None or not osdmap.exists(osd):
            return CommandReply(retval=-errno.ENOENT, outs="osd dne")
        if not osdmap.is_up(osd):
            return CommandReply(retval=-errno.ENXIO, outs="osd down")
        return await self._fleet_link().osd_command(osd, cmd, timeout)

    def _fleet_link(self) -> FleetLink:
        """The connection to the fleet that answers for its OSDs and MDSs (made on first use)."""
        if self._fleet is None:
            monc = self.ctx.monc
            self._fleet = FleetLink(monc.ctx, monc.me, RunDir(self.ctx.log_dir.parent))
        return self._fleet

    async def tell_mds(self, spec: str, cmd: dict[str, Any], timeout: float) -> CommandReply:
        """A module's ``send_command`` to an MDS, named by gid or by name (Ceph's
        ``Client::mds_command`` resolves both): the fleet answers for it."""
        fsmap = self.ctx.daemon_state.fsmap if self.ctx.daemon_state is not None else None
        found = None
        if fsmap is not None:
            by_gid = fsmap.find_gid(int(spec)) if spec.isdigit() else None
            found = by_gid[1] if by_gid is not None else fsmap.find_name(spec)
        if found is None:
            return CommandReply(retval=-errno.ENOENT, outs=f"MDS {spec} not found")
        return await self._fleet_link().daemon_command(f"mds.{found.name}", cmd, timeout)

    # --- ModuleHost: inputs ---------------------------------------------------------------

    async def handle_command(
        self, cmd: dict[str, Any], inbuf: bytes, sender: str = "client.admin", cap: str = ALLOW_ALL
    ) -> CommandReply:
        return await dispatch(self, cmd, inbuf, sender, cap)

    def notify_map(self, name: str, epoch: int, body: dict[str, Any]) -> None:
        if name == "mgrmap":
            self.state.set_mgrmap(body)
        elif name == "monmap":
            self.state.set_monmap(body)
            self.notify_all("mon_map", "")
        elif name == "config":
            self._swap_config(ConfigView.from_map(self.config.entity, body))
        elif name == "kv":
            self.kv.apply_map(body)
        elif name == "log":
            for entry in self.clog_feed.new_entries(body):
                self.notify_all("clog", entry)

    def set_mon_connection(self, up: bool) -> None:
        if up and hasattr(self, "bridge"):
            self.bridge.flush_log()

    def have_mon_connection(self) -> bool:
        return bool(self.ctx.monc.have_session)

    # --- config --------------------------------------------------------------------------

    def _swap_config(self, new: ConfigView) -> None:
        old, self.config = self.config, new
        self.config_received = True
        self._config_seen.set()
        if old.effective != new.effective:
            for runner in self.runners.values():
                inst = runner.instance
                if inst is not None:
                    runner.post("config_notify", inst._config_notify)

    async def apply_local_config(self, section: str, name: str, value: str | None) -> None:
        self._swap_config(self.config.with_value(section, name, value))

    # --- PyModules: the modules ----------------------------------------------------------

    def is_enabled(self, module: str) -> bool:
        return module in self.enabled

    def runner(self, module: str) -> ModuleRunner | None:
        return self.runners.get(module)

    # --- from module threads -------------------------------------------------------------------

    def notify_all(self, notify_type: str, notify_id: Any) -> None:
        for name, runner in self.runners.items():
            inst, rec = runner.instance, self.records[name]
            if inst is None or runner.failed or notify_type not in rec.notify_types:
                continue
            runner.post(
                f"notify({notify_type})", functools.partial(inst.notify, notify_type, notify_id)
            )

    def set_module_health(self, module: str, checks: dict[str, Any]) -> None:
        with self._lock:
            changed = self._health.get(module) != checks
            self._health[module] = checks
        if changed:
            self.bridge.call_soon(self.ctx.request_beacon)

    def set_uri(self, module: str, uri: str) -> None:
        with self._lock:
            self._uris[module] = uri
        self.bridge.call_soon(self.ctx.request_beacon)

    def _emit_soon(self, kind: str, **fields: Any) -> None:
        """An event from any thread (on the loop; dropped before `load`)."""
        if hasattr(self, "bridge"):
            self.bridge.call_soon(functools.partial(self.ctx.emit, kind, **fields))

    def _on_failure(self, runner: ModuleRunner, error: str, where: str) -> None:
        def report() -> None:
            self.ctx.emit(
                "module_failed", module=runner.name, role=runner.kind, where=where, error=error
            )
            if where == "serve" and runner.kind == "active":
                msg = f"Unhandled exception from module '{runner.name}' while running on mgr.{self.mgr_id}: {error}"
                self.bridge.cluster_log("cluster", "[ERR]", msg)
            self.ctx.request_beacon()

        self.bridge.call_soon(report)

    # --- observation -------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        modules: dict[str, Any] = {}
        for name, rec in self.records.items():
            entry: dict[str, Any] = {
                "enabled": name in self.enabled,
                "can_run": rec.can_run,
                "error_string": rec.error_string,
                "path": str(rec.path),
            }
            runner = self.runners.get(name) or self.standby_runners.get(name)
            if runner is not None:
                entry |= runner.status() | self._endpoints(runner)
            entry |= self.rados_calls.of_module(name)
            modules[name] = entry
        return {
            "role": self.role,
            "modules": modules,
            "services": self.services(),
            "blocked_writes": self.bridge.status() if hasattr(self, "bridge") else [],
            "blocked_rados": self.rados_calls.blocked(),
            "config_received": self.config_received,
            "kv_loaded": self.kv.loaded,
        }

    def _endpoints(self, runner: ModuleRunner) -> dict[str, Any]:
        """``listeners`` (host:port this instance listens on) and ``uri``: what
        an active published with ``set_uri``, else ``http://`` on its first
        listener (a standby's own address, which Ceph publishes nowhere)."""
        bound = listeners.listening(runner.key)
        uri = self.services().get(runner.name, "") if runner.kind == "active" else ""
        if not uri and bound and runner.state.value != "stopped":
            uri = listeners.http_uri(*bound[0])
        return {"listeners": [f"{h}:{p}" for h, p in bound], "uri": uri}

    def module_option(self, module: str, key: str) -> Any:
        """What ``get_module_option(key)`` returns to ``module`` on this mgr now:
        the value in this mgr's config snapshot, typed by the schema, else the
        declared default. Also for a module with no instance here (a standby
        without a standby class, a disabled module)."""
        rec = self.records.get(module)
        if rec is None or not rec.loaded:
            known = ", ".join(n for n, r in self.records.items() if r.loaded)
            raise LookupError(
                f"no module {module!r} is loaded on mgr.{self.mgr_id} (loaded: {known})"
            )
        if rec.option(key) is None or "/" in key:
            raise LookupError(f"module {module!r} declares no option {key!r}")
        value = read_module_option(self, module, key)
        if value is not None:
            return value
        for cls in (rec.active_cls, rec.standby_cls):
            defaults = getattr(cls, "MODULE_OPTION_DEFAULTS", None) or {}
            if key in defaults:
                return defaults[key]
        return None


def _construct_active(cls: Any, name: str, host: PyModuleHost) -> Any:
    return cls(name, None, ModuleHandle(host, name))


def _construct_standby(cls: Any, name: str, host: PyModuleHost) -> Any:
    return cls(name, StandbyHandle(host, name))


def _serve_after(runner: ModuleRunner, _constructed: concurrent.futures.Future[Any]) -> None:
    runner.start_serving()


def _stop_parallel(runners: list[ModuleRunner], timeout: float) -> None:
    threads = [threading.Thread(target=r.stop, args=(timeout,), daemon=True) for r in runners]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout + 0.5
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
