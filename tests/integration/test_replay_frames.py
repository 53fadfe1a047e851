"""Replayed, duplicated, reordered and misdirected frames at real mons (issue
14: "a signed frame replayed later is accepted (it reverted a key)").

The test's own client sets a config key twice; its transport's sends are
captured on the way out (the signed frames, as a sniffer on loopback would
see them). The captured frames are then sent again from plain DEALER sockets:
replayed later, duplicated, in the wrong order, to the other mons, and to
the same mon after it restarted. None may be taken: the key keeps its last
value, no captured request is answered twice, no mon dies, and the mons'
counters (status ``dropped``, ``perf dump`` ``replay_guard``) count exactly
those frames. Everything else the cluster said meanwhile (quorum traffic,
the mgr, the OSD fleet, this client hunting after the restart) was taken:
no daemon counted any other replay drop.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import zmq

from sim import transport, wire
from sim.messages import Admin, Command, Envelope, MsgType
from sim.replay import MISDIRECTED, REPLAYED, STALE, Sequencer
from sim.testing import TestCluster, wait_until

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
GUARD = (REPLAYED, MISDIRECTED, STALE)
KEY = "replay/key"


def guard_drops(c: TestCluster, who: str) -> dict[str, int]:
    st = c.admin(who, "status", timeout=5.0)
    return {r: st["dropped"].get(r, 0) for r in GUARD}


def perf_guard(c: TestCluster, who: str) -> dict[str, int]:
    """``ceph daemon WHO perf dump replay_guard``, through the CLI."""
    env = dict(os.environ, SIM_DIR=str(c.run.path))
    r = subprocess.run(
        [sys.executable, "-m", "sim", "ceph", "daemon", who, "perf", "dump", "replay_guard"],
        capture_output=True, text=True, timeout=60, env=env, cwd=REPO,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["replay_guard"]


def kv_get(c: TestCluster) -> str:
    rc, out, err = c.mon_command({"prefix": "config-key get", "key": KEY}, timeout=15.0)
    assert rc == 0, err
    return out.decode()


class Sniffer:
    """What this process's transport sends, as signed frames."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: list[list[bytes]] = []
        real = transport._send_now

        def send_now(sock: Any, frames: list[bytes]) -> bool:
            self.sent.append(list(frames))
            return real(sock, frames)

        monkeypatch.setattr(transport, "_send_now", send_now)

    def config_key_set(self, c: TestCluster, val: str) -> tuple[list[bytes], Envelope]:
        """The frames of the ``config-key set`` of ``val`` this client sent."""
        signer = c.core.me.signer  # the client's own key (cephx), which signed them
        for frames in reversed(self.sent):
            if len(frames) != 3:
                continue  # a server's reply (routing id first): not ours to capture
            env = wire.decode(frames, signer, c.core.spec.fsid)
            msg = env.msg
            is_set = isinstance(msg, Command) and msg.cmd.get("prefix") == "config-key set"
            if is_set and isinstance(msg, Command) and msg.cmd.get("val") == val:
                return frames, env
        raise AssertionError(f"no config-key set {val} was sent")


class Raw:
    """Plain DEALER sockets to the mons; a barrier request of our own (signed
    with the cluster secret, numbered by our own incarnation) tells when a
    mon has read everything sent before on that socket."""

    def __init__(self, c: TestCluster, ctx: zmq.Context[zmq.Socket[bytes]]) -> None:
        self.c, self.ctx = c, ctx
        self.signer = wire.Signer(c.run.secret())
        self.seqs = Sequencer()
        self.socks: dict[str, zmq.Socket[bytes]] = {}
        self.replies: list[Envelope] = []

    def sock(self, mon: str) -> zmq.Socket[bytes]:
        s = self.socks.get(mon)
        if s is None:
            s = self.socks[mon] = self.ctx.socket(zmq.DEALER)
            s.setsockopt(zmq.LINGER, 0)
            s.connect(self.c.run.addresses()[mon])
        return s

    def close(self) -> None:
        for s in self.socks.values():
            s.close(linger=0)
        self.socks.clear()

    def send(self, mon: str, frames: list[bytes]) -> None:
        self.sock(mon).send_multipart(frames, copy=True)

    def barrier(self, mon: str) -> None:
        tid = 10**9 + len(self.replies) + int(time.time() * 1000) % 10**6
        env = Envelope(MsgType.ADMIN, "client.replay", self.c.core.spec.fsid, tid,
                       Admin(cmd={"prefix": "status"}))  # fmt: skip
        self.send(mon, wire.encode(env, self.signer, self.seqs.route(mon, 0, time.time())))
        s = self.sock(mon)

        def answered() -> bool:
            while s.poll(50):
                got = wire.decode(s.recv_multipart(), self.signer, self.c.core.spec.fsid)
                self.replies.append(got)
                if got.tid == tid:
                    return True
            return False

        try:
            wait_until(answered, 15, f"{mon} to answer our barrier")
        except AssertionError as exc:
            st = self.c.admin(mon, "status", timeout=5.0)
            raise AssertionError(f"{exc}; {mon} dropped {st['dropped']}") from None


