"""Object → placement seed: Ceph's rjenkins string hash and ``ceph_stable_mod``.

Ceph hashes an object's name (``namespace + "\\037" + name`` when it has a
namespace) with Bob Jenkins' 1996 ``lookup2`` hash (``ceph_str_hash_rjenkins``)
and folds the 32-bit result onto the pool's ``pg_num`` with
``ceph_stable_mod``, so that splitting a pool moves only half of a PG's
objects. Written from the published algorithm; pure, no I/O.
"""

from __future__ import annotations

_M = 0xFFFFFFFF
GOLDEN = 0x9E3779B9


def _mix(a: int, b: int, c: int) -> tuple[int, int, int]:
    a = ((a - b - c) & _M) ^ (c >> 13)
    b = ((b - c - a) & _M) ^ ((a << 8) & _M)
    c = ((c - a - b) & _M) ^ (b >> 13)
    a = ((a - b - c) & _M) ^ (c >> 12)
    b = ((b - c - a) & _M) ^ ((a << 16) & _M)
    c = ((c - a - b) & _M) ^ (b >> 5)
    a = ((a - b - c) & _M) ^ (c >> 3)
    b = ((b - c - a) & _M) ^ ((a << 10) & _M)
    c = ((c - a - b) & _M) ^ (b >> 15)
    return a, b, c


def str_hash_rjenkins(data: bytes) -> int:
    """``ceph_str_hash_rjenkins``: the 32-bit lookup2 hash of ``data``."""
    a = b = GOLDEN
    c = 0
    n = len(data)
    i = 0
    while n - i >= 12:
        k = data[i : i + 12]
        a = (a + int.from_bytes(k[0:4], "little")) & _M
        b = (b + int.from_bytes(k[4:8], "little")) & _M
        c = (c + int.from_bytes(k[8:12], "little")) & _M
        a, b, c = _mix(a, b, c)
        i += 12
    tail = data[i:]
    c = (c + n) & _M
    # the last 11 bytes: c takes bytes 8..10 (shifted by one: its low byte is the length)
    for j, byte in enumerate(tail):
        if j < 4:
            a = (a + (byte << (8 * j))) & _M
        elif j < 8:
            b = (b + (byte << (8 * (j - 4)))) & _M
        else:
            c = (c + (byte << (8 * (j - 7)))) & _M
    return _mix(a, b, c)[2]


def pg_num_mask(pg_num: int) -> int:
    """The smallest all-ones mask covering ``pg_num - 1`` (Ceph's ``pg_num_mask``)."""
    return (1 << max(0, (pg_num - 1).bit_length())) - 1


def stable_mod(x: int, b: int, bmask: int) -> int:
    """``ceph_stable_mod``: ``x`` folded onto ``b`` buckets, stable under splits."""
    return x & bmask if (x & bmask) < b else x & (bmask >> 1)


def object_hash(oid: str, nspace: str = "") -> int:
    """``pg_pool_t::hash_key``: the hash of a name in a namespace."""
    key = f"{nspace}\037{oid}" if nspace else oid
    return str_hash_rjenkins(key.encode())


def object_ps(oid: str, nspace: str, pg_num: int) -> int:
    """The placement seed (PG number in its pool) of an object."""
    return stable_mod(object_hash(oid, nspace), pg_num, pg_num_mask(pg_num))
