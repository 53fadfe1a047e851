"""The one place that calls msgpack.

Every frame on the wire is packed and unpacked here, so limits and options
(binary vs. text strings, map key types, buffer bounds) live in one spot.
"""

from __future__ import annotations

from typing import Any

import msgpack

# The message size limit, stated here only. A sender refuses to send a bigger
# message (wire.FrameTooLarge: the CLI says EFBIG, a daemon replies EFBIG
# instead of a reply too big); a receiver refuses one (answering EFBIG to a
# request) rather than dropping it silently.
MAX_FRAME_BYTES = 32 * 1024 * 1024
# What ZeroMQ itself lets in (it drops the connection beyond): room for a
# frame over the limit to arrive, be refused and answered.
MAX_WIRE_BYTES = 2 * MAX_FRAME_BYTES + 4096
# Deeper nesting than this is refused: no message of ours comes close, and a
# hostile 1,000-deep list would make later str()/repr() hit RecursionError.
MAX_DEPTH = 32


class DecodeError(ValueError):
    """A frame that is not valid msgpack (or too big to try)."""


def pack(obj: Any) -> bytes:
    return msgpack.packb(obj, use_bin_type=True)


def unpack(data: bytes) -> Any:
    if len(data) > MAX_FRAME_BYTES:
        raise DecodeError(f"frame of {len(data)} bytes exceeds {MAX_FRAME_BYTES}")
    try:
        obj = msgpack.unpackb(data, raw=False, strict_map_key=False)
    except Exception as exc:  # msgpack raises several unrelated types
        raise DecodeError(f"undecodable frame: {exc.__class__.__name__}") from None
    _check_depth(obj)
    return obj


def _check_depth(obj: Any) -> None:
    stack = [(obj, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = [*item.keys(), *item.values()]
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        if depth >= MAX_DEPTH:
            raise DecodeError(f"nesting deeper than {MAX_DEPTH}")
        stack.extend((c, depth + 1) for c in children)
