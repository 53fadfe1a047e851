"""The admin socket commands every Ceph 16.2 daemon has (its CephContext hooks).

``help``, ``get_command_descriptions``, ``version``, ``git_version``, the
``config`` family (show/get/set/unset/diff), ``perf dump`` / ``perf schema``
and ``dump_mempools``, with Ceph's descriptors, help texts and output shapes
(the captures ``daemon_*`` / ``admin_daemon_*`` / ``tell_*`` in
``tests/data/ceph16``). A daemon adds its own commands in its own table.

Who may import it: the daemon shells, which build their `AdminSocket` from
`TABLE` and theirs, and tests.
"""

from __future__ import annotations

import errno
import os
from typing import Any

from sim.asok import AsokError, AsokHost, AsokTable, Text
from sim.version import CEPH_GIT_SHA1, CEPH_RELEASE, CEPH_RELEASE_TYPE, CEPH_VERSION_SHORT

TABLE = AsokTable()

# Ceph 16.2's mempools, in its order (``dump_mempools``, the ``mempool`` perf logger).
MEMPOOLS = (
    "bloom_filter", "bluestore_alloc", "bluestore_cache_data", "bluestore_cache_onode",
    "bluestore_cache_meta", "bluestore_cache_other", "bluestore_Buffer", "bluestore_Extent",
    "bluestore_Blob", "bluestore_SharedBlob", "bluestore_inline_bl", "bluestore_fsck",
    "bluestore_txc", "bluestore_writing_deferred", "bluestore_writing", "bluefs",
    "bluefs_file_reader", "bluefs_file_writer", "buffer_anon", "buffer_meta", "osd",
    "osd_mapbl", "osd_pglog", "osdmap", "osdmap_mapping", "pgmap", "mds_co", "unittest_1",
    "unittest_2",
)  # fmt: skip


@TABLE.command("help", "list available commands")
def help_(host: AsokHost, cmd: dict[str, Any]) -> dict[str, str]:
    sigs = host.asok.signatures()
    return {s.prefix: s.help for s in sigs}


@TABLE.command("get_command_descriptions", "list available commands")
def get_command_descriptions(host: AsokHost, cmd: dict[str, Any]) -> dict[str, Any]:
    sigs = host.asok.signatures()
    return {f"cmd{i:03d}": {"cmd": s.descriptor, "help": s.help} for i, s in enumerate(sigs)}


@TABLE.command("version", "get ceph version")
def version(host: AsokHost, cmd: dict[str, Any]) -> dict[str, str]:
    return {
        "version": CEPH_VERSION_SHORT,
        "release": CEPH_RELEASE,
        "release_type": CEPH_RELEASE_TYPE,
    }


@TABLE.command("git_version", "get git sha1")
def git_version(host: AsokHost, cmd: dict[str, Any]) -> dict[str, str]:
    return {"git_version": CEPH_GIT_SHA1}


@TABLE.command("config show", "dump current config settings")
def config_show(host: AsokHost, cmd: dict[str, Any]) -> dict[str, str]:
    return host.config.show()


@TABLE.command("config get name=var,type=CephString", "config get <field>: get the config value")
def config_get(host: AsokHost, cmd: dict[str, Any]) -> Any:
    var = str(cmd.get("var", ""))
    got = host.config.get(var)
    if got is None:  # what 16.2 prints (rc 0), as for ``config set`` of an unknown name
        enoent = f"({errno.ENOENT}) {os.strerror(errno.ENOENT)}"
        return Text(f"ERROR: {enoent}\nerror getting '{var}': {enoent}\n")
    return got


@TABLE.command(
    "config set name=var,type=CephString name=val,type=CephString,n=N",
    "config set <field> <val> [<val> ...]: set a config variable",
)
def config_set(host: AsokHost, cmd: dict[str, Any]) -> Any:
    var = str(cmd.get("var", ""))
    val = cmd.get("val", [])
    text = " ".join(str(v) for v in val) if isinstance(val, list) else str(val)
    rc, msg = host.config.set(var, text)
    if rc < 0:  # 16.2 prints the error on stdout and exits 0
        return Text(f"ERROR: ({-rc}) {os.strerror(-rc)}\n{msg}\n")
    return {"success": msg}


@TABLE.command(
    "config unset name=var,type=CephString", "config unset <field>: unset a config variable"
)
def config_unset(host: AsokHost, cmd: dict[str, Any]) -> Any:
    rc, msg = host.config.unset(str(cmd.get("var", "")))
    if rc < 0:
        raise AsokError(-rc, msg)
    return {"success": msg}


@TABLE.command("config diff", "dump diff of current config and default config")
def config_diff(host: AsokHost, cmd: dict[str, Any]) -> dict[str, Any]:
    return host.config.diff()


@TABLE.command(
    "config diff get name=var,type=CephString",
    "dump diff get <field>: dump diff of current and default config setting <field>",
)
def config_diff_get(host: AsokHost, cmd: dict[str, Any]) -> dict[str, Any]:
    var = str(cmd.get("var", ""))
    diff = host.config.diff()["diff"]
    return {"diff": {var: diff[var]} if var in diff else {}}


@TABLE.command(
    "perf dump name=logger,type=CephString,req=false name=counter,type=CephString,req=false",
    "dump perfcounters value",
)
def perf_dump(host: AsokHost, cmd: dict[str, Any]) -> dict[str, Any]:
    return _select(host.perf_dump(), cmd)


@TABLE.command(
    "perf schema",
    "dump perfcounters schema",
)
def perf_schema(host: AsokHost, cmd: dict[str, Any]) -> dict[str, Any]:
    return _select(host.perf_schema(), cmd)


def _select(loggers: dict[str, Any], cmd: dict[str, Any]) -> dict[str, Any]:
    logger, counter = cmd.get("logger"), cmd.get("counter")
    if logger is None:
        return loggers
    if logger not in loggers:
        return {}
    one = loggers[logger]
    if counter is not None:
        return {logger: {counter: one[counter]}} if counter in one else {}
    return {logger: one}


@TABLE.command("dump_mempools", "get mempool stats")
def dump_mempools(host: AsokHost, cmd: dict[str, Any]) -> dict[str, Any]:
    pools = host.mempools()
    by_pool = {p: {"items": int(pools.get(p, (0, 0))[0]), "bytes": int(pools.get(p, (0, 0))[1])}
               for p in MEMPOOLS}  # fmt: skip
    total = {
        "items": sum(v["items"] for v in by_pool.values()),
        "bytes": sum(v["bytes"] for v in by_pool.values()),
    }
    return {"mempool": {"by_pool": by_pool, "total": total}}
