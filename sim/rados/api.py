"""``rados.Rados``: a cluster handle with the API of Ceph's rados.pyx (the parts modules use).

A connected `Rados` runs its `objecter.Objecter` on a private asyncio loop
in a daemon thread; every blocking call hands a coroutine to it and waits,
so module threads and users' scripts call it like librados. Build it as
Ceph's ``mgr_module`` does, ``Rados(context=self._ceph_get_context())``
(the mgr's capsule: the run directory, the mgr's name, its options), or
from outside a cluster with the run directory: ``Rados(conffile=RUN_DIR)``
(a run directory, or a file in one), ``Rados(conf={"run_dir": RUN_DIR})``,
or ``CEPH_MGR_SIM_RUN_DIR`` in the environment.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import threading
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from sim.auth.reject import PermissionDenied
from sim.auth.signer import NoKeyring
from sim.cluster import RunDir
from sim.monc import MonUnavailable
from sim.rados.errors import (
    Error,
    InvalidArgumentError,
    IsConnected,
    ObjectExists,
    ObjectNotFound,
    PermissionDeniedError,
    RadosStateError,
    TimedOut,
    make_ex,
)
from sim.rados.ioctx import Ioctx

T = TypeVar("T")
RUN_DIR_ENV = "CEPH_MGR_SIM_RUN_DIR"
CONNECT_TIMEOUT = 30.0


def _run_dir(conffile: str | None, conf: Mapping[str, Any], context: Any) -> Path:
    if isinstance(context, Mapping) and context.get("run_dir"):
        return Path(str(context["run_dir"]))
    if conf.get("run_dir"):
        return Path(str(conf["run_dir"]))
    if conffile:
        p = Path(conffile)
        return p if p.is_dir() else p.parent
    if os.environ.get(RUN_DIR_ENV):
        return Path(os.environ[RUN_DIR_ENV])
    raise Error("no cluster: pass context=, conffile=RUN_DIR, conf={'run_dir': …} "
                f"or set {RUN_DIR_ENV}")  # fmt: skip


class Rados:
    """librados' cluster handle (``rados.Rados``)."""

    def __init__(
        self,
        rados_id: str | None = None,
        name: str | None = None,
        clustername: str | None = None,
        conf_defaults: dict[str, str] | None = None,
        conffile: str | None = None,
        conf: dict[str, str] | None = None,
        flags: int = 0,
        context: Any = None,
    ) -> None:
        if rados_id is not None and name is not None:
            raise Error("Rados(): can't supply both rados_id and name")
        self.state = "configuring"
        self._conf: dict[str, Any] = {**(conf_defaults or {}), **(conf or {})}
        self._context = context
        ctx_name = context.get("name") if isinstance(context, Mapping) else None
        self.name = name or (f"client.{rados_id}" if rados_id else ctx_name or "client.admin")
        self.clustername = clustername or "ceph"
        self._run = RunDir(_run_dir(conffile, self._conf, context))
        self._conf_get: Callable[[str], Any] | None = (
            context.get("conf_get") if isinstance(context, Mapping) else None
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.objecter: Any = None
        # a client's address: no port (it binds nothing), a random nonce per handle
        self._addr = f"127.0.0.1:0/{random.getrandbits(32)}"
        # connect() in progress: librados' connect on a mgr's context is near-instant, ours
        # waits for the first OSDMap, so another thread's call waits for it to finish
        self._connector: threading.Thread | None = None
        self._connect_done = threading.Event()

    # --- state and config ---------------------------------------------------------------

    def require_state(self, *args: str) -> None:
        connector = self._connector
        if "connected" in args and connector not in (None, threading.current_thread()):
            self._connect_done.wait(CONNECT_TIMEOUT + 1)
        if self.state not in args:
            raise RadosStateError(f"You cannot perform that operation on a Rados object in "
                                  f"state {self.state}.")  # fmt: skip

    def conf_get(self, option: str) -> str | None:
        if option in self._conf:
            return str(self._conf[option])
        if self._conf_get is not None:
            try:
                v = self._conf_get(option)
            except Exception:
                v = None
            if v is not None:
                return str(v)
        if self.state == "connected" or self._run.exists():
            v = self._run.spec().options.get(option)
            if v is not None:
                return str(v)
        return None

    def conf_set(self, option: str, val: str) -> None:
        self._conf[option] = val

    def conf_read_file(self, path: str | None = None) -> None:
        return None

    def conf_parse_argv(self, args: list[str]) -> None:
        return None

    def op_timeout(self) -> float:
        """``rados_osd_op_timeout`` (0: wait for ever)."""
        try:
            return float(self.conf_get("rados_osd_op_timeout") or 0)
        except ValueError:
            return 0.0

    def version(self) -> tuple[int, int, int]:
        return (3, 0, 0)

    # --- the loop ------------------------------------------------------------------------

    def _call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None,
              what: str = "") -> T:  # fmt: skip
        """Run ``coro`` on the client's loop and wait for it on this thread. While it
        waits, the call is inside librados: a context's ``track(what)`` (the mgr's:
        `mgr.host.rados_calls`) is told, so the mgr knows which module thread is."""
        if self.state != "connected" or self._loop is None:
            coro.close()
            raise RadosStateError("Rados is not connected")
        what = what or getattr(coro, "__qualname__", "rados call")
        fut = asyncio.run_coroutine_threadsafe(coro, self._loop)
        track = self._context.get("track") if isinstance(self._context, Mapping) else None
        try:
            if track is None:
                return fut.result(timeout)
            with track(what):
                return fut.result(timeout)
        except TimeoutError:
            fut.cancel()
            raise TimedOut("timed out", errno=110) from None

    def connect(self, timeout: int = 0) -> None:
        if self.state == "connected":
            raise IsConnected("already connected")
        if not self._run.exists():
            raise ObjectNotFound(f"no cluster in {self._run.path}", errno=2)
        self._connector = threading.current_thread()
        try:
            self._connect(timeout)
        finally:
            self._connector = None
            self._connect_done.set()

    def _connect(self, timeout: int) -> None:
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()

        self._thread = threading.Thread(target=run, name=f"rados-{self.name}", daemon=True)
        self._thread.start()
        ready.wait()
        self._loop = loop
        self.state = "connected"

        async def start() -> Any:
            from sim.rados.objecter import Objecter

            keyring = self._conf.get("keyring")  # else DIR/ceph.<name>.keyring
            ob = Objecter(self._run, self.name, self._addr, keyring)
            try:
                await ob.wait_for_map(float(timeout or CONNECT_TIMEOUT))
            except BaseException:
                await ob.close()
                raise
            return ob

        try:
            self.objecter = self._call(start())
        except (TimeoutError, MonUnavailable) as exc:
            self.shutdown()
            raise TimedOut(f"connect: {exc or 'no osdmap from the mons'}", errno=110) from None
        except PermissionDenied:  # the mons refused our key (`sim.auth.reject`)
            self.shutdown()
            raise PermissionDeniedError(
                "RADOS permission denied (error connecting to the cluster)", errno=13
            ) from None
        except NoKeyring as exc:
            self.shutdown()
            raise ObjectNotFound(f"{exc} (error connecting to the cluster)", errno=2) from None

    def shutdown(self) -> None:
        if self.state == "shutdown":
            return
        loop, self._loop = self._loop, None
        if loop is not None:
            if self.objecter is not None:
                asyncio.run_coroutine_threadsafe(self.objecter.close(), loop).result(5)
            loop.call_soon_threadsafe(loop.stop)
            if self._thread is not None:
                self._thread.join(5)
            loop.close()
        self.state = "shutdown"

    def __enter__(self) -> Rados:
        self.connect()
        return self

    def __exit__(self, t: type[BaseException] | None, v: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.shutdown()

    def __del__(self) -> None:
        if (getattr(self, "state", "") == "connected"
                and threading.current_thread() is not getattr(self, "_thread", None)):  # fmt: skip
            try:
                self.shutdown()
            except Exception:
                pass

    # --- cluster ------------------------------------------------------------------------

    def get_fsid(self) -> str:
        self.require_state("connected")
        return str(self.objecter.fsid)

    def get_addrs(self) -> str:
        return self._addr

    def get_instance_id(self) -> int:
        self.require_state("connected")
        return int(self.objecter.monc.global_id)

    def wait_for_latest_osdmap(self) -> None:
        self.require_state("connected")
        epoch = self._osdmap().epoch
        self._call(self.objecter.wait_for_map(CONNECT_TIMEOUT, epoch - 1))

    def _osdmap(self) -> Any:
        return self.objecter.osdmap

    def list_pools(self) -> list[str]:
        self.require_state("connected")
        return [p.name for p in self._osdmap().pools.values()]

    def pool_exists(self, pool_name: str) -> bool:
        self.require_state("connected")
        return self._osdmap().pool_by_name(pool_name) is not None

    def pool_lookup(self, pool_name: str) -> int | None:
        self.require_state("connected")
        p = self._osdmap().pool_by_name(pool_name)
        return p.pool if p is not None else None

    def pool_reverse_lookup(self, pool_id: int) -> str | None:
        self.require_state("connected")
        p = self._osdmap().pools.get(pool_id)
        return p.name if p is not None else None

    def _wait_pool(self, present: Callable[[Any], bool]) -> None:
        """Until the client's map agrees with the mon (after a pool change)."""

        async def wait() -> None:
            ob = self.objecter
            while not present(ob.osdmap):
                await ob.wait_for_map(CONNECT_TIMEOUT, ob.osdmap.epoch)

        self._call(wait(), CONNECT_TIMEOUT + 1)

    def create_pool(self, pool_name: str, crush_rule: int | None = None,
                    auid: int | None = None) -> None:  # fmt: skip
        self.require_state("connected")
        if self.pool_exists(pool_name):
            raise ObjectExists(f"pool '{pool_name}' exists", errno=17)
        ret, _out, outs = self.mon_command(
            json.dumps({"prefix": "osd pool create", "pool": pool_name}), b""
        )
        if ret:
            raise make_ex(ret, f"error creating pool '{pool_name}': {outs}")
        self._wait_pool(lambda m: m.pool_by_name(pool_name) is not None)

    def delete_pool(self, pool_name: str) -> None:
        self.require_state("connected")
        if not self.pool_exists(pool_name):
            raise ObjectNotFound(f"error deleting pool '{pool_name}'", errno=2)
        ret, _out, outs = self.mon_command(json.dumps({
            "prefix": "osd pool delete", "pool": pool_name, "pool2": pool_name,
            "yes_i_really_really_mean_it": True}), b"")  # fmt: skip
        if ret:
            raise make_ex(ret, f"error deleting pool '{pool_name}': {outs}")
        self._wait_pool(lambda m: m.pool_by_name(pool_name) is None)

    def get_cluster_stats(self) -> dict[str, int]:
        ret, out, outs = self.mon_command(json.dumps({"prefix": "df", "format": "json"}), b"")
        if ret:
            raise make_ex(ret, f"get_cluster_stats: {outs}")
        df = json.loads(out or b"{}")
        st = df.get("stats", {})
        return {
            "kb": int(st.get("total_bytes", 0)) // 1024,
            "kb_used": int(st.get("total_used_raw_bytes", st.get("total_used_bytes", 0))) // 1024,
            "kb_avail": int(st.get("total_avail_bytes", 0)) // 1024,
            "num_objects": sum(int(p.get("stats", {}).get("objects", 0))
                               for p in df.get("pools", [])),
        }  # fmt: skip

    # --- commands -----------------------------------------------------------------------

    def mon_command(self, cmd: str, inbuf: bytes, timeout: int = 0,
                    target: str | int | None = None) -> tuple[int, bytes, str]:  # fmt: skip
        self.require_state("connected")
        try:
            cmap = json.loads(cmd)
        except ValueError:
            raise InvalidArgumentError("mon_command: the command is not JSON", errno=22) from None
        try:
            rep = self._call(self.objecter.command(cmap, bytes(inbuf or b""),
                                                   float(timeout or CONNECT_TIMEOUT)))  # fmt: skip
        except MonUnavailable as exc:
            return -110, b"", str(exc)
        return rep.retval, rep.outbuf, rep.outs

    def mgr_command(self, cmd: str, inbuf: bytes, timeout: int = 0,
                    target: str | None = None) -> tuple[int, bytes, str]:  # fmt: skip
        self.require_state("connected")
        return self._client_command("mgr", json.loads(cmd), inbuf, timeout)

    def osd_command(self, osdid: int, cmd: str, inbuf: bytes,
                    timeout: int = 0) -> tuple[int, bytes, str]:  # fmt: skip
        """``ceph tell osd.N …`` (the fleet's admin commands for its OSDs)."""
        return self._daemon_command("osd_command", f"osd.{int(osdid)}", cmd, timeout)

    def mds_command(self, mds_spec: str, cmd: str, timeout: int = 0) -> tuple[int, bytes, str]:
        """A command to an MDS, by gid or name (libcephfs' ``mds_command``: the fleet
        answers for its MDSs)."""
        return self._daemon_command("mds_command", f"mds.{mds_spec}", cmd, timeout)

    def _daemon_command(self, what: str, target: str, cmd: str,
                        timeout: int) -> tuple[int, bytes, str]:  # fmt: skip
        self.require_state("connected")
        try:
            cmap = json.loads(cmd)
        except ValueError:
            raise InvalidArgumentError(f"{what}: the command is not JSON", errno=22) from None
        try:
            rep = self._call(self.objecter.daemon_command(target, cmap,
                                                          float(timeout or CONNECT_TIMEOUT)))  # fmt: skip
        except (ConnectionError, TimeoutError) as exc:
            return -110, b"", f"{target}: {exc}"
        return rep.retval, rep.outbuf, rep.outs

    def _client_command(self, kind: str, cmap: dict[str, Any], inbuf: bytes,
                        timeout: int) -> tuple[int, bytes, str]:  # fmt: skip
        try:
            rep = self._call(self.objecter.mgr_command(cmap, bytes(inbuf or b""),
                                                       float(timeout or CONNECT_TIMEOUT)))  # fmt: skip
        except (MonUnavailable, ConnectionError, TimeoutError) as exc:
            return -110, b"", f"{kind}: {exc}"
        return rep.retval, rep.outbuf, rep.outs

    # --- pools --------------------------------------------------------------------------

    def open_ioctx(self, ioctx_name: str) -> Ioctx:
        self.require_state("connected")
        p = self._osdmap().pool_by_name(ioctx_name)
        if p is None:
            raise ObjectNotFound(f"error opening pool '{ioctx_name}'", errno=2)
        return Ioctx(self, ioctx_name, p.pool)

    def open_ioctx2(self, pool_id: int) -> Ioctx:
        self.require_state("connected")
        p = self._osdmap().pools.get(pool_id)
        if p is None:
            raise ObjectNotFound(f"error opening pool id '{pool_id}'", errno=2)
        return Ioctx(self, p.name, p.pool)
