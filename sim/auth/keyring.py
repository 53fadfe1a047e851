"""Ceph's keyring file format (what ``ceph auth get -o FILE`` writes and
``-k FILE`` / ``auth import -i FILE`` read)::

    [client.admin]
        key = AQ…==
        caps mgr = "allow *"
        caps mon = "allow *"

Sections are entity names; ``key`` is the entity's key; ``caps SERVICE`` its
caps for that service (quoted). Blank lines and ``#``/``;`` comments are
skipped, as Ceph's parser does.

Who may import it: anything (pure).
"""

from __future__ import annotations

import os
from pathlib import Path

from sim import ini
from sim.auth.keys import BadKey, secret_of
from sim.record import Record, field


class KeyringError(ValueError):
    """A keyring that cannot be parsed (with the line that failed)."""


class EntityAuth(Record, frozen=False):
    key: str
    caps: dict[str, str] = field(default_factory=dict)  # service -> cap string

    def to_json(self, entity: str) -> dict[str, object]:
        return {"entity": entity, "key": self.key, "caps": dict(sorted(self.caps.items()))}


def parse(text: str) -> dict[str, EntityAuth]:
    out: dict[str, EntityAuth] = {}

    def bad(n: int, raw: str, what: str) -> Exception:
        if what == "section":
            return KeyringError(f"line {n}: bad section {raw.strip()[:64]!r}")
        return KeyringError(f"line {n}: expected 'name = value' in a section")

    for n, section, name, value in ini.entries(text, bad):
        if name is None:
            out.setdefault(section, EntityAuth(key=""))
            continue
        name = " ".join(name.split())
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if name == "key":
            try:
                secret_of(value)
            except BadKey as exc:
                raise KeyringError(f"line {n}: {exc}") from None
            out[section].key = value
        elif name.startswith("caps "):
            out[section].caps[name[5:].strip()] = value
        # other settings (auid, ...) are ignored, as Ceph's keyring ignores them
    return out


def format_entity(entity: str, auth: EntityAuth, with_caps: bool = True) -> str:
    lines = [f"[{entity}]", f"\tkey = {auth.key}"]
    if with_caps:
        lines += [f'\tcaps {svc} = "{cap}"' for svc, cap in sorted(auth.caps.items())]
    return "\n".join(lines) + "\n"


def format_keyring(entries: dict[str, EntityAuth], with_caps: bool = True) -> str:
    return "".join(format_entity(e, a, with_caps) for e, a in entries.items())


def read(path: Path | str) -> dict[str, EntityAuth]:
    return parse(Path(path).read_text())


def write(path: Path | str, text: str) -> None:
    """Write a keyring file, mode 0600 whatever the umask."""
    p = Path(path)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
