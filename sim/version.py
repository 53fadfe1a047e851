"""The Ceph version every simulated daemon reports (one constant for all).

The mgr's metadata (`mgr metadata`), the fleet's OSD/MDS/RGW metadata, the
mon's own (`ceph versions`, ``tell … version``) all read it from here, so
`ceph versions` counts one version across the cluster as on a real 16.2.15
cluster. A mgr running a fetched release tree still reports this in its
metadata (its modules see the tree's own version).

Who may import it: anyone (it imports nothing).
"""

from __future__ import annotations

CEPH_VERSION_SHORT = "16.2.15"
CEPH_RELEASE = "pacific"
CEPH_RELEASE_TYPE = "stable"
CEPH_GIT_SHA1 = "ceph-mgr-sim"  # where Ceph prints the source commit
CEPH_VERSION = (
    f"ceph version {CEPH_VERSION_SHORT} ({CEPH_GIT_SHA1}) {CEPH_RELEASE} ({CEPH_RELEASE_TYPE})"
)
