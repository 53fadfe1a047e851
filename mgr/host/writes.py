"""Module writes to the mon: options, KV store, ``send_command``.

- ``set_module_option`` is checked locally against the declared schema first
  (undeclared in a known module, or a bad type/range/enum: the mon's
  validator on the spec the mon builds from the ModuleInfo,
  `sim.options.modules.module_value_problem`), then sent as ``config set
  who=mgr name=mgr/<m>/<key>`` (``config rm`` for None) and waited for. A
  refusal, local or by the mon, is a ValueError on Quincy and newer (Reef's
  selftest checks it) and only logged on Pacific, as a real 16.2 mgr does
  (``balancer mode bogus`` answers 0: tests/data/ceph16/mgr_raw_commands.jsonl).
  After the mon's answer the value is in the local config snapshot, so the
  next read sees it, and ``config_notify()`` follows.
- ``set_store`` puts the value in the KV cache at once, then sends
  ``config-key set`` (``config-key rm`` for None) and waits; a refusal is
  only logged, as in Ceph.
- ``send_command`` returns at once; on completion it fills the
  CommandResult, then sends ``notify('command', tag)`` to every module that
  lists ``command`` in NOTIFY_TYPES. Commands to OSDs, PGs or MDSs complete
  with ENXIO until the simulated fleet exists.

All of them wait for a mon as long as it takes (see `mgr.host.monbridge`).
"""

from __future__ import annotations

import errno
import logging
from typing import TYPE_CHECKING, Any

from mgr.host.monbridge import HostClosing
from sim.options.modules import module_value_problem

if TYPE_CHECKING:
    from mgr.host.py_modules import PyModules

log = logging.getLogger(__name__)


OSD_COMMAND_TIMEOUT = 60.0  # a module's send_command to an OSD the fleet cannot reach
# releases whose ceph_set_module_option raises ValueError on a refused value (Reef's
# mgr_module documents it, its selftest checks it); Pacific's only logs it. The
# embedded API follows the newest: it raises (docs/releases.md)
RAISING_RELEASES = frozenset({"quincy", "reef", "squid", "tentacle"})


class Writes:
    def __init__(self, host: PyModules) -> None:
        self.host = host

    # --- options ----------------------------------------------------------------

    def _validate(self, module: str, key: str, value: str) -> None:
        rec = self.host.records.get(module)
        if rec is None or not rec.loaded:
            return  # unknown to us: the mon decides
        opt = rec.option(key)
        if opt is None:
            raise ValueError(f"unrecognized config option 'mgr/{module}/{key}'")
        problem = module_value_problem(module, opt, value)
        if problem:
            raise ValueError(problem)

    def set_module_option(self, caller: str, module: str, key: str, value: str | None) -> None:
        try:
            self._set_module_option(caller, module, key, value)
        except ValueError as exc:
            if self.host.embedded_api or self.host.ceph_release in RAISING_RELEASES:
                raise
            # Ceph 16.2's PyModuleConfig::set_config logs a refused ``config set``
            # and returns: the module goes on, the option unchanged
            log.error(
                "mgr/%s: `config set mgr/%s/%s %s` failed: %s", caller, module, key, value, exc
            )

    def _set_module_option(self, caller: str, module: str, key: str, value: str | None) -> None:
        name = f"mgr/{module}/{key}"
        if value is not None:
            self._validate(module, key, value)
            cmd: dict[str, Any] = {
                "prefix": "config set",
                "who": "mgr",
                "name": name,
                "value": value,
            }
        else:
            cmd = {"prefix": "config rm", "who": "mgr", "name": name}
        bridge = self.host.bridge
        reply = bridge.run_blocking(bridge.command(caller, f"config set {name}", cmd))
        if reply.retval < 0:
            log.error("mgr/%s: %s refused: %s", caller, name, reply.outs)
            raise ValueError(reply.outs or f"config set {name} failed: {reply.retval}")
        bridge.run_blocking(self.host.apply_local_config("mgr", name, value))

    # --- KV store -------------------------------------------------------------------

    def set_store(self, caller: str, full_key: str, value: str | None) -> None:
        kv = self.host.kv
        kv.begin_write(full_key, value)
        reply = self._config_key(caller, full_key, value)
        kv.end_write(full_key, value, reply.retval == 0)

    def config_key_set(self, caller: str, key: str, value: str | None) -> None:
        self._config_key(caller, key, value)

    def _config_key(self, caller: str, key: str, value: str | None) -> Any:
        if value is None:
            cmd: dict[str, Any] = {"prefix": "config-key rm", "key": key}
        else:
            cmd = {"prefix": "config-key set", "key": key, "val": value}
        bridge = self.host.bridge
        reply = bridge.run_blocking(bridge.command(caller, f"config-key set {key}", cmd))
        if reply.retval < 0:
            log.error("mgr/%s: config-key %s failed: %d %s", caller, key, reply.retval, reply.outs)
        return reply

    # --- send_command ---------------------------------------------------------------

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
        data = (inbuf or "").encode()
        self.host.bridge.call_soon(
            self.host.spawn, self._send(caller, result, svc_type, svc_id, cmd, tag, data)
        )

    async def _send(
        self,
        caller: str,
        result: Any,
        svc_type: str,
        svc_id: str,
        cmd: dict[str, Any],
        tag: str,
        inbuf: bytes,
    ) -> None:
        if svc_type == "mon":
            what = f"mon command '{cmd.get('prefix')}'"
            try:
                reply = await self.host.bridge.command(caller, what, cmd, inbuf)
            except HostClosing as exc:
                result.complete(-errno.ESHUTDOWN, "", str(exc))
                return
            r, outb, outs = reply.retval, reply.outbuf.decode(errors="replace"), reply.outs
        elif svc_type in ("osd", "mds"):  # the fleet answers for its OSDs and MDSs
            try:
                tell = self.host.tell_osd if svc_type == "osd" else self.host.tell_mds
                target: Any = int(svc_id) if svc_type == "osd" else str(svc_id)
                reply = await tell(target, cmd, OSD_COMMAND_TIMEOUT)
                r, outb, outs = reply.retval, reply.outbuf.decode(errors="replace"), reply.outs
            except (TimeoutError, ConnectionError) as exc:
                r, outb, outs = -errno.ETIMEDOUT, "", f"{svc_type}.{svc_id}: {exc}"
        else:
            r, outb, outs = (
                -errno.ENXIO,
                "",
                f"problem getting command descriptions from {svc_type}.{svc_id}",
            )
        result.complete(r, outb, outs)
        self.host.notify_all("command", tag)
