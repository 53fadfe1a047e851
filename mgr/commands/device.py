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
from mgr.daemon_view import DaemonView

TABLE = CommandTable("mgr")


def _pairs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in text.split(","):
        dev, sep, value = part.partition("=")
        if sep and dev and value:
            out[dev] = value
    return out


def devices(view: DaemonView) -> dict[str, dict[str, Any]]:
    """devid -> its ``DeviceState::dump``, over every daemon that sent metadata."""
    out: dict[str, dict[str, Any]] = {}
    for (dtype, daemon_id), md in sorted(list(view.metadata.items())):
        paths = _pairs(md.get("device_paths", ""))
        for dev, devid in _pairs(md.get("device_ids", "")).items():
            d = out.setdefault(devid, {"devid": devid, "location": [], "daemons": []})
            where = {"host": md.get("hostname", ""), "dev": dev, "path": paths.get(dev, "")}
            if where not in d["location"]:
                d["location"].append(where)
            name = f"{dtype}.{daemon_id}"
            if name not in d["daemons"]:
                d["daemons"].append(name)
    return dict(sorted(out.items()))


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
