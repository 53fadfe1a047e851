"""The cluster log as Ceph 16.2's mon keeps and prints it (``LogEntry``, ``LogSummary``).

`LogEntry` gives the JSON and the text line of one entry (``ceph log last``);
`ClusterLog` is the mon's per-channel tail with ``ceph log last N [level]
[channel]`` semantics, and a plain-dict form for persistence. Pure: stamps
are passed in as epoch seconds.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sim.formatting import parse_utc_stamp, utc_stamp

__all__ = ["DEFAULT_KEEP", "ClusterLog", "LogEntry", "LogPriority"]

DEFAULT_KEEP = 50  # mon_log_max_summary: entries kept per channel

_LEVEL = {"[DBG]": 0, "[INF]": 1, "[SEC]": 2, "[WRN]": 3, "[ERR]": 4}
_LEVEL_NAME = {"[DBG]": "debug", "[INF]": "info", "[SEC]": "sec", "[WRN]": "warn", "[ERR]": "error"}
_FROM_NAME = {
    "debug": "[DBG]",
    "info": "[INF]",
    "sec": "[SEC]",
    "warn": "[WRN]",
    "warning": "[WRN]",
    "error": "[ERR]",
    "err": "[ERR]",
}


class LogPriority(StrEnum):
    """``clog_type`` as printed (``[INF]``); ordered by `level` for filtering."""

    DEBUG = "[DBG]"
    INFO = "[INF]"
    SEC = "[SEC]"
    WARN = "[WRN]"
    ERROR = "[ERR]"

    @property
    def level(self) -> int:
        """0 (debug) … 4 (error): an entry shows at level L when ``entry.level >= L``."""
        return _LEVEL[self.value]

    @property
    def level_name(self) -> str:
        """``debug``, ``info``, ``sec``, ``warn`` or ``error``."""
        return _LEVEL_NAME[self.value]

    @classmethod
    def from_level(cls, name: str | LogPriority) -> LogPriority:
        """A level name as ``ceph log last`` takes it (``LogEntry::str_to_level``, any case;
        also ``warning`` and ``err``) or a priority text like ``[WRN]``; ValueError otherwise."""
        if isinstance(name, LogPriority):
            return name
        text = _FROM_NAME.get(name.lower(), name)
        try:
            return cls(text)
        except ValueError:
            raise ValueError(f"Invalid severity '{name}'") from None


@dataclass(frozen=True)
class LogEntry:
    """One cluster-log entry.

    ``name`` is the entity (``mon.a``, ``mgr.x``), ``rank`` its instance
    (``mon.0``, ``mgr.4129``), ``addrs`` the addrvec object of the JSON
    (``{"addrvec": [{"type": "v2", "addr": "127.0.0.1:3300", "nonce": 0}, ...]}``),
    ``stamp`` epoch seconds, ``seq`` the sender's sequence number.
    """

    name: str
    rank: str
    addrs: Mapping[str, Any]
    stamp: float
    seq: int
    channel: str
    priority: LogPriority
    message: str

    def __post_init__(self) -> None:
        # Tolerate a plain "[WRN]" / "warn" at run time; the type is still LogPriority.
        if not isinstance(self.priority, LogPriority):
            object.__setattr__(self, "priority", LogPriority.from_level(str(self.priority)))

    def key(self) -> tuple[str, int, int]:
        """What the mon de-duplicates on (``LogEntryKey``: rank, stamp, seq)."""
        return (self.rank, round(self.stamp * 1_000_000), self.seq)

    def to_json(self) -> dict[str, Any]:
        """One element of ``ceph log last -f json``."""
        return {
            "name": self.name,
            "rank": self.rank,
            "addrs": self.addrs,
            "stamp": utc_stamp(self.stamp),
            "seq": self.seq,
            "channel": self.channel,
            "priority": self.priority.value,
            "message": self.message,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LogEntry:
        """Inverse of `to_json` (``stamp`` as text) and of `to_dict` (``stamp`` as number)."""
        stamp = data["stamp"]
        return cls(
            name=str(data["name"]),
            rank=str(data["rank"]),
            addrs=dict(data.get("addrs", {"addrvec": []})),
            stamp=parse_utc_stamp(stamp) if isinstance(stamp, str) else float(stamp),
            seq=int(data["seq"]),
            channel=str(data["channel"]),
            priority=LogPriority.from_level(str(data["priority"])),
            message=str(data["message"]),
        )

    def to_dict(self) -> dict[str, Any]:
        """A persistable dict (the JSON shape with the exact float stamp)."""
        out = self.to_json()
        out["stamp"] = self.stamp
        return out

    def plain(self) -> str:
        """``<stamp> <name> (<rank>) <seq> : <channel> <prio> <message>`` (no newline)."""
        return (
            f"{utc_stamp(self.stamp)} {self.name} ({self.rank}) {self.seq} : "
            f"{self.channel} {self.priority.value} {self.message}"
        )


@dataclass
class ClusterLog:
    """The last ``keep`` entries of each channel, in arrival order."""

    keep: int = DEFAULT_KEEP
    _tails: dict[str, deque[tuple[int, LogEntry]]] = field(default_factory=dict, repr=False)
    _next: int = 0

    def append(self, entry: LogEntry) -> bool:
        """Keep ``entry``; False (and nothing kept) if it is already there (a resend)."""
        tail = self._tails.setdefault(entry.channel, deque())
        key = entry.key()
        if any(e.key() == key for _, e in tail):
            return False
        tail.append((self._next, entry))
        self._next += 1
        while len(tail) > max(self.keep, 0):
            tail.popleft()
        return True

    def extend(self, entries: Iterable[LogEntry]) -> None:
        """`append` each entry."""
        for entry in entries:
            self.append(entry)

    def channels(self) -> list[str]:
        """The channels that have entries, sorted."""
        return sorted(ch for ch, tail in self._tails.items() if tail)

    def entries(self, channel: str = "*") -> list[LogEntry]:
        """All kept entries of ``channel`` (``*``: every channel) in arrival order."""
        if channel == "*":
            merged = sorted(
                (item for tail in self._tails.values() for item in tail), key=lambda it: it[0]
            )
            return [e for _, e in merged]
        return [e for _, e in self._tails.get(channel, ())]

    def last(
        self, num: int = 20, level: str | LogPriority = "info", channel: str = "cluster"
    ) -> list[LogEntry]:
        """``ceph log last [num] [level] [channel]`` (``channel`` may be ``*``).

        Like ``LogMonitor``: walk back from the newest kept entry until
        ``num`` entries at or above ``level`` were counted, step one entry
        further, and return the matching entries from there on, oldest first.
        The extra step means up to ``num + 1`` entries (``log last 20 debug``
        prints 21 lines), and ``num <= 0`` still shows the newest if it matches.
        Raises ValueError for an unknown level.
        """
        floor = LogPriority.from_level(level).level
        tail = self.entries(channel)
        if not tail:
            return []
        i = len(tail) - 1
        while num > 0 and i >= 0:
            if tail[i].priority.level >= floor:
                num -= 1
            i -= 1
        i = max(i, 0)
        return [e for e in tail[i:] if e.priority.level >= floor]

    # --- persistence ----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the mon's store."""
        return {
            "keep": self.keep,
            "next": self._next,
            "channels": {
                ch: [[n, e.to_dict()] for n, e in tail] for ch, tail in self._tails.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClusterLog:
        """Inverse of `to_dict`."""
        out = cls(keep=int(data.get("keep", DEFAULT_KEEP)))
        out._next = int(data.get("next", 0))
        for ch, items in data.get("channels", {}).items():
            out._tails[str(ch)] = deque((int(n), LogEntry.from_json(e)) for n, e in items)
        return out
