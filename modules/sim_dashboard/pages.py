"""HTML and JSON bodies of the dashboard (no I/O)."""

import html
import json
from typing import Any

NO_ACTIVE = (
    "No active ceph-mgr instance is currently running the dashboard. "
    "A failover may be in progress. Retrying in 5 seconds..."
)


def summary(mod: Any) -> dict:
    """What the active serves at /api/summary (and renders at /)."""
    connected = bool(mod.have_mon_connection())
    health_raw = (mod.get("health") or {}).get("json", "{}")
    health = json.loads(health_raw) if health_raw else {}
    mgr_map = mod.get("mgr_map") or {}
    mon_map = mod.get("mon_map") or {}
    return {
        "have_mon_connection": connected,
        "stale": not connected,
        "mgr_id": mod.get_mgr_id(),
        "health": {
            "status": health.get("status", "HEALTH_OK"),
            "checks": {
                c: v.get("summary", {}).get("message", "")
                for c, v in health.get("checks", {}).items()
            },
        },
        "mgr_map": {
            "active_name": mgr_map.get("active_name", ""),
            "available": mgr_map.get("available", False),
            "standbys": [s.get("name") for s in mgr_map.get("standbys", [])],
            "services": mgr_map.get("services", {}),
        },
        "mon_map": {
            "epoch": mon_map.get("epoch", 0),
            "mons": [m.get("name") for m in mon_map.get("mons", [])],
        },
    }


def status_page(data: dict) -> str:
    """The HTML of / on the active."""
    banner = ""
    if data["stale"]:
        banner = '<p class="stale"><strong>stale: no mon connection</strong> (showing the last known state)</p>'
    checks = "".join(
        f"<li>{html.escape(code)}: {html.escape(msg)}</li>"
        for code, msg in sorted(data["health"]["checks"].items())
    )
    m = data["mgr_map"]
    return (
        "<!DOCTYPE html><html><head><title>Ceph dashboard (ceph-mgr-sim)</title></head><body>"
        f"<h1>Cluster status</h1>{banner}"
        f"<p>health: <strong>{html.escape(data['health']['status'])}</strong></p><ul>{checks}</ul>"
        f"<p>mgr: active {html.escape(m['active_name'])}, standbys {html.escape(', '.join(m['standbys']))}</p>"
        f"<p>mons: {html.escape(', '.join(data['mon_map']['mons']))}</p>"
        f"<p>served by mgr.{html.escape(data['mgr_id'])}</p></body></html>"
    )


def no_active_page() -> str:
    return (
        '<!DOCTYPE html><html><head><meta http-equiv="refresh" content="5"><title>Ceph</title></head>'
        f"<body><p>{NO_ACTIVE}</p></body></html>"
    )


def redirect_page(uri: str) -> str:
    target = html.escape(uri, quote=True)
    return f'This resource can be found at <a href="{target}">{target}</a>.'
