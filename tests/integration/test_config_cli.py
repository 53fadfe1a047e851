"""The mon's config services on a real cluster: `ceph config …` and
`ceph config-key …` through the client and the CLI (exit codes and stderr as
in Ceph 16.2's errors.md), persistence across a mon kill -9, and the
``config``/``kv`` map pushes the mgrs subscribe to."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sim.client import AsyncCluster
from sim.testing import TestCluster, wait_until
from tests.golden import CEPH16

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
GOLDEN = CEPH16


def golden(name: str) -> str:
    path = GOLDEN / name
    return path.read_text()


def ceph(cluster: TestCluster, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m sim ceph ARGS` against the cluster, as a user runs it."""
    env = dict(os.environ, SIM_DIR=str(cluster.run.path))
    return subprocess.run(
        [sys.executable, "-m", "sim", "ceph", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=REPO,
    )


def ok(cluster: TestCluster, cmd: dict[str, Any], inbuf: bytes = b"") -> bytes:
    rc, out, err = cluster.mon_command(cmd, inbuf)
    assert rc == 0, f"{cmd}: {rc} {err}"
    return out


def test_config_set_get_dump(cluster: TestCluster) -> None:
    get = {"prefix": "config get", "who": "mgr", "key": "mgr_tick_period"}
    assert ok(cluster, get).decode() == golden("config_get_mgr_mgr_tick_period.txt")
    assert ok(cluster, {"prefix": "config dump"}).decode() == golden("config_dump.txt")

    rc, out, err = cluster.mon_command(
        {"prefix": "config set", "who": "mgr", "name": "mgr_tick_period", "value": "1"}
    )
    assert (rc, out, err) == (0, b"", "")
    assert ok(cluster, get).decode() == golden("config_get_mgr_mgr_tick_period_after_set.txt")
    assert ok(cluster, {"prefix": "config dump"}).decode() == golden(
        "config_dump_tick_period_set.txt"
    )
    pretty = ok(cluster, {"prefix": "config dump", "format": "json-pretty"}).decode()
    assert "\n" + pretty == golden("config_dump_tick_period_set.json")
    assert cluster.json("config get", who="mgr.x") == {
        "mgr_tick_period": {
            "value": "1",
            "section": "mgr",
            "mask": {},
            "can_update_at_runtime": True,
        }
    }
    # The write is in the audit channel, like any mon write.
    log = ok(cluster, {"prefix": "log last", "num": 20, "channel": "audit"}).decode()
    assert '"prefix": "config set"' in log

    ok(cluster, {"prefix": "config rm", "who": "mgr", "name": "mgr_tick_period"})
    assert cluster.json("config dump") == []
    assert ok(cluster, get) == b"2\n"


def test_cli_errors_and_outputs(cluster: TestCluster) -> None:
    # errors.md: stdout empty, the error on stderr, exit code = errno
    r = ceph(cluster, "config", "set", "mgr", "nosuchoption", "1")
    assert (r.returncode, r.stdout, r.stderr) == (
        22,
        "",
        "Error EINVAL: unrecognized config option 'nosuchoption'\n",
    )
    r = ceph(cluster, "config", "get", "mgr", "nosuchoption")
    assert (r.returncode, r.stdout, r.stderr) == (
        2,
        "",
        "Error ENOENT: unrecognized key 'nosuchoption'\n",
    )
    r = ceph(cluster, "config", "set", "mgr", "mgr_tick_period", "notanint")
    assert (r.returncode, r.stdout, r.stderr) == (
        22,
        "",
        "Error EINVAL: error parsing value: expected digit\n",
    )
    # no mgr reports a module `nosuchmod`: rejected, unless forced
    r = ceph(cluster, "config", "set", "mgr", "mgr/nosuchmod/opt", "1")
    assert (r.returncode, r.stderr) == (
        22,
        "Error EINVAL: unrecognized config option 'mgr/nosuchmod/opt'\n",
    )
    r = ceph(cluster, "config", "set", "mgr", "mgr/nosuchmod/opt", "1", "--force")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")

    r = ceph(cluster, "config", "get", "mgr", "mgr_tick_period", "-f", "json-pretty")
    assert (r.returncode, r.stdout) == (0, golden("config_get_mgr_mgr_tick_period.json"))
    r = ceph(cluster, "config", "dump")
    assert r.returncode == 0
    assert r.stdout == (
        "WHO    MASK  LEVEL    OPTION             VALUE  RO\n"
        "  mgr        unknown  mgr/nosuchmod/opt  1      * \n"
    )


def test_config_key_round_trip_with_cli(cluster: TestCluster, tmp_path: Path) -> None:
    r = ceph(cluster, "config-key", "set", "mgr/cli/k", "v1")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "set mgr/cli/k\n")
    r = ceph(cluster, "config-key", "get", "mgr/cli/k")
    assert (r.returncode, r.stdout) == (0, "v1")  # the raw value: no newline added

    payload = tmp_path / "payload.json"
    payload.write_bytes(b'{"a": 1}\nsecond line\n')
    r = ceph(cluster, "config-key", "set", "mgr/cli/file", "-i", str(payload))
    assert (r.returncode, r.stderr) == (0, "set mgr/cli/file\n")
    assert ok(cluster, {"prefix": "config-key get", "key": "mgr/cli/file"}) == payload.read_bytes()

    r = ceph(cluster, "config-key", "exists", "mgr/cli/k")
    assert (r.returncode, r.stderr) == (0, "key 'mgr/cli/k' exists\n")
    r = ceph(cluster, "config-key", "exists", "mgr/cli/nope")
    assert (r.returncode, r.stderr) == (2, "Error ENOENT: key 'mgr/cli/nope' doesn't exist\n")
    r = ceph(cluster, "config-key", "get", "mgr/cli/nope")
    assert (r.returncode, r.stdout) == (2, "")

    r = ceph(cluster, "config-key", "ls")
    assert (r.returncode, r.stdout) == (0, '[\n    "mgr/cli/file",\n    "mgr/cli/k"\n]\n')
    assert cluster.json("config-key dump", key="mgr/cli/k") == {"mgr/cli/k": "v1"}
    r = ceph(cluster, "config-key", "dump", "-f", "json-pretty")
    assert r.returncode == 0
    assert json.loads(r.stdout) == {
        "mgr/cli/file": payload.read_text(),
        "mgr/cli/k": "v1",
    }
    r = ceph(cluster, "config-key", "rm", "mgr/cli/k")
    assert (r.returncode, r.stderr) == (0, "key deleted\n")
    assert cluster.json("config-key ls") == ["mgr/cli/file"]


