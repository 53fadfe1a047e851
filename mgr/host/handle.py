"""`ModuleHandle`: the real `ceph_module.HostAPI`, one per module instance.

Reads are local and never block: options from the config snapshot, the KV
cache, cluster state, counters. Writes and mon commands go through
`mgr.host.writes` and block the calling module thread (never the event
loop) until the mon has answered, however long that takes.
`StandbyHandle` is the standby flavour: options, store reads, the active's
URI, and ``get('mgr_ips')`` only.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from _mgrapi.dispatch import call_remote
from _mgrapi.types import CephReleases

from mgr import osd_perf_queries
from mgr.host.native import schema as native_schema
from mgr.perf_queries import InvalidQuery
from sim.options.modules import module_value

if TYPE_CHECKING:
    from mgr.host.py_modules import PyModules

log = logging.getLogger(__name__)
PRIORITIES = {0: "[DBG]", 1: "[INF]", 2: "[SEC]", 3: "[WRN]", 4: "[ERR]"}


def read_module_option(host: PyModules, module: str, key: str, localized_prefix: str = "") -> Any:
    """The stored value of ``mgr/<module>/[<prefix>/]<key>`` in the mgr's config
    snapshot, typed by the module's schema as Ceph's PyUtil.cc does (a value that
    does not parse is returned as stored); None when unset (the module's side
    then applies its declared default)."""
    effective = host.config.effective
    names = [f"mgr/{module}/{localized_prefix}/{key}"] if localized_prefix else []
    names.append(f"mgr/{module}/{key}")
    for name in names:
        value = effective.get(name)
        if value is not None:
            rec = host.records.get(module)
            opt = rec.option(key) if rec is not None else None
            return module_value(module, opt or {"name": key}, value)
    return None


class _Common:
    def __init__(self, host: PyModules, module_name: str) -> None:
        self.host = host
        self.module_name = module_name

    def get_mgr_id(self) -> str:
        return self.host.mgr_id

    def get_version(self) -> str:
        return self.host.ceph_version

    def get_release_name(self) -> str:
        return self.host.ceph_release

    def lookup_release_name(self, major: int) -> str:
        return CephReleases(major).name

    def get_context(self) -> object:
        return rados_context(self.host.mgr_id, self.get_option, self.host.rados_calls.track)

    def get_ceph_conf_path(self) -> str:
        return ""

    def get_option(self, key: str) -> Any:
        return self.host.native.typed(key, self.host.config.effective)

    def get_module_option(self, module: str, key: str, localized_prefix: str = "") -> Any:
        return read_module_option(self.host, module, key, localized_prefix)

    def get_store(self, key: str) -> str | None:
        return self.host.kv.get(f"mgr/{self.module_name}/{key}")

    def log(self, level: int, message: str) -> None:
        self.host.module_log.log(level, "%s", message)


class ModuleHandle(_Common):
    """HostAPI of an active module instance."""

    # --- configuration ----------------------------------------------------------

    def get_foreign_option(self, entity: str, key: str) -> Any:
        return self.host.native.typed(key, self.host.config.for_entity(entity))

    def set_module_option(self, module: str, key: str, value: str | None) -> None:
        self.host.writes.set_module_option(self.module_name, module, key, value)

    # --- KV store -------------------------------------------------------------------

    def set_store(self, key: str, value: str | None) -> None:
        self.host.writes.set_store(self.module_name, f"mgr/{self.module_name}/{key}", value)

    def get_store_prefix(self, prefix: str) -> dict[str, str]:
        base = f"mgr/{self.module_name}/"
        return {k[len(base) :]: v for k, v in self.host.kv.prefix(base + prefix).items()}

    # --- cluster state --------------------------------------------------------------

    def get(self, data_name: str) -> Any:
        if data_name == "config":
            return self.host.native.as_strings(self.host.config.effective)
        if data_name == "config_options":
            return {"options": native_schema()}
        if data_name == "modified_config_options":
            return {"options": sorted(k for k in self.host.config.effective if "/" not in k)}
        if data_name == "have_local_config_map":
            return {"have_local_config_map": self.host.config_received}
        return self.host.state.get(data_name)

    def get_server(self, hostname: str | None) -> Any:
        if hostname is None:
            return self.host.state.list_servers()
        return self.host.state.get_server(hostname)

    def get_metadata(self, svc_type: str, svc_id: str) -> dict[str, str] | None:
        return self.host.state.get_metadata(svc_type, svc_id)

    def get_daemon_status(self, svc_type: str, svc_id: str) -> dict[str, str] | None:
        return self.host.state.get_daemon_status(svc_type, svc_id)

    def get_perf_schema(self, svc_type: str, svc_name: str) -> dict[str, Any]:
        return self.host.state.perf_schema(svc_type, svc_name)

    def get_counter(self, svc_type: str, svc_name: str, path: str) -> dict[str, Any]:
        return self.host.state.counter(svc_type, svc_name, path)

    def get_latest_counter(self, svc_type: str, svc_name: str, path: str) -> dict[str, Any]:
        return self.host.state.latest_counter(svc_type, svc_name, path)

    def get_osdmap(self) -> dict[str, Any]:
        stats = (self.host.state.get("pg_stats") or {}).get("pg_stats", [])
        return {
            "osd_map": self.host.state.get("osd_map"),
            "crush": self.host.state.get("osd_map_crush"),
            "pg_up": {s["pgid"]: list(s.get("up", [])) for s in stats if "pgid" in s},
        }

    def notify_all(self, notify_type: str, notify_id: Any) -> None:
        self.host.notify_all(notify_type, notify_id)

    def get_daemon_health_metrics(self) -> dict[str, Any]:
        fleet = self.host.state.fleet
        return fleet.health_metrics() if fleet is not None else {}

    def have_mon_connection(self) -> bool:
        return self.host.have_mon_connection()

    # --- OSD perf queries (the mgr's OSDPerfMetricCollector: `mgr.osd_perf_queries`) -------

    def add_osd_perf_query(self, query: Any) -> int | None:
        fleet = self.host.state.fleet
        if fleet is None:
            return None
        try:
            return int(fleet.osd_queries.add(query))
        except osd_perf_queries.InvalidQuery as exc:  # Ceph: derr, then None
            log.error("mgr/%s: %s", self.module_name, exc)
            return None

    def remove_osd_perf_query(self, query_id: int) -> None:
        fleet = self.host.state.fleet
        if fleet is None or not fleet.osd_queries.remove(int(query_id)):
            log.error("mgr/%s: remove_osd_perf_query for query_id=%s failed: (2) No such "
                      "file or directory", self.module_name, query_id)  # fmt: skip

    def get_osd_perf_counters(self, query_id: int) -> Any:
        fleet = self.host.state.fleet
        got = fleet.osd_queries.counters(int(query_id)) if fleet is not None else None
        if got is None:
            log.error("mgr/%s: get_osd_perf_counters for query_id=%s failed: (2) No such "
                      "file or directory", self.module_name, query_id)  # fmt: skip
        return got

    # --- MDS perf queries (the mgr's MDSPerfMetricCollector: `mgr.perf_queries`) ----------

    def add_mds_perf_query(self, query: Any) -> int | None:
        fleet = self.host.state.fleet
        if fleet is None:
            return None
        try:
            return int(fleet.mds_queries.add(query))
        except InvalidQuery as exc:
            log.error("mgr/%s: add_mds_perf_query: %s", self.module_name, exc)
            return None

    def remove_mds_perf_query(self, query_id: int) -> None:
        fleet = self.host.state.fleet
        if fleet is None or not fleet.mds_queries.remove(int(query_id)):
            log.error("mgr/%s: remove_mds_perf_query for query_id=%s failed: (2) No such "
                      "file or directory", self.module_name, query_id)  # fmt: skip

    def reregister_mds_perf_queries(self) -> None:
        fleet = self.host.state.fleet
        if fleet is not None:
            fleet.mds_queries.reregister()

    def get_mds_perf_counters(self, query_id: int) -> Any:
        fleet = self.host.state.fleet
        return fleet.mds_perf_counters(int(query_id)) if fleet is not None else None

    # --- commands, health, logs, services --------------------------------------------------

    def send_command(
        self, result: Any, svc_type: str, svc_id: str, command: str, tag: str, inbuf: str | None
    ) -> None:
        if svc_type == "osd" and not str(svc_id).isdigit():
            raise ValueError("invalid osd_id")
        if svc_type not in ("mon", "osd", "pg", "mds"):
            raise ValueError("unknown service type")
        cmd = json.loads(command)
        self.host.writes.send_command(self.module_name, result, svc_type, svc_id, cmd, tag, inbuf)

    def set_health_checks(self, checks: Any) -> None:
        if not isinstance(checks, dict):
            self.host.module_log.warning("mgr/%s: set_health_checks takes a dict", self.module_name)
            return
        self.host.set_module_health(self.module_name, checks)

    def cluster_log(self, channel: str, priority: int, message: str) -> None:
        prio = PRIORITIES.get(int(priority), "[INF]")
        self.host.bridge.call_soon(self.host.bridge.cluster_log, channel, prio, message)

    def set_uri(self, uri: str) -> None:
        self.host.set_uri(self.module_name, uri)

    def get_active_uri(self) -> str:
        return str(self.host.state.mgrmap.get("services", {}).get(self.module_name, ""))

    def dispatch_remote(
        self, module_name: str, method_name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        runner = self.host.runner(module_name)
        target = runner.instance if runner is not None else None
        return call_remote(target, method_name, args, kwargs)

    def update_progress_event(
        self, evid: str, desc: str, progress: float, add_to_ceph_s: bool
    ) -> None:
        self.host.progress[evid] = {
            "message": desc,
            "progress": float(progress),
            "add_to_ceph_s": add_to_ceph_s,
        }

    def complete_progress_event(self, evid: str) -> None:
        self.host.progress.pop(evid, None)

    def clear_all_progress_events(self) -> None:
        self.host.progress.clear()

    def set_device_wear_level(self, devid: str, wear_level: float) -> None:
        self.host.writes.config_key_set(
            self.module_name, f"device/{devid}", json.dumps({"wear_level": wear_level})
        )

    def is_authorized(self, arguments: dict[str, str]) -> bool:
        return True


class StandbyHandle(_Common):
    """HostAPI of a standby module: a subset; everything else raises."""

    def get(self, data_name: str) -> Any:
        return self.host.state.get("mgr_ips") if data_name == "mgr_ips" else None

    def get_option(self, key: str) -> Any:
        # Ceph's standby side returns the raw string, and None for unknown names.
        try:
            value = self.host.native.raw(key, self.host.config.effective)
        except KeyError:
            return None
        return str(value).lower() if isinstance(value, bool) else str(value)

    def get_active_uri(self) -> str:
        return str(self.host.state.mgrmap.get("services", {}).get(self.module_name, ""))

    def have_mon_connection(self) -> bool:
        return self.host.have_mon_connection()

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"standby modules cannot call {name}()")


def rados_context(
    mgr_id: str, get_option: Callable[[str], Any], track: Callable[[str], Any] | None = None
) -> dict[str, Any]:
    """The capsule ``rados.Rados(context=…)`` connects with (``get_context``): this
    cluster's run directory (the parent of ``mgr_data``), the mgr's name, its
    options read live (``rados_osd_op_timeout`` …) and ``track``, the hook every
    librados call runs inside (`mgr.host.rados_calls`)."""
    mgr_data = str(get_option("mgr_data") or "")
    out: dict[str, Any] = {
        "run_dir": str(Path(mgr_data).parent) if mgr_data else "",
        "name": f"mgr.{mgr_id}",
        "conf_get": get_option,
    }
    if track is not None:
        out["track"] = track
    return out
