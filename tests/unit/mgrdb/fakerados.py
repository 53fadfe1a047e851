"""An in-memory RADOS behind the ``rados.Rados`` / ``rados.Ioctx`` API, for the VFS tests.

`FakeCluster` is the cluster's state: pools of objects (data, xattrs and the
advisory locks of ``cls_lock``, which expire), the blocklist, and hooks a
test sets to observe or interrupt writes. `FakeRados` is one client of it
(own address, instance id), with the ``Rados`` calls the VFS uses, and
`FakeIoctx` the ``Ioctx`` calls. Errors are the binding's (``rados``
stand-in) classes with their errnos, as rados.pyx raises them. Thread-safe.
With ``persist_to`` every change is saved to that file at once (atomically),
so that a process that dies mid-write leaves the cluster as it was: a
second process `FakeCluster.load`s it.
"""

from __future__ import annotations

import copy
import errno
import itertools
import json
import os
import pickle
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rados

_ids = itertools.count(int.from_bytes(os.urandom(3), "big") * 16 + 4100)  # unique across processes


@dataclass
class Obj:
    data: bytearray = field(default_factory=bytearray)
    xattrs: dict[str, bytes] = field(default_factory=dict)
    # lock name -> (cookie, owner addr, expiry on the monotonic clock)
    locks: dict[str, tuple[str, str, float]] = field(default_factory=dict)


class FakeCluster:
    def __init__(self, pools: tuple[str, ...] = (".mgr",), persist_to: Path | None = None) -> None:
        self.persist_to = persist_to
        self.lock = threading.RLock()
        self.pools: dict[str, int] = {}
        self.objects: dict[tuple[int, str, str], Obj] = {}
        self.blocklist: set[str] = set()
        self.on_write: Callable[[str], None] | None = None  # called before each data write
        self.up = threading.Event()  # cleared: every op waits, as on PGs below min_size
        self.up.set()
        self.waiting = 0  # ops waiting for `up`
        self.busy = 0  # lock attempts refused with EBUSY
        self.ops = 0
        for p in pools:
            self.create_pool(p)

    def create_pool(self, name: str) -> int:
        with self.lock:
            self.pools.setdefault(name, len(self.pools) + 1)
            self.save()
            return self.pools[name]

    def save(self) -> None:
        if self.persist_to is None:
            return
        tmp = self.persist_to.with_suffix(".tmp")
        plain = {k: (bytes(o.data), o.xattrs, o.locks) for k, o in self.objects.items()}
        tmp.write_bytes(pickle.dumps((self.pools, plain, self.blocklist)))
        os.replace(tmp, self.persist_to)

    @classmethod
    def load(cls, path: Path) -> FakeCluster:
        cl = cls((), persist_to=path)
        if path.exists():
            cl.pools, plain, cl.blocklist = pickle.loads(path.read_bytes())
            cl.objects = {k: Obj(bytearray(d), x, lk) for k, (d, x, lk) in plain.items()}
        return cl

    def client(self) -> FakeRados:
        return FakeRados(self)

    def snapshot(self) -> FakeCluster:
        """A copy of the cluster as it is now (a crash: nothing after this point lands)."""
        with self.lock:
            other = FakeCluster(())
            other.pools = dict(self.pools)
            other.objects = copy.deepcopy(self.objects)
            other.blocklist = set(self.blocklist)
            return other

    def names(self, pool: str = ".mgr") -> list[str]:
        pid = self.pools[pool]
        with self.lock:
            return sorted(k for p, _ns, k in self.objects if p == pid)


class FakeRados:
    def __init__(self, cluster: FakeCluster) -> None:
        self.cluster = cluster
        self.instance_id = next(_ids)
        self.addrs = f"[v2:127.0.0.1:0/{self.instance_id},v1:127.0.0.1:0/{self.instance_id}]"
        self.commands: list[dict[str, Any]] = []

    def get_instance_id(self) -> int:
        return self.instance_id

    def get_addrs(self) -> str:
        return self.addrs

    def open_ioctx(self, name: str) -> FakeIoctx:
        if name not in self.cluster.pools:
            raise rados.ObjectNotFound(f"pool {name} does not exist", errno=errno.ENOENT)
        return FakeIoctx(self, self.cluster.pools[name])

    def open_ioctx2(self, pool_id: int) -> FakeIoctx:
        if pool_id not in self.cluster.pools.values():
            raise rados.ObjectNotFound(f"pool {pool_id} does not exist", errno=errno.ENOENT)
        return FakeIoctx(self, pool_id)

    def mon_command(self, cmd: str, inbuf: bytes, timeout: int = 0) -> tuple[int, bytes, str]:
        c = json.loads(cmd)
        self.commands.append(c)
        if c.get("prefix") == "osd blocklist" and c.get("blocklistop") == "add":
            with self.cluster.lock:
                self.cluster.blocklist.add(c["addr"])
                self.cluster.save()
            return 0, b"", f"blocklisting {c['addr']}"
        return -errno.EINVAL, b"", "unknown command"

    def blocklisted(self) -> bool:
        return any(a in self.cluster.blocklist for a in self.addrs.strip("[]").split(","))


