"""A fake module host for the host's parts (`mgr.host.py_modules`): `FakePyModules`
implements `PyModules` the way `PyModuleHost` does, with plain attributes, and
`FakeMonc` the digest's `MonCommands`. mypy checks that they do (no ``type: ignore``;
``tests/unit/test_fake_protocols.py`` also checks their members at run time).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from mgr.host.config_cache import ConfigView, KVStore
from mgr.host.monbridge import MonBridge
from mgr.host.native import NativeOptions
from mgr.host.rados_calls import RadosCalls
from mgr.host.registry import ModuleRecord
from mgr.host.runner import ModuleRunner
from mgr.host.state import ClusterState
from mgr.host.writes import Writes
from sim.messages import CommandReply


@dataclass
class FakePyModules:
    mgr_id: str = "x"
    ceph_version: str = "ceph version 16.2.15 (sim) pacific (stable)"
    ceph_release: str = "pacific"
    embedded_api: bool = False  # behaves as a release tree of ceph_release
    module_log: logging.Logger = field(default_factory=lambda: logging.getLogger("fake.modules"))
    config: ConfigView = field(default_factory=lambda: ConfigView("mgr.x"))
    config_received: bool = True
    native: NativeOptions = field(default_factory=lambda: NativeOptions({}, {}))
    kv: KVStore = field(default_factory=KVStore)
    state: ClusterState = field(default_factory=lambda: ClusterState("f", "x", "v", 0.0))
    progress: dict[str, Any] = field(default_factory=dict)
    rados_calls: RadosCalls = field(default_factory=RadosCalls)
    records: dict[str, ModuleRecord] = field(default_factory=dict)
    enabled: set[str] = field(default_factory=set)
    runners: dict[str, ModuleRunner] = field(default_factory=dict)
    notified: list[tuple[str, Any]] = field(default_factory=list)
    health: dict[str, dict[str, Any]] = field(default_factory=dict)
    uris: dict[str, str] = field(default_factory=dict)
    _writes: Writes | None = None

    def is_enabled(self, module: str) -> bool:
        return module in self.enabled

    def runner(self, module: str) -> ModuleRunner | None:
        return self.runners.get(module)

    @property
    def bridge(self) -> MonBridge:
        raise AssertionError("no mon round trip expected in this test")

    @property
    def writes(self) -> Writes:
        if self._writes is None:
            self._writes = Writes(self)
        return self._writes

    def have_mon_connection(self) -> bool:
        return True

    async def apply_local_config(self, section: str, name: str, value: str | None) -> None:
        self.config = self.config.with_value(section, name, value)

    def notify_all(self, notify_type: str, notify_id: Any) -> None:
        self.notified.append((notify_type, notify_id))

    def set_module_health(self, module: str, checks: dict[str, Any]) -> None:
        self.health[module] = checks

    def set_uri(self, module: str, uri: str) -> None:
        self.uris[module] = uri

    told: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    async def tell_osd(self, osd: int, cmd: dict[str, Any], timeout: float) -> CommandReply:
        self.told.append((osd, cmd))
        return CommandReply(retval=0, outbuf=b"{}")

    async def tell_mds(self, spec: str, cmd: dict[str, Any], timeout: float) -> CommandReply:
        self.told.append((-1, {"mds": spec, **cmd}))
        return CommandReply(retval=0, outbuf=b"[]")

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        return asyncio.get_running_loop().create_task(coro)


class FakeMonc:
    have_session = True

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def command(
        self, cmd: dict[str, Any], inbuf: bytes = b"", timeout: float = 10.0
    ) -> CommandReply:
        self.asked.append(cmd["prefix"])
        body: Any = {
            "health": {"status": "HEALTH_WARN", "checks": {}},
            "quorum_status": {"quorum": [0], "quorum_leader_name": "a", "monmap": {"mons": []}},
            "mgr metadata": [{"name": "x", "hostname": "h"}],
        }[cmd["prefix"]]
        return CommandReply(0, json.dumps(body).encode())
