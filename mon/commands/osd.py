"""``ceph osd …`` commands served by the mon (OSDMonitor's command side), and
the hidden commands the fleet and the active mgr send (``osd boot``, ``osd
beacon``, ``osd failure``, ``pg digest``: Ceph's MOSDBoot, MOSDBeacon,
MOSDFailure and MMonMgrReport, carried as commands so that peons forward
them to the leader like any write).

Handlers receive the mon as a `mon.context.MonContext` and change state only
through the owning service's methods. Who may import it: `mon.commands`
(which builds the table) and tests."""

from __future__ import annotations

import errno
import time
from typing import Any

from mon.commands.table import CommandTable, Reply
from mon.context import MonContext
from mon.errors import CommandError
from mon.osd_monitor import OSDMonitor
from mon.status import osdmap_summary
from sim.cmdparse import Flag
from sim.maps import crush_tree, osd_dumps
from sim.maps.osdmap import SETTABLE_FLAGS, OSDMap

TABLE = CommandTable()

HIDDEN = int(Flag.HIDDEN)
_EPOCH = "name=epoch,type=CephInt,range=0,req=false"


def osdmon(mon: MonContext) -> OSDMonitor:
    svc: OSDMonitor = mon.osd_service
    return svc


def _map_at(mon: MonContext, cmd: dict[str, Any]) -> OSDMap:
    epoch = cmd.get("epoch")
    return osdmon(mon).map_at(mon.store, None if epoch is None else int(epoch))


def stat_plain(m: OSDMap) -> str:
    stat = osd_dumps.osd_stat(m)
    line = osdmap_summary(stat, time.time(), up_since=m.last_up_change, in_since=m.last_in_change)
    return f"{line[0]}; epoch: e{m.epoch}\n"


