"""The seam between the mgr daemon and the modules it hosts.

The daemon calls a `ModuleHost` for everything module-related: loading the
modules at start, what to report in beacons (ModuleInfo, services, command
descriptions, health checks), starting the active or standby modules,
commands, map updates and a bounded shutdown. `mgr.host.PyModuleHost` is
the real one (it loads ``<mgr_module_path>/<name>/module.py``);
`NullModuleHost` hosts no modules (a bare mgr, kept for tests of the
daemon's role logic and selectable with the cluster option
``mgr_module_host=null``).
"""

from __future__ import annotations

import errno
from typing import Any, Protocol

from sim.messages import CommandReply


class ModuleHost(Protocol):
    async def load(self) -> None:
        """Find and import every module (before the first beacon)."""

    def available_modules(self) -> list[dict[str, Any]]:
        """ModuleInfo dicts for every module found on disk (for beacons)."""

    async def start_active(self, mgrmap: dict[str, Any]) -> None:
        """Start the enabled modules; return once they are initialised."""

    def start_standby(self, mgrmap: dict[str, Any]) -> None: ...

    def stop_standby(self) -> None: ...

    def services(self) -> dict[str, str]:
        """module name -> URI published with ``set_uri``."""

    def command_descs(self) -> list[dict[str, Any]]: ...

    def health_checks(self) -> dict[str, Any]:
        """Active only: module checks plus MGR_MODULE_ERROR/DEPENDENCY (set_health_checks format)."""

    async def handle_command(
        self, cmd: dict[str, Any], inbuf: bytes, sender: str = "client.admin", cap: str = "allow *"
    ) -> CommandReply: ...

    def notify_map(self, name: str, epoch: int, body: dict[str, Any]) -> None: ...

    def set_mon_connection(self, up: bool) -> None: ...

    def status(self) -> dict[str, Any]: ...

    def module_option(self, module: str, key: str) -> Any:
        """What the module's ``get_module_option(key)`` returns on this mgr (LookupError if unknown)."""

    async def shutdown(self, timeout: float) -> None:
        """Graceful stop only (Ceph does not call module shutdown() on respawn)."""


class NullModuleHost:
    """A mgr without modules: activation is immediate, commands get EINVAL."""

    async def load(self) -> None:
        return None

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

    def health_checks(self) -> dict[str, Any]:
        return {}

    async def handle_command(
        self, cmd: dict[str, Any], inbuf: bytes, sender: str = "client.admin", cap: str = "allow *"
    ) -> CommandReply:
        return CommandReply(-errno.EINVAL, outs=f"No handler found for '{cmd.get('prefix')}'")

    def notify_map(self, name: str, epoch: int, body: dict[str, Any]) -> None:
        return None

    def set_mon_connection(self, up: bool) -> None:
        return None

    def status(self) -> dict[str, Any]:
        return {"modules": {}}

    def module_option(self, module: str, key: str) -> Any:
        raise LookupError("this mgr hosts no modules (mgr_module_host=null)")

    async def shutdown(self, timeout: float) -> None:
        return None
