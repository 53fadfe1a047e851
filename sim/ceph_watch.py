"""``ceph -w`` and its flags: the cluster log live, as Ceph 16.2's CLI prints it.

What Ceph's CLI does (``ceph.in``, checked against real 16.2 in
``tests/data/ceph16/watch_*``):

- ``-w``/``--watch`` watches level info of channel ``cluster``;
  ``-W``/``--watch-channel CH`` implies ``-w`` and picks the channel
  (``*``: every channel); ``--watch-debug|info|sec|warn|error`` set the level.
  With several level flags the last in alphabetical order wins (``ceph.in``
  walks argparse's sorted attributes). A level flag without ``-w``/``-W``
  leaves the channel unset: only the status is printed (a 16.2 quirk, kept).
- It prints ``ceph status`` (plain, ``-f`` is ignored), one empty line, then
  one line per new entry, ``<stamp> <name> [<LVL>] <message>``.
- It runs until SIGINT (exit 0); here SIGTERM ends it the same way.

The entries come from the mon's ``log-<level>`` subscription (`mon.subscriptions`):
the mon filters by level, pushes committed entries with their sequence
numbers, and after a hunt to another mon the session resubscribes from the
last number seen (`sim.monc`), so the stream goes on without a gap; numbers
already printed are skipped (`LogFollower`), so there is no duplicate.

Who may import it: `sim.ceph_cli` (and tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from sim.client import AsyncCluster

LEVELS = ("debug", "info", "sec", "warn", "error")  # Ceph's log levels, low to high
DEFAULT_CHANNEL = "cluster"


@dataclass(frozen=True)
class WatchSpec:
    """What to watch: ``level`` (None: no watch) and ``channel`` (None: print nothing)."""

    level: str | None
    channel: str | None

    @property
    def subscription(self) -> str:
        return f"log-{self.level}"


def watch_spec(watch: bool, levels: Iterable[str], channel: str | None) -> WatchSpec:
    """The level and channel ``ceph.in`` derives from ``-w``, ``--watch-<level>``
    and ``--watch-channel``."""
    if channel:
        watch = True
    elif watch:
        channel = DEFAULT_CHANNEL
    chosen = sorted(set(levels))
    for name in chosen:
        if name not in LEVELS:
            raise ValueError(f"unknown watch level {name!r}")
    level = chosen[-1] if chosen else ("info" if watch else None)
    return WatchSpec(level, channel)


def watch_line(entry: Mapping[str, Any]) -> str:
    """One entry as ``ceph -w`` prints it (librados' log line: no rank, seq or channel)."""
    return f"{entry['stamp']} {entry['name']} {entry['priority']} {entry['message']}"


class LogFollower:
    """Turns the pushes of a ``log-<level>`` subscription into lines, each entry
    once: an entry whose sequence number is not above the newest seen is a
    resend (after a resubscription) and is skipped. The first push's version
    is where the watch starts (entries before it are not shown)."""

    def __init__(self, channel: str | None) -> None:
        self.channel = channel
        self.cursor: int | None = None  # newest sequence number seen
        self.skipped = 0  # resent entries dropped

    def take(self, epoch: int, body: Mapping[str, Any]) -> list[str]:
        lines = []
        for entry in body.get("entries", ()):
            try:
                seq = int(entry["seq"])
            except (KeyError, TypeError, ValueError):
                continue
            if self.cursor is not None and seq <= self.cursor:
                self.skipped += 1
                continue
            self.cursor = seq
            if self.channel is not None and self.channel in (entry.get("channel"), "*"):
                lines.append(watch_line(entry))
        self.cursor = max(self.cursor or 0, int(epoch))
        return lines


async def run_watch(
    cluster: AsyncCluster, spec: WatchSpec, timeout: float, out: TextIO, err: TextIO,
    stop: asyncio.Event | None = None,
) -> int:  # fmt: skip
    """Print the status, then the log until SIGINT or SIGTERM (or until ``stop``
    is set, when given: then no signal handler is installed); the exit status."""
    if stop is not None:
        return await _watch(cluster, spec, timeout, out, err, stop)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    try:
        return await _watch(cluster, spec, timeout, out, err, stop)
    finally:
        for sig in signals:
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(sig)


async def _watch(
    cluster: AsyncCluster, spec: WatchSpec, timeout: float, out: TextIO, err: TextIO,
    stop: asyncio.Event,
) -> int:  # fmt: skip
    status = asyncio.ensure_future(cluster.mon_command({"prefix": "status"}, timeout=timeout))
    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait({status, stopped}, return_when=asyncio.FIRST_COMPLETED)
    if not status.done():  # interrupted while asking for the status
        status.cancel()
        with contextlib.suppress(BaseException):
            await status
        return 0
    reply = status.result()  # MonUnavailable goes up to the CLI's handler
    if reply.retval:
        stopped.cancel()
        print("status query failed: ", reply.outs, file=err)
        return -reply.retval if reply.retval < 0 else reply.retval
    follower = LogFollower(spec.channel)

    def write(text: str) -> None:
        try:
            out.write(text)
            out.flush()
        except (BrokenPipeError, ValueError):  # the reader went away: end quietly
            stop.set()

    def on_log(epoch: int, body: dict[str, Any]) -> None:
        lines = follower.take(epoch, body)
        if lines:
            write("".join(line + "\n" for line in lines))

    write(reply.outbuf.decode(errors="replace") + "\n")
    cluster.follow(spec.subscription, on_log, 0)
    await stopped
    return 0
