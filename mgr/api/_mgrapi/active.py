"""``MgrModule``: the base class of every active mgr module.

Our own implementation of Ceph's API (names, signatures, return shapes and
errors as in src/pybind/mgr/mgr_module.py, Ceph 16 to main). Every cluster
call goes through the ``_ceph_*`` seam of `ceph_module.BaseMgrModule`.
"""

from __future__ import annotations

import errno
import json
import logging
import socket
import subprocess
import time
from typing import Any, ClassVar, cast

import ceph_module

from _mgrapi import types as t
from _mgrapi.cli import CLICommandBase, commands_for
from _mgrapi.helpers import PerfHelpersMixin, labelled_schema
from _mgrapi.logs import MgrModuleLoggingMixin
from _mgrapi.mgrdb import MgrDBMixin
from _mgrapi.osdmap import OSDMap
from _mgrapi.registration import register_options

IMPLICIT_NOTIFY_NONE: list[str] = []


def _localized(prefix: str, key: str) -> str:
    return f"{prefix}/{key}"


class MgrModule(ceph_module.BaseMgrModule, MgrModuleLoggingMixin, PerfHelpersMixin, MgrDBMixin):
    COMMANDS: ClassVar[list[Any]] = []
    MODULE_OPTIONS: ClassVar[list[Any]] = []
    MODULE_OPTION_DEFAULTS: ClassVar[dict[str, Any]] = {}
    NOTIFY_TYPES: ClassVar[list[Any]] = IMPLICIT_NOTIFY_NONE
    MGR_POOL_NAME = t.MGR_POOL_NAME
    ClusterLogPrio = t.ClusterLogPrio
    CLUSTER_LOG_PRIO_DEBUG = t.CLUSTER_LOG_PRIO_DEBUG
    CLUSTER_LOG_PRIO_INFO = t.CLUSTER_LOG_PRIO_INFO
    CLUSTER_LOG_PRIO_SEC = t.CLUSTER_LOG_PRIO_SEC
    CLUSTER_LOG_PRIO_WARN = t.CLUSTER_LOG_PRIO_WARN
    CLUSTER_LOG_PRIO_ERROR = t.CLUSTER_LOG_PRIO_ERROR
    _cli_commands: ClassVar[dict[str, CLICommandBase]] = {}

    def __init__(self, module_name: str, py_modules_ptr: object, this_ptr: object) -> None:
        self.module_name = module_name
        super().__init__(py_modules_ptr, this_ptr)
        self._configure_logging(
            cast(str, self.get_ceph_option("debug_mgr")),
            cast(str, self.get_module_option("log_level")),
            cast(str, self.get_module_option("log_to_cluster_level")),
            bool(self.get_module_option("log_to_file")),
            bool(self.get_module_option("log_to_cluster")),
        )
        self._version = self._ceph_get_version()
        self._perf_schema_cache = None
        self._mgr_ips: str | None = None
        self._init_db()

    # --- registration (called by the host once per class) --------------------

    @classmethod
    def _register_options(cls, module_name: str) -> None:
        register_options(cls)

    @classmethod
    def _register_commands(cls, module_name: str) -> None:
        legacy = cls.__dict__.get("_legacy_commands")
        if legacy is None:
            own: Any = next(
                (
                    b.__dict__.get("_legacy_commands", b.__dict__.get("COMMANDS"))
                    for b in cls.__mro__
                    if "COMMANDS" in b.__dict__ or "_legacy_commands" in b.__dict__
                ),
                [],
            )
            if not isinstance(own, list):
                return  # the host reports "Missing or invalid COMMANDS attribute"
            legacy = list(own)
            cls._legacy_commands = legacy  # type: ignore[attr-defined]
        cls._cli_commands = commands_for(cls, module_name)
        cls.COMMANDS = [*legacy, *(c.dump_cmd() for c in cls._cli_commands.values())]

    # --- identity -----------------------------------------------------------

    @property
    def log(self) -> logging.Logger:
        return self._logger

    @property
    def version(self) -> str:
        return self._version

    @property
    def release_name(self) -> str:
        return self._ceph_get_release_name()

    def lookup_release_name(self, major: int) -> str:
        return self._ceph_lookup_release_name(major)

    def get_context(self) -> object:
        return self._ceph_get_context()

    def get_mgr_id(self) -> str:
        return self._ceph_get_mgr_id()

    def get_ceph_conf_path(self) -> str:
        return self._ceph_get_ceph_conf_path()

    def get_hostname(self) -> str:
        return socket.gethostname()

    def get_mgr_ip(self) -> str:
        if not self._mgr_ips:
            ips = (self.get("mgr_ips") or {}).get("ips", [])
            if not ips:
                return socket.gethostname()
            self._mgr_ips = ips[0]
        return str(self._mgr_ips)

    def get_rocksdb_version(self) -> str:
        return self._ceph_get_rocksdb_version()

    # --- callbacks the host invokes -------------------------------------------

    def notify(self, notify_type: t.NotifyType, notify_id: str) -> None:
        """Called for the types listed in NOTIFY_TYPES."""

    def _config_notify(self) -> None:
        self._set_log_level(
            cast(str, self.get_ceph_option("debug_mgr")),
            cast(str, self.get_module_option("log_level")),
            cast(str, self.get_module_option("log_to_cluster_level")),
        )
        log_to_file = bool(self.get_module_option("log_to_file", False))
        if log_to_file != self.log_to_file:
            self._enable_file_log() if log_to_file else self._disable_file_log()
        log_to_cluster = bool(self.get_module_option("log_to_cluster", False))
        if log_to_cluster != self.log_to_cluster:
            self._enable_cluster_log() if log_to_cluster else self._disable_cluster_log()
        self.config_notify()

    def config_notify(self) -> None:
        """The configuration may have changed."""

    def serve(self) -> None:
        """Run until `shutdown` (the default returns at once)."""

    def shutdown(self) -> None:
        """Make `serve` return."""

    def self_test(self) -> str | None:
        """Raise to report a failure (called through ``remote``)."""
        return None

    @staticmethod
    def can_run() -> tuple[bool, str]:
        return True, ""

    def _handle_command(self, inbuf: str, cmd: dict[str, Any]) -> Any:
        handler = type(self)._cli_commands.get(cmd["prefix"])
        if handler is None:
            return self.handle_command(inbuf, cmd)
        return handler.call(self, cmd, inbuf)

    def handle_command(self, inbuf: str, cmd: dict[str, Any]) -> Any:
        raise NotImplementedError()

    # --- cluster state ----------------------------------------------------------

    def get(self, data_name: str, mutable: bool = False) -> Any:
        obj = self._ceph_get(data_name)
        return json.loads(obj) if isinstance(obj, bytes) else obj

    def erase(self, data_name: str) -> bool:
        return False

    def get_server(self, hostname: str) -> t.ServerInfoT:
        return cast(t.ServerInfoT, self._ceph_get_server(hostname))

    def list_servers(self) -> list[t.ServerInfoT]:
        return cast(list[t.ServerInfoT], self._ceph_get_server(None))

    def get_metadata(
        self, svc_type: str, svc_id: str, default: dict[str, str] | None = None
    ) -> dict[str, str] | None:
        metadata = self._ceph_get_metadata(svc_type, svc_id)
        return metadata if metadata else default

    def get_daemon_status(self, svc_type: str, svc_id: str) -> dict[str, str] | None:
        return self._ceph_get_daemon_status(svc_type, svc_id)

    def get_perf_schema(self, svc_type: str, svc_name: str) -> dict[str, Any]:
        """Labelled, as 20.2's: ``{daemon: {section: [{"labels": {}, "counters":
        {name: schema}}]}}`` (flat up to 18.2: ``get_unlabeled_perf_schema``)."""
        flat = self._ceph_get_unlabeled_perf_schema(svc_type, svc_name)
        return {daemon: labelled_schema(counters) for daemon, counters in flat.items()}

    def get_unlabeled_perf_schema(self, svc_type: str, svc_name: str) -> dict[str, Any]:
        return self._ceph_get_unlabeled_perf_schema(svc_type, svc_name)

    def get_counter(self, svc_type: str, svc_name: str, path: str) -> dict[str, Any]:
        return self._ceph_get_counter(svc_type, svc_name, path)

    get_unlabeled_counter = get_counter

    def get_latest_counter(
        self,
        svc_type: str,
        svc_name: str,
        path: str,
        sub_counter_name: str | None = None,
        labels: list[tuple[str, str]] | None = None,
    ) -> dict[str, Any]:
        """``(type, name, path)`` as up to Reef, or Tentacle's labelled
        ``(type, name, counter, sub_counter, labels)`` keyed by the counter."""
        if sub_counter_name is None:
            return self._ceph_get_latest_counter(svc_type, svc_name, path)
        return self._ceph_get_latest_counter(
            svc_type, svc_name, path, sub_counter_name, labels or []
        )

    get_latest_unlabeled_counter = get_latest_counter

    def get_osdmap(self) -> OSDMap:
        return cast(OSDMap, self._ceph_get_osdmap())

    def get_daemon_health_metrics(self) -> dict[str, Any]:
        return self._ceph_get_daemon_health_metrics()

    def have_mon_connection(self) -> bool:
        return self._ceph_have_mon_connection()

    def pool_exists(self, name: str) -> bool:
        pools = (self.get("osd_map") or {}).get("pools", [])
        return any(p.get("pool_name") == name for p in pools)

    def have_enough_osds(self) -> bool:
        need = int(cast(int, self.get_ceph_option("osd_pool_default_size")))
        osds = (self.get("osd_map") or {}).get("osds", [])
        return sum(1 for o in osds if o.get("up") and o.get("in")) >= need

    # --- configuration ----------------------------------------------------------

    def get_ceph_option(self, key: str) -> t.OptionValue:
        return self._ceph_get_option(key)

    def get_foreign_ceph_option(self, entity: str, key: str) -> t.OptionValue:
        return self._ceph_get_foreign_option(entity, key)

    def _validate_module_option(self, key: str) -> None:
        if key not in [o["name"] for o in self.MODULE_OPTIONS]:
            raise RuntimeError(
                f"Config option '{key}' is not in {self.__class__.__name__}.MODULE_OPTIONS"
            )

    def _get_module_option(self, key: str, default: t.OptionValue, prefix: str = "") -> Any:
        r = self._ceph_get_module_option(self.module_name, key, prefix)
        return self.MODULE_OPTION_DEFAULTS.get(key, default) if r is None else r

    def get_module_option(self, key: str, default: t.OptionValue = None) -> t.OptionValue:
        self._validate_module_option(key)
        return self._get_module_option(key, default)

    def get_localized_module_option(self, key: str, default: t.OptionValue = None) -> t.OptionValue:
        self._validate_module_option(key)
        return self._get_module_option(key, default, self.get_mgr_id())

    def get_module_option_ex(self, module: str, key: str, default: t.OptionValue = None) -> Any:
        if module == self.module_name:
            self._validate_module_option(key)
        r = self._ceph_get_module_option(module, key)
        return default if r is None else r

    def _set_module_option(self, key: str, val: Any) -> None:
        self._ceph_set_module_option(self.module_name, key, None if val is None else str(val))

    def set_module_option(self, key: str, val: Any) -> None:
        self._validate_module_option(key)
        self._set_module_option(key, val)

    def set_module_option_ex(self, module: str, key: str, val: t.OptionValue) -> None:
        if module == self.module_name:
            self._validate_module_option(key)
        self._ceph_set_module_option(module, key, str(val))

    def set_localized_module_option(self, key: str, val: str | None) -> None:
        self._validate_module_option(key)
        self._set_module_option(_localized(self.get_mgr_id(), key), val)

    # --- KV store ---------------------------------------------------------------

    def get_store(self, key: str, default: str | None = None) -> str | None:
        r = self._ceph_get_store(key)
        return default if r is None else r

    def set_store(self, key: str, val: str | None) -> None:
        self._ceph_set_store(key, val)

    def get_store_prefix(self, key_prefix: str) -> dict[str, str]:
        return self._ceph_get_store_prefix(key_prefix)

    def get_localized_store(self, key: str, default: str | None = None) -> str | None:
        r = self._ceph_get_store(_localized(self.get_mgr_id(), key))
        if r is None:
            r = self._ceph_get_store(key)
        return default if r is None else r

    def set_localized_store(self, key: str, val: str | None) -> None:
        self.set_store(_localized(self.get_mgr_id(), key), val)

    # --- commands to daemons ------------------------------------------------------

    def send_command(
        self,
        result: t.CommandResult,
        svc_type: str,
        svc_id: str,
        command: str,
        tag: str,
        inbuf: str | None = None,
        *,
        one_shot: bool = False,
    ) -> None:
        self._ceph_send_command(result, svc_type, svc_id, command, tag, inbuf, one_shot=one_shot)

    def mon_command(
        self, cmd_dict: dict[str, Any], inbuf: str | None = None
    ) -> tuple[int, str, str]:
        t0 = time.time()
        result = t.CommandResult()
        self.send_command(result, "mon", "", json.dumps(cmd_dict), "", inbuf)
        r = result.wait()
        self.log.debug(
            "mon_command: '%s' -> %s in %.3fs", cmd_dict.get("prefix"), r[0], time.time() - t0
        )
        return r

    def check_mon_command(
        self, cmd_dict: dict[str, Any], inbuf: str | None = None
    ) -> t.HandleCommandResult:
        r = t.HandleCommandResult(*self.mon_command(cmd_dict, inbuf))
        if r.retval:
            raise t.MonCommandFailed(f"{cmd_dict['prefix']} failed: {r.stderr} retval: {r.retval}")
        return r

    def osd_command(
        self, cmd_dict: dict[str, Any], inbuf: str | None = None
    ) -> tuple[int, str, str]:
        result = t.CommandResult()
        self.send_command(result, "osd", str(cmd_dict["id"]), json.dumps(cmd_dict), "", inbuf)
        return result.wait()

    def tell_command(
        self,
        daemon_type: str,
        daemon_id: str,
        cmd_dict: dict[str, Any],
        inbuf: str | None = None,
        one_shot: bool = False,
    ) -> tuple[int, str, str]:
        result = t.CommandResult()
        self.send_command(
            result, daemon_type, daemon_id, json.dumps(cmd_dict), "", inbuf, one_shot=one_shot
        )
        return result.wait()

    def get_quiesce_leader_gid(self, fscid: str | int) -> int | None:
        """The quiesce db leader of file system ``fscid`` (its MDSMap's ``qdb_leader``)."""
        for fs in (self.get("fs_map") or {}).get("filesystems", []):
            if fs.get("id") == fscid:
                return fs.get("mdsmap", {}).get("qdb_leader")
        return None

    def tell_quiesce_leader(self, leader: int, cmd_dict: dict[str, Any]) -> tuple[int, str, str]:
        """``tell_command`` to the leader MDS; follows ENOTTY's ``leader`` redirect (5 tries)."""
        rc, out, err = -errno.ENOTTY, "", ""
        for _ in range(5):
            rc, out, err = self.tell_command("mds", str(leader), cmd_dict, one_shot=True)
            if rc != -errno.ENOTTY:
                break
            try:
                leader = int(json.loads(out)["leader"])
            except (ValueError, KeyError, TypeError) as exc:
                self.log.error("Couldn't parse ENOTTY response from an mds: %s\n%s", exc, out)
                break
            self.log.info("Retrying a quiesce db command with leader %d", leader)
        return rc, out, err

    def tool_exec(
        self, args: list[str], timeout: int = 10, stdin: bytes | None = None
    ) -> tuple[int, str, str]:
        """Run a Ceph tool as this mgr: ``tool -k KEYRING -n mgr.ID args…`` (as 20.2)."""
        tool, *rest = args
        cmd = [tool, "-k", str(self.get_ceph_option("keyring")), "-n", f"mgr.{self.get_mgr_id()}"]
        cmd += rest
        self.log.debug("exec: %s", " ".join(cmd))
        try:
            p = subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired as ex:
            self.log.error("%s", ex)
            return -errno.ETIMEDOUT, "", str(ex)
        if p.returncode:
            self.log.error("Non-zero return from %s: %s", cmd, p.stderr.decode())
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    # --- health, logs, services, progress -------------------------------------------

    def set_health_checks(self, checks: t.HealthChecksT) -> None:
        self._ceph_set_health_checks(checks)

    def cluster_log(self, channel: str, priority: t.ClusterLogPrio, message: str) -> None:
        self._ceph_cluster_log(channel, int(priority), message)

    def set_uri(self, uri: str) -> None:
        self._ceph_set_uri(uri)

    def set_device_wear_level(self, devid: str, wear_level: float) -> None:
        self._ceph_set_device_wear_level(devid, wear_level)

    def update_progress_event(
        self, evid: str, desc: str, progress: float, add_to_ceph_s: bool = False
    ) -> None:
        self._ceph_update_progress_event(evid, desc, progress, add_to_ceph_s)

    def complete_progress_event(self, evid: str) -> None:
        self._ceph_complete_progress_event(evid)

    def clear_all_progress_events(self) -> None:
        self._ceph_clear_all_progress_events()

    def is_authorized(self, arguments: dict[str, str]) -> bool:
        return self._ceph_is_authorized(arguments)

    # --- other modules ------------------------------------------------------------

    def remote(self, module_name: str, method_name: str, *args: Any, **kwargs: Any) -> Any:
        return self._ceph_dispatch_remote(module_name, method_name, args, kwargs)

    # --- RADOS (the `rados` binding over the simulated OSDs), perf queries -------------

    @property
    def rados(self) -> Any:
        """A connected ``rados.Rados`` shared by this module (built on the mgr's context)."""
        cached = self.__dict__.get("_rados")
        if cached is not None:
            return cached
        import rados

        r = rados.Rados(context=self.get_context())
        r.connect()
        self.__dict__["_rados"] = r
        return r

    def add_osd_perf_query(self, query: dict[str, Any]) -> int | None:
        return self._ceph_add_osd_perf_query(query)

    def remove_osd_perf_query(self, query_id: int) -> None:
        self._ceph_remove_osd_perf_query(query_id)

    def get_osd_perf_counters(self, query_id: int) -> Any:
        return self._ceph_get_osd_perf_counters(query_id)

    def add_mds_perf_query(self, query: dict[str, Any]) -> int | None:
        return self._ceph_add_mds_perf_query(query)

    def remove_mds_perf_query(self, query_id: int) -> None:
        self._ceph_remove_mds_perf_query(query_id)

    def reregister_mds_perf_queries(self) -> None:
        self._ceph_reregister_mds_perf_queries()

    def get_mds_perf_counters(self, query_id: int) -> Any:
        return self._ceph_get_mds_perf_counters(query_id)
