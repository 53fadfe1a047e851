"""`sim ceph` keeps its word: one ``--timeout`` for the whole call (the error
names the daemon that did not answer), a message over the size limit is an
EFBIG error at once (never a hang, never blamed on the quorum), and a module
command that kills its mgr is re-sent to the next active once, not to every
mgr in turn. Real processes, through the real CLI."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sim import codec
from sim.testing import TestCluster, wait_until

from .helpers import active_name

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
TESTMODS = Path(__file__).resolve().parent / "testmods"


def ceph(c: TestCluster, *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", "ceph", "--dir", str(c.run.path), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )


def test_timeout_holds_after_a_kill_of_the_active(
    module_cluster: Callable[..., TestCluster],
) -> None:
    # A long grace: the MgrMap keeps naming the dead mgr far beyond --timeout.
    c = module_cluster("hello", mgrs=2, options={"mon_mgr_beacon_grace": 60.0})
    active = active_name(c)
    assert active
    c.supervisor({"prefix": "kill", "daemon": f"mgr.{active}"})
    start = time.monotonic()
    r = ceph(c, "--timeout", "2", "hello")
    took = time.monotonic() - start
    assert r.returncode == 110, (r.returncode, r.stderr)
    assert r.stderr == f"error: mgr.{active} did not answer (timeout 2s)\n"
    assert took < 15, f"--timeout 2 took {took:.1f}s"


def test_a_reply_over_the_limit_is_efbig_not_a_hang(
    module_cluster: Callable[..., TestCluster],
) -> None:
    c = module_cluster("hostile", mgrs=1, options={"mgr_module_path": str(TESTMODS)})
    mib = codec.MAX_FRAME_BYTES // (1 << 20) + 1
    r = ceph(c, "--timeout", "30", "hostile", "big", str(mib), timeout=60)
    assert r.returncode == 27, (r.returncode, r.stderr[-500:])  # EFBIG
    assert r.stderr.startswith("Error EFBIG: mgr.x: the reply"), r.stderr[-500:]
    assert f"{codec.MAX_FRAME_BYTES}-byte limit" in r.stderr
    assert ceph(c, "hostile", "big", "1").returncode == 0  # the mgr is unhurt


def test_an_input_over_the_limit_is_efbig_at_once(
    module_cluster: Callable[..., TestCluster], tmp_path: Path
) -> None:
    c = module_cluster("hello", mgrs=1)
    big = tmp_path / "big.bin"
    big.write_bytes(b"\0" * (codec.MAX_FRAME_BYTES + 1024))
    start = time.monotonic()
    r = ceph(c, "--timeout", "30", "config-key", "set", "big", "-i", str(big))
    assert time.monotonic() - start < 20
    assert r.returncode == 27, (r.returncode, r.stderr)
    assert "Error EFBIG: a message of" in r.stderr
    assert f"exceeds the {codec.MAX_FRAME_BYTES}-byte message size limit" in r.stderr
    assert "quorum" not in r.stderr


def test_a_command_that_kills_its_mgr_is_resent_once(
    module_cluster: Callable[..., TestCluster],
) -> None:
    c = module_cluster("hostile", mgrs=3, options={"mgr_module_path": str(TESTMODS)})
    r = ceph(c, "--timeout", "40", "hostile", "exit", timeout=90)
    assert r.returncode == 104, (r.returncode, r.stdout, r.stderr)  # ECONNRESET
    assert "went away while running the command" in r.stderr
    assert "re-sent 1 time(s)" in r.stderr

    def exited_mgrs() -> list[str] | None:
        daemons = c.supervisor("status")["daemons"]
        gone = sorted(n for n, d in daemons.items() if d["state"] == "exited")
        return gone if len(gone) == 2 else None

    # the first active and the one it was re-sent to (the supervisor reaps them asynchronously)
    exited = wait_until(exited_mgrs, 15, "both mgrs that ran the command to have exited")
    survivor = next(n for n in ("mgr.x", "mgr.y", "mgr.z") if n not in exited)
    wait_until(
        lambda: f"mgr.{active_name(c)}" == survivor, 30, f"{survivor}, unhurt, to become active"
    )
