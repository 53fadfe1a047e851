"""`ceph versions`, `ceph mon|mgr|osd|mds versions` and `ceph version`: the running versions.

As Ceph 16.2's mon counts them (``count_metadata("ceph_version")``): the mons
in quorum, the mgrs of the MgrMap (active and standbys) by the version in
their metadata, the OSDs up in the OSDMap, and the MDSs of the FSMap. Every
simulated mon and OSD runs `sim.version.CEPH_VERSION`; the MDS daemons are
counted by the metadata their beacons carried (`mon.mds_monitor`).

Handlers receive the mon as a `mon.context.MonContext`. Who may import it:
`mon.commands` (which builds the table) and tests."""

from __future__ import annotations

from collections import Counter
from typing import Any

from mon.commands.table import CommandTable, Reply
from mon.context import MonContext
from sim.cmdparse import Flag
from sim.version import CEPH_VERSION

TABLE = CommandTable()


def mon_counts(mon: MonContext) -> dict[str, int]:
    n = len(mon.quorum.quorum_names())
    return {CEPH_VERSION: n} if n else {}


def mgr_counts(mon: MonContext) -> dict[str, int]:
    md = mon.mgrmon.metadata
    c = Counter(
        str(md.get(name, {}).get("ceph_version", "unknown")) for name in mon.mgrmon.map.all_names()
    )
    return dict(c)


def osd_counts(mon: MonContext) -> dict[str, int]:
    m = mon.osd_service.map
    n = sum(1 for osd in range(m.max_osd) if m.is_up(osd))
    return {CEPH_VERSION: n} if n else {}


def mds_counts(mon: MonContext) -> dict[str, int]:
    return mon.mds_service.versions()


def versions_data(mon: MonContext) -> dict[str, Any]:
    """The JSON of `ceph versions`: per type, then ``overall``."""
    parts = {
        "mon": mon_counts(mon),
        "mgr": mgr_counts(mon),
        "osd": osd_counts(mon),
        "mds": mds_counts(mon),
    }
    overall: Counter[str] = Counter()
    for counts in parts.values():
        overall.update(counts)
    return parts | {"overall": dict(overall)}


@TABLE.command("mon versions", "check running versions of monitors")
def mon_versions(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(data=mon_counts(mon), json_newline=True)  # as 16.2's (mon_versions.compact.json)


@TABLE.command("versions", "check running versions of ceph daemons")
def versions(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(data=versions_data(mon))


@TABLE.command("mds versions", "check running versions of MDSs")
def mds_versions(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(data=mds_counts(mon), json_newline=True)  # as 16.2's (mds_versions.compact.json)


@TABLE.command("osd versions", "check running versions of OSDs")
def osd_versions(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(data=osd_counts(mon))


@TABLE.command("mgr versions", "check running versions of ceph-mgr daemons")
def mgr_versions(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(data=mgr_counts(mon))


@TABLE.command("version", "show mon daemon version", flags=Flag.NOFORWARD | Flag.HIDDEN)
def mon_version(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    """The mon's own version (16.2's hidden ``version``; plain: the line alone)."""
    return Reply(data={"version": CEPH_VERSION}, plain=lambda d: d["version"] + "\n",
                 json_newline=True)  # fmt: skip