@TABLE.command(f"osd dump {_EPOCH}", "print summary of OSD map")
def osd_dump(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    m = _map_at(mon, cmd)
    return Reply(data=osd_dumps.osd_dump(m), plain=lambda _d: osd_dumps.osd_dump_plain(m),
                 outs=f"dumped osdmap epoch {m.epoch}")  # fmt: skip


@TABLE.command(
    f"osd tree {_EPOCH} name=states,type=CephChoices,strings=up|down|in|out|destroyed,n=N,req=false",
    "print OSD tree",
)
def osd_tree(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    m = _map_at(mon, cmd)
    return Reply(data=osd_dumps.osd_tree(m), plain=lambda _d: osd_dumps.osd_tree_plain(m))


@TABLE.command("osd stat", "print summary of OSD map")
def osd_stat(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    m = osdmon(mon).map
    return Reply(data=osd_dumps.osd_stat(m), plain=lambda _d: stat_plain(m))


@TABLE.command(f"osd ls {_EPOCH}", "show all OSD ids")
def osd_ls(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    ids = _map_at(mon, cmd).osd_ids()
    return Reply(data=ids, plain=lambda _d: "".join(f"{i}\n" for i in ids))


@TABLE.command("osd getmaxosd", "show largest OSD id")
def osd_getmaxosd(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    m = osdmon(mon).map
    data = {"epoch": m.epoch, "max_osd": m.max_osd}
    return Reply(data=data, plain=lambda _d: f"max_osd = {m.max_osd} in epoch {m.epoch}\n")


@TABLE.command("osd crush dump", "dump crush map")
def osd_crush_dump(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(data=osd_dumps.crush_dump(osdmon(mon).map))


@TABLE.command(
    "osd crush tree name=shadow,type=CephChoices,strings=--show-shadow,req=false",
    "dump crush buckets and items in a tree view",
)
def osd_crush_tree(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    # one device class (hdd) and no shadow buckets: --show-shadow shows the same tree
    m = osdmon(mon).map
    return Reply(data=crush_tree.crush_tree(m), plain=lambda _d: crush_tree.crush_tree_plain(m))


@TABLE.command("osd pool ls name=detail,type=CephChoices,strings=detail,req=false", "list pools")
def osd_pool_ls(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    m = osdmon(mon).map
    if cmd.get("detail") == "detail":
        data: Any = [osd_dumps.pool_dump(p) for p in m.pools.values()]
        text = "".join(
            line + "\n\n" for line in osd_dumps.osd_dump_plain(m).splitlines()
            if line.startswith("pool ")
        )  # fmt: skip
        return Reply(data=data, plain=lambda _d: text)
    names = [p.name for p in m.pools.values()]
    return Reply(data=names, plain=lambda _d: "".join(f"{n}\n" for n in names))


@TABLE.command(
    # Ceph 16.2's descriptor, plus 18.2's yes_i_really_mean_it (its mgr_module sends it)
    "osd pool create name=pool,type=CephPoolname name=pg_num,type=CephInt,range=0,req=false "
    "name=pgp_num,type=CephInt,range=0,req=false "
    "name=pool_type,type=CephChoices,strings=replicated|erasure,req=false "
    "name=erasure_code_profile,type=CephString,req=false,goodchars=[A-Za-z0-9-_.] "
    "name=rule,type=CephString,req=false name=expected_num_objects,type=CephInt,range=0,req=false "
    "name=size,type=CephInt,range=0,req=false name=pg_num_min,type=CephInt,range=0,req=false "
    "name=pg_num_max,type=CephInt,range=0,req=false "
    "name=autoscale_mode,type=CephChoices,strings=on|off|warn,req=false "
    "name=bulk,type=CephBool,req=false name=target_size_bytes,type=CephInt,range=0,req=false "
    "name=target_size_ratio,type=CephFloat,range=0.0,req=false "
    "name=yes_i_really_mean_it,type=CephBool,req=false",
    "create pool",
    "rw",
)
def osd_pool_create(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    svc = osdmon(mon)
    name = str(cmd["pool"])
    if svc.newest().pool_by_name(name) is not None:
        return Reply(outs=f"pool '{name}' already exists")
    pg_num = int(cmd.get("pg_num") or 32)
    if not 0 < pg_num <= 65536:
        raise CommandError(errno.ERANGE, f"pg_num {pg_num} out of range")
    size = next(iter(svc.map.pools.values())).size if svc.map.pools else 1
    svc.staged().add_pool(name, size, pg_num, "", time.time())
    return Reply(outs=f"pool '{name}' created")


_DELETE_WARNING = (
    "WARNING: this will *PERMANENTLY DESTROY* all data stored in pool {p}.  If you are "
    "*ABSOLUTELY CERTAIN* that is what you want, pass the pool name *twice*, followed by "
    "--yes-i-really-really-mean-it."
)


def _allowed_delete(mon: MonContext) -> bool:
    """``mon_allow_pool_delete``: set in the cluster's spec (``--set``) or by ``config set``."""
    try:
        line, _ = mon.config_service.get(f"mon.{mon.id}", "mon_allow_pool_delete")
    except CommandError:
        line = None
    values = ((line or "").strip(), str(mon.options.get("mon_allow_pool_delete", "")))
    return any(v.lower() in ("true", "1", "yes", "on") for v in values)


@TABLE.command(
    "osd pool delete name=pool,type=CephPoolname name=pool2,type=CephPoolname,req=false "
    "name=yes_i_really_really_mean_it,type=CephBool,req=false "
    "name=yes_i_really_really_mean_it_not_faking,type=CephBool,req=false",
    "delete pool",
    "rw",
)
def osd_pool_delete(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    svc = osdmon(mon)
    name = str(cmd["pool"])
    pool = svc.newest().pool_by_name(name)
    if pool is None:
        return Reply(outs=f"pool '{name}' does not exist")
    if str(cmd.get("pool2", "")) != name or not cmd.get("yes_i_really_really_mean_it"):
        raise CommandError(errno.EPERM, _DELETE_WARNING.format(p=name))
    if not _allowed_delete(mon):
        raise CommandError(errno.EPERM, "pool deletion is disabled; you must first set the "
                           "mon_allow_pool_delete config option to true before you can destroy "
                           "a pool")  # fmt: skip
    svc.staged().remove_pool(pool.pool)
    return Reply(outs=f"pool '{name}' removed")


@TABLE.command(
    "osd pool application enable name=pool,type=CephPoolname name=app,type=CephString,"
    "goodchars=[A-Za-z0-9-_.] name=yes_i_really_mean_it,type=CephBool,req=false",
    "enable use of an application <app> [cephfs,rbd,rgw] on pool <poolname>",
    "rw",
)
def osd_pool_application_enable(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    svc = osdmon(mon)
    name, app = str(cmd["pool"]), str(cmd["app"])
    pool = svc.newest().pool_by_name(name)
    if pool is None:
        raise CommandError(errno.ENOENT, f"unrecognized pool '{name}'")
    if pool.application and pool.application != app and not cmd.get("yes_i_really_mean_it"):
        raise CommandError(errno.EPERM, f"Are you SURE? Pool '{name}' already has an enabled "
                           "application; pass --yes-i-really-mean-it to proceed anyway")  # fmt: skip
    if pool.application != app:
        svc.staged().enable_application(pool.pool, app)
    return Reply(outs=f"enabled application '{app}' on pool '{name}'")


@TABLE.command(
    "osd pool rename name=srcpool,type=CephPoolname name=destpool,type=CephPoolname "
    "name=yes_i_really_mean_it,type=CephBool,req=false",
    "rename <srcpool> to <destpool>",
    "rw",
)
def osd_pool_rename(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    svc = osdmon(mon)
    src, dst = str(cmd["srcpool"]), str(cmd["destpool"])
    m = svc.newest()
    pool, taken = m.pool_by_name(src), m.pool_by_name(dst)
    if taken is not None:
        if pool is None:
            return Reply(outs=f"pool '{src}' does not exist; pool '{dst}' already exists - "
                         "assuming successful rename")  # fmt: skip
        raise CommandError(errno.EEXIST, f"pool '{dst}' already exists")
    if pool is None:
        raise CommandError(errno.ENOENT, f"unrecognized pool '{src}'")
    svc.staged().rename_pool(pool.pool, dst)
    return Reply(outs=f"pool '{src}' renamed to '{dst}'")


def _ids(mon: MonContext, cmd: dict[str, Any]) -> tuple[list[int], list[str]]:
    m = osdmon(mon).newest()
    raw = cmd.get("ids", [])
    words = [raw] if isinstance(raw, str) else [str(w) for w in raw]
    if any(w in ("any", "all") for w in words):
        return m.osd_ids(), []
    ids: list[int] = []
    missing: list[str] = []
    for w in words:
        text = w[4:] if w.startswith("osd.") else w
        if not text.isdigit():
            raise CommandError(errno.EINVAL, f"invalid osd id '{w}'")
        osd = int(text)
        if m.exists(osd):
            ids.append(osd)
        else:
            missing.append(f"osd.{osd} does not exist. ")
    return ids, missing


def _mark(mon: MonContext, cmd: dict[str, Any], what: str) -> Reply:
    svc, now = osdmon(mon), time.time()
    ids, notes = _ids(mon, cmd)
    if what == "down":
        done, log = svc.mark_down(ids, now, lambda o: f"osd.{o} marked down by command")
        mon.clog_all(log)
    elif what == "out":
        done = svc.mark_out(ids, now)
    else:
        done = svc.mark_in(ids, now)
    out = "".join(
        f"marked {what} osd.{o}. " if o in done else f"osd.{o} is already {what}. " for o in ids
    )
    if not ids and notes:
        raise CommandError(errno.ENOENT, "".join(notes))
    return Reply(outs=out + "".join(notes))


@TABLE.command(
    "osd down name=ids,type=CephString,n=N name=definitely_dead,type=CephBool,req=false",
    "set osd(s) <id> [<id>...] down, or use <any|all> to set all osds down",
    "rw",
)
def osd_down(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return _mark(mon, cmd, "down")


@TABLE.command(
    "osd out name=ids,type=CephString,n=N",
    "set osd(s) <id> [<id>...] out, or use <any|all> to set all osds out",
    "rw",
)
def osd_out(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return _mark(mon, cmd, "out")


@TABLE.command(
    "osd in name=ids,type=CephString,n=N",
    "set osd(s) <id> [<id>...] in, can use <any|all> to automatically set all previously out "
    "osds in",
    "rw",
)
def osd_in(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return _mark(mon, cmd, "in")


def osd_id(value: Any) -> int:
    """A ``CephOsdName`` argument: ``3`` or ``osd.3`` (the CLI sends the number)."""
    text = str(value)
    text = text[4:] if text.startswith("osd.") else text
    if not text.isdigit():
        raise CommandError(errno.EINVAL, f"osd id {value} not integer")
    return int(text)


@TABLE.command(
    "osd reweight name=id,type=CephOsdName name=weight,type=CephFloat,range=0.0|1.0",
    "reweight osd to 0.0 < <weight> < 1.0",
    "rw",
)
def osd_reweight(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    osd, weight = osd_id(cmd["id"]), float(cmd["weight"])
    if not 0.0 <= weight <= 1.0:
        raise CommandError(errno.EINVAL, f"{weight} not in range [0.0, 1.0]")
    raw = osdmon(mon).reweight(osd, weight)
    return Reply(outs=f"reweighted osd.{osd} to {weight:g} ({raw:x})")


_FLAGS = "|".join(SETTABLE_FLAGS)


@TABLE.command(
    f"osd set name=key,type=CephChoices,strings={_FLAGS} "
    "name=yes_i_really_mean_it,type=CephBool,req=false",
    "set <key>",
    "rw",
)
def osd_set(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    key = str(cmd["key"])
    osdmon(mon).set_flag(key, True)
    return Reply(outs=f"{key} is set")


@TABLE.command(f"osd unset name=key,type=CephChoices,strings={_FLAGS}", "unset <key>", "rw")
def osd_unset(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    key = str(cmd["key"])
    osdmon(mon).set_flag(key, False)
    return Reply(outs=f"{key} is unset")


# --- from daemons (hidden) -------------------------------------------------------------


def _entries(cmd: dict[str, Any], key: str) -> list[Any]:
    value = cmd.get(key)
    if not isinstance(value, list):
        raise CommandError(errno.EINVAL, f"{key} must be a list")
    return value


@TABLE.command("osd boot", "OSDs report they are up (from the fleet)", "rw", flags=HIDDEN)
def osd_boot(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    entries = [
        e for e in _entries(cmd, "osds") if isinstance(e, dict) and "osd" in e and "uuid" in e
    ]
    mon.clog_all(osdmon(mon).boot(entries, time.time()))
    return Reply(outs=f"{len(entries)} osds booting")


@TABLE.command("osd beacon", "OSDs report they are alive (from the fleet)", "rw", flags=HIDDEN)
def osd_beacon(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    osdmon(mon).beacon([int(o) for o in _entries(cmd, "osds") if isinstance(o, int)])
    return Reply()


@TABLE.command(
    "osd failure", "heartbeat peers report OSDs failed (from the fleet)", "rw", flags=HIDDEN
)
def osd_failure(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    svc, now = osdmon(mon), time.time()
    grace = float(cmd.get("grace", 0) or 0)
    reporters = int(cmd.get("reporters", 1) or 1)
    failed = [int(o) for o in _entries(cmd, "osds") if isinstance(o, int)]
    m = svc.newest()

    def why(o: int) -> str:
        if cmd.get("mark_me_down"):  # a clean shutdown (MOSDMarkMeDown)
            return f"osd.{o} marked itself down and dead"
        return (
            f"osd.{o} failed (root=default,host={m.hostname(o)}) ({reporters} reporters "
            f"from different host after {grace:.6f} >= grace {grace:.6f})"
        )

    done, log = svc.mark_down(failed, now, why)
    mon.clog_all(log)
    return Reply(outs=f"{len(done)} osds marked down")


@TABLE.command("pg digest", "the active mgr's PG statistics digest", "rw", flags=HIDDEN)
def pg_digest(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    digest = cmd.get("digest")
    if not isinstance(digest, dict):
        raise CommandError(errno.EINVAL, "digest must be a map")
    osdmon(mon).stage_digest(digest)
    return Reply()
