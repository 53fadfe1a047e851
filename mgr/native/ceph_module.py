"""``ceph_module``: the native side of ceph-mgr, simulated (Ceph's C++ extension of that name).

Ceph's ``mgr_module.py`` (any release) and our embedded API both subclass
these: ``BaseMgrModule``, ``BaseMgrStandbyModule``, ``BasePyOSDMap``,
``BasePyOSDMapIncremental``, ``BasePyCRUSH``. Every ``_ceph_*`` method
reaches the mgr only through one `HostAPI` bound to the instance (the
``this`` capsule, the constructor's last argument).

One implementation serves 16.2, 18.2 and 20.2: where a call's signature
changed between releases it accepts every release's form (the table is in
docs/releases.md, "native API by release"):

- ``_ceph_get(name[, mutable])``; ``_ceph_log(message)`` or ``(level, message)``;
- ``_ceph_send_command(result, type, id, cmd, tag, inbuf[, one_shot=])``;
- ``_ceph_register_client(addrs)`` (16.2) or ``(name, addrs, replace)`` (18.2+),
  ``_ceph_unregister_client(addrs)`` or ``(name, addrs)``;
- ``_ceph_get_latest_counter(type, name, path)`` or, labelled (20.2),
  ``(type, name, counter, sub_counter, labels)``;
- ``_ceph_get_perf_schema``: flat (``{daemon: {"section.counter": schema}}``)
  up to Reef, labelled from Squid on (``{daemon: {section: [{"labels": {},
  "counters": {counter: schema}}]}}``; the simulated daemons report no labels);
- 20.2's ``_ceph_get_unlabeled_*``, ``_ceph_notify_all``, ``_ceph_exit``.

Nothing here imports the simulator; the host is reached through `HostAPI`.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from _simnative.hostapi import HostAPI
from _simnative.maps import BasePyCRUSH, BasePyOSDMap, BasePyOSDMapIncremental, wrapper_class

# releases whose _ceph_get_perf_schema is flat (labelled perf counters: Squid on)
FLAT_PERF_RELEASES = frozenset({"nautilus", "octopus", "pacific", "quincy", "reef"})


def labelled_schema(flat: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """One daemon's flat schema as Squid's labelled one (every counter unlabelled)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for path, schema in flat.items():
        section, _, name = str(path).partition(".")
        if not out.get(section):
            out[section] = [{"labels": {}, "counters": {}}]
        out[section][0]["counters"][name] = dict(schema)
    return out


__all__ = [
    "BaseMgrModule",
    "BaseMgrStandbyModule",
    "BasePyCRUSH",
    "BasePyOSDMap",
    "BasePyOSDMapIncremental",
    "HostAPI",
]

ROCKSDB_VERSION = "6.8.1"
_in_log = threading.local()


class _HostBound:
    """Holds the host handle; every ``_ceph_*`` call goes through it."""

    _ceph_host_api: HostAPI

    def _bind_host(self, this: Any) -> None:
        if this is None:
            raise RuntimeError("a mgr module needs a host (pass mgr_testing.FakeHost in tests)")
        self._ceph_host_api = this

    def _ceph_get_mgr_id(self) -> str:
        return self._ceph_host_api.get_mgr_id()

    def _ceph_get_option(self, key: str) -> Any:
        return self._ceph_host_api.get_option(key)

    def _ceph_get_store(self, key: str) -> str | None:
        return self._ceph_host_api.get_store(key)

    def _ceph_log(self, *args: Any) -> None:
        # Ceph: _ceph_log(message); ours also takes (level, message). Ceph's
        # own mgr_module hangs its handler on the root logger (one per
        # sub-interpreter there, one shared here): the host's own record of
        # this line must not come back through it.
        if getattr(_in_log, "active", False):
            return
        level, message = (args[0], args[1]) if len(args) == 2 else (20, args[0])
        _in_log.active = True
        try:
            self._ceph_host_api.log(int(level), str(message))
        finally:
            _in_log.active = False

    def _ceph_get(self, data_name: str, mutable: bool = False) -> Any:
        return self._ceph_host_api.get(data_name)  # always a fresh copy: mutable either way


