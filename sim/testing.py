"""Helpers for tests that drive real clusters: start one in a private
directory, wait for conditions with deadlines (never sleep to synchronise),
and always tear down."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sim import launcher
from sim.client import Cluster, DaemonUnreachable
from sim.options import Profile

T = TypeVar("T")


class ConditionTimeout(AssertionError):
    pass


def wait_until(
    fn: Callable[[], T | None], timeout: float, what: str = "condition", interval: float = 0.02
) -> T:
    """Poll ``fn`` until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    last_exc: Exception | None = None
    while True:
        try:
            value = fn()
            if value:
                return value
        except (ConnectionError, TimeoutError, DaemonUnreachable) as exc:
            last_exc = exc
        if time.monotonic() > deadline:
            extra = f" (last error: {last_exc})" if last_exc else ""
            raise ConditionTimeout(f"timed out after {timeout:g}s waiting for {what}{extra}")
        time.sleep(interval)


class TestCluster(Cluster):
    """A `Cluster` client with shortcuts tests need."""

    __test__ = False  # not a pytest class

    def json(self, *words: str, **args: Any) -> Any:
        cmd = {"prefix": " ".join(words), "format": "json", **args}
        rc, out, err = self.mon_command(cmd)
        assert rc == 0, f"{cmd} failed: {rc} {err}"
        return json.loads(out)

    def mgr_stat(self) -> dict[str, Any]:
        return self.json("mgr stat")

    def mgr_status(self, name: str, timeout: float = 1.0) -> dict[str, Any]:
        return self.admin(name, "status", timeout=timeout)

    def mgr_names(self) -> list[str]:
        return [f"mgr.{m}" for m in self.core.spec.mgrs]

    def events(self) -> list[dict[str, Any]]:
        path = self.run.events
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@contextmanager
def running_cluster(
    path: Path,
    mons: int = 1,
    mgrs: int = 2,
    options: dict[str, Any] | None = None,
    osds: int = 0,
    mds: int = 0,
    ceph_release: str | None = None,
) -> Iterator[TestCluster]:
    launcher.up(
        path,
        mons=mons,
        mgrs=mgrs,
        options=options,
        profile=Profile.FAST,
        die_with_parent=True,
        osds=osds,
        mds=mds,
        ceph_release=ceph_release,
    )
    client: TestCluster | None = None
    try:
        client = TestCluster(path)
        yield client
    finally:
        if client is not None:
            client.close()
        launcher.down(path)
