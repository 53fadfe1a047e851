"""A Jepsen-style check over RADOS: writers and readers on a set of objects while a
nemesis kills, pauses, resumes and restarts OSDs; afterwards the history must show no
acknowledged write lost and no read older than the last write acknowledged before it
started.

Each object has one writer, which writes increasing sequence numbers, so "newer"
is a number: a read that starts after seq N was acknowledged must return >= N, and
can never return more than the writer had attempted by the time the read ended. A
write that timed out (``rados_osd_op_timeout``) has an unknown outcome: it may or
may not be there later, both are allowed.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim import rados
from sim.maps.pgmap import object_pg
from sim.testing import TestCluster, wait_until
from tests.fleet.helpers import fleet_cluster, osd_up

pytestmark = pytest.mark.integration

WRITERS, KEYS_EACH, READERS = 2, 3, 2
DURATION = 8.0
OSDS = 12  # 3 hosts of 4: pools of size 3, min_size 2


@pytest.fixture
def c(tmp_path: Path) -> Iterator[TestCluster]:
    with fleet_cluster(tmp_path / "c", osds=OSDS, mgrs=1) as cl:
        yield cl


class History:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acked: dict[str, int] = {}
        self.attempted: dict[str, int] = {}
        self.anomalies: list[str] = []
        self.reads = self.writes = self.timeouts = 0


def writer(io: rados.Ioctx, keys: list[str], h: History, stop: threading.Event) -> None:
    seq = 0
    while not stop.is_set():
        seq += 1
        for k in keys:
            with h.lock:
                h.attempted[k] = seq
            try:
                io.write_full(k, str(seq).encode())
            except rados.TimedOut:
                with h.lock:
                    h.timeouts += 1
                continue
            with h.lock:
                h.acked[k] = seq
                h.writes += 1


def check_read(io: rados.Ioctx, k: str, h: History) -> None:
    with h.lock:
        lo = h.acked.get(k, 0)
    try:
        got = int(io.read(k))
    except rados.ObjectNotFound:
        got = 0
    except rados.TimedOut:
        return
    with h.lock:
        hi = h.attempted.get(k, 0)
        h.reads += 1
        if not lo <= got <= hi:
            h.anomalies.append(f"read {k}={got}, acknowledged {lo}, attempted {hi}")


def reader(io: rados.Ioctx, keys: list[str], h: History, stop: threading.Event) -> None:
    rng = random.Random(id(h))
    while not stop.is_set():
        check_read(io, rng.choice(keys), h)


def nemesis(c: TestCluster, targets: list[int], stop: threading.Event, log: list[str]) -> None:
    """One OSD at a time (of those holding the objects): killed, stopped or paused, then back."""
    rng = random.Random(7)
    faulted: str | None = None
    while not stop.wait(0.7):
        if faulted is None:
            osd = f"osd.{rng.choice(targets)}"
            action = rng.choice(["kill", "pause", "stop"])
            c.supervisor({"prefix": action, "daemon": osd})
            faulted = osd if action != "pause" else f"{osd}/paused"
        else:
            osd, _, paused = faulted.partition("/")
            c.supervisor({"prefix": "resume" if paused else "restart", "daemon": osd})
            faulted = None
        log.append(f"{time.monotonic():.2f} {faulted or 'healed'}")
    if faulted is not None:
        osd, _, paused = faulted.partition("/")
        c.supervisor({"prefix": "resume" if paused else "restart", "daemon": osd})


def test_no_acknowledged_write_lost_and_no_stale_read(c: TestCluster) -> None:
    keys = [[f"w{w}-k{i}" for i in range(KEYS_EACH)] for w in range(WRITERS)]
    every = [k for ks in keys for k in ks]
    h = History()
    stop = threading.Event()
    faults: list[str] = []
    r = rados.Rados(conffile=str(c.run.path), conf={"rados_osd_op_timeout": "4"})
    r.connect()
    try:
        io = r.open_ioctx("rbd")
        m = r.objecter.osdmap
        targets = sorted({o for k in every for o in object_pg(m, io.pool_id, k)[1]})
        threads = [threading.Thread(target=writer, args=(io, ks, h, stop)) for ks in keys]
        threads += [threading.Thread(target=reader, args=(io, every, h, stop))
                    for _ in range(READERS)]  # fmt: skip
        threads.append(threading.Thread(target=nemesis, args=(c, targets, stop, faults)))
        for t in threads:
            t.start()
        stop.wait(DURATION)  # the length of the run (nothing sets it early)
        stop.set()
        for t in threads:
            t.join(30)
            assert not t.is_alive()
        wait_until(lambda: all(osd_up(c, o) for o in range(OSDS)), 30, "every OSD up again")
        for k in every:  # the final reads, on a healed cluster
            check_read(io, k, h)
    finally:
        r.shutdown()
    assert not h.anomalies, h.anomalies[:10]
    assert h.writes > 20 and h.reads > 20, (h.writes, h.reads, faults)
    assert len(faults) >= 4
    print(f"writes {h.writes} reads {h.reads} timeouts {h.timeouts} faults {len(faults)}")
