"""Ceph's option vocabulary: type names, levels, flags, and the Python type a reader gets.

The names are those of ``ceph config help -f json`` (common/options.h). Pure
constants; imported by every file of `sim.options`, imports nothing.
"""

from __future__ import annotations

FLAG_RUNTIME = 0x1  # can be changed at runtime
FLAG_NO_MON_UPDATE = 0x2  # cannot be stored by the mon
FLAG_STARTUP = 0x4  # takes effect at startup only
FLAG_CLUSTER_CREATE = 0x8  # takes effect at cluster creation only
FLAG_CREATE = 0x10  # takes effect at daemon creation only
FLAG_MGR = 0x20  # a mgr module option
FLAG_MINIMAL_CONF = 0x40  # belongs in a minimal ceph.conf

# the names ``config help -f json`` prints for the flags
FLAG_NAMES = {
    "runtime": FLAG_RUNTIME,
    "no_mon_update": FLAG_NO_MON_UPDATE,
    "startup": FLAG_STARTUP,
    "cluster_create": FLAG_CLUSTER_CREATE,
    "create": FLAG_CREATE,
    "mgr": FLAG_MGR,
    "minimal_conf": FLAG_MINIMAL_CONF,
}

CEPH_TYPES = ("uint", "int", "str", "float", "bool", "addr", "addrvec", "uuid", "size", "secs")
ALL_TYPES = (*CEPH_TYPES, "millisecs")
CEPH_LEVELS = ("basic", "advanced", "dev", "unknown")
INT_TYPES = ("int", "uint", "size")
FLOAT_TYPES = ("float", "secs", "millisecs")
NUMERIC_TYPES = ("bool", "int", "uint", "float", "size", "secs")


def python_type(ceph_type: str) -> type:
    """The Python type a mgr module gets for a Ceph type (Ceph's PyUtil.cc)."""
    if ceph_type in INT_TYPES:
        return int
    if ceph_type in FLOAT_TYPES:
        return float
    if ceph_type == "bool":
        return bool
    return str
