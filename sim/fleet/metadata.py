"""Daemon metadata as Ceph 16.2's daemons send it (MMgrOpen / ``osd metadata``).

Every value is a string, as in Ceph. Values shared by all daemons are built
once, so 10,000 OSDs' metadata dicts share their strings.
"""

from __future__ import annotations

import platform
from functools import cache

from sim.maps.osd_dumps import osd_port
from sim.version import CEPH_RELEASE, CEPH_VERSION, CEPH_VERSION_SHORT

DISK_BYTES = 1 << 40


@cache
def _common() -> dict[str, str]:
    uname = platform.uname()
    return {
        "arch": uname.machine,
        "ceph_release": CEPH_RELEASE,
        "ceph_version": CEPH_VERSION,
        "ceph_version_short": CEPH_VERSION_SHORT,
        "cpu": "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz",
        "distro": "debian",
        "distro_description": "Debian GNU/Linux 12 (bookworm)",
        "distro_version": "12",
        "kernel_description": "#1 SMP PREEMPT_DYNAMIC Debian 6.1.0-27 (2024-11-01)",
        "kernel_version": "6.1.0-27-amd64",
        "mem_swap_kb": "0",
        "mem_total_kb": "197889436",
        "os": "Linux",
    }


def osd_device(osd: int, host: str) -> tuple[str, str]:
    """The OSD's one data device: (kernel name, Ceph's device id ``VENDOR_MODEL_SERIAL``)."""
    return f"sd{chr(ord('a') + osd % 8)}", f"SIM_HDD_{host}_{osd:05d}"


def osd_metadata(osd: int, host: str, nonce: int) -> dict[str, str]:
    port = osd_port(osd)
    dev, devid = osd_device(osd, host)
    addr = f"[v2:127.0.0.1:{port}/{nonce},v1:127.0.0.1:{port + 1}/{nonce}]"
    return {
        **_common(),
        "back_addr": f"[v2:127.0.0.1:{port + 2}/{nonce},v1:127.0.0.1:{port + 3}/{nonce}]",
        "back_iface": "eth1",
        "bluefs": "1",
        "bluefs_dedicated_db": "0",
        "bluefs_dedicated_wal": "0",
        "bluefs_single_shared_device": "1",
        "bluestore_bdev_access_mode": "blk",
        "bluestore_bdev_block_size": "4096",
        "bluestore_bdev_dev_node": f"/dev/dm-{osd % 8}",
        "bluestore_bdev_devices": dev,
        "bluestore_bdev_driver": "KernelDevice",
        "bluestore_bdev_partition_path": f"/dev/dm-{osd % 8}",
        "bluestore_bdev_rotational": "1",
        "bluestore_bdev_size": str(DISK_BYTES),
        "bluestore_bdev_support_discard": "0",
        "bluestore_bdev_type": "hdd",
        "container_hostname": host,
        "default_device_class": "hdd",
        "device_ids": f"{dev}={devid}",
        "device_paths": f"{dev}=/dev/disk/by-path/pci-0000:00:1f.2-ata-{osd % 8 + 1}",
        "devices": dev,
        "front_addr": addr,
        "front_iface": "eth0",
        "hb_back_addr": f"[v2:127.0.0.1:{port + 6}/{nonce},v1:127.0.0.1:{port + 7}/{nonce}]",
        "hb_front_addr": f"[v2:127.0.0.1:{port + 4}/{nonce},v1:127.0.0.1:{port + 5}/{nonce}]",
        "hostname": host,
        "journal_rotational": "1",
        "osd_data": f"/var/lib/ceph/osd/ceph-{osd}",
        "osd_objectstore": "bluestore",
        "osdspec_affinity": "",
        "rotational": "1",
    }


def mds_metadata(name: str, host: str, nonce: int, port: int = 6900) -> dict[str, str]:
    return {
        **_common(),
        "addr": f"[v2:127.0.0.1:{port}/{nonce},v1:127.0.0.1:{port + 1}/{nonce}]",
        "container_hostname": host,
        "hostname": host,
    }


def rgw_metadata(name: str, host: str, nonce: int, port: int) -> dict[str, str]:
    return {
        **_common(),
        "container_hostname": host,
        "frontend_config#0": f"beast port={port}",
        "frontend_type#0": "beast",
        "hostname": host,
        "id": name,
        "num_handles": "1",
        "pid": str(nonce),
        "zone_id": "5d2b1e2a-0000-4000-8000-000000000001",
        "zone_name": "default",
        "zonegroup_id": "5d2b1e2a-0000-4000-8000-000000000002",
        "zonegroup_name": "default",
    }
