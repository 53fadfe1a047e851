"""Loopback TCP ports for mons, which must keep their address across restarts.

A mon's port is chosen once, at `sim up`, below the kernel's ephemeral range (so
no outgoing connection can take it while the mon is down) and reserved with a
lock file for as long as the cluster's supervisor lives (the lock's file
descriptor is inherited by it), so parallel clusters never pick the same port.
Every other daemon binds an ephemeral port and publishes it.
"""

from __future__ import annotations

import fcntl
import os
import random
import socket
import tempfile
from pathlib import Path

LOCK_DIR = Path(tempfile.gettempdir()) / "ceph-mgr-sim-ports"


def _ephemeral_low() -> int:
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    return low


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def reserve_ports(count: int, rng: random.Random | None = None) -> list[tuple[int, int]]:
    """Return ``count`` (port, lock_fd) pairs. Keep the fds open (and pass them
    to the supervisor) to hold the reservation."""
    rng = rng or random.Random()
    LOCK_DIR.mkdir(parents=True, exist_ok=True)
    high = min(_ephemeral_low(), 32768) - 1
    low = 10000
    out: list[tuple[int, int]] = []
    tried: set[int] = set()
    while len(out) < count:
        if len(tried) > 2000:
            for _, fd in out:
                os.close(fd)
            raise RuntimeError("no free loopback port found for a mon")
        port = rng.randint(low, high)
        if port in tried:
            continue
        tried.add(port)
        fd = os.open(LOCK_DIR / f"{port}.lock", os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        if not _bindable(port):
            os.close(fd)
            continue
        out.append((port, fd))
    return out


def reserve_given(ports: list[int]) -> list[tuple[int, int]]:
    """Reserve these exact ports (a cluster started again keeps its mons'
    addresses); RuntimeError naming the first that is taken."""
    LOCK_DIR.mkdir(parents=True, exist_ok=True)
    out: list[tuple[int, int]] = []
    for port in ports:
        fd = os.open(LOCK_DIR / f"{port}.lock", os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            ok = _bindable(port)
        except OSError:
            ok = False
        if not ok:
            os.close(fd)
            for _, held in out:
                os.close(held)
            raise RuntimeError(f"port {port} is in use by another process")
        out.append((port, fd))
    return out
