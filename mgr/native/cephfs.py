"""``cephfs``: a stand-in for Ceph's libcephfs binding (no file systems are simulated, issue 12).

Ceph's ``mgr_util`` and (20.2) ``mgr_module`` import it at module level.
`LibCephFS` can be built; mounting or any call raises `Error`.
"""

from __future__ import annotations

from typing import Any

from _simnative.libstub import refusal


class Error(Exception):
    def __init__(self, message: str = "", errno: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno


class OSError(Error):  # noqa: A001 - the binding's own name
    pass


class PermissionError(OSError):  # noqa: A001
    pass


class ObjectNotFound(OSError):
    pass


class ObjectExists(OSError):
    pass


class NotDirectory(OSError):
    pass


class NoData(OSError):
    pass


class InvalidValue(OSError):
    pass


class OperationNotSupported(OSError):
    pass


class NotConnected(OSError):
    pass


class LibCephFS:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.state = "uninitialized"

    def shutdown(self) -> None:
        self.state = "shutdown"

    def __getattr__(self, name: str) -> Any:
        raise refusal("cephfs", NotConnected, f"LibCephFS.{name}()")
