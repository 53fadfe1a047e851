"""Where a database lives: libcephsqlite's path grammar.

A ``vfs=ceph`` database is the URI ``file:///<pool>:[<namespace>]/<name>``;
SQLite hands the VFS the path part. As in libcephsqlite's ``parsepath``:
any number of leading ``/``, then the pool (a name of letters, digits and
``-_.``, or ``*<id>`` for a pool id), ``:``, an optional RADOS namespace of
the same characters, ``/``, then the object name (at least one such
character: a journal is ``<name>-journal``). The canonical form that
``xFullPathname`` returns is ``<pool>:<namespace>/<name>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CHARS = r"[A-Za-z0-9\-_.]"
_BY_ID = re.compile(rf"^/*(\*[0-9]+):({_CHARS}*)/({_CHARS}+)\Z")
_BY_NAME = re.compile(rf"^/*({_CHARS}+):({_CHARS}*)/({_CHARS}+)\Z")
JOURNAL_SUFFIXES = ("-journal", "-wal")


@dataclass(frozen=True)
class FileLoc:
    """A database file's place: pool (name or ``*id``), namespace, object name."""

    pool: str
    namespace: str
    name: str

    @property
    def pool_id(self) -> int | None:
        return int(self.pool[1:]) if self.pool.startswith("*") else None

    def canonical(self) -> str:
        return f"{self.pool}:{self.namespace}/{self.name}"

    def database(self) -> FileLoc:
        """The main database this file belongs to (a journal's database)."""
        for suffix in JOURNAL_SUFFIXES:
            if self.name.endswith(suffix) and len(self.name) > len(suffix):
                return FileLoc(self.pool, self.namespace, self.name[: -len(suffix)])
        return self

    def __str__(self) -> str:
        return f"[{self.pool}:{self.namespace}/{self.name}]"


def parse_path(path: str) -> FileLoc | None:
    """The location a path names, or None when it does not parse."""
    m = _BY_ID.match(path) or _BY_NAME.match(path)
    if m is None:
        return None
    return FileLoc(m.group(1), m.group(2), m.group(3))
