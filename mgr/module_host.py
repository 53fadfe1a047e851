"""The seam between the mgr daemon and the modules it hosts.

The daemon calls a `ModuleHost` for everything module-related: what to report
in beacons, starting the active or standby modules, commands, map updates and
a bounded shutdown. `NullModuleHost` hosts no modules (a bare mgr); the module
host issue provides the real one that loads `<mgr_module_path>/<name>/module.py`.
"""

from __future__ import annotations

import errno
from typing import Any, Protocol

from sim.messages import CommandReply


class ModuleHost(Protocol):
    def available_modules(self) -> list[dict[str, Any]]:
        """ModuleInfo dicts for every module found on disk (for beacons)."""

    async def start_active(self, mgrmap: dict[str, Any]) -> None:
        """Start the enabled modules; return once they are initialised."""

    def start_standby(self, mgrmap: dict[str, Any]) -> None: ...

    def stop_standby(self) -> None: ...

    def services(self) -> dict[str, str]:
        """module name -> URI published with ``set_uri``."""

    def command_descs(self) -> list[dict[str, Any]]: ...

    async def handle_command(self, cmd: dict[str, Any], inbuf: bytes) -> CommandReply: ...

    def notify_map(self, name: str, epoch: int, body: dict[str, Any]) -> None: ...

    def set_mon_connection(self, up: bool) -> None: ...

    def status(self) -> dict[str, Any]: ...

    def shutdown(self, timeout: float) -> None: ...


class NullModuleHost:
    """A mgr without modules: activation is immediate, commands get EINVAL."""

    def available_modules(self) -> list[dict[str, Any]]:
        return []

    async def start_active(self, mgrmap: dict[str, Any]) -> None:
        return None

    def start_standby(self, mgrmap: dict[str, Any]) -> None:
        return None

    def stop_standby(self) -> None:
        return None

    def services(self) -> dict[str, str]:
        return {}

    def command_descs(self) -> list[dict[str, Any]]:
        return []

    async def handle_command(self, cmd: dict[str, Any], inbuf: bytes) -> CommandReply:
        return CommandReply(-errno.EINVAL, outs=f"No handler found for '{cmd.get('prefix')}'")

    def notify_map(self, name: str, epoch: int, body: dict[str, Any]) -> None:
        return None

    def set_mon_connection(self, up: bool) -> None:
        return None

    def status(self) -> dict[str, Any]:
        return {"modules": {}}

    def shutdown(self, timeout: float) -> None:
        return None
