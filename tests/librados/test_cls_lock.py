"""cls_lock's rules on one object (the pure op core, no processes)."""

from __future__ import annotations

import errno
import json
from typing import Any

from sim.fleet.objops import ObjectState, apply

T0 = 1_000_000.0


def lock(obj: ObjectState, who: str = "client.1", cookie: str = "c", *, ltype: int = 1,
         tag: str = "", duration: float = 30, flags: int = 0, now: float = T0) -> Any:  # fmt: skip
    out = apply(obj, [["lock", "L", ltype, cookie, tag, "d", duration, flags, who,
                       f"127.0.0.1:0/{who[-1]}", now]], 1, now)  # fmt: skip
    return out.retval, out.state


def unlock(obj: ObjectState, who: str = "client.1", cookie: str = "c") -> Any:
    out = apply(obj, [["unlock", "L", cookie, who]], 1, T0)
    return out.retval, out.state


def test_an_exclusive_lock_creates_the_object_and_refuses_others() -> None:
    rc, o = lock(ObjectState())
    assert rc == 0 and o.exists
    info = json.loads(o.xattrs["lock.L"])  # the lock lives in the object's xattr, as in Ceph
    assert [lk["entity"] for lk in info["lockers"]] == ["client.1"] and info["type"] == 1
    assert lock(o, "client.2")[0] == -errno.EBUSY
    assert lock(o)[0] == -errno.EEXIST  # the same locker again, without a renew flag
    assert lock(o, flags=1)[0] == 0  # MAY_RENEW
    assert lock(o, "client.2", flags=2)[0] == -errno.ENOENT  # MUST_RENEW, not held
    assert unlock(o, "client.2")[0] == -errno.ENOENT
    rc, o = unlock(o)
    assert rc == 0 and "lock.L" not in o.xattrs
    assert lock(o, "client.2")[0] == 0


def test_an_expired_lock_is_taken_over_and_renewal_extends_it() -> None:
    _, o = lock(ObjectState(), duration=30)
    assert lock(o, "client.2", now=T0 + 29)[0] == -errno.EBUSY
    _, renewed = lock(o, flags=2, now=T0 + 20)  # MUST_RENEW by the holder
    assert lock(renewed, "client.2", now=T0 + 40)[0] == -errno.EBUSY
    assert lock(renewed, "client.2", now=T0 + 51)[0] == 0
    _, forever = lock(ObjectState(), duration=0)
    assert lock(forever, "client.2", now=T0 + 10**9)[0] == -errno.EBUSY


def test_shared_locks_need_the_same_tag_and_exclude_an_exclusive_one() -> None:
    _, o = lock(ObjectState(), ltype=2, tag="t")
    rc, o = lock(o, "client.2", ltype=2, tag="t")
    assert rc == 0 and len(json.loads(o.xattrs["lock.L"])["lockers"]) == 2
    assert lock(o, "client.3", ltype=2, tag="other")[0] == -errno.EBUSY
    assert lock(o, "client.3", ltype=1)[0] == -errno.EBUSY


def test_malformed_lock_ops_are_einval_and_change_nothing() -> None:
    o = ObjectState()
    for args in (["L", 3, "c", "", "", 0, 0, "client.1", "a", T0],  # no such type
                 ["L", 1, "c", "", "", -1, 0, "client.1", "a", T0],  # negative duration
                 ["L", "1", "c", "", "", 0, 0, "client.1", "a", T0],  # a string type
                 ["", 1, "c", "", "", 0, 0, "client.1", "a", T0]):  # fmt: skip
        out = apply(o, [["lock", *args]], 1, T0)
        assert (out.retval, out.wrote, out.state.exists) == (-errno.EINVAL, False, False)
    assert apply(o, [["unlock", "L", 1, "client.1"]], 1, T0).retval == -errno.EINVAL
