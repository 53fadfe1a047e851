"""``rbd``: Ceph's librbd binding, the part stock modules read, over RADOS.

An RBD pool's images are listed in its ``rbd_directory`` object, whose omap
holds ``name_<image>`` -> the image's id (a length-prefixed string, librbd's
encoding), its namespaces in the ``rbd_namespace`` object's (``name_<ns>``),
and its mirroring mode in the ``rbd_mirroring`` object's omap
(``mirror_mode``, a little-endian u32). `RBD.list`, `RBD.list2`,
`RBD.namespace_list` and `RBD.mirror_mode_get` read those objects through the
``rados`` binding, so ``telemetry`` counts the images a test wrote there and
``rbd_support`` walks the namespaces (none in a fresh pool: a missing object is
an empty pool, as in librbd). Images
themselves (``Image``, creating, mapping, snapshots) are not simulated:
those calls raise `OSError` with ENOTCONN and say so.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Any

import rados
from _simnative.libstub import refusal

RBD_MIRROR_MODE_DISABLED = 0
RBD_MIRROR_MODE_IMAGE = 1
RBD_MIRROR_MODE_POOL = 2
RBD_MIRROR_IMAGE_DISABLING = 0  # rbd_mirror_image_state_t
RBD_MIRROR_IMAGE_ENABLED = 1
RBD_MIRROR_IMAGE_DISABLED = 2
RBD_MIRROR_IMAGE_MODE_JOURNAL = 0  # rbd_mirror_image_mode_t
RBD_MIRROR_IMAGE_MODE_SNAPSHOT = 1
RBD_IMAGE_MIGRATION_STATE_UNKNOWN = -1  # rbd_image_migration_state_t
RBD_IMAGE_MIGRATION_STATE_ERROR = 0
RBD_IMAGE_MIGRATION_STATE_PREPARING = 1
RBD_IMAGE_MIGRATION_STATE_PREPARED = 2
RBD_IMAGE_MIGRATION_STATE_EXECUTING = 3
RBD_IMAGE_MIGRATION_STATE_EXECUTED = 4
RBD_IMAGE_MIGRATION_STATE_COMMITTING = 5
RBD_IMAGE_MIGRATION_STATE_ABORTING = 6
ECANCELED = 125
RBD_IMAGE_STATE_NORMAL = 0  # list2's "state" (not in trash)

DIRECTORY = "rbd_directory"
NAMESPACES = "rbd_namespace"
MIRRORING = "rbd_mirroring"
MAX_LIST = 1 << 20


class Error(Exception):
    def __init__(self, message: str = "", errno: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno


class OSError(Error):  # noqa: A001 - the binding's own name
    pass


class ImageNotFound(OSError):
    pass


class ObjectNotFound(OSError):
    pass


# the rest of rbd.pyx's exception classes the stock modules name (in except clauses)
class InvalidArgument(OSError):
    pass


class ImageBusy(OSError):
    pass


class OperationNotSupported(OSError):
    pass


class OperationCanceled(OSError):
    pass


class ConnectionShutdown(OSError):
    pass


def _omap(ioctx: Any, oid: str, prefix: str) -> dict[str, bytes]:
    """The object's omap entries under ``prefix`` ({} for a missing object)."""
    with rados.ReadOpCtx() as op:
        it, _ = ioctx.get_omap_vals(op, "", prefix, MAX_LIST)
        try:
            ioctx.operate_read_op(op, oid)
        except rados.ObjectNotFound:
            return {}
        return {str(k): bytes(v) for k, v in it}


def _string(raw: bytes) -> str:
    """librbd's encoded string: a u32 length, then the bytes."""
    if len(raw) >= 4:
        (n,) = struct.unpack_from("<I", raw)
        if len(raw) == 4 + n:
            return raw[4:].decode()
    raise OSError(f"malformed rbd directory entry {raw!r}", errno=22)


class RBD:
    def list(self, ioctx: Any) -> list[str]:
        """The pool's image names (its ``rbd_directory``)."""
        return sorted(k[len("name_") :] for k in _omap(ioctx, DIRECTORY, "name_"))

    def list2(self, ioctx: Any) -> Iterator[dict[str, Any]]:
        """``{"id", "name", "state"}`` of every image of the pool."""
        for key, raw in sorted(_omap(ioctx, DIRECTORY, "name_").items()):
            yield {"id": _string(raw), "name": key[len("name_") :],
                   "state": RBD_IMAGE_STATE_NORMAL}  # fmt: skip

    def namespace_list(self, ioctx: Any) -> list[str]:
        """The pool's namespaces (its ``rbd_namespace`` object's omap, ``name_<ns>``
        keys; none in a fresh pool, as in librbd)."""
        return sorted(k[len("name_") :] for k in _omap(ioctx, NAMESPACES, "name_"))

    def mirror_mode_get(self, ioctx: Any) -> int:
        raw = _omap(ioctx, MIRRORING, "mirror_mode").get("mirror_mode")
        return struct.unpack("<I", raw)[0] if raw and len(raw) == 4 else RBD_MIRROR_MODE_DISABLED

    def __getattr__(self, name: str) -> Any:
        raise refusal("rbd", OSError, f"RBD.{name}()")


class Image:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise refusal("rbd", OSError, "Image()")
