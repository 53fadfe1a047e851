"""What the ``rados``, ``cephfs`` and ``rbd`` stand-ins share: errors and a refusal.

ceph-mgr-sim has no RADOS yet (issue 12): there are no objects, pools or
file systems to reach. The stand-ins exist so that Ceph's own Python
imports (``mgr_module`` imports ``rados``; ``mgr_util`` imports ``cephfs``;
``prometheus`` and ``telemetry`` import ``rbd``), and every call that would
talk to a cluster raises the library's own error class with this message.
"""

from __future__ import annotations

import errno

NO_RADOS = (
    "ceph-mgr-sim does not simulate RADOS yet (issue 12): {what} is not available; "
    "modules that need librados or libcephfs cannot work here"
)


def refusal(library: str, error: type[Exception], what: str) -> Exception:
    exc = error(NO_RADOS.format(what=f"{library} {what}"))
    exc.errno = errno.ENOTCONN  # type: ignore[attr-defined]
    return exc
