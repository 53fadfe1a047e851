"""The mgr module API: what ``from mgr_module import …`` gives a module.

ceph-mgr-sim's own implementation of Ceph's ``mgr_module`` (names,
signatures, return shapes and errors of Ceph 16.2 "pacific" and of newer
releases, the union of both). Every call into the cluster goes through the
``_ceph_*`` seam in `ceph_module`; see ``docs/module-host.md``.
"""

from __future__ import annotations

from _mgrapi.active import MgrModule
from _mgrapi.cli import (
    CLICheckNonemptyFileInput,
    CLICommand,
    CLICommandBase,
    CLIReadCommand,
    CLIRequiresDB,
    CLIWriteCommand,
    Command,
    HandlerFuncType,
)
from _mgrapi.logs import ClusterLogHandler, CPlusPlusHandler, FileHandler, MgrModuleLoggingMixin
from _mgrapi.mgrdb import MAX_DBCLEANUP_RETRIES, MgrModuleRecoverDB
from _mgrapi.osdmap import CRUSHMap, OSDMap, OSDMapIncremental
from _mgrapi.standby import MgrStandbyModule
from _mgrapi.types import (
    CLUSTER_LOG_PRIO_DEBUG,
    CLUSTER_LOG_PRIO_ERROR,
    CLUSTER_LOG_PRIO_INFO,
    CLUSTER_LOG_PRIO_SEC,
    CLUSTER_LOG_PRIO_WARN,
    ERROR_MSG_EMPTY_INPUT_FILE,
    ERROR_MSG_NO_INPUT_FILE,
    MGR_POOL_NAME,
    NFS_GANESHA_SUPPORTED_FSALS,
    NFS_POOL_NAME,
    PG_STATES,
    CephReleases,
    ClusterLogPrio,
    CommandResult,
    HandleCommandResult,
    HealthChecksT,
    MgrDBNotAllowed,
    MgrDBNotReady,
    MonCommandFailed,
    NotifyType,
    Option,
    OptionLevel,
    OptionValue,
    PerfCounterT,
    ServerInfoT,
    ServiceInfoT,
)


class API:
    """``@API.expose`` / ``@API.perm('r'|'w')`` markers (used by the cli_api module)."""

    @staticmethod
    def _marker(attr: str, default: object) -> type:
        token = f"__ATTR_{attr.upper()}__"

        class Decorator:
            def __init__(self, value: object = default) -> None:
                self.value = value

            def __call__(self, func: HandlerFuncType) -> HandlerFuncType:
                setattr(func, token, self.value)
                return func

            @classmethod
            def get(cls, func: HandlerFuncType) -> object:
                return getattr(func, token, default)

        return Decorator

    perm = _marker("perm", "r")
    expose = _marker("expose", False)(True)


__all__ = [
    "API",
    "CLUSTER_LOG_PRIO_DEBUG",
    "CLUSTER_LOG_PRIO_ERROR",
    "CLUSTER_LOG_PRIO_INFO",
    "CLUSTER_LOG_PRIO_SEC",
    "CLUSTER_LOG_PRIO_WARN",
    "CLICheckNonemptyFileInput",
    "CLICommand",
    "CLICommandBase",
    "CLIReadCommand",
    "CLIRequiresDB",
    "CLIWriteCommand",
    "CPlusPlusHandler",
    "CRUSHMap",
    "CephReleases",
    "ClusterLogHandler",
    "ClusterLogPrio",
    "Command",
    "CommandResult",
    "ERROR_MSG_EMPTY_INPUT_FILE",
    "ERROR_MSG_NO_INPUT_FILE",
    "FileHandler",
    "HandleCommandResult",
    "HandlerFuncType",
    "HealthChecksT",
    "MAX_DBCLEANUP_RETRIES",
    "MGR_POOL_NAME",
    "MgrDBNotAllowed",
    "MgrDBNotReady",
    "MgrModule",
    "MgrModuleLoggingMixin",
    "MgrModuleRecoverDB",
    "MgrStandbyModule",
    "MonCommandFailed",
    "NFS_GANESHA_SUPPORTED_FSALS",
    "NFS_POOL_NAME",
    "NotifyType",
    "OSDMap",
    "OSDMapIncremental",
    "Option",
    "OptionLevel",
    "OptionValue",
    "PG_STATES",
    "PerfCounterT",
    "ServerInfoT",
    "ServiceInfoT",
]
