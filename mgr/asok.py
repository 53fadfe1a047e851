"""The mgr's own admin socket commands (besides `sim.asok.common`'s).

``status``: what a Ceph 16.2 mgr's admin socket answers there — its
libcephfs client's session (the MgrClient-side ``status`` hook of the
embedded client): the mgr's gid as the entity number, its address with the
pid as nonce, and the OSDMap epoch it has seen.

Who may import it: `mgr.daemon` (which builds the mgr's admin socket) and tests.
"""

from __future__ import annotations

import os
from typing import Any, Protocol

from sim.asok import AsokHost, AsokTable

TABLE = AsokTable()


class MgrAsokHost(AsokHost, Protocol):
    @property
    def gid(self) -> int: ...
    @property
    def osdmap_epoch(self) -> int: ...


@TABLE.command("status", "show overall client status")
def status(host: MgrAsokHost, cmd: dict[str, Any]) -> dict[str, Any]:
    pid = os.getpid()
    addr = {"type": "v1", "addr": "127.0.0.1:0", "nonce": pid}
    return {
        "metadata": {},
        "dentry_count": 0,
        "dentry_pinned_count": 0,
        "id": 0,
        "inst": {"name": {"type": "mgr", "num": host.gid}, "addr": dict(addr)},
        "addr": dict(addr),
        "inst_str": f"mgr.{host.gid} 127.0.0.1:0/{pid}",
        "addr_str": f"127.0.0.1:0/{pid}",
        "inode_count": 0,
        "mds_epoch": 0,
        "osd_epoch": host.osdmap_epoch,
        "osd_epoch_barrier": 0,
        "blocklisted": False,
        "fs_name": "cephfs",
    }