class BaseMgrModule(_HostBound):
    """Ceph's ``ceph_module.BaseMgrModule``: the host calls of an active module."""

    def __init__(self, py_modules: Any, this: Any) -> None:
        self._bind_host(this)

    def _ceph_get_version(self) -> str:
        return self._ceph_host_api.get_version()

    def _ceph_get_release_name(self) -> str:
        return self._ceph_host_api.get_release_name()

    def _ceph_lookup_release_name(self, major: int) -> str:
        return self._ceph_host_api.lookup_release_name(major)

    def _ceph_get_context(self) -> object:
        return self._ceph_host_api.get_context()

    def _ceph_get_ceph_conf_path(self) -> str:
        return self._ceph_host_api.get_ceph_conf_path()

    def _ceph_get_foreign_option(self, entity: str, key: str) -> Any:
        return self._ceph_host_api.get_foreign_option(entity, key)

    def _ceph_get_module_option(self, module: str, key: str, localized_prefix: str = "") -> Any:
        return self._ceph_host_api.get_module_option(module, key, localized_prefix or "")

    def _ceph_set_module_option(self, module: str, key: str, value: str | None) -> None:
        self._ceph_host_api.set_module_option(module, key, value)

    def _ceph_set_store(self, key: str, value: str | None) -> None:
        self._ceph_host_api.set_store(key, value)

    def _ceph_get_store_prefix(self, prefix: str) -> dict[str, str]:
        return self._ceph_host_api.get_store_prefix(prefix)

    def _ceph_get_server(self, hostname: str | None) -> Any:
        return self._ceph_host_api.get_server(hostname)

    def _ceph_get_metadata(self, svc_type: str, svc_id: str) -> dict[str, str] | None:
        return self._ceph_host_api.get_metadata(svc_type, svc_id)

    def _ceph_get_daemon_status(self, svc_type: str, svc_id: str) -> dict[str, str] | None:
        return self._ceph_host_api.get_daemon_status(svc_type, svc_id)

    # --- perf counters (20.2 splits them into unlabeled and labelled calls) ---

    def _ceph_get_perf_schema(self, svc_type: str, svc_name: str) -> dict[str, Any]:
        flat = self._ceph_host_api.get_perf_schema(svc_type, svc_name)
        if self._ceph_host_api.get_release_name() in FLAT_PERF_RELEASES:
            return flat
        return {daemon: labelled_schema(counters) for daemon, counters in flat.items()}

    def _ceph_get_unlabeled_perf_schema(self, svc_type: str, svc_name: str) -> dict[str, Any]:
        return self._ceph_host_api.get_perf_schema(svc_type, svc_name)

    def _ceph_get_counter(self, svc_type: str, svc_name: str, path: str) -> dict[str, Any]:
        return self._ceph_host_api.get_counter(svc_type, svc_name, path)

    def _ceph_get_unlabeled_counter(self, svc_type: str, svc_name: str, path: str) -> Any:
        return self._ceph_host_api.get_counter(svc_type, svc_name, path)

    def _ceph_get_latest_unlabeled_counter(self, svc_type: str, svc_name: str, path: str) -> Any:
        return self._ceph_host_api.get_latest_counter(svc_type, svc_name, path)

    def _ceph_get_latest_counter(self, svc_type: str, svc_name: str, *rest: Any) -> Any:
        if len(rest) == 1:  # 16.2/18.2: (path)
            return self._ceph_host_api.get_latest_counter(svc_type, svc_name, str(rest[0]))
        counter, sub_counter = str(rest[0]), str(rest[1])
        labels = list(rest[2]) if len(rest) > 2 and rest[2] else []
        if labels:  # no daemon here reports labelled counters yet
            return {counter: []}
        path = f"{counter}.{sub_counter}"
        found = self._ceph_host_api.get_latest_counter(svc_type, svc_name, path)
        return {counter: found.get(path, [])}  # keyed by the counter, as Squid's C++

    def _ceph_get_rocksdb_version(self) -> str:
        return ROCKSDB_VERSION

    def _ceph_get_osdmap(self) -> Any:
        capsule = self._ceph_host_api.get_osdmap()
        return wrapper_class(self, "OSDMap")(capsule)

    def _ceph_get_daemon_health_metrics(self) -> dict[str, Any]:
        return self._ceph_host_api.get_daemon_health_metrics()

    def _ceph_have_mon_connection(self) -> bool:
        return self._ceph_host_api.have_mon_connection()

    # --- commands, notifications, health, logs, services ---

    def _ceph_send_command(
        self,
        result: Any,
        svc_type: str,
        svc_id: str,
        command: str,
        tag: str,
        inbuf: Any = None,
        one_shot: bool = False,
    ) -> None:
        self._ceph_host_api.send_command(result, svc_type, svc_id, command, tag, inbuf)

    def _ceph_notify_all(self, notify_type: str, notify_id: Any) -> None:
        notify = getattr(self._ceph_host_api, "notify_all", None)
        if notify is not None:
            notify(str(notify_type), notify_id)

    def _ceph_exit(self, code: int, hard: bool = False) -> None:
        # the sqlite3 kill points of 20.2's MgrModule.db: the daemon ends at once
        os._exit(int(code))

    def _ceph_set_health_checks(self, checks: Any) -> None:
        self._ceph_host_api.set_health_checks(checks)

    def _ceph_cluster_log(self, channel: str, priority: int, message: str) -> None:
        self._ceph_host_api.cluster_log(channel, int(priority), message)

    def _ceph_set_uri(self, uri: str) -> None:
        self._ceph_host_api.set_uri(uri)

    def _ceph_dispatch_remote(
        self, module_name: str, method_name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        return self._ceph_host_api.dispatch_remote(module_name, method_name, args, kwargs)

    def _ceph_update_progress_event(
        self, evid: str, desc: str, progress: float, add_to_ceph_s: bool = False
    ) -> None:
        self._ceph_host_api.update_progress_event(evid, desc, progress, add_to_ceph_s)

    def _ceph_complete_progress_event(self, evid: str) -> None:
        self._ceph_host_api.complete_progress_event(evid)

    def _ceph_clear_all_progress_events(self) -> None:
        self._ceph_host_api.clear_all_progress_events()

    def _ceph_set_device_wear_level(self, devid: str, wear_level: float) -> None:
        self._ceph_host_api.set_device_wear_level(devid, wear_level)

    def _ceph_is_authorized(self, arguments: dict[str, str]) -> bool:
        return self._ceph_host_api.is_authorized(arguments)

    # librados clients a module opened (16.2: (addrs); 18.2+: (name, addrs, replace))
    def _ceph_register_client(self, *args: Any) -> None:
        return None

    def _ceph_unregister_client(self, *args: Any) -> None:
        return None

    # OSD perf queries (the mgr's OSDPerfMetricCollector, `mgr.osd_perf_queries`)
    def _ceph_add_osd_perf_query(self, query: Any) -> int | None:
        add = getattr(self._ceph_host_api, "add_osd_perf_query", None)
        return add(query) if add is not None else None

    def _ceph_remove_osd_perf_query(self, query_id: int) -> None:
        remove = getattr(self._ceph_host_api, "remove_osd_perf_query", None)
        if remove is not None:
            remove(_query_id(query_id))

    def _ceph_get_osd_perf_counters(self, query_id: int) -> Any:
        get = getattr(self._ceph_host_api, "get_osd_perf_counters", None)
        qid = _query_id(query_id)
        return get(qid) if get is not None else None

    # MDS perf queries (the mgr's MDSPerfMetricCollector, `mgr.perf_queries`)
    def _ceph_add_mds_perf_query(self, query: Any) -> int | None:
        add = getattr(self._ceph_host_api, "add_mds_perf_query", None)
        return add(query) if add is not None else None

    def _ceph_remove_mds_perf_query(self, query_id: int) -> None:
        remove = getattr(self._ceph_host_api, "remove_mds_perf_query", None)
        if remove is not None:
            remove(query_id)

    def _ceph_reregister_mds_perf_queries(self) -> None:
        again = getattr(self._ceph_host_api, "reregister_mds_perf_queries", None)
        if again is not None:
            again()

    def _ceph_get_mds_perf_counters(self, query_id: int) -> Any:
        get = getattr(self._ceph_host_api, "get_mds_perf_counters", None)
        return get(query_id) if get is not None else None


class BaseMgrStandbyModule(_HostBound):
    """Ceph's ``ceph_module.BaseMgrStandbyModule`` (config reads, active URI)."""

    def __init__(self, this: Any) -> None:
        self._bind_host(this)

    def _ceph_get_module_option(self, key: str, localized_prefix: str = "") -> Any:
        api = self._ceph_host_api
        return api.get_module_option(api.module_name, key, localized_prefix or "")

    def _ceph_get_active_uri(self) -> str:
        return self._ceph_host_api.get_active_uri()


def _query_id(value: Any) -> int:
    """The binding's ``"i"`` argument: an int (a float or a string is a TypeError)."""
    if not isinstance(value, int):
        raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an integer")
    return value
