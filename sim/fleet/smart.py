"""What ``smartctl --json --all`` says about a simulated OSD's disk (the OSD's
``smart`` command, which devicehealth scrapes).

The shape is smartctl 7's JSON for a SATA hard disk: device, model, serial,
capacity, ``smart_status``, ``ata_smart_attributes.table`` (id, name, value,
worst, thresh, raw), ``power_on_time``, ``power_cycle_count`` and
``temperature``. Values are derived from the device id and the clock, so
two scrapes of one disk differ (the LBA counters grow with the workload, power-on
hours grow, the temperature moves)
and a disk's identity never changes. No disk here is failing.
"""

from __future__ import annotations

import time
import zlib
from typing import Any

from sim.fleet.metadata import DISK_BYTES

# (id, name, normalised value, threshold) of the attributes a healthy disk reports
ATTRIBUTES = (
    (1, "Raw_Read_Error_Rate", 100, 16),
    (5, "Reallocated_Sector_Ct", 100, 10),
    (9, "Power_On_Hours", 99, 0),
    (12, "Power_Cycle_Count", 100, 0),
    (194, "Temperature_Celsius", 33, 0),
    (197, "Current_Pending_Sector", 100, 0),
    (199, "UDMA_CRC_Error_Count", 200, 0),
    (241, "Total_LBAs_Written", 100, 0),
    (242, "Total_LBAs_Read", 100, 0),
)
LBAS_PER_SECOND = 20_000  # the disk's steady workload (about 10 MB/s each way)


def smartctl(devid: str, dev: str, now: float | None = None) -> dict[str, Any]:
    t = time.time() if now is None else now
    seed = zlib.crc32(devid.encode())
    hours = 8760 + seed % 20000 + int(t // 3600) % 100_000
    cycles = 20 + seed % 80
    celsius = 30 + (seed + int(t // 60)) % 8
    lbas = seed % 10**9 + int(t * LBAS_PER_SECOND)  # grows between any two scrapes
    raw = {1: 0, 5: 0, 9: hours, 12: cycles, 194: celsius, 197: 0, 199: 0,
           241: lbas, 242: 2 * lbas}  # fmt: skip
    serial = devid.rsplit("_", 1)[-1]
    return {
        "json_format_version": [1, 0],
        "smartctl": {"version": [7, 3], "argv": ["smartctl", "-x", "--json=o", f"/dev/{dev}"],
                     "exit_status": 0},  # fmt: skip
        "device": {"name": f"/dev/{dev}", "info_name": f"/dev/{dev} [SAT]", "type": "sat",
                   "protocol": "ATA"},  # fmt: skip
        "model_family": "Simulated HDD", "model_name": "SIM_HDD", "serial_number": serial,
        "firmware_version": "SIM1",
        "user_capacity": {"blocks": DISK_BYTES // 512, "bytes": DISK_BYTES},
        "logical_block_size": 512, "physical_block_size": 4096, "rotation_rate": 7200,
        "smart_status": {"passed": True},
        "ata_smart_attributes": {"revision": 16, "table": [
            {"id": i, "name": name, "value": value, "worst": value, "thresh": thresh,
             "when_failed": "", "raw": {"value": raw[i], "string": str(raw[i])}}
            for i, name, value, thresh in ATTRIBUTES
        ]},
        "power_on_time": {"hours": hours},
        "local_time": {"time_t": int(t), "asctime": time.asctime(time.localtime(t))},
        "power_cycle_count": cycles,
        "temperature": {"current": celsius},
    }  # fmt: skip
