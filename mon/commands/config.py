"""``ceph config …`` and ``ceph config-key …``, served by the mon (Ceph 16.2's
descriptors from MonCommands.h; behaviour of ConfigMonitor and KVMonitor).

Handlers receive the mon as a `mon.context.MonContext` and change state only
through the owning service's methods. Who may import it: `mon.commands`
(which builds the table) and tests."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Any

from mon import conf_file
from mon import config_render as cm
from mon import config_show as cs
from mon.commands.table import CommandTable, Reply
from mon.config_monitor import HISTORY_PREFIX
from mon.config_names import normalize_key_name
from mon.context import MonContext
from mon.errors import CommandError
from sim.formatting import dumps_pretty
from sim.maps import layout
from sim.options import CEPH_OPTIONS, FLAG_MINIMAL_CONF, FLAG_NO_MON_UPDATE, OPTIONS
from sim.options.values import typed_default

TABLE = CommandTable()


@dataclass
class RawReply(Reply):
    """Output bytes exactly as stored, whatever the format (``config-key get``)."""

    raw: bytes = b""

    def render(self, fmt: str | None) -> bytes:
        return self.raw


def _str(cmd: dict[str, Any], key: str) -> str | None:
    v = cmd.get(key)
    return None if v is None else str(v)


# --- config ---------------------------------------------------------------------------


@TABLE.command(
    "config set name=who,type=CephString name=name,type=CephString "
    "name=value,type=CephString name=force,type=CephBool,req=false",
    "Set a configuration option for one or more entities",
    "rw",
)
def config_set(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    mon.config_service.set(
        _str(cmd, "who") or "",
        _str(cmd, "name") or "",
        _str(cmd, "value") or "",
        force=bool(cmd.get("force")),
    )
    return Reply()


@TABLE.command(
    "config rm name=who,type=CephString name=name,type=CephString",
    "Clear a configuration option for one or more entities",
    "rw",
)
def config_rm(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    mon.config_service.rm(_str(cmd, "who") or "", _str(cmd, "name") or "")
    return Reply()


@TABLE.command(
    "config get name=who,type=CephString name=key,type=CephString,req=False",
    "Show configuration option(s) for an entity",
)
def config_get(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    line, entries = mon.config_service.get(_str(cmd, "who") or "", _str(cmd, "key"))
    if line is not None:
        return Reply(text=line)  # the value alone, in every format
    return Reply(data=cm.get_json(entries), plain=lambda _: cm.get_plain(entries))


@TABLE.command("config dump", "Show all configuration option(s)")
def config_dump(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    entries = mon.config_service.entries()
    return Reply(data=cm.dump_json(entries), plain=lambda _: cm.dump_plain(entries))


@TABLE.command("config help name=key,type=CephString", "Describe a configuration option")
def config_help(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    name = normalize_key_name(_str(cmd, "key") or "")
    opt = mon.config_service.find_option(name)
    if opt is None:
        raise CommandError(errno.ENOENT, f"configuration option '{name}' not recognized")
    return Reply(data=cm.help_json(opt), plain=lambda _: cm.help_plain(opt))


@TABLE.command("config ls", "List available configuration options")
def config_ls(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    names = list(CEPH_OPTIONS) + sorted(mon.config_service.module_options())
    return Reply(data=names, plain=lambda d: "".join(f"{n}\n" for n in d))


# --- a daemon's running config, the history, conf files ----------------------------------


def _daemon(mon: MonContext, who: str) -> tuple[str, str]:
    etype, dot, eid = who.partition(".")
    if not dot or not eid or etype not in ("mon", "mgr", "osd", "mds"):
        raise CommandError(errno.EINVAL, "invalid daemon name: use <type>.<id>")
    known = {
        "mon": lambda: eid in mon.spec.mons,
        "mgr": lambda: eid in mon.mgrmon.map.all_names() or eid in mon.mgrmon.metadata,
        "osd": lambda: eid.isdigit() and mon.osd_service.map.exists(int(eid)),
        "mds": lambda: eid in layout.mds_names(mon.spec.mds),
    }[etype]
    if not known():
        raise CommandError(errno.ENOENT, f"no config state for daemon {who}")
    return etype, eid


def _settings(mon: MonContext, who: str, with_defaults: bool) -> list[cs.Setting]:
    etype, eid = _daemon(mon, who)
    file_values = {
        n: cs.show_value(CEPH_OPTIONS.get(n), v)
        for n, v in mon.spec.options.items()
        if n in CEPH_OPTIONS and v is not None
    }
    file_values["mon_host"] = ",".join(
        f"[v2:{a.split('://', 1)[-1]}/0]" for a in mon.spec.mon_addrs.values()
    )
    db = mon.config_service.entity_values(etype, eid)
    mon_values = {n: v for n, (v, _section) in db.items()}
    wins = OPTIONS if etype == "mon" else ()  # a mon applies its database's values
    return cs.running_settings(file_values, mon_values, wins, with_defaults)


@TABLE.command(
    "config show name=who,type=CephString name=key,type=CephString,req=False",
    "Show running configuration",
)
def config_show(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    settings = _settings(mon, _str(cmd, "who") or "", with_defaults=False)
    key = _str(cmd, "key")
    if key is not None:
        name = normalize_key_name(key)
        found = next((x for x in settings if x.name == name), None)
        opt = CEPH_OPTIONS.get(name)
        if found is not None:
            return Reply(text=found.value + "\n")
        if opt is None:
            raise CommandError(errno.ENOENT, "")
        return Reply(text=cs.show_value(opt, typed_default(opt)) + "\n")
    return Reply(data=cs.show_json(settings), plain=lambda _: cs.show_plain(settings))


@TABLE.command(
    "config show-with-defaults name=who,type=CephString",
    "Show running configuration (including compiled-in defaults)",
)
def config_show_with_defaults(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    settings = _settings(mon, _str(cmd, "who") or "", with_defaults=True)
    return Reply(data=cs.show_json(settings), plain=lambda _: cs.show_plain(settings))


@TABLE.command(
    "config log name=num,type=CephInt,req=False", "Show recent history of config changes"
)
def config_log(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    num = cmd.get("num")
    versions = cs.log_versions(
        mon.store.items(HISTORY_PREFIX), int(num) if num is not None else None
    )
    return Reply(data=cs.log_json(versions), plain=lambda _: cs.log_plain(versions))


@TABLE.command("config generate-minimal-conf", "Generate a minimal ceph.conf file")
def config_generate_minimal_conf(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    addrs = [a.split("://", 1)[-1] for a in mon.spec.mon_addrs.values()]
    extra = {
        n: v
        for n, (v, section) in mon.config_service.entity_values("client", "admin").items()
        if section == "global" and n in CEPH_OPTIONS and CEPH_OPTIONS[n].has_flag(FLAG_MINIMAL_CONF)
    }
    return Reply(text=conf_file.minimal_conf(mon.spec.fsid, addrs, extra))


@TABLE.command(
    "config assimilate-conf",
    "Assimilate options from a conf, and return a new, minimal conf file",
    "rw",
)
def config_assimilate_conf(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    """Options the database can hold move into it (one version); the rest —
    unknown names, what the mon cannot store (``fsid``) — is printed back as a conf."""
    try:
        conf = conf_file.parse_conf(bytes(mon.inbuf or b"").decode())
    except (UnicodeDecodeError, conf_file.ConfError) as exc:
        raise CommandError(errno.EINVAL, f"failed to parse config file: {exc}") from None
    left: dict[str, dict[str, str]] = {}
    for section, values in conf.items():
        for name, value in values.items():
            opt = mon.config_service.find_option(normalize_key_name(name))
            if opt is None or opt.has_flag(FLAG_NO_MON_UPDATE):
                left.setdefault(section, {})[name] = value
                continue
            try:
                mon.config_service.set(section, name, value)
            except CommandError:
                left.setdefault(section, {})[name] = value
    return Reply(text=conf_file.write_conf(left))


# --- config-key ------------------------------------------------------------------------


def _key(cmd: dict[str, Any]) -> str:
    key = _str(cmd, "key")
    if key is None:
        raise CommandError(errno.EINVAL, "must specify a key")
    return key


@TABLE.command("config-key get name=key,type=CephString", "get <key>")
def config_key_get(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    value = mon.kv_service.get(_str(cmd, "key") or "")
    if value is None:
        return Reply(-errno.ENOENT)  # KVMonitor: the store's error, no message
    return RawReply(raw=value)


def _set(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    key = _key(cmd)
    val = _str(cmd, "val")
    data = val.encode() if val is not None else bytes(mon.inbuf or b"")
    return Reply(outs=mon.kv_service.set(key, data))


def _rm(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(outs=mon.kv_service.rm(_key(cmd)))


def _ls(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(data=mon.kv_service.keys(), plain=dumps_pretty)


TABLE.command(
    "config-key set name=key,type=CephString name=val,type=CephString,req=false",
    "set <key> to value <val>",
    "rw",
)(_set)
TABLE.deprecated(
    "config-key put name=key,type=CephString name=val,type=CephString,req=false",
    "put <key>, value <val>",
    "rw",
)(_set)
TABLE.deprecated("config-key del name=key,type=CephString", "delete <key>", "rw")(_rm)
TABLE.command("config-key rm name=key,type=CephString", "rm <key>", "rw")(_rm)


@TABLE.command("config-key exists name=key,type=CephString", "check for <key>'s existence")
def config_key_exists(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    key = _str(cmd, "key") or ""
    if not mon.kv_service.exists(key):
        raise CommandError(errno.ENOENT, f"key '{key}' doesn't exist")
    return Reply(outs=f"key '{key}' exists")


TABLE.deprecated("config-key list", "list keys", "r")(_ls)
TABLE.command("config-key ls", "list keys")(_ls)


@TABLE.command(
    "config-key dump name=key,type=CephString,req=false",
    "dump keys and values (with optional prefix)",
)
def config_key_dump(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    return Reply(data=mon.kv_service.dump(_str(cmd, "key") or ""), plain=dumps_pretty)
