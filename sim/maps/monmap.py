"""The MonMap: which mons the cluster has, their ranks and addresses, its epoch.

Pure and shared: the mon keeps it as a replicated service (`mon.monmap_service`,
Ceph's MonmapMonitor) and renders it (`mon.mon_map`); clients read the dump a
mon sends them to learn where the mons are (`sim.monc_policy.endpoints_from_dump`,
so that a client need not import this). Who may import it:
anyone (kernel layer); it imports only `sim.formatting`.

As in Ceph 16 (persistent ``nautilus`` feature), ranks are the order in which
mons were added: a new mon takes the next rank, removing one shifts the ranks
above it down by one. A mon's addresses are an address vector, each entry a
(type, ``ip:port``) pair with type ``v2`` or ``v1``; a simulated mon listens on
its ``v2`` address (there is no v1 protocol here).

The mons of the initial monmap (`sim up`) have one v2 address and print it in
brackets, ``[v2:127.0.0.1:PORT/0]`` (the simulator's long-standing rendering,
standing for Ceph's ``[v2:…,v1:…]``); a mon added by ``mon add ip:port`` prints
as Ceph prints a one-address vector, ``v2:127.0.0.1:6792/0``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, replace
from typing import Any

from sim.formatting import utc_stamp

MON_PORT_IANA = 3300  # Ceph's msgr2 mon port
MON_PORT_LEGACY = 6789  # Ceph's msgr1 mon port

FEATURES = [
    "kraken", "luminous", "mimic", "osdmap-prune", "nautilus", "octopus", "pacific",
    "elector-pinging",
]  # fmt: skip

MKFS_MONMAP = "monmap.json"  # in a mon's data folder: the map a new mon is made with

Addr = tuple[str, str]  # ("v2" | "v1", "ip:port")


class MonmapError(ValueError):
    """A monmap change refused: ``errno`` and Ceph's message."""

    def __init__(self, errno_: int, message: str) -> None:
        super().__init__(message)
        self.errno = errno_


@dataclass(frozen=True)
class MonInfo:
    name: str
    addrs: tuple[Addr, ...]
    initial: bool = False  # from the cluster spec (bracketed rendering, see above)

    @property
    def v2(self) -> str:
        """The ``ip:port`` the simulated mon listens on."""
        for t, a in self.addrs:
            if t == "v2":
                return a
        return self.addrs[0][1]

    @property
    def endpoint(self) -> str:
        return f"tcp://{self.v2}"

    def addrvec_str(self) -> str:
        """Ceph's ``entity_addrvec_t`` printing (``v2:ip:port/0`` or ``[…,…]``)."""
        parts = [f"{t}:{a}/0" for t, a in self.addrs]
        if len(parts) == 1 and not self.initial:
            return parts[0]
        return "[" + ",".join(parts) + "]"

    def legacy_addr(self) -> str:
        """``addr``/``public_addr`` of the dump: the v1 address if any, else the first."""
        for t, a in self.addrs:
            if t == "v1":
                return f"{a}/0"
        return f"{self.addrs[0][1]}/0"


