"""``rados.Ioctx``: I/O on one pool, with the API of Ceph's rados.pyx.

Synchronous calls (``read``, ``write_full``, ``set_omap`` via
``operate_write_op`` …) run one `OsdOp` through the connected `Rados` and
turn a negative errno into its exception (`errors.make_ex`). Semantics as
in librados: ``read(key, length=8192, offset=0)`` returns bytes, short at
the end; ``stat`` returns ``(size, time.struct_time)``; a missing object
raises `ObjectNotFound`; write ops create the object. ``aio_*`` return a
`Completion`; its callbacks run on the handle's finisher thread, as
librados' do, so they may make blocking calls.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from typing import Any, Protocol, TypeVar

from sim.rados.errors import IoctxStateError, make_ex
from sim.rados.opctx import Completion, Object, OmapIterator, ReadOp, WriteOp

T = TypeVar("T")


class Rados(Protocol):
    """What an `Ioctx` uses of its `sim.rados.api.Rados` (no import cycle)."""

    objecter: Any
    _loop: asyncio.AbstractEventLoop | None

    def _call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None,
              what: str = "") -> T: ...  # fmt: skip
    def op_timeout(self) -> float: ...
    def get_addrs(self) -> str: ...
    def get_instance_id(self) -> int: ...


LIBRADOS_ALL_NSPACES = "\001"


def _b(v: Any) -> bytes:
    return v.encode() if isinstance(v, str) else bytes(v)


class Ioctx:
    def __init__(self, rados: Rados, name: str, pool_id: int) -> None:
        self.rados = rados
        self.name = name
        self.pool_id = pool_id
        self.nspace = ""
        self.locator_key = ""
        self.state = "open"
        self.last_version = 0
        self._finisher: concurrent.futures.ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> Ioctx:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def require_ioctx_open(self) -> None:
        if self.state != "open":
            raise IoctxStateError("The pool is closed.")

    def close(self) -> None:
        self.state = "closed"
        if self._finisher is not None:
            self._finisher.shutdown(wait=False)

    def get_pool_id(self) -> int:
        return self.pool_id

    def get_pool_name(self) -> str:
        return self.name

    def set_namespace(self, nspace: str) -> None:
        self.require_ioctx_open()
        self.nspace = "" if nspace is None else str(nspace)

    def get_namespace(self) -> str:
        return self.nspace

    def set_locator_key(self, loc_key: str) -> None:
        self.locator_key = loc_key

    def get_locator_key(self) -> str:
        return self.locator_key

    def get_last_version(self) -> int:
        return self.last_version

    # --- the one op path ----------------------------------------------------------------

    async def _aop(self, oid: str, ops: list[Any], ps: int = -1) -> Any:
        return await self.rados.objecter.op(self.pool_id, oid, self.nspace, ops,
                                            self.rados.op_timeout(), ps)  # fmt: skip

    def _op(self, oid: str, ops: list[Any], what: str) -> list[Any]:
        self.require_ioctx_open()
        if not isinstance(oid, str):
            raise TypeError("the object name must be a string")
        rep = self.rados._call(self._aop(oid, ops), what=f"{what} {oid!r}")
        if rep.retval < 0:
            raise make_ex(rep.retval, f"Failed to {what} '{oid}'")
        self.last_version = rep.version
        return list(rep.results)

    # --- data ---------------------------------------------------------------------------

    def read(self, key: str, length: int = 8192, offset: int = 0) -> bytes:
        return bytes(self._op(key, [["read", offset, length]], "read object")[0])

    def write(self, key: str, data: bytes, offset: int = 0) -> int:
        self._op(key, [["write", offset, _b(data)]], "write object")
        return 0

    def write_full(self, key: str, data: bytes) -> int:
        self._op(key, [["write_full", _b(data)]], "write_full object")
        return 0

    def append(self, key: str, data: bytes) -> int:
        self._op(key, [["append", _b(data)]], "append object")
        return 0

    def trunc(self, key: str, size: int) -> int:
        self._op(key, [["truncate", size]], "truncate object")
        return 0

    def remove_object(self, key: str) -> bool:
        self._op(key, [["remove"]], "remove object")
        return True

    def stat(self, key: str) -> tuple[int, time.struct_time]:
        size, mtime = self._op(key, [["stat"]], "stat object")[0]
        return int(size), time.localtime(mtime)

    # --- xattrs -------------------------------------------------------------------------

    def get_xattr(self, key: str, xattr_name: str) -> bytes:
        return bytes(self._op(key, [["getxattr", xattr_name]], "get xattr of")[0])

    def get_xattrs(self, oid: str) -> Iterator[tuple[str, bytes]]:
        pairs = self._op(oid, [["getxattrs"]], "get xattrs of")[0]
        return iter([(str(k), bytes(v)) for k, v in pairs])

    def set_xattr(self, key: str, xattr_name: str, xattr_value: bytes) -> bool:
        self._op(key, [["setxattr", xattr_name, _b(xattr_value)]], "set xattr on")
        return True

    def rm_xattr(self, key: str, xattr_name: str) -> bool:
        self._op(key, [["rmxattr", xattr_name]], "remove xattr from")
        return True

    # --- advisory locks (cls_lock, `sim.fleet.cls_lock`) ------------------------------------

    def _cls_lock(self, key: str, name: str, ltype: int, cookie: str, tag: str, desc: str,
              duration: int | None, flags: int) -> None:  # fmt: skip
        entity = f"client.{self.rados.get_instance_id()}"
        op = ["lock", name, ltype, cookie, tag, desc, int(duration or 0), int(flags), entity,
              self.rados.get_addrs(), time.time()]  # fmt: skip
        self._op(key, [op], f"set lock {name} on")

    def lock_exclusive(self, key: str, name: str, cookie: str, desc: str = "",
                       duration: int | None = None, flags: int = 0) -> None:  # fmt: skip
        """Take the exclusive lock ``name`` on ``key`` (``duration`` seconds, None = for
        ever): `ObjectBusy` if another holds it, `ObjectExists` if this cookie does."""
        self._cls_lock(key, name, 1, cookie, "", desc, duration, flags)

    def lock_shared(self, key: str, name: str, cookie: str, tag: str, desc: str = "",
                    duration: int | None = None, flags: int = 0) -> None:  # fmt: skip
        self._cls_lock(key, name, 2, cookie, tag, desc, duration, flags)

    def unlock(self, key: str, name: str, cookie: str) -> None:
        entity = f"client.{self.rados.get_instance_id()}"
        self._op(key, [["unlock", name, cookie, entity]], f"unlock {name} on")

    # --- compound ops and omap ------------------------------------------------------------

    def create_write_op(self) -> WriteOp:
        return WriteOp()

    def create_read_op(self) -> ReadOp:
        return ReadOp()

    def release_write_op(self, write_op: WriteOp) -> None:
        write_op.release()

    def release_read_op(self, read_op: ReadOp) -> None:
        read_op.release()

    def operate_write_op(self, write_op: WriteOp, oid: str, mtime: int = 0,
                         flags: int = 0) -> None:  # fmt: skip
        if write_op.ops:
            self._op(oid, list(write_op.ops), "operate write op for")

    def operate_read_op(self, read_op: ReadOp, oid: str, flag: int = 0) -> None:
        if not read_op.ops:
            return
        results = self._op(oid, list(read_op.ops), "operate read op for")
        for sink, result in zip(read_op.sinks, results, strict=True):
            if sink is not None:
                sink(result)

    def set_omap(self, write_op: WriteOp, keys: Sequence[str],
                 values: Sequence[bytes | str]) -> None:  # fmt: skip
        if len(keys) != len(values):
            raise ValueError("keys and values must have the same length")
        write_op.add(["omap_set", {str(k): _b(v) for k, v in zip(keys, values, strict=True)}])

    def remove_omap_keys(self, write_op: WriteOp, keys: Sequence[str]) -> None:
        write_op.add(["omap_rm_keys", [str(k) for k in keys]])

    def clear_omap(self, write_op: WriteOp) -> None:
        write_op.add(["omap_clear"])

    def get_omap_vals(self, read_op: ReadOp, start_after: str, filter_prefix: str,
                      max_return: int, omap_key_type: Callable[[bytes], Any] = bytes.decode,
                      ) -> tuple[OmapIterator, int]:  # fmt: skip
        it = OmapIterator(omap_key_type)
        read_op.add(["omap_get_vals", start_after or "", filter_prefix or "", int(max_return)],
                    it.fill)  # fmt: skip
        return it, 0

    def get_omap_keys(self, read_op: ReadOp, start_after: str, max_return: int,
                      omap_key_type: Callable[[bytes], Any] = bytes.decode,
                      ) -> tuple[OmapIterator, int]:  # fmt: skip
        it = OmapIterator(omap_key_type, keys_only=True)
        read_op.add(["omap_get_keys", start_after or "", int(max_return)], it.fill)
        return it, 0

    def get_omap_vals_by_keys(self, read_op: ReadOp, keys: Sequence[str],
                              omap_key_type: Callable[[bytes], Any] = bytes.decode,
                              ) -> tuple[OmapIterator, int]:  # fmt: skip
        it = OmapIterator(omap_key_type)
        read_op.add(["omap_get_vals_by_keys", [str(k) for k in keys]], it.fill)
        return it, 0

    # --- listing -------------------------------------------------------------------------

    def list_objects(self) -> Iterator[Object]:
        """Every object of the pool in this namespace (`LIBRADOS_ALL_NSPACES`: all), PG by PG."""
        self.require_ioctx_open()
        pool = self.rados.objecter.osdmap.pools.get(self.pool_id)
        if pool is None:
            raise make_ex(-2, f"pool {self.name} does not exist")
        nspace = None if self.nspace == LIBRADOS_ALL_NSPACES else self.nspace
        for ps in range(pool.pg_num):
            rep = self.rados._call(self._aop("", [["pgls", nspace]], ps))
            if rep.retval < 0:
                raise make_ex(rep.retval, f"error listing objects of pool {self.name}")
            for ns, oid in rep.results[0]:
                yield Object(self, str(oid), "", str(ns))

    # --- asynchronous I/O ------------------------------------------------------------------

    def _aio(self, oid: str, ops: list[Any], oncomplete: Callable[..., Any] | None,
             onsafe: Callable[..., Any] | None, with_data: bool = False) -> Completion:  # fmt: skip
        self.require_ioctx_open()
        with self._lock:
            if self._finisher is None:
                self._finisher = concurrent.futures.ThreadPoolExecutor(1, f"finisher-{self.name}")
        comp = Completion(self, oncomplete, onsafe, with_data)
        loop = self.rados._loop
        if loop is None:
            raise make_ex(-107, "not connected")
        fut = asyncio.run_coroutine_threadsafe(self._aop(oid, ops), loop)
        finisher = self._finisher
        fut.add_done_callback(lambda f: finisher.submit(comp.finish, f))
        return comp

    def aio_write(self, object_name: str, to_write: bytes, offset: int = 0,
                  oncomplete: Callable[..., Any] | None = None,
                  onsafe: Callable[..., Any] | None = None) -> Completion:  # fmt: skip
        return self._aio(object_name, [["write", offset, _b(to_write)]], oncomplete, onsafe)

    def aio_write_full(self, object_name: str, to_write: bytes,
                       oncomplete: Callable[..., Any] | None = None,
                       onsafe: Callable[..., Any] | None = None) -> Completion:  # fmt: skip
        return self._aio(object_name, [["write_full", _b(to_write)]], oncomplete, onsafe)

    def aio_append(self, object_name: str, to_append: bytes,
                   oncomplete: Callable[..., Any] | None = None,
                   onsafe: Callable[..., Any] | None = None) -> Completion:  # fmt: skip
        return self._aio(object_name, [["append", _b(to_append)]], oncomplete, onsafe)

    def aio_read(self, object_name: str, length: int, offset: int,
                 oncomplete: Callable[..., Any] | None = None) -> Completion:  # fmt: skip
        return self._aio(object_name, [["read", offset, length]], oncomplete, None, True)

    def aio_remove(self, object_name: str, oncomplete: Callable[..., Any] | None = None,
                   onsafe: Callable[..., Any] | None = None) -> Completion:  # fmt: skip
        return self._aio(object_name, [["remove"]], oncomplete, onsafe)

    def aio_flush(self) -> None:
        return None
