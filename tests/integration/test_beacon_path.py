"""A beacon's path on the leader enters the mon daemon shell once.

One mon runs in this process (its own run directory and reserved port, a
quorum of one, so it leads at once). A mgr beacon is handed to
`MonDaemon.on_message` as the server would, and a profiler counts every
entry into ``mon/daemon.py`` from outside it until the beacon's reply is
out: the router (`mon.requests`) decides when, `mon.ops` decides what, the
commit path (`mon.commit`) commits and fans out, and none of them calls back
into the shell. The leader's tick (a timer of the shell, not part of a
beacon's path) is stopped first so that it cannot enter the shell meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

import zmq.asyncio

import mon.daemon
import mon.requests
from mon.daemon import MonDaemon
from sim.cluster import ClusterSpec, RunDir
from sim.messages import BeaconAck, Envelope, Message, MgrBeacon, MsgType
from sim.options import Profile, defaults
from sim.ports import reserve_ports

DAEMON_PY = os.path.abspath(mon.daemon.__file__)
REQUESTS_PY = os.path.abspath(mon.requests.__file__)


class EntryCounter:
    """Calls into a file from a frame outside it (coroutine resumptions included)."""

    def __init__(self, *files: str) -> None:
        self.files = files
        self.entries: dict[str, list[str]] = {f: [] for f in files}

    def __call__(self, frame: FrameType, event: str, arg: Any) -> None:
        if event != "call":
            return
        here = frame.f_code.co_filename
        if here not in self.entries:
            return
        caller = frame.f_back.f_code.co_filename if frame.f_back is not None else ""
        if caller != here:
            self.entries[here].append(frame.f_code.co_name)


async def wait_for(cond: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def beacon_entries(run: RunDir) -> tuple[dict[str, list[str]], list[Message]]:
    d = MonDaemon(str(run.path), "a")
    d.ctx = zmq.asyncio.Context()
    try:
        await d.start()
        await wait_for(d.quorum.writeable, 10.0, "the mon to lead")
        await wait_for(lambda: not d.router.pump.queue and d.router.pump.in_flight is None,
                       10.0, "the first commits")  # fmt: skip
        d._tick_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await d._tick_task
        replies: list[Message] = []
        d.router.reply = lambda ident, env, msg: replies.append(msg)
        beacon = MgrBeacon(gid=4242, name="x", available=False)
        env = Envelope(MsgType.MGR_BEACON, "mgr.x", d.spec.fsid, 1, beacon)
        counter = EntryCounter(DAEMON_PY, REQUESTS_PY)
        sys.setprofile(counter)
        try:
            d.on_message(b"mgr.x", env)
            await wait_for(lambda: bool(replies), 10.0, "the beacon's reply")
        finally:
            sys.setprofile(None)
        return counter.entries, replies
    finally:
        await d.shutdown()
        d.ctx.destroy(linger=0)


def test_a_beacon_enters_the_daemon_shell_once(tmp_path: Path) -> None:
    reserved = reserve_ports(1)
    try:
        spec = ClusterSpec.new(
            ["a"], [], [reserved[0][0]], options=defaults(Profile.FAST), created=time.time()
        )
        run = RunDir(tmp_path / "run")
        run.create(spec)
        entries, replies = asyncio.run(beacon_entries(run))
    finally:
        for _, fd in reserved:
            os.close(fd)
    assert len(replies) == 1 and isinstance(replies[0], BeaconAck)
    assert replies[0].active  # the first mgr became active: a map was committed
    assert entries[DAEMON_PY] == ["on_message"], entries[DAEMON_PY]
    # The router is entered from the shell once; the rest are the event loop
    # running its own tasks and callbacks (the request's task, the pump).
    assert entries[REQUESTS_PY].count("on_request") == 1
