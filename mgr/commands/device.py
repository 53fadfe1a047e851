"""The mgr's ``device ls`` and ``device info <devid>`` (Ceph's DaemonServer,
``DeviceState``), from the devices the daemons' metadata names.

A daemon's metadata lists its devices as ``device_ids``
(``sda=VENDOR_MODEL_SERIAL``, comma separated) and ``device_paths``
(``sda=/dev/disk/by-path/…``). Each device is dumped as Ceph dumps it:
``devid``, ``location`` (host, dev, path of every attachment), ``daemons``;
no life expectancy or wear level is kept, so those keys are absent and the
WEAR / LIFE EXPECTANCY columns empty, as in Ceph for a device nobody has
predicted. Devices come in devid order (Ceph's map).

Who may import it: `mgr.commands` and tests.
"""

from __future__ import annotations

import errno
from typing import Any

from mgr.commands.table import Cluster, CommandError, CommandTable, L, R, Reply, string, text_table
from mgr.device_views import devices

TABLE = CommandTable("mgr")


def ls_plain(devs: list[dict[str, Any]]) -> str:
    rows = [
        [d["devid"], " ".join(f"{x['host']}:{x['dev']}" for x in d["location"]),
         " ".join(d["daemons"]), "", ""]
        for d in devs
    ]  # fmt: skip
    columns = [("DEVICE", L, L), ("HOST:DEV", L, L), ("DAEMONS", L, L), ("WEAR", R, R),
               ("LIFE EXPECTANCY", L, L)]  # fmt: skip
    return text_table(columns, rows)


@TABLE.command("device ls", "Show devices")
def device_ls(c: Cluster, cmd: dict[str, Any]) -> Reply:
    return Reply(data=list(devices(c.view).values()), plain=ls_plain)


def info_plain(data: dict[str, Any]) -> str:
    d = data["device"]
    lines = [f"device {d['devid']}"]
    lines += [f"attachment {x['host']}:{x['dev']}" for x in d["location"]]
    lines.append("daemons " + ",".join(sorted(d["daemons"])))
    return "\n".join(lines) + "\n"


@TABLE.command("device info name=devid,type=CephString", "Show information about a device")
def device_info(c: Cluster, cmd: dict[str, Any]) -> Reply:
    devid = string(cmd, "devid") or ""
    found = devices(c.view).get(devid)
    if found is None:
        raise CommandError(errno.ENOENT, f"device {devid} not found")
    return Reply(data={"device": found}, plain=info_plain)
