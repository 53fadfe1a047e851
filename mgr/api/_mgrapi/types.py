"""Plain types and constants of the mgr module API (Ceph's names and values).

Everything here is data: enums, constants, the `Option` dict helper, the
command result types and the typing aliases modules import from
``mgr_module``. No host calls.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from enum import Enum, IntEnum
from typing import Any, NamedTuple

#: A module option value as the host returns it (common/options.h value_t).
OptionValue = bool | int | float | str | None

HealthChecksT = Mapping[str, Mapping[str, int | str | Sequence[str]]]
ServiceInfoT = dict[str, str]  # {"type": ..., "id": ...}
ServerInfoT = dict[str, str | list[ServiceInfoT]]
PerfCounterT = dict[str, Any]

MGR_POOL_NAME = ".mgr"
NFS_POOL_NAME = ".nfs"
NFS_GANESHA_SUPPORTED_FSALS = ["CEPH", "RGW"]

ERROR_MSG_EMPTY_INPUT_FILE = "Empty input file"
ERROR_MSG_NO_INPUT_FILE = "Input file not specified"

# The PG state words (osd_types.cc pg_state_string), as modules import them.
PG_STATES = [
    "active",
    "clean",
    "down",
    "recovery_unfound",
    "backfill_unfound",
    "scrubbing",
    "degraded",
    "inconsistent",
    "peering",
    "repair",
    "recovering",
    "forced_recovery",
    "backfill_wait",
    "incomplete",
    "stale",
    "remapped",
    "deep",
    "backfilling",
    "forced_backfill",
    "backfill_toofull",
    "recovery_wait",
    "recovery_toofull",
    "undersized",
    "activating",
    "peered",
    "snaptrim",
    "snaptrim_wait",
    "snaptrim_error",
    "creating",
    "unknown",
    "premerge",
    "failed_repair",
    "laggy",
    "wait",
]


class CephReleases(IntEnum):
    argonaut = 1
    bobtail = 2
    cuttlefish = 3
    dumpling = 4
    emperor = 5
    firefly = 6
    giant = 7
    hammer = 8
    infernalis = 9
    jewel = 10
    kraken = 11
    luminous = 12
    mimic = 13
    nautilus = 14
    octopus = 15
    pacific = 16
    quincy = 17
    reef = 18
    squid = 19
    maximum = 20


class NotifyType(str, Enum):
    """What `notify()` is called for (only types listed in NOTIFY_TYPES)."""

    mon_map = "mon_map"
    pg_summary = "pg_summary"
    health = "health"
    clog = "clog"
    osd_map = "osd_map"
    fs_map = "fs_map"
    command = "command"


class OptionLevel(IntEnum):
    BASIC = 0
    ADVANCED = 1
    DEV = 2
    UNKNOWN = 3


class ClusterLogPrio(IntEnum):
    DEBUG = 0
    INFO = 1
    SEC = 2
    WARN = 3
    ERROR = 4


# Older modules use these module-level names (selftest of 15.x, for example).
CLUSTER_LOG_PRIO_DEBUG = ClusterLogPrio.DEBUG
CLUSTER_LOG_PRIO_INFO = ClusterLogPrio.INFO
CLUSTER_LOG_PRIO_SEC = ClusterLogPrio.SEC
CLUSTER_LOG_PRIO_WARN = ClusterLogPrio.WARN
CLUSTER_LOG_PRIO_ERROR = ClusterLogPrio.ERROR


class Option(dict[str, Any]):
    """One MODULE_OPTIONS entry: a dict of the arguments that are not None.

    ``Option(name, [level,] default=None, type='str', ...)``; ``type`` and
    ``runtime`` are therefore always present.
    """

    def __init__(
        self,
        name: str,
        *args: Any,
        default: OptionValue = None,
        type: str = "str",
        desc: str | None = None,
        long_desc: str | None = None,
        min: OptionValue = None,
        max: OptionValue = None,
        enum_allowed: list[str] | None = None,
        tags: list[str] | None = None,
        see_also: list[str] | None = None,
        runtime: bool = False,
        level: OptionLevel | None = None,
    ) -> None:
        # Pacific: Option(name, default, type, ...); main: Option(name, level, default, ...)
        positional = list(args)
        if positional and isinstance(positional[0], OptionLevel):
            level = positional.pop(0)
        if positional:
            default = positional.pop(0)
        if positional:
            type = positional.pop(0)
        if positional:
            raise TypeError("Option() takes name, [level,] default and type positionally")
        values = {
            "name": name,
            "default": default,
            "type": type,
            "desc": desc,
            "long_desc": long_desc,
            "min": min,
            "max": max,
            "enum_allowed": enum_allowed,
            "tags": tags,
            "see_also": see_also,
            "runtime": runtime,
            "level": level,
        }
        super().__init__((k, v) for k, v in values.items() if v is not None)


class HandleCommandResult(NamedTuple):
    """A command's result: retval (0 or -errno), stdout (data), stderr (messages)."""

    retval: int = 0
    stdout: str = ""
    stderr: str = ""


class CommandResult:
    """Completion for `send_command`: `wait()` blocks (no timeout) until `complete()`."""

    def __init__(self, tag: str | None = None) -> None:
        self.ev = threading.Event()
        self.outs = ""
        self.outb = ""
        self.r = 0
        self.tag = tag if tag else ""

    def complete(self, r: int, outb: str, outs: str) -> None:
        self.r = r
        self.outb = outb
        self.outs = outs
        self.ev.set()

    def wait(self) -> tuple[int, str, str]:
        self.ev.wait()
        return self.r, self.outb, self.outs


class MonCommandFailed(RuntimeError):
    """`check_mon_command` got a non-zero return value."""


class MgrDBNotReady(RuntimeError):
    """The module's database (in the .mgr pool) is not available."""


class MgrDBNotAllowed(MgrDBNotReady):
    """The module's database is disabled (``mgr_pool = false``)."""