class FakeIoctx:
    def __init__(self, client: FakeRados, pool_id: int) -> None:
        self.client = client
        self.cluster = client.cluster
        self.pool_id = pool_id
        self.nspace = ""
        self.closed = False

    def set_namespace(self, ns: str) -> None:
        self.nspace = ns

    def close(self) -> None:
        self.closed = True

    def _key(self, key: str) -> tuple[int, str, str]:
        return (self.pool_id, self.nspace, key)

    def _op(self) -> None:
        if not self.cluster.up.is_set():
            self.cluster.waiting += 1
            self.cluster.up.wait()
            self.cluster.waiting -= 1
        if self.closed:
            raise rados.Error("ioctx is closed", errno=errno.EBADF)
        if self.client.blocklisted():
            raise rados.ConnectionShutdown("blocklisted", errno=errno.ESHUTDOWN)
        self.cluster.ops += 1

    def _changed(self) -> None:
        self.cluster.save()

    def _get(self, key: str) -> Obj:
        obj = self.cluster.objects.get(self._key(key))
        if obj is None:
            raise rados.ObjectNotFound(f"{key}: no such object", errno=errno.ENOENT)
        return obj

    def read(self, key: str, length: int = 8192, offset: int = 0) -> bytes:
        with self.cluster.lock:
            self._op()
            return bytes(self._get(key).data[offset : offset + length])

    def write(self, key: str, data: bytes, offset: int = 0) -> None:
        if self.cluster.on_write is not None:
            self.cluster.on_write(key)
        with self.cluster.lock:
            self._op()
            obj = self.cluster.objects.setdefault(self._key(key), Obj())
            if len(obj.data) < offset:
                obj.data.extend(b"\0" * (offset - len(obj.data)))
            obj.data[offset : offset + len(data)] = data
            self._changed()

    def write_full(self, key: str, data: bytes) -> None:
        with self.cluster.lock:
            self._op()
            self.cluster.objects.setdefault(self._key(key), Obj()).data = bytearray(data)
            self._changed()

    def trunc(self, key: str, size: int) -> None:
        with self.cluster.lock:
            self._op()
            obj = self.cluster.objects.setdefault(self._key(key), Obj())
            del obj.data[size:]
            obj.data.extend(b"\0" * (size - len(obj.data)))
            self._changed()

    def stat(self, key: str) -> tuple[int, time.struct_time]:
        with self.cluster.lock:
            self._op()
            return len(self._get(key).data), time.gmtime()

    def remove_object(self, key: str) -> bool:
        with self.cluster.lock:
            self._op()
            self._get(key)
            del self.cluster.objects[self._key(key)]
            self._changed()
            return True

    def get_xattr(self, key: str, xattr_name: str) -> bytes:
        with self.cluster.lock:
            self._op()
            obj = self._get(key)
            if xattr_name not in obj.xattrs:
                raise rados.NoData(f"{key}: no xattr {xattr_name}", errno=errno.ENODATA)
            return obj.xattrs[xattr_name]

    def get_xattrs(self, key: str) -> list[tuple[str, bytes]]:
        with self.cluster.lock:
            self._op()
            return list(self._get(key).xattrs.items())

    def set_xattr(self, key: str, xattr_name: str, xattr_value: bytes) -> bool:
        with self.cluster.lock:
            self._op()
            self.cluster.objects.setdefault(self._key(key), Obj()).xattrs[xattr_name] = bytes(
                xattr_value
            )
            self._changed()
            return True

    def lock_exclusive(
        self,
        key: str,
        name: str,
        cookie: str,
        desc: str = "",
        duration: int | None = None,
        flags: int = 0,
    ) -> None:
        with self.cluster.lock:
            self._op()
            now = time.time()  # the clock all processes share
            obj = self.cluster.objects.setdefault(
                self._key(key), Obj()
            )  # cls_lock creates the object
            held = obj.locks.get(name)
            if held is not None and held[2] <= now:
                del obj.locks[name]  # expired
                held = None
            expiry = now + duration if duration else float("inf")
            mine = held is not None and held[0] == cookie and held[1] == self.client.addrs
            if flags & 2 and not mine:  # MUST_RENEW
                raise rados.ObjectNotFound(f"{key}: lock {name} not held", errno=errno.ENOENT)
            if held is not None and not mine:
                self.cluster.busy += 1
                raise rados.ObjectBusy(f"{key}: lock {name} busy", errno=errno.EBUSY)
            if mine and not flags & 3:
                raise rados.ObjectExists(f"{key}: lock {name} already held", errno=errno.EEXIST)
            obj.locks[name] = (cookie, self.client.addrs, expiry)
            self._changed()

    def unlock(self, key: str, name: str, cookie: str) -> None:
        with self.cluster.lock:
            self._op()
            obj = self._get(key)
            held = obj.locks.get(name)
            if held is None or held[0] != cookie:
                raise rados.ObjectNotFound(f"{key}: lock {name} not held", errno=errno.ENOENT)
            del obj.locks[name]
            self._changed()
