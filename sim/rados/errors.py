"""librados' exception classes (Ceph's ``rados.Error`` hierarchy) and errno → class.

Names, bases and errnos as in Ceph's rados.pyx: ``Error`` is the base,
``OSError`` (``Error``) carries an errno and its subclasses name the common
ones; ``InProgress`` and ``IsConnected`` are plain ``Error``. `make_ex`
turns a negative return value into the right instance, as the binding does.
"""

from __future__ import annotations

import errno as _errno


class Error(Exception):
    """librados' base error (``rados.Error``)."""

    def __init__(self, message: str = "", errno: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errno = errno

    def __str__(self) -> str:
        msg = super().__str__()
        return f"[errno {self.errno}] {msg}" if self.errno is not None else msg


class OSError(Error):  # noqa: A001 - the binding's own name
    pass


class PermissionError(OSError):  # noqa: A001
    pass


class PermissionDeniedError(OSError):
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


class RadosStateError(Error):
    pass


class InvalidArgumentError(OSError):
    pass


class NotConnected(OSError):
    pass


class TimedOut(OSError):
    pass


class ConnectionShutdown(OSError):
    pass


class OutOfRange(OSError):
    pass


class InProgress(Error):
    pass


class IsConnected(Error):
    pass


ERRNO_CLASSES: dict[int, type[OSError]] = {
    _errno.EPERM: PermissionError,
    _errno.ENOENT: ObjectNotFound,
    _errno.EIO: IOError,
    _errno.ENOSPC: NoSpace,
    _errno.EEXIST: ObjectExists,
    _errno.EBUSY: ObjectBusy,
    _errno.ENODATA: NoData,
    _errno.ETIMEDOUT: TimedOut,
    _errno.EACCES: PermissionDeniedError,
    _errno.EINVAL: InvalidArgumentError,
    _errno.ENOTCONN: NotConnected,
    _errno.ESHUTDOWN: ConnectionShutdown,
    _errno.ERANGE: OutOfRange,
}


def make_ex(ret: int, msg: str) -> OSError:
    """The exception for a negative return value ``ret`` (``rados.make_ex``)."""
    err = abs(ret)
    cls = ERRNO_CLASSES.get(err, OSError)
    return cls(msg, errno=err)


class IoctxStateError(Error):
    pass


class LogicError(Error):
    pass
