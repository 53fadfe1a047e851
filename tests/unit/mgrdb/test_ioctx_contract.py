"""What the ``ceph`` VFS needs of a ``rados`` binding, as checks any implementation can run.

Run today against the in-memory cluster (`fakerados`); a binding on
simulated OSDs adds itself to `CLUSTERS` (a factory of two clients of one
cluster, with a pool ``.mgr``). Semantics are librados' (rados.pyx, cls_lock):
errors are the binding's classes with their errnos; ``lock_exclusive``
creates a missing object, refuses another cookie with EBUSY, expires after
``duration`` seconds and renews with flag 2 (MUST_RENEW) only while held.
"""

from __future__ import annotations

import errno
import time
from collections.abc import Callable
from typing import Any

import pytest

from .fakerados import FakeCluster


def fake_pair() -> tuple[Any, Any]:
    cluster = FakeCluster()
    return cluster.client(), cluster.client()


CLUSTERS: dict[str, Callable[[], tuple[Any, Any]]] = {"in-memory": fake_pair}


@pytest.fixture(params=sorted(CLUSTERS))
def pair(request: pytest.FixtureRequest) -> tuple[Any, Any]:
    return CLUSTERS[request.param]()


def errno_of(call: Callable[[], object]) -> int:
    try:
        call()
    except Exception as e:
        return abs(int(getattr(e, "errno", 0) or 0))
    return 0


def test_data_calls(pair: tuple[Any, Any]) -> None:
    io = pair[0].open_ioctx(".mgr")
    io.set_namespace("contract")
    assert errno_of(lambda: io.read("nothing", 10, 0)) == errno.ENOENT
    io.write("o", b"hello", 0)
    io.write("o", b"XY", 8)  # a hole reads as zeros
    assert io.read("o", 100, 0) == b"hello\0\0\0XY"
    assert io.read("o", 3, 2) == b"llo"
    io.trunc("o", 4)
    assert io.read("o", 100, 0) == b"hell"
    io.remove_object("o")
    assert errno_of(lambda: io.remove_object("o")) == errno.ENOENT
    other = pair[0].open_ioctx(".mgr")  # another namespace does not see it
    other.write("o", b"default ns", 0)
    assert errno_of(lambda: io.read("o", 10, 0)) == errno.ENOENT
    io.close()
    other.close()


def test_xattr_calls(pair: tuple[Any, Any]) -> None:
    io = pair[0].open_ioctx(".mgr")
    assert errno_of(lambda: io.get_xattr("x", "a")) == errno.ENOENT
    io.set_xattr("x", "a", b"1")
    assert io.get_xattr("x", "a") == b"1"
    assert errno_of(lambda: io.get_xattr("x", "b")) == errno.ENODATA
    if hasattr(io, "get_xattrs"):
        assert dict(io.get_xattrs("x")) == {"a": b"1"}
    io.close()


def test_lock_calls(pair: tuple[Any, Any]) -> None:
    a = pair[0].open_ioctx(".mgr")
    b = pair[1].open_ioctx(".mgr")
    a.lock_exclusive("l", "striper.lock", "ca", "SimpleRADOSStriper", 1, 0)
    assert a.read("l", 10, 0) == b""  # the lock made the object
    assert errno_of(lambda: b.lock_exclusive("l", "striper.lock", "cb", "d", 1, 0)) == errno.EBUSY
    a.lock_exclusive("l", "striper.lock", "ca", "SimpleRADOSStriper", 1, 2)  # renewal
    assert errno_of(lambda: b.lock_exclusive("l", "striper.lock", "cb", "d", 1, 2)) == errno.ENOENT
    assert errno_of(lambda: b.unlock("l", "striper.lock", "cb")) == errno.ENOENT
    a.unlock("l", "striper.lock", "ca")
    b.lock_exclusive("l", "striper.lock", "cb", "d", 1, 0)
    deadline = time.monotonic() + 10
    while errno_of(lambda: a.lock_exclusive("l", "striper.lock", "ca", "d", 1, 0)) == errno.EBUSY:
        assert time.monotonic() < deadline, "the lock never expired"
        time.sleep(0.05)
    assert errno_of(lambda: b.lock_exclusive("l", "striper.lock", "cb", "d", 1, 2)) == errno.ENOENT
    a.close()
    b.close()


def test_client_calls(pair: tuple[Any, Any]) -> None:
    one, two = pair
    assert one.get_addrs() != two.get_addrs()
    assert isinstance(one.get_instance_id(), int)
    assert errno_of(lambda: one.open_ioctx("no-such-pool")) == errno.ENOENT
    ioctx = one.open_ioctx(".mgr")
    ioctx.close()
