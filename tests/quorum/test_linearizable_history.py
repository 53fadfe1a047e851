"""Jepsen-style: clients write and read config-key registers while a nemesis
kills, pauses and partitions (whole or partial) random minorities of the
mons; the history is then checked (`tests.quorum.history`): no stale, future
or non-monotonic read, and every acknowledged write survives.

Each run is seeded (``SIM_HISTORY_SEED``) and bounded (``SIM_HISTORY_SECONDS``
of faults per mon count). The report — operations, faults, anomalies — is
printed (``pytest -s``) and attached to the test as properties.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.client import Cluster
from sim.monc import MonUnavailable
from sim.testing import TestCluster, wait_until
from tests.quorum.history import History, Op, check_registers, check_write_once

pytestmark = pytest.mark.integration

SEED = int(os.environ.get("SIM_HISTORY_SEED", "20261122"))
SECONDS = float(os.environ.get("SIM_HISTORY_SECONDS", "20"))
WRITERS, READERS = 3, 3
CLIENT_TIMEOUT = 5.0  # s per operation (longer than any of the mons' own timeouts)
THINK = (0.002, 0.015)  # s between a client's operations


class Nemesis(threading.Thread):
    """One fault at a time on a random minority, held for a while, then undone."""

    def __init__(self, c: TestCluster, mons: list[str], rng: random.Random, h: History) -> None:
        super().__init__(name="nemesis", daemon=True)
        self.c, self.mons, self.rng, self.h = c, mons, rng, h
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.wait(self.rng.uniform(0.5, 1.5)):
                self.once()
        except BaseException as exc:  # reported by the test
            self.error = exc

    def once(self) -> None:
        """Faults on a random minority: all of one kind, or (with room for more than
        one victim) a mix — e.g. one mon cut off while another restarts, which makes
        the majority re-elect at once while the cut-off one may still hold a lease.
        ``partition`` cuts a victim off from every other mon, ``partial`` from some
        of the others only (it can still reach the rest)."""
        rng, c = self.rng, self.c
        victims = rng.sample(self.mons, rng.randint(1, (len(self.mons) - 1) // 2))
        kinds = ["kill", "pause", "partition", "partial"]
        if len(victims) > 1 and rng.random() < 0.5:
            plan = {v: rng.choice(kinds) for v in victims}
        else:
            kind = rng.choice(kinds)
            plan = {v: kind for v in victims}
        for kind in plan.values():
            self.h.fault(kind)
        cut = [v for v, k in plan.items() if k in ("partition", "partial")]
        for v in cut:
            others = [m for m in self.mons if m not in cut]
            if plan[v] == "partial":
                others = rng.sample(others, rng.randint(1, len(others) - 1))
            c.admin(f"mon.{v}", {"prefix": "partition", "peers": [f"mon.{o}" for o in others]})
            for o in others:
                c.admin(f"mon.{o}", {"prefix": "partition", "peers": [f"mon.{v}"]})
        for v, kind in plan.items():
            if kind in ("kill", "pause"):
                c.supervisor({"prefix": kind, "daemon": f"mon.{v}"})
        self.stop.wait(rng.uniform(0.3, 2.5))
        for v, kind in plan.items():
            if kind == "kill":
                c.supervisor({"prefix": "restart", "daemon": f"mon.{v}"})
            elif kind == "pause":
                c.supervisor({"prefix": "resume", "daemon": f"mon.{v}"})
        if cut:
            for m in self.mons:
                c.admin(f"mon.{m}", {"prefix": "heal"})


def client_loop(
    path: Path,
    name: str,
    body: Callable[[Cluster, random.Random], None],
    seed: int,
    stop: threading.Event,
    errors: list[BaseException],
) -> None:
    rng = random.Random(seed)
    try:
        # its own key (made by `own_keyring`), not the harness's service secret
        with Cluster(path, name=f"client.{name}", keyring=path / f"client.{name}.keyring") as cl:
            while not stop.is_set():
                body(cl, rng)
                time.sleep(rng.uniform(*THINK))
    except BaseException as exc:
        errors.append(exc)


def own_keyring(c: TestCluster, name: str) -> None:
    """``auth get-or-create client.NAME mon 'allow rw'`` (a per-entity key, cephx-like),
    written where `client_loop` reads it."""
    cmd = {"prefix": "auth get-or-create", "entity": f"client.{name}", "caps": ["mon", "allow rw"]}
    rc, out, err = c.mon_command(cmd)
    assert rc == 0, err
    (c.run.path / f"client.{name}.keyring").write_bytes(out)


def kv(cl: Cluster, cmd: dict[str, str]) -> tuple[str, int, bytes]:
    """(outcome, rc, out) of one config-key command."""
    try:
        rc, out, _ = cl.mon_command(cmd, timeout=CLIENT_TIMEOUT)
    except (MonUnavailable, TimeoutError):
        return "info", 0, b""
    return ("ok" if rc in (0, -2) else "info"), rc, out


@pytest.mark.parametrize("mons", [3, 5])
def test_history_under_kills_pauses_and_partitions(
    cluster_factory: Callable[..., TestCluster], mons: int, record_property: Callable[..., None]
) -> None:
    c = cluster_factory(mons=mons, mgrs=1)
    names = list(c.core.spec.mons)
    path = c.run.path
    h = History()
    once_acked: dict[str, str] = {}
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer(i: int) -> Callable[[Cluster, random.Random], None]:
        state = {"v": 0}

        def body(cl: Cluster, rng: random.Random) -> None:
            state["v"] += 1
            v = state["v"]
            op = Op(f"w{i}", "write", f"reg/{i}", v, time.monotonic())
            op.outcome, _, _ = kv(cl, {"prefix": "config-key set", "key": op.key, "val": str(v)})
            op.complete = time.monotonic()
            h.add(op)
            if v % 5 == 0:
                key = f"once/{i}/{v}"
                outcome, _, _ = kv(cl, {"prefix": "config-key set", "key": key, "val": str(v)})
                if outcome == "ok":
                    once_acked[key] = str(v)

        return body

    def reader(i: int) -> Callable[[Cluster, random.Random], None]:
        def body(cl: Cluster, rng: random.Random) -> None:
            key = f"reg/{rng.randrange(WRITERS)}"
            op = Op(f"r{i}", "read", key, 0, time.monotonic())
            outcome, rc, out = kv(cl, {"prefix": "config-key get", "key": key})
            op.complete = time.monotonic()
            op.outcome = outcome
            op.value = int(out) if outcome == "ok" and rc == 0 else 0
            h.add(op)

        return body

    rng = random.Random(SEED + mons)
    bodies = [(f"w{i}", writer(i)) for i in range(WRITERS)]
    bodies += [(f"r{i}", reader(i)) for i in range(READERS)]
    for n, _ in bodies:
        own_keyring(c, n)
    entities = {e["entity"] for e in c.json("auth ls")["auth_dump"]}
    assert {f"client.{n}" for n, _ in bodies} <= entities
    threads = [
        threading.Thread(
            target=client_loop, args=(path, n, b, rng.randrange(1 << 30), stop, errors), daemon=True
        )
        for n, b in bodies
    ]
    for t in threads:
        t.start()
    nemesis = Nemesis(c, names, random.Random(rng.randrange(1 << 30)), h)
    t0 = time.monotonic()
    nemesis.start()
    time.sleep(SECONDS)
    nemesis.stop.set()
    nemesis.join(30)
    # every fault is undone; the whole quorum must come back by itself
    wait_until(
        lambda: all(
            c.admin(f"mon.{m}", "mon_status")["state"] in ("leader", "peon")
            and len(c.admin(f"mon.{m}", "mon_status")["quorum"]) == mons
            for m in names
        ),
        20,
        "the full quorum after the nemesis",
    )
    time.sleep(0.5)  # a few operations with everyone healthy
    stop.set()
    for t in threads:
        t.join(CLIENT_TIMEOUT + 10)
    elapsed = time.monotonic() - t0

    final: dict[str, int] = {}
    for i in range(WRITERS):
        rc, out, _ = c.mon_command({"prefix": "config-key get", "key": f"reg/{i}"})
        final[f"reg/{i}"] = int(out) if rc == 0 else 0
    once_final: dict[str, str | None] = {}
    for key in once_acked:
        rc, out, _ = c.mon_command({"prefix": "config-key get", "key": key})
        once_final[key] = out.decode() if rc == 0 else None

    anomalies = check_registers(h.ops, final) + check_write_once(once_acked, once_final)
    report = {
        "mons": mons,
        "seed": SEED + mons,
        "seconds": round(elapsed, 1),
        "operations": h.counts(),
        "write_once_acked": len(once_acked),
        "faults": dict(h.faults),
        "anomalies": len(anomalies),
    }
    print(f"\nhistory {report}")
    for k, v in report.items():
        record_property(k, v)
    assert nemesis.error is None, nemesis.error
    assert not errors, errors
    assert not anomalies, "\n".join(anomalies[:20])
    counts = h.counts()
    assert counts.get("write:ok", 0) > 50 and counts.get("read:ok", 0) > 50, counts
    assert sum(h.faults.values()) >= 3, h.faults
