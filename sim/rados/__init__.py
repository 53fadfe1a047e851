"""RADOS for the simulator's clients: Ceph's ``rados`` Python binding, over the fleet's OSDs.

The mgr's ``import rados`` is `mgr/native/rados.py`, which re-exports this
package; a user's own Python imports it as ``from sim import rados`` (or puts
``mgr/native`` on ``sys.path`` and says ``import rados``)::

    from sim import rados
    with rados.Rados(conffile=".sim") as r:
        with r.open_ioctx("rbd") as io:
            io.write_full("greeting", b"hello")

Files: `errors` (the exception classes), `api` (`Rados`), `ioctx`
(`Ioctx`), `opctx` (compound ops, iterators, completions), `objecter` (the
asyncio core: mon session, placement, ops to the fleet). Kernel layer: the
mgr and harness code may import it; it imports no daemon.
"""

from __future__ import annotations

from sim.rados.api import Rados
from sim.rados.errors import (
    ConnectionShutdown,
    Error,
    InProgress,
    InvalidArgumentError,
    IoctxStateError,
    IOError,
    IsConnected,
    LogicError,
    NoData,
    NoSpace,
    NotConnected,
    ObjectBusy,
    ObjectExists,
    ObjectNotFound,
    OSError,
    OutOfRange,
    PermissionDeniedError,
    PermissionError,
    RadosStateError,
    TimedOut,
    make_ex,
)
from sim.rados.ioctx import LIBRADOS_ALL_NSPACES, Ioctx
from sim.rados.opctx import (
    LIBRADOS_CREATE_EXCLUSIVE,
    LIBRADOS_CREATE_IDEMPOTENT,
    Completion,
    Object,
    OmapIterator,
    ReadOp,
    ReadOpCtx,
    WriteOp,
    WriteOpCtx,
)

LIBRADOS_OP_FLAG_FADVISE_RANDOM = 0x4
LIBRADOS_OP_FLAG_FADVISE_SEQUENTIAL = 0x8
LIBRADOS_OPERATION_NOFLAG = 0

__all__ = [
    "LIBRADOS_ALL_NSPACES", "LIBRADOS_CREATE_EXCLUSIVE", "LIBRADOS_CREATE_IDEMPOTENT",
    "LIBRADOS_OPERATION_NOFLAG", "LIBRADOS_OP_FLAG_FADVISE_RANDOM",
    "LIBRADOS_OP_FLAG_FADVISE_SEQUENTIAL", "Completion", "ConnectionShutdown", "Error",
    "IOError", "InProgress", "InvalidArgumentError", "Ioctx", "IoctxStateError", "IsConnected",
    "LogicError", "NoData", "NoSpace", "NotConnected", "OSError", "Object", "ObjectBusy",
    "ObjectExists", "ObjectNotFound", "OmapIterator", "OutOfRange", "PermissionDeniedError",
    "PermissionError", "Rados", "RadosStateError", "ReadOp", "ReadOpCtx", "TimedOut", "WriteOp",
    "WriteOpCtx", "make_ex",
]  # fmt: skip
