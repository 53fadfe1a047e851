"""Which key signs and verifies a frame: a client's own, or the cluster's.

Daemons (mon, mgr, osd/mds in the fleet, the supervisor) share the cluster's
service secret (``DIR/keyring``) and sign with it. A client (any other
entity: ``client.admin``, ``client.foo`` …) signs with the secret of its own
cephx key, and a daemon verifies the frame with the key the auth database
holds for the entity the frame's header claims (`EntitySigner.verify`). A
frame claiming a daemon's name is verified with the service secret only.

The harness (tests, the scenario engine, `python -m sim` tools) can read the
run directory and so holds the service secret: a client without a key of its
own (`client_signer` finds no keyring) signs with it, and a daemon accepts
that too, with the caps the auth database gives the claimed name (all, for a
name it does not hold). A daemon answers a client with the key its last
verified frame was signed with (`for_peer`).

Who may import it: the daemon shells, the client library, the CLI and tests.
"""

from __future__ import annotations

import hmac
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from sim import codec, wire
from sim.auth import keyring as kr
from sim.auth.keys import secret_of
from sim.auth.reject import DAEMON_TYPES
from sim.cluster import RunDir

MAX_PEERS = 4096  # reply keys remembered (verified senders only)

KeyLookup = Callable[[str], "bytes | None"]  # entity -> its secret (None: no such entity)


class NoKeyring(Exception):
    """A client cannot sign: no keyring, or none holding its entity."""


def is_daemon(entity: str) -> bool:
    return entity.partition(".")[0] in DAEMON_TYPES


def _sender_of(header: bytes) -> str | None:
    try:
        fields = codec.unpack(header)
    except codec.DecodeError:
        return None
    if isinstance(fields, list) and len(fields) > 1 and isinstance(fields[1], str):
        return fields[1]
    return None


class EntitySigner(wire.Signer):
    """A daemon's signer: service secret for daemons, entity keys for clients."""

    def __init__(self, service_secret: bytes, lookup: KeyLookup) -> None:
        super().__init__(service_secret)
        self.lookup = lookup
        self._reply: OrderedDict[str, wire.Signer] = OrderedDict()

    def verify(self, signature: bytes, *parts: bytes) -> bool:
        sender = _sender_of(parts[0]) if parts else None
        if sender is None or is_daemon(sender):
            return super().verify(signature, *parts)
        secret = self.lookup(sender)
        if secret is not None:
            own = wire.Signer(secret)
            if hmac.compare_digest(signature, own.sign(*parts)):
                self._remember(sender, own)
                return True
        if super().verify(signature, *parts):
            self._remember(sender, self)
            return True
        return False

    def _remember(self, peer: str, signer: wire.Signer) -> None:
        self._reply[peer] = signer
        self._reply.move_to_end(peer)
        while len(self._reply) > MAX_PEERS:
            self._reply.popitem(last=False)

    def for_peer(self, peer: str) -> wire.Signer:
        if is_daemon(peer):
            return self
        signer = self._reply.get(peer)
        if signer is not None:
            return signer
        secret = self.lookup(peer)
        return wire.Signer(secret) if secret is not None else self


def default_keyring(run: RunDir, entity: str) -> Path:
    """Where a client's keyring is looked for: ``DIR/ceph.<entity>.keyring``
    (Ceph's ``$cluster.$name.keyring``)."""
    return run.path / f"ceph.{entity}.keyring"


def entity_secret(path: Path | str, entity: str) -> bytes:
    """The secret of ``entity`` in the keyring at ``path``; `NoKeyring` if none."""
    try:
        entries = kr.read(path)
    except FileNotFoundError:
        raise NoKeyring(
            f"unable to find a keyring on {path}: (2) No such file or directory"
        ) from None
    except (OSError, kr.KeyringError) as exc:
        raise NoKeyring(f"failed to read keyring {path}: {exc}") from None
    auth = entries.get(entity)
    if auth is None or not auth.key:
        raise NoKeyring(f"no key for {entity} in keyring {path}")
    return secret_of(auth.key)


def keyring_file_lookup(run: RunDir) -> KeyLookup:
    """A lookup for a process without the auth database (the supervisor): a
    client's key from its keyring in the run directory, read each time."""

    def lookup(entity: str) -> bytes | None:
        if is_daemon(entity) or not valid_file_name(entity):
            return None
        try:
            return entity_secret(default_keyring(run, entity), entity)
        except NoKeyring:
            return None

    return lookup


def valid_file_name(entity: str) -> bool:
    return bool(entity) and "/" not in entity and "\x00" not in entity and len(entity) < 200


def client_signer(
    run: RunDir, entity: str, keyring: Path | str | None = None, harness: bool = True
) -> wire.Signer:
    """A client's signer: its key from ``keyring`` (`NoKeyring` if it has none
    for the entity); without one, from ``DIR/ceph.<entity>.keyring`` if that
    exists, else (``harness``: tests, the scenario engine) the run directory's
    service secret. The ``ceph`` CLI is not the harness: without a keyring it
    stops with `NoKeyring`, as Ceph's does."""
    if keyring is not None:
        return wire.Signer(entity_secret(keyring, entity))
    path = default_keyring(run, entity)
    if (path.exists() or not harness) and not is_daemon(entity):
        return wire.Signer(entity_secret(path, entity))
    return wire.Signer(run.secret())
