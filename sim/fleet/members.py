"""The daemons one fleet process simulates, their run states and faults.

Each OSD is ``running``, ``stopped`` (its process is gone: killed, or shut
down cleanly) or ``paused`` (hung: alive but silent). Only running OSDs
beacon, boot and count I/O. Faults are the fleet's admin command
``osd_fault`` (``python -m sim kill|stop|pause|resume|restart osd.N``).
"""

from __future__ import annotations

import enum
import os
import random
from array import array
from dataclasses import dataclass, field

from sim.maps import layout


class RunState(enum.IntEnum):
    RUNNING = 0
    STOPPED = 1
    PAUSED = 2


class FaultAction(str, enum.Enum):
    KILL = "kill"  # gone without a word: peers report it after osd_heartbeat_grace
    STOP = "stop"  # clean shutdown: it tells the mon it is going down
    START = "start"
    PAUSE = "pause"  # hung: silent, peers report it; comes back on resume
    RESUME = "resume"
    RESTART = "restart"


class FaultError(ValueError):
    """An osd_fault request that cannot be carried out."""


def fault_action(action: str) -> FaultAction:
    """The fault named ``action`` (FaultError listing the known ones)."""
    try:
        return FaultAction(action)
    except ValueError:
        raise FaultError(
            f"unknown action '{action[:32]}' (one of {', '.join(a.value for a in FaultAction)})"
        ) from None


@dataclass
class Members:
    osds: list[int]
    num_osds: int  # the cluster's, for the host layout
    mds: list[str] = field(default_factory=list)
    rgw: list[str] = field(default_factory=list)
    state: bytearray = field(init=False)
    since: array[float] = field(init=False)  # monotonic time of the last state change
    nonce: array[int] = field(init=False)  # changes with every (re)start, like a pid
    row: dict[int, int] = field(init=False)

    def __post_init__(self) -> None:
        n = len(self.osds)
        self.state = bytearray(n)
        self.since = array("d", [0.0] * n)
        base = os.getpid()
        self.nonce = array("I", [base] * n)
        self.row = {osd: i for i, osd in enumerate(self.osds)}

    def host(self, osd: int) -> str:
        return layout.host_of(osd, self.num_osds)

    def service_host(self, index: int) -> str:
        return layout.hostname(index % max(1, layout.num_hosts(self.num_osds)))

    def running(self, row: int) -> bool:
        return self.state[row] == RunState.RUNNING

    def running_osds(self) -> list[int]:
        st = self.state
        return [osd for i, osd in enumerate(self.osds) if st[i] == RunState.RUNNING]

    def silent_since(self, now: float, grace: float) -> list[int]:
        """OSDs stopped or paused for at least ``grace`` seconds (what peers would report)."""
        st, since = self.state, self.since
        return [
            osd for i, osd in enumerate(self.osds)
            if st[i] != RunState.RUNNING and now - since[i] >= grace
        ]  # fmt: skip

    def counts(self) -> dict[str, int]:
        return {s.name.lower(): self.state.count(bytes([s.value])) for s in RunState}

    def fault(self, osd: int, action: str, now: float) -> RunState:
        """Apply one fault; returns the OSD's new state."""
        act = fault_action(action)
        i = self.row.get(osd)
        if i is None:
            raise FaultError(f"osd.{osd} is not in this fleet")
        cur = RunState(self.state[i])
        if act in (FaultAction.KILL, FaultAction.STOP):
            new = RunState.STOPPED
        elif act is FaultAction.PAUSE:
            if cur is RunState.STOPPED:
                raise FaultError(f"osd.{osd} is not running")
            new = RunState.PAUSED
        elif act is FaultAction.RESUME:
            if cur is RunState.STOPPED:
                raise FaultError(f"osd.{osd} is not running")
            new = RunState.RUNNING
        else:  # start, restart: a new incarnation
            new = RunState.RUNNING
            if cur is RunState.STOPPED or act is FaultAction.RESTART:
                self.nonce[i] = random.getrandbits(31) | 1
        if new != cur or act is FaultAction.RESTART:
            self.state[i] = new
            self.since[i] = now
        return new
