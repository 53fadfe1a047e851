"""``get('devices')`` and ``get('device <devid>')`` from the daemons' metadata
(Ceph's DaemonStateIndex devices, ``DeviceState::dump``).

A daemon's metadata names its devices: ``device_ids`` (``sda=VENDOR_MODEL_SERIAL``,
comma separated) and ``device_paths`` (``sda=/dev/disk/by-path/…``). Each device
is dumped as Ceph dumps it: ``devid``, ``location`` (host, dev, path of every
attachment), ``daemons``. Life expectancy and wear level are not kept (no
``device set-life-expectancy`` yet): those keys are absent, as in Ceph for a
device nobody has predicted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mgr.daemon_view import DaemonView


def _pairs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in text.split(","):
        dev, sep, value = part.partition("=")
        if sep and dev and value:
            out[dev] = value
    return out


def devices(ds: DaemonView) -> dict[str, dict[str, Any]]:
    """devid -> its ``DeviceState::dump``, over every daemon that reported metadata."""
    out: dict[str, dict[str, Any]] = {}
    for (dtype, daemon_id), md in sorted(list(ds.metadata.items())):
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


def get(ds: DaemonView, name: str) -> tuple[bool, Any]:
    """(True, answer) for ``devices`` and ``device <devid>`` (``{}`` for an unknown one)."""
    if name == "devices":
        return True, {"devices": list(devices(ds).values())}
    if name.startswith("device "):
        found = devices(ds).get(name[len("device ") :])
        return True, ({"device": found} if found else {})
    return False, None
