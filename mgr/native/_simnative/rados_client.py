"""The seam from the native ``rados`` binding to the simulator's RADOS client (`sim.rados`).

Ceph's ``rados`` Python module wraps librados, a library of its own; here
the library is `sim.rados` (mon session, placement, ops to the fleet's
OSDs). This file is the only place on the native side that imports it
(`tests/unit/test_layering.py`), as `options` is for the option schema.
"""

from __future__ import annotations

from sim.rados import *  # noqa: F403 - the binding's whole namespace
from sim.rados import __all__ as __all__  # noqa: PLC0414