@dataclass(frozen=True)
class MonMap:
    fsid: str
    epoch: int
    created: float
    modified: float
    mons: tuple[MonInfo, ...] = field(default_factory=tuple)

    @classmethod
    def initial(cls, fsid: str, created: float, mon_addrs: dict[str, str]) -> MonMap:
        """Epoch 1 from the cluster spec (mon id → ``tcp://ip:port``, in rank order)."""
        mons = tuple(
            MonInfo(name, (("v2", ep.split("://", 1)[-1]),), initial=True)
            for name, ep in mon_addrs.items()
        )
        return cls(fsid, 1, created, created, mons)

    # --- queries ---------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.mons]

    def __len__(self) -> int:
        return len(self.mons)

    def contains(self, name: str) -> bool:
        return any(m.name == name for m in self.mons)

    def get(self, name: str) -> MonInfo:
        for m in self.mons:
            if m.name == name:
                return m
        raise KeyError(name)

    def rank(self, name: str) -> int:
        return self.names.index(name)

    def endpoints(self) -> dict[str, str]:
        """mon id → ``tcp://ip:port`` in rank order (what clients and peers dial)."""
        return {m.name: m.endpoint for m in self.mons}

    def owner_of(self, addrs: tuple[Addr, ...]) -> str | None:
        """The mon that already has one of these addresses (same type and ip:port)."""
        want = set(addrs)
        for m in self.mons:
            if want & set(m.addrs):
                return m.name
        return None

    # --- changes (a new map, next epoch) ---------------------------------------------

    def with_mon(self, name: str, addrs: tuple[Addr, ...], stamp: float) -> MonMap:
        return replace(
            self, epoch=self.epoch + 1, modified=stamp, mons=(*self.mons, MonInfo(name, addrs))
        )

    def without_mon(self, name: str, stamp: float) -> MonMap:
        mons = tuple(m for m in self.mons if m.name != name)
        return replace(self, epoch=self.epoch + 1, modified=stamp, mons=mons)

    # --- forms -----------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        """``mon dump -f json`` (without ``quorum``), Ceph 16.2's keys."""
        mons = [
            {
                "rank": rank,
                "name": m.name,
                "public_addrs": {
                    "addrvec": [{"type": t, "addr": a, "nonce": 0} for t, a in m.addrs]
                },
                "addr": m.legacy_addr(),
                "public_addr": m.legacy_addr(),
                "priority": 0,
                "weight": 0,
                "crush_location": "{}",
            }
            for rank, m in enumerate(self.mons)
        ]
        return {
            "epoch": self.epoch,
            "fsid": self.fsid,
            "modified": utc_stamp(self.modified).replace("+0000", "Z"),
            "created": utc_stamp(self.created).replace("+0000", "Z"),
            "min_mon_release": 16,
            "min_mon_release_name": "pacific",
            "election_strategy": 1,
            "disallowed_leaders: ": "",
            "stretch_mode": False,
            "tiebreaker_mon": "",
            "removed_ranks: ": "",
            "features": {"persistent": list(FEATURES), "optional": []},
            "mons": mons,
        }

    def plain(self) -> str:
        """``mon dump`` as text."""
        d = self.dump()
        lines = [
            f"epoch {d['epoch']}",
            f"fsid {d['fsid']}",
            f"last_changed {d['modified'].replace('Z', '+0000')}",
            f"created {d['created'].replace('Z', '+0000')}",
            f"min_mon_release {d['min_mon_release']} ({d['min_mon_release_name']})",
            f"election_strategy: {d['election_strategy']}",
        ]
        lines += [f"{r}: {m.addrvec_str()} mon.{m.name}" for r, m in enumerate(self.mons)]
        return "\n".join(lines) + "\n"

    def to_store(self) -> dict[str, Any]:
        return {
            "fsid": self.fsid,
            "epoch": self.epoch,
            "created": self.created,
            "modified": self.modified,
            "mons": [[m.name, [list(a) for a in m.addrs], m.initial] for m in self.mons],
        }

    @classmethod
    def from_store(cls, d: dict[str, Any]) -> MonMap:
        mons = tuple(
            MonInfo(str(n), tuple((str(t), str(a)) for t, a in addrs), bool(init))
            for n, addrs, init in d["mons"]
        )
        return cls(str(d["fsid"]), int(d["epoch"]), float(d["created"]), float(d["modified"]), mons)


def parse_mon_addr(s: str) -> tuple[Addr, ...]:
    """``mon add``'s address (Ceph's MonmapMonitor, nautilus features): an
    ``ip[:port]`` (a ``v1:``/``v2:``/``any:`` prefix and a ``/nonce`` are
    ignored). Port 3300 or any other given port: that v2 address only. No port
    (or 0), or Ceph's legacy 6789: the defaults, ``[v2:ip:3300,v1:ip:6789]``.
    MonmapError(EINVAL) when it does not parse."""
    raw = s
    for pfx in ("v1:", "v2:", "any:"):
        if s.startswith(pfx):
            s = s[len(pfx) :]
            break
    s = s.split("/", 1)[0]
    host, port_s = s, ""
    if s.startswith("["):
        end = s.find("]")
        host, rest = (s[1:end], s[end + 1 :]) if end > 0 else ("", "")
        port_s = rest[1:] if rest.startswith(":") else ""
    elif s.count(":") == 1:
        host, port_s = s.split(":")
    try:
        ip = ipaddress.ip_address(host)
        port = int(port_s) if port_s else 0
        if not 0 <= port <= 65535:
            raise ValueError(port)
    except ValueError:
        raise MonmapError(22, f"addr {raw}does not parse") from None  # sic, Ceph's message
    h = f"[{ip}]" if ip.version == 6 else str(ip)
    if port == MON_PORT_LEGACY:
        port = 0
    if port:
        return (("v2", f"{h}:{port}"),)
    return (("v2", f"{h}:{MON_PORT_IANA}"), ("v1", f"{h}:{MON_PORT_LEGACY}"))


def addrvec_str(addrs: tuple[Addr, ...]) -> str:
    """Ceph's printing of an address vector given to ``mon add`` (no brackets for one)."""
    return MonInfo("", addrs).addrvec_str()
