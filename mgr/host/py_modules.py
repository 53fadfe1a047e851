"""`PyModules`: what the parts of the module host need of the host (Ceph: ActivePyModules).

Owns nothing; it is the one seam between `mgr.host.host.PyModuleHost` and
the files that act on its behalf: `handle` (a module's ``_ceph_*`` calls),
`writes` (options, KV store and ``send_command`` to the mon), `commands`
(module command dispatch) and `digest` (the periodic health refresh,
which also takes a `MonCommands`); `ModuleWrites` is the part of `writes`
the handles call (`writes` implements it, so this file need not import it).
Those files import this protocol, never `PyModuleHost`; tests pass a small
fake that implements it. Everything here is safe to read from a module
thread; the methods say which thread they may be called on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from mgr.host.config_cache import ConfigView, KVStore
    from mgr.host.monbridge import MonBridge
    from mgr.host.native import NativeOptions
    from mgr.host.rados_calls import RadosCalls
    from mgr.host.registry import ModuleRecord
    from mgr.host.runner import ModuleRunner
    from mgr.host.state import ClusterState
    from sim.messages import CommandReply


class MonCommands(Protocol):
    """The part of `sim.monc.MonClient` the digest uses."""

    @property
    def have_session(self) -> bool: ...
    async def command(
        self, cmd: dict[str, Any], inbuf: bytes = b"", timeout: float = 10.0
    ) -> CommandReply: ...


class ModuleWrites(Protocol):
    """A module's writes to the mon (`mgr.host.writes.Writes`); each blocks the
    calling module thread until the mon has answered, never the loop."""

    def set_module_option(self, caller: str, module: str, key: str, value: str | None) -> None:
        """``config set``/``config rm`` of ``mgr/<module>/<key>``; ValueError if refused."""

    def set_store(self, caller: str, full_key: str, value: str | None) -> None:
        """``config-key set``/``rm`` of a module's KV key (the local cache first)."""

    def config_key_set(self, caller: str, key: str, value: str | None) -> None:
        """``config-key set``/``rm`` of any key (a refusal is only logged)."""

    def send_command(
        self,
        caller: str,
        result: Any,
        svc_type: str,
        svc_id: str,
        cmd: dict[str, Any],
        tag: str,
        inbuf: str | None,
    ) -> None:
        """Send ``cmd`` to a mon or daemon; ``result.complete(r, outb, outs)`` follows."""


class PyModules(Protocol):
    """The module host as its handles, writes, dispatch and digest see it."""

    # --- identity -------------------------------------------------------------------
    @property
    def mgr_id(self) -> str: ...
    @property
    def ceph_version(self) -> str: ...
    @property
    def ceph_release(self) -> str:
        """The release of the mgr Python in use (``get_release_name``)."""

    @property
    def embedded_api(self) -> bool:
        """The modules run on ``mgr/api`` (no release tree): where releases
        behave differently, the host does what the newest does."""

    @property
    def module_log(self) -> logging.Logger:
        """Where ``MgrModule.log`` lines go (the mgr's log file)."""

    # --- local copies (read from any thread, never block) -----------------------------
    @property
    def config(self) -> ConfigView:
        """This mgr's snapshot of the mon's config database (replaced, not edited)."""

    @property
    def config_received(self) -> bool:
        """Whether the mon's first config push has arrived."""

    @property
    def native(self) -> NativeOptions:
        """Ceph's native options typed for this mgr."""

    @property
    def kv(self) -> KVStore: ...
    @property
    def state(self) -> ClusterState: ...
    @property
    def progress(self) -> dict[str, Any]:
        """Progress events by id (``update_progress_event``)."""

    @property
    def rados_calls(self) -> RadosCalls:
        """The module threads inside a librados call (the capsule's ``track`` hook)."""

    # --- the modules --------------------------------------------------------------------
    @property
    def records(self) -> Mapping[str, ModuleRecord]:
        """Every module found on disk, enabled or not."""

    def is_enabled(self, module: str) -> bool: ...
    def runner(self, module: str) -> ModuleRunner | None:
        """The active instance's runner on this mgr, if it runs here."""

    # --- the mon ------------------------------------------------------------------------
    @property
    def bridge(self) -> MonBridge:
        """Mon round trips from module threads (block the caller, not the loop)."""

    @property
    def writes(self) -> ModuleWrites: ...
    async def tell_osd(self, osd: int, cmd: dict[str, Any], timeout: float) -> CommandReply:
        """A command to ``osd.N``'s daemon (the fleet answers for it)."""

    async def tell_mds(self, spec: str, cmd: dict[str, Any], timeout: float) -> CommandReply:
        """A command to an MDS named by gid or name (the fleet answers for it)."""

    def have_mon_connection(self) -> bool: ...
    async def apply_local_config(self, section: str, name: str, value: str | None) -> None:
        """Put a value the mon accepted into the local snapshot (event loop)."""

    # --- outputs ---------------------------------------------------------------------------
    def notify_all(self, notify_type: str, notify_id: Any) -> None:
        """``notify()`` to every running module that listens for ``notify_type``."""

    def set_module_health(self, module: str, checks: dict[str, Any]) -> None: ...
    def set_uri(self, module: str, uri: str) -> None: ...
    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run ``coro`` as a task of the host (event loop only)."""
