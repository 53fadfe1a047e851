"""``ceph -s`` / ``ceph status`` text of Ceph 16.2 (``Monitor::get_cluster_status``).

`status_plain` renders the JSON-shaped status dict (what ``ceph -s -f json``
prints) plus a few internal fields the JSON lacks; `mgrmap_summary` is the
MgrMap one-liner shared by the ``mgr:`` line and the ``mgrmap eN: ...``
cluster-log lines; `strip_internal` drops the internal fields before the
dict is rendered as JSON. Pure: ``now`` (epoch seconds) is passed in.

Internal fields (top-level keys starting with ``_``; all optional):

``_mon_names``          monmap names in rank order (for ``out of quorum: c``);
                        default: ``quorum_names``.
``_quorum_since``       epoch seconds the current quorum formed (the ``age``);
                        default: ``now - quorum_age``.
``_mgr_in_use``         False hides the ``mgr:`` line (no mgr ever); default True.
``_mgr_active_name``    the active mgr's name, ``""`` for none; default ``""``.
``_mgr_active_change``  epoch seconds of the last active change (``since``);
                        0/None prints no ``since``.
``_mgr_standbys``       standby names in gid order; default none.
``_osd_up_since``       precise epoch seconds overriding ``osdmap.osd_up_since``.
``_osd_in_since``       likewise for ``osdmap.osd_in_since`` (0 = never: no ``since``).
``_osd_flags``          osdmap flags text (``noout,noup``) for the ``flags`` line.
``_mds_line``           the FSMap's daemon summary (``1/1 daemons up, 1 standby``),
                        ``""``: no ``mds:`` line.
``_volumes_line``       the FSMap's filesystem summary (``1/1 healthy``), ``""``: none.

Not rendered: non-Ceph services of the service map,
``task status``, cache-tier io rates and mute TTLs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mon.health import HealthMute, mutes_text
from sim.formatting import (
    byte_u_t,
    client_io_rate_summary,
    recovery_rate_summary,
    recovery_summary,
    si_u_t,
    timespan_str,
)

__all__ = [
    "mgrmap_summary",
    "osdmap_summary",
    "pgmap_summary",
    "status_plain",
    "strip_internal",
]

_PAD = " " * 13  # continuation of the "    pgs:     " column
_HEALTH_SEP = "\n" + " " * 12  # get_health_status(..., "\n            ", "\n            ")


def strip_internal(status: Mapping[str, Any]) -> dict[str, Any]:
    """The status dict without the internal ``_`` fields (what ``-f json`` shows)."""
    return {k: v for k, v in status.items() if not k.startswith("_")}


def mgrmap_summary(
    active_name: str,
    available: bool,
    active_change: float | None,
    standbys: Sequence[str],
    now: float,
    *,
    epoch: int | None = None,
) -> str:
    """``MgrMap::print_summary``: ``x(active, since 20s), standbys: y``.

    ``y(active, starting, since 0.0129465s)`` while not yet available,
    ``no daemons active (since 1.7248s)`` without an active; no ``since``
    when ``active_change`` is 0/None. With ``epoch`` it is the cluster-log
    form ``mgrmap e7: ...``.
    """
    since = f"since {timespan_str(now - active_change)}" if active_change else ""
    if active_name:
        parts = ["active"] + ([] if available else ["starting"]) + ([since] if since else [])
        text = f"{active_name}({', '.join(parts)})"
    else:
        text = "no daemons active" + (f" ({since})" if since else "")
    if standbys:
        text += ", standbys: " + ", ".join(standbys)
    if epoch is not None:
        text = f"mgrmap e{epoch}: {text}"
    return text


def osdmap_summary(
    osdmap: Mapping[str, Any],
    now: float,
    *,
    up_since: float | None = None,
    in_since: float | None = None,
    flags: str = "",
) -> list[str]:
    """``OSDMap::print_summary`` lines: ``3 osds: 3 up (since 4m), 3 in (since 4m)`` [+ flags]."""
    up_t = up_since if up_since is not None else float(osdmap.get("osd_up_since", 0) or 0)
    in_t = in_since if in_since is not None else float(osdmap.get("osd_in_since", 0) or 0)
    text = f"{osdmap.get('num_osds', 0)} osds: {osdmap.get('num_up_osds', 0)} up"
    if up_t:
        text += f" (since {timespan_str(now - up_t)})"
    text += f", {osdmap.get('num_in_osds', 0)} in"
    if in_t:
        text += f" (since {timespan_str(now - in_t)})"
    remapped = int(osdmap.get("num_remapped_pgs", 0) or 0)
    if remapped:
        text += f"; {remapped} remapped pgs"
    lines = [text]
    if flags:
        lines.append(" " * 9 + "flags " + flags)
    return lines


def _io_lines(pgmap: Mapping[str, Any]) -> list[str]:
    client, recovery = client_io_rate_summary(pgmap), recovery_rate_summary(pgmap)
    lines = []
    if client:
        lines.append("    client:   " + client)
    if recovery:
        lines.append("    recovery: " + recovery)
    return ["  io:", *lines] if lines else []


def pgmap_summary(pgmap: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """``PGMapDigest::print_summary``: the ``data:`` lines and the ``io:`` section (maybe empty)."""
    lines = [
        f"    pools:   {pgmap.get('num_pools', 0)} pools, {pgmap.get('num_pgs', 0)} pgs",
        f"    objects: {si_u_t(pgmap.get('num_objects', 0))} objects, "
        f"{byte_u_t(pgmap.get('data_bytes', 0))}",
        f"    usage:   {byte_u_t(pgmap.get('bytes_used', 0))} used, "
        f"{byte_u_t(pgmap.get('bytes_avail', 0))} / {byte_u_t(pgmap.get('bytes_total', 0))} avail",
    ]
    items: list[str] = []
    if "unknown_pgs_ratio" in pgmap:
        items.append(f"{float(pgmap['unknown_pgs_ratio']) * 100.0:.3f}% pgs unknown")
    if "inactive_pgs_ratio" in pgmap:
        items.append(f"{float(pgmap['inactive_pgs_ratio']) * 100.0:.3f}% pgs not active")
    items.extend(recovery_summary(pgmap))
    states = [(int(s["count"]), str(s["state_name"])) for s in pgmap.get("pgs_by_state", [])]
    width = max([1] + [len(str(count)) for count, _ in states])
    items.extend(f"{count:<{width}} {name}" for count, name in states)
    lines.append("    pgs:     " + (items[0] if items else ""))
    lines.extend(_PAD + item for item in items[1:])
    return lines, _io_lines(pgmap)


def _health_text(health: Mapping[str, Any], now: float) -> str:
    checks = health.get("checks", {})
    summaries = [
        str(checks[code]["summary"]["message"])
        for code in sorted(checks)
        if not checks[code].get("muted", False)
    ]
    text = str(health.get("status", "HEALTH_OK"))
    if summaries:
        text += _HEALTH_SEP + _HEALTH_SEP.join(summaries)
    mutes = health.get("mutes", [])
    if mutes:
        text += _HEALTH_SEP + mutes_text((HealthMute.from_json(m) for m in mutes), now)
    return text


def _mon_line(status: Mapping[str, Any], now: float) -> str:
    quorum_names = [str(n) for n in status.get("quorum_names", [])]
    mon_names = [str(n) for n in status.get("_mon_names", quorum_names)]
    num_mons = int(status.get("monmap", {}).get("num_mons", len(mon_names)))
    since = status.get("_quorum_since")
    age = now - float(since) if since is not None else float(status.get("quorum_age", 0))
    text = f"    mon: {num_mons} daemons, quorum {','.join(quorum_names)} (age {timespan_str(age)})"
    if len(quorum_names) != num_mons:
        quorum = {int(r) for r in status.get("quorum", [])}
        out = [name for rank, name in enumerate(mon_names) if rank not in quorum]
        text += ", out of quorum: " + ", ".join(out)
    return text


def status_plain(status: Mapping[str, Any], now: float) -> str:
    """The exact text of ``ceph -s`` (the reply buffer: ends with ``"\\n \\n"``).

    ``status`` is the ``ceph -s -f json`` dict plus the internal fields listed
    in this module's docstring; ``now`` is the current epoch time.
    """
    cluster = [
        "  cluster:",
        f"    id:     {status.get('fsid', '')}",
        "    health: " + _health_text(status.get("health", {}), now),
    ]
    services = ["  services:", _mon_line(status, now)]
    if status.get("_mgr_in_use", True):
        mgr = mgrmap_summary(
            str(status.get("_mgr_active_name", "") or ""),
            bool(status.get("mgrmap", {}).get("available", False)),
            status.get("_mgr_active_change"),
            [str(s) for s in status.get("_mgr_standbys", [])],
            now,
        )
        services.append("    mgr: " + mgr)
    mds = str(status.get("_mds_line", "") or "")
    if mds:
        services.append("    mds: " + mds)
    osd = osdmap_summary(
        status.get("osdmap", {}),
        now,
        up_since=status.get("_osd_up_since"),
        in_since=status.get("_osd_in_since"),
        flags=str(status.get("_osd_flags", "") or ""),
    )
    services.append("    osd: " + osd[0])
    services.extend(osd[1:])
    data, io = pgmap_summary(status.get("pgmap", {}))
    volumes = str(status.get("_volumes_line", "") or "")
    if volumes:
        data.insert(0, "    volumes: " + volumes)
    sections = [cluster, services, ["  data:", *data]]
    if io:
        sections.append(io)
    events = status.get("progress_events", {})
    if events:
        progress = ["  progress:"]
        progress.extend(
            "    " + str(ev.get("message", ""))
            for ev in events.values()
            if ev.get("add_to_ceph_s", False)
        )
        sections.append(progress)
    return "\n \n".join("\n".join(lines) for lines in sections) + "\n \n"