def test_config_and_kv_survive_mon_kill9(cluster: TestCluster) -> None:
    ok(cluster, {"prefix": "config set", "who": "mgr", "name": "mgr_stats_period", "value": "7"})
    ok(cluster, {"prefix": "config set", "who": "global", "name": "debug_mgr", "value": "20"})
    ok(cluster, {"prefix": "config-key set", "key": "mgr/persist/k", "val": "kept"})
    ok(cluster, {"prefix": "config-key set", "key": "other/k"}, inbuf=b"\x00\x01binary")
    dump_before = cluster.json("config dump")

    cluster.supervisor({"prefix": "kill", "daemon": "mon.a"})
    cluster.supervisor({"prefix": "restart", "daemon": "mon.a"})

    assert cluster.json("config dump") == dump_before
    assert ok(cluster, {"prefix": "config get", "who": "mgr.x", "key": "debug_mgr"}) == b"20/20\n"
    assert ok(cluster, {"prefix": "config-key get", "key": "mgr/persist/k"}) == b"kept"
    assert ok(cluster, {"prefix": "config-key get", "key": "other/k"}) == b"\x00\x01binary"
    assert cluster.json("config-key dump") == {
        "mgr/persist/k": "kept",
        "other/k": "<<< binary blob of length 8 >>>",
    }


