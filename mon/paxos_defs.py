"""Paxos's vocabulary: roles, phases, messages, the storage it needs, its
timing and the actions it asks the shell to carry out (see `mon.paxos` for the
theory of operation). Plain data; no behaviour."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Protocol

Value = list[Any]  # a store transaction in wire form; opaque here


class Role(str, enum.Enum):
    NONE = "none"  # not in a quorum: nothing is served
    LEADER = "leader"
    PEON = "peon"


class Phase(str, enum.Enum):
    RECOVERING = "recovering"  # leader: collecting; peon: no lease yet
    ACTIVE = "active"
    UPDATING = "updating"  # a value is accepted and not yet committed


class PaxosOp(str, enum.Enum):
    COLLECT = "collect"
    LAST = "last"
    SHARE = "share"
    BEGIN = "begin"
    ACCEPT = "accept"
    COMMIT = "commit"
    LEASE = "lease"
    LEASE_ACK = "lease_ack"


@dataclass(frozen=True)
class Uncommitted:
    version: int
    pn: int
    value: Value


@dataclass(frozen=True)
class Snapshot:
    """A whole replicated store at ``last_committed`` (rows are opaque here)."""

    last_committed: int
    first_committed: int
    rows: list[Any]


@dataclass(frozen=True)
class PaxosMsg:
    op: PaxosOp
    epoch: int
    pn: int = 0
    version: int = 0
    first_committed: int = 0
    last_committed: int = 0
    values: tuple[tuple[int, Value], ...] = ()
    uncommitted: Uncommitted | None = None
    snapshot: Snapshot | None = None
    lease_until: float = 0.0
    round: int = 0


class Storage(Protocol):
    """What Paxos keeps durable (the shell's implementation is SQLite)."""

    def last_committed(self) -> int: ...
    def first_committed(self) -> int: ...
    def accepted_pn(self) -> int: ...
    def uncommitted(self) -> Uncommitted | None: ...
    def promise(self, pn: int) -> None: ...
    def accept(self, version: int, pn: int, value: Value) -> None: ...
    def commit(self, version: int, value: Value) -> None: ...
    def values(self, first: int, last: int) -> list[tuple[int, Value]]: ...
    def snapshot(self) -> Snapshot: ...
    def install(self, snap: Snapshot) -> None: ...


@dataclass(frozen=True)
class Timing:
    lease: float  # mon_lease
    renew: float  # mon_lease * mon_lease_renew_interval_factor
    ack_timeout: float  # mon_lease * mon_lease_ack_timeout_factor
    accept_timeout: float  # mon_lease * mon_accept_timeout_factor

    @property
    def old_lease_wait(self) -> float:
        return self.lease + self.renew


# --- actions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Send:
    to: int
    msg: PaxosMsg


@dataclass(frozen=True)
class Committed:
    """``value`` is now version ``version`` in the store; ``token`` is the
    proposer's if this leader proposed it in this term, else None."""

    version: int
    value: Value
    token: object | None


@dataclass(frozen=True)
class Installed:
    """A snapshot replaced the replicated store: reload everything."""

    last_committed: int


@dataclass(frozen=True)
class CallElection:
    reason: str


@dataclass(frozen=True)
class Readable:
    """Reads may now be served (a peon's first lease, a leader's recovery)."""


@dataclass(frozen=True)
class Writeable:
    """The leader may propose new values."""


Action = Send | Committed | Installed | CallElection | Readable | Writeable
