"""A daemon's copy of the auth database (the mon's ``authdb`` map): the keys
it verifies clients' frames with and the caps it checks their commands
against. The mgr and the fleet follow it; the mon reads its own database.

Who may import it: the daemon shells and tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.auth.keyring import EntityAuth
from sim.auth.keys import BadKey, secret_of

AUTHDB = "authdb"  # the mon's map of the auth database (`mon.auth_monitor`)


class AuthView:
    def __init__(self) -> None:
        self.epoch = 0
        self._caps: dict[str, dict[str, str]] = {}
        self._secrets: dict[str, bytes] = {}

    def update(self, epoch: int, body: dict[str, Any]) -> None:
        entities = body.get("entities") if isinstance(body, dict) else None
        if not isinstance(entities, dict):
            return
        caps: dict[str, dict[str, str]] = {}
        secrets: dict[str, bytes] = {}
        for entity, e in entities.items():
            if not isinstance(e, dict):
                continue
            raw = e.get("caps")
            caps[str(entity)] = (
                {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
            )
            try:
                secrets[str(entity)] = secret_of(str(e.get("key", "")))
            except BadKey:
                continue
        self.epoch, self._caps, self._secrets = epoch, caps, secrets

    def seed(self, entities: Mapping[str, EntityAuth]) -> None:
        """Start from a keyring's entities (epoch 0: any map replaces them)."""
        if self.epoch == 0:
            body = {"entities": {n: {"key": e.key, "caps": e.caps} for n, e in entities.items()}}
            self.update(0, body)

    def secret(self, entity: str) -> bytes | None:
        return self._secrets.get(entity)

    def caps(self, entity: str) -> dict[str, str] | None:
        return self._caps.get(entity)
