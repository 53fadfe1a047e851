"""``rbd``: a stand-in for Ceph's librbd binding (no RADOS, so no images; issue 12).

Stock ``prometheus`` and ``telemetry`` import it at module level; any call
raises `Error`.
"""

from __future__ import annotations

from typing import Any

from _simnative.libstub import refusal

RBD_MIRROR_MODE_DISABLED = 0
RBD_MIRROR_MODE_IMAGE = 1
RBD_MIRROR_MODE_POOL = 2


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


class RBD:
    def __getattr__(self, name: str) -> Any:
        raise refusal("rbd", OSError, f"RBD.{name}()")


class Image:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise refusal("rbd", OSError, "Image()")
