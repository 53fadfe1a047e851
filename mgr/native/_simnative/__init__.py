"""The simulated C++ under ``ceph_module``: our code, importable only from the native dir.

Ceph's ceph-mgr is C++ that embeds Python; the Python side reaches it only
through the ``ceph_module`` extension. Here that extension is Python:
`ceph_module` (the module classes and the `hostapi.HostAPI` seam to the
mgr host), `maps` (``BasePyOSDMap``, ``BasePyOSDMapIncremental``,
``BasePyCRUSH``) and `rados_errors` (the error classes shared by the
``rados``/``cephfs``/``rbd`` stand-ins). Nothing here imports the simulator
except `options`, the seam to the one option schema (`sim.options`: Ceph's
libcommon option code, which ceph-mgr's C++ links).
"""
