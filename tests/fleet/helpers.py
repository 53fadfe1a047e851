"""Helpers for fleet tests: a cluster with simulated OSDs, module commands,
waits with deadlines (never sleeps)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sim import launcher
from sim.options import Profile, defaults
from sim.testing import TestCluster, wait_until

MODULES = Path(__file__).resolve().parent / "modules"
FAST = defaults(Profile.FAST)
START = 30.0


@contextmanager
def fleet_cluster(
    path: Path, osds: int = 8, mds: int = 0, rgws: int = 0, mgrs: int = 2,
    options: dict[str, Any] | None = None,
) -> Iterator[TestCluster]:  # fmt: skip
    opts = {"mgr_module_path": str(MODULES)} | (options or {})
    launcher.up(
        path, mons=1, mgrs=mgrs, options=opts, profile=Profile.FAST, die_with_parent=True,
        osds=osds, mds=mds, rgws=rgws, timeout=START,
    )  # fmt: skip
    client: TestCluster | None = None
    try:
        client = TestCluster(path)
        yield client
    finally:
        if client is not None:
            client.close()
        launcher.down(path)


def active_name(c: TestCluster) -> str | None:
    st = c.mgr_stat()
    return str(st["active_name"]) if st["available"] and st["active_name"] else None


def module_state(c: TestCluster, module: str) -> str | None:
    name = active_name(c)
    if name is None:
        return None
    st = c.mgr_status(f"mgr.{name}")
    if not st.get("active"):
        return None
    return st["modules"]["modules"].get(module, {}).get("state")


def enable(c: TestCluster, *modules: str) -> None:
    for m in modules:
        rc, _, err = c.mon_command({"prefix": "mgr module enable", "module": m, "force": True})
        assert rc == 0, err
    for m in modules:
        wait_until(lambda m=m: module_state(c, m) == "running", START, f"{m} running")


def mgr_json(c: TestCluster, prefix: str, **args: Any) -> Any:
    rc, out, err = c.mgr_command({"prefix": prefix, **args})
    assert rc == 0, f"{prefix}: {rc} {err}"
    return json.loads(out)


def osd_up(c: TestCluster, osd: int) -> bool:
    dump = c.json("osd dump")
    return any(o["osd"] == osd and o["up"] for o in dump["osds"])
