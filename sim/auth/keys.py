"""Ceph's cephx key layout, as ``ceph auth get-key`` prints it.

A key is base64 of 28 bytes: the key type (u16 little-endian, 1 = AES), the
creation time (u32 seconds, u32 nanoseconds), the secret's length (u16, 16)
and the 16-byte secret. It prints as 40 characters starting ``AQ`` and ending
``==``. Frames are signed with the secret (`secret_of`).

Who may import it: anything (pure).
"""

from __future__ import annotations

import base64
import binascii
import os
import struct
import time

KEY_TYPE_AES = 1
SECRET_BYTES = 16
_HEAD = struct.Struct("<HIIH")


class BadKey(ValueError):
    """Text that is not a cephx key."""


def generate_key(now: float | None = None) -> str:
    """A new random key, stamped ``now``."""
    stamp = time.time() if now is None else now
    sec = int(stamp)
    nsec = int((stamp - sec) * 1e9)
    raw = _HEAD.pack(KEY_TYPE_AES, sec, nsec, SECRET_BYTES) + os.urandom(SECRET_BYTES)
    return base64.b64encode(raw).decode()


def secret_of(key: str) -> bytes:
    """The 16-byte secret of a printed key; `BadKey` if it is not one."""
    try:
        raw = base64.b64decode(key.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise BadKey(f"key {key[:48]!r} is not base64") from None
    if len(raw) < _HEAD.size:
        raise BadKey("key is too short")
    ktype, _sec, _nsec, length = _HEAD.unpack_from(raw)
    if ktype != KEY_TYPE_AES or length != SECRET_BYTES or len(raw) != _HEAD.size + length:
        raise BadKey("not an AES cephx key")
    return raw[_HEAD.size :]


def is_key(text: str) -> bool:
    try:
        secret_of(text)
    except BadKey:
        return False
    return True
