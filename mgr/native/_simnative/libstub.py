"""What the ``cephfs`` and ``rbd`` bindings share for what they do not simulate: a refusal.

RADOS is simulated (``rados``, docs/rados.md), but there is no file system
behind ``cephfs`` and no image behind ``rbd`` (only its pool directory is
read). The bindings exist so that Ceph's own Python imports (``mgr_util``
imports ``cephfs``; ``prometheus`` and ``telemetry`` import ``rbd``), and
every call that would need a file system or an image raises the library's
own error class with this message.
"""

from __future__ import annotations

import errno

NO_RADOS = (
    "ceph-mgr-sim does not simulate {what} (no libcephfs file system, no librbd image): "
    "modules that need them cannot work here"
)


def refusal(library: str, error: type[Exception], what: str) -> Exception:
    exc = error(NO_RADOS.format(what=f"{library} {what}"))
    exc.errno = errno.ENOTCONN  # type: ignore[attr-defined]
    return exc
