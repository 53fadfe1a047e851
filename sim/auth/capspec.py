"""The part of Ceph's cap grammar the simulator checks, and entity names.

A cap string is grants separated by ``,`` or ``;``; a grant is ``allow``
followed by ``*``, permission letters (``r``, ``w``, ``x``, ``rw``, ``rwx``),
or ``profile NAME``; qualifiers after it (``pool=p1``, ``namespace=…``) narrow
it to some data, so such a grant gives no command permission here. A
command's perm (``r``, ``w``, ``rw``, ``x``) is allowed when every letter of
it is granted by the service's cap, as Ceph's MonCap/MgrCap check does
(without the per-command ``allow command …`` grants).

Profiles: the daemons' (``mon``, ``mgr``, ``osd``, ``mds``) grant everything a
daemon sends; ``read-only`` grants ``r``; ``bootstrap-*`` and others grant no
command permission.

Who may import it: anything (pure).
"""

from __future__ import annotations

import re

# Ceph's entity types in EntityName order (CEPH_ENTITY_TYPE_*): auth ls sorts by it
ENTITY_TYPES = ("mon", "mds", "osd", "client", "mgr")
DAEMON_PROFILES = frozenset({"mon", "mgr", "osd", "mds"})
_GRANT_SPLIT = re.compile(r"[,;]")


def valid_entity(name: str) -> bool:
    """Ceph's EntityName::from_str: a known type, a dot, an id (``mon.`` may be empty)."""
    kind, dot, _ident = name.partition(".")
    return bool(dot) and kind in ENTITY_TYPES


def entity_order(name: str) -> tuple[int, str]:
    kind, _, ident = name.partition(".")
    return (ENTITY_TYPES.index(kind) if kind in ENTITY_TYPES else len(ENTITY_TYPES), ident)


def granted(cap: str) -> set[str]:
    """The permission letters a cap string grants for commands (``*`` = all)."""
    out: set[str] = set()
    for grant in _GRANT_SPLIT.split(cap):
        words = grant.split()
        if len(words) < 2 or words[0] != "allow":
            continue
        spec, rest = words[1], words[2:]
        if spec == "profile" and rest:
            profile = rest[0]
            if profile in DAEMON_PROFILES:
                out.add("*")
            elif profile == "read-only":
                out.add("r")
            continue
        if any("=" in w for w in rest):
            continue  # narrowed to a pool or namespace: not a command grant
        if spec == "*" or spec == "all":
            out.add("*")
        elif set(spec) <= set("rwx*"):
            out |= set(spec)
    return out


def allows(cap: str, perm: str) -> bool:
    """True if ``cap`` grants every letter of ``perm``."""
    have = granted(cap)
    return "*" in have or set(perm) <= have


# profiles an OSD cap may name, and the letters each grants on the data
_OSD_PROFILES = {"read-only": "r", "read-write": "rwx", "rbd": "rwx", "rbd-read-only": "r"}


def osd_allows(cap: str, pool: str, nspace: str, perm: str) -> bool:
    """Ceph's OSDCap check, for the grants the simulator reads: ``allow
    PERMS [pool=P] [namespace=N]`` (``*`` in the value matches any), ``allow
    *`` and ``allow profile NAME [pool=P]``. True if one grant that matches
    the pool and namespace gives every letter of ``perm``."""
    for grant in _GRANT_SPLIT.split(cap):
        words = grant.split()
        if len(words) < 2 or words[0] != "allow":
            continue
        if words[1] == "profile":
            if len(words) < 3:
                continue
            letters = "*" if words[2] in DAEMON_PROFILES else _OSD_PROFILES.get(words[2], "")
            rest = words[3:]
        else:
            letters, rest = words[1], words[2:]
            if letters == "all":
                letters = "*"
        where = dict(w.split("=", 1) for w in rest if "=" in w)
        if not _matches(where.get("pool"), pool) or not _matches(where.get("namespace"), nspace):
            continue
        if "*" in letters or set(perm) <= set(letters):
            return True
    return False


def _matches(want: str | None, have: str) -> bool:
    if want is None or want == "*":
        return True
    if want.endswith("*"):
        return have.startswith(want[:-1])
    return want == have
