"""A request id names one op of one client: two handles in one process never share one,
even when the objecter file was imported once per mgr module namespace (its counter then
starts again), as devicehealth's read once got the answer to another handle's write."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import pytest

from sim.cluster import ClusterSpec, RunDir
from sim.options.launch import defaults
from sim.rados import objecter


def test_objecters_of_one_process_have_distinct_instances(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = RunDir(tmp_path / "run")
    run.create(ClusterSpec(fsid="f" * 8, mons=["a"], mgrs=["x"], mon_addrs={}, options=defaults()))

    async def two_namespaces() -> tuple[str, str]:
        first = objecter.Objecter(run, "mgr.x")
        monkeypatch.setattr(objecter, "_instances", itertools.count(1))  # a second import
        second = objecter.Objecter(run, "mgr.x")
        try:
            return first.instance, second.instance
        finally:
            for ob in (first, second):
                await ob.close()

    a, b = asyncio.run(two_namespaces())
    assert a != b and a.split(".")[0] == b.split(".")[0]  # one process, two clients
