"""Helpers for module-host tests (waits with deadlines, never sleeps)."""

from __future__ import annotations

import json
from typing import Any

from sim.testing import TestCluster, wait_until

START_TIMEOUT = 20.0


def active_name(c: TestCluster) -> str | None:
    st = c.mgr_stat()
    return st["active_name"] if st["available"] and st["active_name"] else None


def active_status(c: TestCluster) -> dict[str, Any] | None:
    name = active_name(c)
    if name is None:
        return None
    st = c.mgr_status(f"mgr.{name}")
    return st if st.get("active") else None


def module_states(c: TestCluster) -> dict[str, str]:
    st = active_status(c)
    if st is None:
        return {}
    return {
        n: m.get("state", "") if m["can_run"] else "cannot run"
        for n, m in st["modules"]["modules"].items()
        if m["enabled"]
    }


def wait_modules(c: TestCluster, *names: str, timeout: float = START_TIMEOUT) -> str:
    """Wait until the active mgr runs (or has failed) every named module; returns its name."""

    def ready() -> str | None:
        states = module_states(c)
        if all(states.get(n) in ("running", "failed", "cannot run") for n in names):
            return active_name(c)
        return None

    return wait_until(ready, timeout, f"modules {names} running on the active mgr")


def enable_modules(c: TestCluster, *names: str, force: bool = False) -> str:
    for name in names:
        cmd: dict[str, Any] = {"prefix": "mgr module enable", "module": name}
        if force:
            cmd["force"] = True
        rc, _out, err = c.mon_command(cmd)
        assert rc == 0, f"enable {name}: {rc} {err}"
        wait_until(lambda n=name: enabled(c.json("mgr dump"), n), 5.0, f"{name} enabled")
    return wait_modules(c, *names)


def enabled(mgr_dump: dict[str, Any], name: str) -> bool:
    """Enabled in the MgrMap: listed, or always on (Ceph's ``always_on_modules``)."""
    always = mgr_dump.get("always_on_modules", {})
    return name in mgr_dump["modules"] or any(name in names for names in always.values())


def mgr(c: TestCluster, prefix: str, inbuf: bytes = b"", **args: Any) -> tuple[int, str, str]:
    rc, out, err = c.mgr_command({"prefix": prefix, **args}, inbuf)
    return rc, out.decode(), err


def health(c: TestCluster) -> dict[str, Any]:
    return c.json("health", detail="detail")


def health_codes(c: TestCluster) -> set[str]:
    return set(health(c)["checks"])


def config_set(c: TestCluster, name: str, value: str, who: str = "mgr") -> None:
    rc, _out, err = c.mon_command(
        {"prefix": "config set", "who": who, "name": name, "value": value}
    )
    assert rc == 0, f"config set {name}: {rc} {err}"


def parse(out: str) -> Any:
    return json.loads(out)
