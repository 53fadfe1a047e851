"""``ceph osd pool get`` / ``osd pool set`` (OSDMonitor's pool variables) and
``osd pool set-quota`` / ``get-quota`` (`mon.pool_quota`).

The vocabulary and Ceph's validation are `mon.pool_settings`; a change is
staged on the OSDMap service (`OSDMonitor.pool_set`) and committed through
paxos as a new osdmap epoch, which the fleet and the mgr then receive.

Handlers receive the mon as a `mon.context.MonContext`. Who may import it:
`mon.commands` (which builds the table) and tests."""

from __future__ import annotations

import errno
from typing import Any

from mon import pool_quota
from mon.commands.table import CommandTable, Reply
from mon.context import MonContext
from mon.errors import CommandError
from mon.pool_settings import GET_VARS, SET_VARS, PoolLimits, get_plain, pool_get

TABLE = CommandTable()


@TABLE.command(
    f"osd pool get name=pool,type=CephPoolname name=var,type=CephChoices,strings={'|'.join(GET_VARS)}",
    "get pool parameter <var>",
)
def osd_pool_get(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    name = str(cmd["pool"])
    pool = mon.osd_service.map.pool_by_name(name)
    if pool is None:
        raise CommandError(errno.ENOENT, f"unrecognized pool '{name}'")
    items = pool_get(pool, str(cmd["var"]))
    data = {"pool": pool.name, "pool_id": pool.pool} | {k: v for k, v, _ in items}
    return Reply(data=data, plain=lambda _d: get_plain(items))


def mon_setting(mon: MonContext, name: str) -> Any:
    """A mon option: the config database's value for this mon, else the
    cluster's start-up setting (``--set``), else Ceph's default."""
    svc = mon.config_service
    started = mon.options.get(name)
    if svc.entity_values("mon", mon.id).get(name) is not None or started is None:
        return svc.mon_value(name)
    return started


def _true(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1", "yes", "on")


@TABLE.command(
    f"osd pool set name=pool,type=CephPoolname name=var,type=CephChoices,strings={'|'.join(SET_VARS)} "
    "name=val,type=CephString name=yes_i_really_mean_it,type=CephBool,req=false",
    "set pool parameter <var> to <val>",
    "rw",
)
def osd_pool_set(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    limits = PoolLimits(
        max_pg_per_osd=int(mon_setting(mon, "mon_max_pg_per_osd")),
        allow_size_one=_true(mon_setting(mon, "mon_allow_pool_size_one")),
    )
    line = mon.osd_service.pool_set(
        str(cmd["pool"]), str(cmd["var"]), str(cmd["val"]),
        bool(cmd.get("yes_i_really_mean_it")), limits,
    )  # fmt: skip
    return Reply(outs=line)


@TABLE.command(
    "osd pool set-quota name=pool,type=CephPoolname "
    f"name=field,type=CephChoices,strings={'|'.join(pool_quota.FIELDS)} name=val,type=CephString",
    "set object or byte limit on pool",
    "rw",
)
def osd_pool_set_quota(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(
        outs=mon.osd_service.pool_set_quota(str(cmd["pool"]), str(cmd["field"]), str(cmd["val"]))
    )


@TABLE.command(
    "osd pool get-quota name=pool,type=CephPoolname", "obtain object or byte limits for pool"
)
def osd_pool_get_quota(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    name = str(cmd["pool"])
    pool = mon.osd_service.map.pool_by_name(name)
    if pool is None:
        raise CommandError(errno.ENOENT, f"unrecognized pool '{name}'")
    usage = mon.osd_service.pool_usage().get(pool.pool)
    if usage is None:  # no mgr has reported PG stats for it yet
        raise CommandError(errno.ENOENT, f"no stats for pool '{name}'")
    return Reply(data=pool_quota.get_quota(pool, usage), plain=pool_quota.get_quota_plain)
