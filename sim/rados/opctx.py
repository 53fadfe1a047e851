"""Compound ops, their results and completions (rados.pyx's ``WriteOp``, ``ReadOp``,
``WriteOpCtx``, ``ReadOpCtx``, ``OmapIterator``, ``Object``, ``Completion``).

A `WriteOp`/`ReadOp` only collects ops (``[name, args…]``, see
`sim.fleet.objops`); ``Ioctx.operate_*_op`` sends them as one `OsdOp`,
applied all or nothing. A read op's iterators are filled when it runs.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from sim.rados.errors import make_ex


class Ioctx(Protocol):
    """What objects and completions use of their `sim.rados.ioctx.Ioctx` (no import cycle)."""

    name: str
    nspace: str
    last_version: int

    def read(self, key: str, length: int = 8192, offset: int = 0) -> bytes: ...
    def stat(self, key: str) -> tuple[int, time.struct_time]: ...
    def remove_object(self, key: str) -> bool: ...


LIBRADOS_CREATE_EXCLUSIVE = 1
LIBRADOS_CREATE_IDEMPOTENT = 0


def _b(v: Any) -> bytes:
    return v.encode() if isinstance(v, str) else bytes(v)


class _Op:
    def __init__(self) -> None:
        self.ops: list[list[Any]] = []
        self.sinks: list[Callable[[Any], None] | None] = []
        self.flags = 0

    def add(self, op: list[Any], sink: Callable[[Any], None] | None = None) -> None:
        self.ops.append(op)
        self.sinks.append(sink)

    def set_flags(self, flags: int = 0) -> None:
        self.flags = flags

    def release(self) -> None:
        self.ops, self.sinks = [], []

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class WriteOp(_Op):
    """Write ops on one object, applied together by ``Ioctx.operate_write_op``."""

    def new(self, exclusive: int | None = None) -> None:
        self.add(["create", bool(exclusive)])

    def remove(self) -> None:
        self.add(["remove"])

    def append(self, to_write: bytes) -> None:
        self.add(["append", _b(to_write)])

    def write(self, to_write: bytes, offset: int = 0) -> None:
        self.add(["write", offset, _b(to_write)])

    def write_full(self, to_write: bytes) -> None:
        self.add(["write_full", _b(to_write)])

    def zero(self, offset: int, length: int) -> None:
        self.add(["write", offset, bytes(length)])

    def truncate(self, offset: int) -> None:
        self.add(["truncate", offset])

    def set_xattr(self, xattr_name: str, xattr_value: bytes) -> None:
        self.add(["setxattr", xattr_name, _b(xattr_value)])

    def rm_xattr(self, xattr_name: str) -> None:
        self.add(["rmxattr", xattr_name])


class ReadOp(_Op):
    """Read ops on one object, run together by ``Ioctx.operate_read_op``."""


WriteOpCtx = WriteOp
ReadOpCtx = ReadOp


class OmapIterator:
    """``(key, value)`` pairs of an omap read, filled when its read op runs."""

    def __init__(self, key_type: Callable[[bytes], Any] = bytes.decode,
                 keys_only: bool = False) -> None:  # fmt: skip
        self.key_type = key_type
        self.keys_only = keys_only
        self.items: list[tuple[Any, bytes | None]] = []
        self.more = False

    def fill(self, result: Any) -> None:
        pairs, self.more = result[0], bool(result[1])
        self.items = [(self.key_type(str(k).encode()),
                       None if self.keys_only else bytes(v)) for k, v in pairs]  # fmt: skip

    def __iter__(self) -> Iterator[tuple[Any, bytes | None]]:
        return iter(self.items)

    def __next__(self) -> tuple[Any, bytes | None]:
        if not self.items:
            raise StopIteration
        return self.items.pop(0)


class Object:
    """One listed object (``list_objects``): ``key``, ``nspace``, ``locator``."""

    def __init__(self, ioctx: Ioctx, key: str, locator: str | None = None,
                 nspace: str | None = None) -> None:  # fmt: skip
        self.ioctx = ioctx
        self.key = key
        self.locator_key = locator
        self.nspace = nspace or ""
        self.state = "exists"

    def __repr__(self) -> str:
        return f"rados.Object(ioctx={self.ioctx.name},key={self.key},nspace={self.nspace})"

    def _ns(self) -> Any:
        saved = self.ioctx.nspace
        self.ioctx.nspace = self.nspace
        return saved

    def read(self, length: int = 1024 * 1024) -> bytes:
        saved = self._ns()
        try:
            return self.ioctx.read(self.key, length)
        finally:
            self.ioctx.nspace = saved

    def stat(self) -> tuple[int, time.struct_time]:
        saved = self._ns()
        try:
            return self.ioctx.stat(self.key)
        finally:
            self.ioctx.nspace = saved

    def remove(self) -> None:
        saved = self._ns()
        try:
            self.ioctx.remove_object(self.key)
            self.state = "removed"
        finally:
            self.ioctx.nspace = saved


class Completion:
    """The state of an asynchronous op (``rados.Completion``)."""

    def __init__(self, ioctx: Ioctx, oncomplete: Callable[..., Any] | None,
                 onsafe: Callable[..., Any] | None, with_data: bool) -> None:  # fmt: skip
        self.ioctx = ioctx
        self.oncomplete = oncomplete
        self.onsafe = onsafe
        self.with_data = with_data
        self._done = threading.Event()
        self._cb_done = threading.Event()
        self._ret = 0
        self.data = b""

    def finish(self, fut: concurrent.futures.Future[Any]) -> None:
        """On the finisher thread: record the outcome, run the callbacks."""
        try:
            rep = fut.result()
            self._ret = rep.retval
            if rep.retval >= 0:
                self.ioctx.last_version = rep.version
                if self.with_data:
                    self.data = bytes(rep.results[0])
                    self._ret = len(self.data)
        except Exception:  # the handle was shut down underneath
            self._ret = -107
        self._done.set()
        try:
            if self.oncomplete is not None:
                if self.with_data:
                    self.oncomplete(self, self.data if self._ret >= 0 else None)
                else:
                    self.oncomplete(self)
            if self.onsafe is not None:
                self.onsafe(self)
        finally:
            self._cb_done.set()

    def is_complete(self) -> bool:
        return self._done.is_set()

    def is_safe(self) -> bool:
        return self._done.is_set()

    def wait_for_complete(self) -> None:
        self._done.wait()

    def wait_for_safe(self) -> None:
        self._done.wait()

    def wait_for_complete_and_cb(self) -> None:
        self._cb_done.wait()

    def wait_for_safe_and_cb(self) -> None:
        self._cb_done.wait()

    def get_return_value(self) -> int:
        return self._ret

    def raise_on_error(self) -> None:
        if self._ret < 0:
            raise make_ex(self._ret, "asynchronous op failed")

    def release(self) -> None:
        return None