def test_subscribers_get_config_and_kv_pushes(cluster: TestCluster) -> None:
    async def scenario() -> list[tuple[str, int, dict[str, Any]]]:
        ac = AsyncCluster(cluster.run.path, name="client.watcher")
        seen: list[tuple[str, int, dict[str, Any]]] = []
        changed = asyncio.Event()
        chained = ac.monc.on_map

        def on_map(name: str, epoch: int, body: dict[str, Any]) -> None:
            if chained is not None:
                chained(name, epoch, body)
            if name in ("config", "kv"):
                seen.append((name, epoch, body))
                changed.set()

        async def until(pred: Any, what: str) -> None:
            try:
                async with asyncio.timeout(10):
                    while not pred():
                        changed.clear()
                        await changed.wait()
            except TimeoutError:
                raise AssertionError(f"timed out waiting for {what}; saw {seen}") from None

        ac.monc.on_map = on_map
        try:
            ac.monc.subscribe("config", 0)
            ac.monc.subscribe("kv", 0)
            # the current snapshots first (epoch 0: nothing stored yet)
            await until(lambda: {n for n, _, _ in seen} == {"config", "kv"}, "snapshots")
            assert ("config", 0, {"sections": {}}) in seen
            assert ("kv", 0, {"prefix": "mgr/", "values": {}}) in seen

            r = await ac.mon_command(
                {"prefix": "config set", "who": "mgr", "name": "mgr_tick_period", "value": "1"}
            )
            assert r.retval == 0, r.outs
            await until(lambda: seen[-1][0] == "config" and seen[-1][1] == 1, "config e1")
            assert seen[-1][2] == {"sections": {"mgr": {"mgr_tick_period": "1"}}}

            r = await ac.mon_command({"prefix": "config-key set", "key": "mgr/w/k", "val": "v"})
            assert r.retval == 0, r.outs
            r = await ac.mon_command({"prefix": "config-key set", "key": "elsewhere", "val": "x"})
            assert r.retval == 0, r.outs
            await until(lambda: seen[-1][:2] == ("kv", 2), "kv e2")
            # the body is the full snapshot of mgr/ keys only
            assert seen[-1][2] == {"prefix": "mgr/", "values": {"mgr/w/k": "v"}}
            return seen
        finally:
            await ac.close()

    seen = asyncio.run(scenario())
    assert [(n, e) for n, e, _ in seen if n == "config"] == [("config", 0), ("config", 1)]


def test_mgrs_reach_config_through_the_mon_after_restart(cluster: TestCluster) -> None:
    """A subscriber that reconnects after a mon restart gets the stored epochs again."""
    ok(cluster, {"prefix": "config set", "who": "mgr", "name": "mgr_tick_period", "value": "1"})
    cluster.supervisor({"prefix": "kill", "daemon": "mon.a"})
    cluster.supervisor({"prefix": "restart", "daemon": "mon.a"})

    async def snapshot() -> tuple[int, dict[str, Any]]:
        ac = AsyncCluster(cluster.run.path, name="client.late")
        got: asyncio.Future[tuple[int, dict[str, Any]]] = asyncio.get_running_loop().create_future()

        def on_map(name: str, epoch: int, body: dict[str, Any]) -> None:
            if name == "config" and not got.done():
                got.set_result((epoch, body))

        ac.monc.on_map = on_map
        ac.monc.subscribe("config", 0)
        try:
            return await asyncio.wait_for(got, 10)
        finally:
            await ac.close()

    epoch, body = wait_until(lambda: asyncio.run(snapshot()), 15, "a config snapshot")
    assert epoch == 1 and body == {"sections": {"mgr": {"mgr_tick_period": "1"}}}
