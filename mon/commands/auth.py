"""``ceph auth …``, served by the mon (Ceph 16.2's descriptors from
MonCommands.h; behaviour, outputs and messages of its AuthMonitor).

Handlers change the database only through `mon.auth_monitor.AuthMonitor`.
Who may import it: `mon.commands` (which builds the table) and tests."""

from __future__ import annotations

import errno
from collections.abc import Callable
from typing import Any

from mon.auth_monitor import MON_KEY
from mon.commands.table import CommandTable, Reply
from mon.context import MonContext
from mon.errors import CommandError
from sim.auth import keyring as kr
from sim.auth.capspec import valid_entity
from sim.auth.keys import generate_key

TABLE = CommandTable()
_CAPS = "name=caps,type=CephString,n=N,req=false"


def _entity(cmd: dict[str, Any], key: str = "entity") -> str:
    name = str(cmd.get(key) or "")
    if not valid_entity(name):
        raise CommandError(errno.EINVAL, f"invalid entity_auth {name}")
    return name


def _caps(cmd: dict[str, Any]) -> dict[str, str]:
    """``[svc, cap, svc, cap …]`` -> {svc: cap}."""
    raw = cmd.get("caps") or []
    words = [str(w) for w in (raw if isinstance(raw, list) else [raw])]
    if len(words) % 2:
        raise CommandError(errno.EINVAL, "bad capabilities request; odd number of arguments")
    return {words[i]: words[i + 1] for i in range(0, len(words), 2)}


def _ls_plain(data: dict[str, Any]) -> str:
    out = []
    for e in data["auth_dump"]:
        out.append(f"{e['entity']}\n\tkey: {e['key']}\n")
        out += [f"\tcaps: [{svc}] {cap}\n" for svc, cap in e["caps"].items()]
    return "".join(out)


def _keyring_plain(with_caps: bool = True) -> Callable[[list[dict[str, Any]]], str]:
    def plain(data: list[dict[str, Any]]) -> str:
        return "".join(
            kr.format_entity(e["entity"], kr.EntityAuth(e["key"], e["caps"]), with_caps)
            for e in data
        )

    return plain


def _find(mon: MonContext, entity: str) -> kr.EntityAuth:
    auth = mon.auth_monitor.get(entity)
    if auth is None:
        raise CommandError(errno.ENOENT, f"failed to find {entity} in keyring")
    return auth


@TABLE.command("auth export name=entity,type=CephString,req=false",
               "write keyring for requested entity, or master keyring if none given", "rx")  # fmt: skip
