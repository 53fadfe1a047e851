"""`FakeHost`: unit-test a mgr module without a cluster or a process.

    from mgr_testing import FakeHost
    from hello.module import Hello

    host = FakeHost(mgr_id="x")
    hello = host.load(Hello, "hello")
    assert host.command(hello, "hello", person_name="you") == (0, "Hello, you!", "")
    host.set_config("mgr/hello/place", "earth")  # as `ceph config set` would

It implements the same `ceph_module.HostAPI` the mgr does, in memory:
module options (typed and validated by the declared schema with the
simulator's one option parser, as the mon and the host do; the module API
reaches it only through the native seam ``_simnative.options``), the KV
store, health checks, the cluster log, URIs, ``remote()`` between modules
loaded in the same FakeHost, and mon commands (``mon_commands`` records
them; ``mon_command_handler`` answers). Cluster data are the empty
Ceph-shaped structures unless a test sets ``data[name]``. Native options
(``get_ceph_option``) are a few of Ceph's defaults from the same table
(`NATIVE_OPTIONS`) unless a test passes ``native``.
Threads are not started: call ``serve()``/``notify()`` yourself if needed.
"""

from __future__ import annotations

import copy
import errno
import json
import socket
from collections.abc import Callable
from typing import Any

from _mgrapi import clusterdata
from _mgrapi.dispatch import call_remote, invoke_command
from _simnative.options import module_value, module_value_problem, native_default

MonHandler = Callable[[dict[str, Any], str | None], tuple[int, str, str]]

# the native options a FakeHost answers, with Ceph's defaults typed as get_ceph_option types them
NATIVE_OPTIONS = (
    "debug_mgr",
    "log_file",
    "mgr_tick_period",
    "mgr_stats_period",
    "osd_pool_default_size",
    "mon_mgr_beacon_grace",
)


def _find_option(options: list[Any], key: str) -> Any:
    """The declared option for ``key``, ignoring a localized ``<mgr_id>/`` prefix."""
    name = key.rsplit("/", 1)[-1]
    return next((o for o in options if o.get("name") == name), None)


