"""``cephfs``: a stand-in for Ceph's libcephfs binding (no file system contents are simulated).

Ceph's ``mgr_util`` and (20.2) ``mgr_module`` import it at module level.
`LibCephFS` can be built and initialised; what needs no mount works: MDS
commands (``mds_command``, and 20.2's ``mds_command2``, which Ceph 20.2's
``MgrModule.send_command`` uses for every command to an MDS), sent through
the librados handle it was built on (``rados_inst``) to the fleet that runs
the MDSs. Mounting or any other call raises `Error`.
"""

from __future__ import annotations

import errno
import json
import threading
from typing import Any, NamedTuple

from _simnative.libstub import refusal


class Error(Exception):
    """cephfs.pyx's errors carry ``args == (errno, strerror)`` (``mgr_util`` reads
    ``e.args[0]`` as the errno); without an errno, just the message."""

    def __init__(self, message: str = "", errno: int | None = None) -> None:
        if errno is None:
            super().__init__(message)
        else:
            super().__init__(errno, message)
        self.errno = errno
        self.strerror = message

    def __str__(self) -> str:
        return f"{self.strerror} [Errno {self.errno}]" if self.errno is not None else self.strerror


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


class DirEntry(NamedTuple):
    """A directory entry as ``readdir`` returns it (``d_type``: dirent's DT_*)."""

    d_ino: int
    d_off: int
    d_reclen: int
    d_type: int
    d_name: bytes

    def is_dir(self) -> bool:
        return self.d_type == 0x4

    def is_file(self) -> bool:
        return self.d_type == 0x8

    def is_symbol_file(self) -> bool:
        return self.d_type == 0xA


class LibCephFS:
    def __init__(
        self,
        conf: Any = None,
        conffile: Any = None,
        auth_id: str | None = None,
        rados_inst: Any = None,
    ) -> None:
        self.state = "uninitialized"
        self._rados = rados_inst

    def init(self) -> None:
        self.state = "initialized"

    def shutdown(self) -> None:
        self.state = "shutdown"

    def mds_command(
        self, mds_spec: str, args: Any, input_data: bytes | str = b""
    ) -> tuple[int, bytes, str]:
        """A command to an MDS (named by gid or name): (retval, outbuf, outs)."""
        if self.state != "initialized" or self._rados is None:
            raise NotConnected("mds_command: this LibCephFS is not initialized on a Rados handle")
        if self._rados.state != "connected":
            self._rados.connect()
        cmd = args[0] if isinstance(args, list | tuple) else args
        if isinstance(cmd, bytes):
            cmd = cmd.decode()
        try:
            json.loads(cmd)
        except ValueError:
            raise InvalidValue("mds_command: the command is not JSON", errno=22) from None
        return self._rados.mds_command(str(mds_spec), cmd)

    def mds_command2(
        self,
        completion: Any,
        mds_spec: str,
        args: Any,
        input_data: bytes | str = b"",
        one_shot: bool = False,
    ) -> None:
        """20.2's asynchronous form: ``completion.complete(r, outb, outs)`` (bytes)
        once the MDS has answered, from another thread."""

        def run() -> None:
            try:
                r, outb, outs = self.mds_command(mds_spec, args, input_data)
            except Error as exc:
                r, outb, outs = -(exc.errno or 5), b"", str(exc)
            completion.complete(r, outb, outs.encode())

        threading.Thread(target=run, name=f"mds_command.{mds_spec}", daemon=True).start()

    def __getattr__(self, name: str) -> Any:
        exc = refusal("cephfs", NotConnected, f"LibCephFS.{name}()")
        raise NotConnected(str(exc), errno=errno.ENOTCONN)
