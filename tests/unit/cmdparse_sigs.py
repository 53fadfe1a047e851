"""Command signatures resembling Ceph 16's, shared by the sim.cmdparse tests (``test_cmdparse_*.py``)."""

from __future__ import annotations

from typing import Any

from sim.cmdparse import CommandSig, Flag, match_prefix

# --- signatures resembling Ceph 16's (src/mgr/MgrCommands.h, src/mon/MonCommands.h) ---------

MGR_PG_COMMANDS = [
    ("pg stat", "show placement group status."),
    ("pg getmap", "get binary pg map to -o/stdout"),
    (
        "pg dump name=dumpcontents,type=CephChoices,"
        "strings=all|summary|sum|delta|pools|osds|pgs|pgs_brief,n=N,req=false",
        "show human-readable versions of pg map (only 'all' valid with plain)",
    ),
    (
        "pg dump_json name=dumpcontents,type=CephChoices,"
        "strings=all|summary|sum|pools|osds|pgs,n=N,req=false",
        "show human-readable version of pg map in json only",
    ),
    ("pg dump_pools_json", "show pg pools info in json only"),
    (
        "pg ls-by-pool name=poolstr,type=CephString name=states,type=CephString,n=N,req=false",
        "list pg with pool = [poolname]",
    ),
    (
        "pg ls-by-primary name=osd,type=CephOsdName name=pool,type=CephInt,req=false "
        "name=states,type=CephString,n=N,req=false",
        "list pg with primary = [osd]",
    ),
    (
        "pg ls-by-osd name=osd,type=CephOsdName name=pool,type=CephInt,req=false "
        "name=states,type=CephString,n=N,req=false",
        "list pg on osd [osd]",
    ),
    (
        "pg ls name=pool,type=CephInt,req=false name=states,type=CephString,n=N,req=false",
        "list pg with specific pool, osd, state",
    ),
    (
        "pg dump_stuck name=stuckops,type=CephChoices,"
        "strings=inactive|unclean|stale|undersized|degraded,n=N,req=false "
        "name=threshold,type=CephInt,req=false",
        "show information about stuck pgs",
    ),
    (
        "pg debug name=debugop,type=CephChoices,strings=unfound_objects_exist|degraded_pgs_exist",
        "show debug info about pgs",
    ),
    ("pg scrub name=pgid,type=CephPgid", "start scrub on <pgid>"),
    ("pg repair name=pgid,type=CephPgid", "start repair on <pgid>"),
    ("pg force-recovery name=pgid,type=CephPgid,n=N", "force recovery of <pgid> first"),
    ("osd perf", "print dump of OSD perf summary stats"),
]

MON_COMMANDS = [
    ("mgr dump name=epoch,type=CephInt,range=0,req=false", "dump the latest MgrMap"),
    ("mgr fail name=who,type=CephString,req=false", "treat the named manager daemon as failed"),
    (
        "mgr module enable name=module,type=CephString "
        "name=force,type=CephChoices,strings=--force,req=false",
        "enable mgr module",
    ),
    ("mgr module disable name=module,type=CephString", "disable mgr module"),
    (
        "log last name=num,type=CephInt,range=1,req=false "
        "name=level,type=CephChoices,strings=debug|info|sec|warn|error,req=false "
        "name=channel,type=CephChoices,strings=*|cluster|audit|cephadm,req=false",
        "print last few lines of the cluster log",
    ),
    (
        "osd pool set-quota name=pool,type=CephPoolname "
        "name=field,type=CephChoices,strings=max_objects|max_bytes name=val,type=CephString",
        "set object or byte limit on pool",
    ),
]


def _sigs() -> list[CommandSig]:
    mgr = [CommandSig.parse(d, h, flags=Flag.MGR, module="pg") for d, h in MGR_PG_COMMANDS]
    mon = [CommandSig.parse(d, h, perm="rw", module="mgr") for d, h in MON_COMMANDS]
    return mgr + mon  # the mon lists the mgr's commands first


SIGS = _sigs()


def sig(descriptor: str, **kw: Any) -> CommandSig:
    return CommandSig.parse(descriptor, **kw)


def by_prefix(prefix: str) -> CommandSig:
    found = match_prefix({"prefix": prefix}, SIGS)
    assert found is not None
    return found
