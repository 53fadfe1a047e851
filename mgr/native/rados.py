"""``rados``: a stand-in for Ceph's librados binding (no RADOS is simulated yet, issue 12).

Ceph's ``mgr_module`` does ``import rados`` at module level and names
``rados.Rados`` in annotations, so the module must import; the error
classes are the binding's names and hierarchy (``Error`` → ``OSError`` …).
``Rados(...)`` can be built, but ``connect()`` and every I/O raise
`ConnectionShutdown` (an `Error`) saying that RADOS is not simulated:
``MgrModule.rados`` therefore fails cleanly with ``rados.Error``.
"""

from __future__ import annotations

from typing import Any

from _simnative.libstub import refusal

LIBRADOS_CREATE_EXCLUSIVE = 1
LIBRADOS_CREATE_IDEMPOTENT = 0
LIBRADOS_ALL_NSPACES = "\001"
LIBRADOS_OP_FLAG_FADVISE_RANDOM = 0x4


class Error(Exception):
    """librados' base error (``rados.Error``)."""

    def __init__(self, message: str = "", errno: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno


class OSError(Error):  # noqa: A001 - the binding's own name
    pass


class PermissionError(OSError):  # noqa: A001
    pass


class ObjectNotFound(OSError):
    pass


class NoData(OSError):
    pass


class ObjectExists(OSError):
    pass


class ObjectBusy(OSError):
    pass


class IOError(OSError):  # noqa: A001
    pass


class NoSpace(OSError):
    pass


class InvalidArgumentError(OSError):
    pass


class NotConnected(OSError):
    pass


class TimedOut(OSError):
    pass


class ConnectionShutdown(OSError):
    pass


class InProgress(Error):
    pass


class IsConnected(Error):
    pass


class WriteOpCtx:
    def __enter__(self) -> WriteOpCtx:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class ReadOpCtx(WriteOpCtx):
    pass


class Completion:
    pass


class Ioctx:
    def __getattr__(self, name: str) -> Any:
        raise refusal("rados", ConnectionShutdown, f"Ioctx.{name}()")


class Rados:
    """Constructible (``Rados(context=…)``, ``Rados(conffile=…)``); nothing connects."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.state = "configuring"

    def connect(self, timeout: int = 0) -> None:
        raise refusal("rados", ConnectionShutdown, "Rados.connect()")

    def get_addrs(self) -> str:
        return ""

    def shutdown(self) -> None:
        self.state = "shutdown"

    def __getattr__(self, name: str) -> Any:
        raise refusal("rados", ConnectionShutdown, f"Rados.{name}()")
