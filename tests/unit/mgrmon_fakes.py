"""Fakes and helpers of the pure MgrMonitor tests (``test_mgr_monitor_*.py``): two fake
clocks (monotonic and wall) that the tests advance, beacons, and a mon commit simulated
the way ``mon/daemon.py`` ``commit()`` does it: ``mon.committed(mon.pending)``.
"""

from __future__ import annotations

from typing import Any

from mon.mgr_map import MgrMap
from mon.mgr_monitor import BeaconOutcome, MgrMonitor
from sim.messages import MgrBeacon
from sim.options import Options, Profile, defaults
from tests.golden import CEPH16

GOLDEN = CEPH16

# Ceph's defaults (profile "ceph"): grace 30 s, mgr tick 2 s, inactive grace 60 s,
# mkfs grace 120 s. The slow-tick threshold is grace - tick = 28 s.
GRACE = 30.0
TICK = 2.0
SLOW_TICK = GRACE - TICK

X, Y, Z = 4100, 4101, 4102  # gids


class FakeClock:
    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


class Clocks:
    """A monotonic and a wall clock that advance together (different origins, so
    mixing them up in the code under test shows)."""

    def __init__(self) -> None:
        self.mono = FakeClock(1000.0)
        self.wall = FakeClock(1_700_000_000.0)

    def advance(self, dt: float) -> None:
        self.mono.now += dt
        self.wall.now += dt


def make_mon(
    clocks: Clocks,
    *,
    created_ago: float = 10_000.0,
    mgrmap: MgrMap | None = None,
    **overrides: Any,
) -> MgrMonitor:
    values = defaults(Profile.CEPH) | overrides
    return MgrMonitor(
        Options(values),
        clocks.mono,
        clocks.wall,
        mgrmap=mgrmap,
        created=clocks.wall() - created_ago,
    )


def beacon(gid: int, name: str, available: bool = False, **kw: Any) -> MgrBeacon:
    return MgrBeacon(gid=gid, name=name, available=available, **kw)


def available_beacon(gid: int, name: str, **kw: Any) -> MgrBeacon:
    kw.setdefault("addr", "127.0.0.1:6800")
    kw.setdefault("nonce", 777)
    kw.setdefault("services", {"dashboard": "http://127.0.0.1:8080/"})
    kw.setdefault("command_descs", [{"cmd": "hello name=person,type=CephString,req=false"}])
    return MgrBeacon(gid=gid, name=name, available=True, **kw)


def commit(mon: MgrMonitor) -> None:
    """What MonDaemon.commit() does after persisting: apply pending."""
    if mon.has_pending():
        mon.committed(mon.pending)


def send(mon: MgrMonitor, b: MgrBeacon) -> BeaconOutcome:
    out = mon.prepare_beacon(b)
    commit(mon)
    return out


def tick(mon: MgrMonitor) -> list[tuple[str, str]]:
    log = mon.tick()
    commit(mon)
    return log


def cluster(clocks: Clocks, *standbys: tuple[int, str], available: bool = True) -> MgrMonitor:
    """x (gid 4100) active (available), then the given standbys, all committed."""
    mon = make_mon(clocks)
    mon.on_restart()
    send(mon, beacon(X, "x"))
    if available:
        send(mon, available_beacon(X, "x"))
    for gid, name in standbys:
        send(mon, beacon(gid, name))
    return mon


def msgs(log: list[tuple[str, str]]) -> list[str]:
    return [m for _, m in log]