class FakeHandle:
    """The per-module `HostAPI` of a `FakeHost`."""

    def __init__(self, host: FakeHost, module_name: str) -> None:
        self.host = host
        self.module_name = module_name

    # identity
    def get_mgr_id(self) -> str:
        return self.host.mgr_id

    def get_version(self) -> str:
        return "ceph version 16.2.15 (ceph-mgr-sim) pacific (stable)"

    def get_release_name(self) -> str:
        return "pacific"

    def lookup_release_name(self, major: int) -> str:
        from _mgrapi.types import CephReleases

        return CephReleases(major).name

    def get_context(self) -> object:
        return None

    def get_ceph_conf_path(self) -> str:
        return ""

    # configuration
    def get_option(self, key: str) -> Any:
        if key not in self.host.native:
            raise KeyError(f"option not found: {key}")
        return self.host.native[key]

    def get_foreign_option(self, entity: str, key: str) -> Any:
        return self.get_option(key)

    def get_module_option(self, module: str, key: str, localized_prefix: str = "") -> Any:
        names = [f"mgr/{module}/{localized_prefix}/{key}"] if localized_prefix else []
        names.append(f"mgr/{module}/{key}")
        for name in names:
            if name in self.host.config:
                opt = _find_option(self.host.schemas.get(module, []), key)
                return module_value(module, opt or {"name": key}, self.host.config[name])
        return None

    def set_module_option(self, module: str, key: str, value: str | None) -> None:
        name = f"mgr/{module}/{key}"
        if value is None:
            self.host.config.pop(name, None)
        else:
            opt = _find_option(self.host.schemas.get(module, []), key)
            if module in self.host.schemas and opt is None:
                raise ValueError(f"unrecognized config option '{name}'")
            problem = module_value_problem(module, opt, value) if opt is not None else None
            if problem:
                raise ValueError(problem)
            self.host.config[name] = value
        self.host.notify_config()

    # store
    def _key(self, key: str) -> str:
        return f"mgr/{self.module_name}/{key}"

    def get_store(self, key: str) -> str | None:
        return self.host.store.get(self._key(key))

    def set_store(self, key: str, value: str | None) -> None:
        if value is None:
            self.host.store.pop(self._key(key), None)
        else:
            self.host.store[self._key(key)] = value

    def get_store_prefix(self, prefix: str) -> dict[str, str]:
        base = self._key("")
        return {
            k[len(base) :]: v for k, v in self.host.store.items() if k.startswith(base + prefix)
        }

    # cluster state
    def get(self, data_name: str) -> Any:
        return self.host.get(data_name)

    def get_server(self, hostname: str | None) -> Any:
        if hostname is None:
            return [copy.deepcopy(s) for s in self.host.servers.values()]
        return copy.deepcopy(
            self.host.servers.get(
                hostname, {"hostname": hostname, "services": [], "ceph_version": ""}
            )
        )

    def get_metadata(self, svc_type: str, svc_id: str) -> dict[str, str] | None:
        return copy.deepcopy(self.host.metadata.get(f"{svc_type}.{svc_id}"))

    def get_daemon_status(self, svc_type: str, svc_id: str) -> dict[str, str] | None:
        return copy.deepcopy(self.host.daemon_status.get(f"{svc_type}.{svc_id}"))

    def get_perf_schema(self, svc_type: str, svc_name: str) -> dict[str, Any]:
        return {}

    def get_counter(self, svc_type: str, svc_name: str, path: str) -> dict[str, Any]:
        return {path: []}

    def get_latest_counter(self, svc_type: str, svc_name: str, path: str) -> dict[str, Any]:
        return {path: []}

    def get_osdmap(self) -> dict[str, Any]:
        return {"osd_map": self.host.get("osd_map"), "crush": self.host.get("osd_map_crush")}

    def get_daemon_health_metrics(self) -> dict[str, Any]:
        return {}

    def have_mon_connection(self) -> bool:
        return self.host.mon_connection

    # commands, health, logs, services
    def send_command(
        self, result: Any, svc_type: str, svc_id: str, command: str, tag: str, inbuf: str | None
    ) -> None:
        if svc_type != "mon":
            result.complete(-errno.ENXIO, "", f"no such daemon {svc_type}.{svc_id}")
            return
        cmd = json.loads(command)
        self.host.mon_commands.append(cmd)
        result.complete(*self.host.mon_command_handler(cmd, inbuf))

    def set_health_checks(self, checks: Any) -> None:
        self.host.health[self.module_name] = copy.deepcopy(dict(checks))

    def log(self, level: int, message: str) -> None:
        self.host.log_lines.append((self.module_name, level, message))

    def cluster_log(self, channel: str, priority: int, message: str) -> None:
        self.host.cluster_log.append({"channel": channel, "priority": priority, "message": message})

    def set_uri(self, uri: str) -> None:
        self.host.uris[self.module_name] = uri

    def get_active_uri(self) -> str:
        return self.host.active_uris.get(self.module_name, "")

    def dispatch_remote(
        self, module_name: str, method_name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        return call_remote(self.host.modules.get(module_name), method_name, args, kwargs)

    def update_progress_event(
        self, evid: str, desc: str, progress: float, add_to_ceph_s: bool
    ) -> None:
        self.host.progress[evid] = {"message": desc, "progress": progress}

    def complete_progress_event(self, evid: str) -> None:
        self.host.progress.pop(evid, None)

    def clear_all_progress_events(self) -> None:
        self.host.progress.clear()

    def set_device_wear_level(self, devid: str, wear_level: float) -> None:
        self.host.store[f"device/{devid}"] = json.dumps({"wear_level": wear_level})

    def is_authorized(self, arguments: dict[str, str]) -> bool:
        return True


class FakeHost:
    """In-memory stand-in for the mgr daemon (see the module docstring)."""

    def __init__(self, mgr_id: str = "x", native: dict[str, Any] | None = None) -> None:
        self.mgr_id = mgr_id
        self.native = {n: native_default(n) for n in NATIVE_OPTIONS} | dict(native or {})
        self.config: dict[str, str] = {}
        self.store: dict[str, str] = {}
        self.data: dict[str, Any] = {}
        self.servers: dict[str, Any] = {}
        self.metadata: dict[str, dict[str, str]] = {}
        self.daemon_status: dict[str, dict[str, str]] = {}
        self.schemas: dict[str, list[Any]] = {}
        self.modules: dict[str, Any] = {}
        self.health: dict[str, dict[str, Any]] = {}
        self.uris: dict[str, str] = {}
        self.active_uris: dict[str, str] = {}
        self.progress: dict[str, Any] = {}
        self.cluster_log: list[dict[str, Any]] = []
        self.log_lines: list[tuple[str, int, str]] = []
        self.mon_commands: list[dict[str, Any]] = []
        self.mon_connection = True
        self.mon_command_handler: MonHandler = lambda cmd, inbuf: (0, "", "")

    def load(self, cls: type, name: str, standby: bool = False) -> Any:
        """Register and construct a module class, as the mgr does."""
        if hasattr(cls, "_register_commands"):
            cls._register_commands(name)  # type: ignore[attr-defined]
        cls._register_options(name)  # type: ignore[attr-defined]
        self.schemas[name] = list(cls.MODULE_OPTIONS)  # type: ignore[attr-defined]
        handle = FakeHandle(self, name)
        inst = cls(name, handle) if standby else cls(name, None, handle)
        if not standby:
            self.modules[name] = inst
        return inst

    def command(
        self, module: Any, prefix: str, inbuf: str = "", **args: Any
    ) -> tuple[int, str, str]:
        """Run a module command through the host's dispatch (errno mapping included)."""
        return invoke_command(module, {"prefix": prefix, **args}, inbuf)

    def set_config(self, name: str, value: str | None) -> None:
        """An outside ``ceph config set``/``rm`` of ``mgr/<module>/<opt>``."""
        if value is None:
            self.config.pop(name, None)
        else:
            self.config[name] = value
        self.notify_config()

    def notify_config(self) -> None:
        for inst in self.modules.values():
            inst._config_notify()

    def get(self, name: str) -> Any:
        if name in self.data:
            return copy.deepcopy(self.data[name])
        if name == "mgr_ips":
            return {"ips": [socket.gethostbyname("localhost")]}
        found = clusterdata.fresh(name)
        if found is not None:
            return found
        if name.startswith(("config", "osd_map")):
            return {}
        return None