def test_captured_frames_are_never_taken_again(
    cluster_factory: Callable[..., TestCluster], monkeypatch: pytest.MonkeyPatch
) -> None:
    c = cluster_factory(mons=3, mgrs=1, osds=2)
    mons = [f"mon.{m}" for m in c.core.spec.mons]
    wait_until(lambda: c.json("osd stat")["num_up_osds"] == 2, 60, "2 OSDs up")
    sniff = Sniffer(monkeypatch)
    for val in ("v1", "v2"):
        rc, _, err = c.mon_command({"prefix": "config-key set", "key": KEY, "val": val})
        assert rc == 0, err
    f1, e1 = sniff.config_key_set(c, "v1")
    f2, e2 = sniff.config_key_set(c, "v2")
    assert e1.route and e2.route and kv_get(c) == "v2"
    target = e1.route.dest  # the mon the client talked to
    assert target in mons and e2.route.dest == target, (e1.route, e2.route)
    others = [m for m in mons if m != target]
    sup = c.supervisor("status")
    pids = {n: d["pid"] for n, d in sup["daemons"].items()}
    before = {m: guard_drops(c, m) for m in mons}
    assert all(v == dict.fromkeys(GUARD, 0) for v in before.values()), before

    with zmq.Context() as ctx:
        raw = Raw(c, ctx)
        try:
            raw.send(target, f1)  # replayed later: would revert the key to v1
            raw.send(target, f2)  # duplicated
            raw.send(target, f2)
            raw.send(target, f2)  # reordered: the newer frame first
            raw.send(target, f1)
            raw.barrier(target)
            for m in others:  # sent to another mon
                raw.send(m, f1)
                raw.barrier(m)
            assert kv_get(c) == "v2"
            after = {m: guard_drops(c, m) for m in mons}
            assert after[target] == {REPLAYED: 5, MISDIRECTED: 0, STALE: 0}, after
            for m in others:
                assert after[m] == {REPLAYED: 0, MISDIRECTED: 1, STALE: 0}, after
            assert perf_guard(c, target) | {"windows": 0} == {
                REPLAYED: 5, MISDIRECTED: 0, STALE: 0, "windows": 0
            }  # fmt: skip

            # The mon restarts: it remembers no window, and refuses what was sent before.
            c.supervisor({"prefix": "restart", "daemon": target}, timeout=30.0)
            wait_until(lambda: kv_get(c) == "v2", 30, "the key readable after the restart")
            # (a frame queued for it before it started would be refused too: stale)
            wait_until(
                lambda: c.admin(target, "status", timeout=5.0)["pid"] != pids[target],
                30,
                f"{target} serving again",
            )
            raw.socks.pop(target).close()  # the restarted mon has a new address
            raw.send(target, f1)
            raw.send(target, f2)
            raw.barrier(target)
            assert kv_get(c) == "v2"
            assert guard_drops(c, target) == {REPLAYED: 0, MISDIRECTED: 0, STALE: 2}
            asked = {e1.tid, e2.tid}
            answered = [e for e in raw.replies if e.tid in asked]
            assert not answered, f"a replayed config-key set was answered: {answered}"

        finally:
            raw.close()

    # 0 deaths; nothing legitimate refused anywhere: only our frames were counted.
    sup = c.supervisor("status")
    for n, d in sup["daemons"].items():
        assert d["state"] == "running", (n, d)
        assert d["starts"] == (2 if n == target else 1), (n, d)
        assert n == target or d["pid"] == pids[n], (n, d, pids[n])
    final = {m: guard_drops(c, m) for m in mons}
    assert final == after | {target: {REPLAYED: 0, MISDIRECTED: 0, STALE: 2}}, final
    for who in [f"mgr.{m}" for m in c.core.spec.mgrs] + ["fleet.0"]:
        assert guard_drops(c, who) == dict.fromkeys(GUARD, 0), who
    assert not any(v for r, v in sup["dropped"].items() if r in GUARD), sup["dropped"]
    log = c.run.log_file(target).read_text(errors="replace")
    assert f"dropped command from client.admin[{e1.route.describe()}]: stale" in log
