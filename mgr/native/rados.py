"""``rados``: Ceph's librados binding as the mgr's Python sees it (``import rados``).

The implementation is the simulator's RADOS client, `sim.rados`, reached
through the seam `_simnative.rados_client` (objects
live on the fleet's simulated OSDs: docs/rados.md); this file gives it the
binding's top-level name, as librados' ``rados.so`` is a separate library
that ceph-mgr's Python imports. Names, exception classes (``Error`` →
``OSError`` → ``ObjectNotFound`` …) and errnos are rados.pyx's.
``MgrModule.rados`` builds ``Rados(context=self._ceph_get_context())``: the
capsule is the mgr's (run directory, name, options; `mgr.host.handle`).
"""

from __future__ import annotations

from _simnative.rados_client import *  # noqa: F403 - the binding's whole namespace
from _simnative.rados_client import __all__ as __all__  # noqa: PLC0414