def auth_export(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    if cmd.get("entity") is None:
        entries = mon.auth_monitor.view()
        data = [a.to_json(e) for e, a in entries.items()]
        return Reply(data=data, plain=_keyring_plain(), outs="exported master keyring")
    entity = _entity(cmd)
    auth = _find(mon, entity)
    return Reply(data=[auth.to_json(entity)], plain=_keyring_plain(),
                 outs=f"export auth(key={auth.key})")  # fmt: skip


@TABLE.command("auth get name=entity,type=CephString",
               "write keyring file with requested key", "rx")  # fmt: skip
def auth_get(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    entity = _entity(cmd)
    auth = _find(mon, entity)
    return Reply(data=[auth.to_json(entity)], plain=_keyring_plain(),
                 outs=f"exported keyring for {entity}")  # fmt: skip


def _key(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    entity = _entity(cmd)
    auth = mon.auth_monitor.get(entity)
    if auth is None:
        raise CommandError(errno.ENOENT, f"don't have {entity}")
    return Reply(data={"key": auth.key}, plain=lambda d: str(d["key"]))


TABLE.command("auth get-key name=entity,type=CephString", "display requested key", "rx")(_key)
TABLE.command("auth print-key name=entity,type=CephString", "display requested key", "rx")(_key)
TABLE.command("auth print_key name=entity,type=CephString", "display requested key", "rx")(_key)


def _ls(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    data = {"auth_dump": [a.to_json(e) for e, a in mon.auth_monitor.view().items()]}
    return Reply(data=data, plain=_ls_plain, outs="installed auth entries:\n")


TABLE.deprecated("auth list", "list authentication state", "rx")(_ls)
TABLE.command("auth ls", "list authentication state", "rx")(_ls)


@TABLE.command("auth import", "auth import: read keyring file from -i <file>", "rwx")
def auth_import(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    for entity, auth in _parse_inbuf(mon).items():
        _check_new(entity, auth)
        mon.auth_monitor.put(entity, auth)
    return Reply(outs="imported keyring")


def _parse_inbuf(mon: MonContext) -> dict[str, kr.EntityAuth]:
    try:
        return kr.parse(bytes(mon.inbuf or b"").decode())
    except (UnicodeDecodeError, kr.KeyringError) as exc:
        raise CommandError(errno.EINVAL, f"error decoding keyring: {exc}") from None


def _check_new(entity: str, auth: kr.EntityAuth) -> None:
    if not valid_entity(entity) or entity == MON_KEY:
        raise CommandError(errno.EINVAL, f"invalid entity_auth {entity}")
    if not auth.key:
        raise CommandError(errno.EINVAL, f"no key for {entity} in the keyring")


@TABLE.command(f"auth add name=entity,type=CephString {_CAPS}",
               "add auth info for <entity> from input file, or random key if no input is given, "
               "and/or any caps specified in the command", "rwx")  # fmt: skip
def auth_add(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    entity = _entity(cmd)
    caps = _caps(cmd)
    new = kr.EntityAuth(generate_key(), caps)
    if mon.inbuf:
        given = _parse_inbuf(mon).get(entity)
        if given is None or not given.key:
            raise CommandError(errno.EINVAL, f"key for {entity} not found in provided keyring")
        new = kr.EntityAuth(given.key, caps or given.caps)
    have = mon.auth_monitor.get(entity)
    if have is not None:
        if mon.inbuf and have.key != new.key:
            raise CommandError(errno.EINVAL, f"entity {entity} exists but key does not match")
        if have.caps != new.caps and (caps or mon.inbuf):
            raise CommandError(errno.EINVAL, f"entity {entity} exists but caps do not match")
        return Reply()
    mon.auth_monitor.put(entity, new)
    return Reply(outs=f"added key for {entity}")


def _get_or_create(mon: MonContext, cmd: dict[str, Any]) -> tuple[str, kr.EntityAuth]:
    entity = _entity(cmd)
    caps = _caps(cmd)
    have = mon.auth_monitor.get(entity)
    if have is not None:
        for svc, cap in caps.items():
            if have.caps.get(svc) != cap:
                raise CommandError(
                    errno.EINVAL, f"key for {entity} exists but cap {svc} does not match"
                )
        return entity, have
    auth = kr.EntityAuth(generate_key(), caps)
    mon.auth_monitor.put(entity, auth)
    return entity, auth


@TABLE.command(f"auth get-or-create-key name=entity,type=CephString {_CAPS}",
               "get, or add, key for <name> from system/caps pairs specified in the command.  "
               "If key already exists, any given caps must match the existing caps for that key.",
               "rwx")  # fmt: skip
def auth_get_or_create_key(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    _entity_name, auth = _get_or_create(mon, cmd)
    return Reply(data={"key": auth.key}, plain=lambda d: f"{d['key']}\n")


@TABLE.command(f"auth get-or-create name=entity,type=CephString {_CAPS}",
               "add auth info for <entity> from input file, or random key if no input given, "
               "and/or any caps specified in the command", "rwx")  # fmt: skip
def auth_get_or_create(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    entity, auth = _get_or_create(mon, cmd)
    return Reply(data=[auth.to_json(entity)], plain=_keyring_plain(with_caps=False))


@TABLE.command("auth caps name=entity,type=CephString name=caps,type=CephString,n=N",
               "update caps for <name> from caps specified in the command", "rwx")  # fmt: skip
def auth_caps(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    entity = _entity(cmd)
    caps = _caps(cmd)
    have = mon.auth_monitor.get(entity)
    if have is None or entity == MON_KEY:
        raise CommandError(errno.ENOENT, f"couldn't find entry {entity}")
    mon.auth_monitor.put(entity, kr.EntityAuth(have.key, caps))
    return Reply(outs=f"updated caps for {entity}")


def _rm(mon: MonContext, cmd: dict[str, Any]) -> Reply:
    entity = _entity(cmd)
    if mon.auth_monitor.get(entity) is None or entity == MON_KEY:
        return Reply(outs=f"entity {entity} does not exist")
    mon.auth_monitor.delete(entity)
    return Reply(outs="updated")


TABLE.deprecated("auth del name=entity,type=CephString", "delete all caps for <name>", "rwx")(_rm)
TABLE.command("auth rm name=entity,type=CephString", "remove all caps for <name>", "rwx")(_rm)
