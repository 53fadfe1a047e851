"""The mgr's local copies of the mon's config database and its ``mgr/`` KV keys.

Both arrive as full snapshots pushed by the mon (maps ``config`` and ``kv``)
and are swapped in whole, so readers on module threads always see one
consistent snapshot without locking.

- `ConfigView`: ``{"sections": {section: {name: value}}}``. What applies to
  ``mgr.<id>`` is ``global``, then ``mgr``, then ``mgr.<id>`` (the most
  specific wins) — Ceph's ConfigMap for a daemon.
- `KVStore`: ``{"prefix": "mgr/", "values": {key: value}}`` plus this mgr's
  own writes that the mon has not acknowledged yet (``set_store`` updates the
  cache at once; a snapshot taken before the write must not undo it).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any


def _sections(body: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    raw = body.get("sections", {})
    out: dict[str, dict[str, str]] = {}
    if isinstance(raw, Mapping):
        for sec, values in raw.items():
            if isinstance(sec, str) and isinstance(values, Mapping):
                out[sec] = {str(k): str(v) for k, v in values.items() if isinstance(k, str)}
    return out


class ConfigView:
    """One snapshot of the config database, as seen by one entity."""

    def __init__(self, entity: str, sections: dict[str, dict[str, str]] | None = None) -> None:
        self.entity = entity  # "mgr.x"
        self.sections = sections or {}
        self.effective = self._resolve(entity)

    @classmethod
    def from_map(cls, entity: str, body: Mapping[str, Any]) -> ConfigView:
        return cls(entity, _sections(body))

    def _resolve(self, entity: str) -> dict[str, str]:
        kind = entity.split(".", 1)[0]
        out: dict[str, str] = {}
        for sec in ("global", kind, entity):
            out.update(self.sections.get(sec, {}))
        return out

    def for_entity(self, entity: str) -> dict[str, str]:
        return self.effective if entity == self.entity else self._resolve(entity)

    def get(self, name: str) -> str | None:
        return self.effective.get(name)

    def with_value(self, section: str, name: str, value: str | None) -> ConfigView:
        """A copy with one value set (None: removed), e.g. after our own write."""
        sections = {k: dict(v) for k, v in self.sections.items()}
        target = sections.setdefault(section, {})
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value
        return ConfigView(self.entity, sections)


class KVStore:
    """The ``mgr/`` config-key cache with pending local writes on top."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}
        self._pending: dict[str, str | None] = {}
        self._lock = threading.Lock()
        self.loaded = False

    def apply_map(self, body: Mapping[str, Any]) -> None:
        values = body.get("values", {})
        if not isinstance(values, Mapping):
            return
        snap = {str(k): str(v) for k, v in values.items() if isinstance(k, str)}
        with self._lock:
            self._values = snap
            self.loaded = True

    def get(self, key: str) -> str | None:
        with self._lock:
            if key in self._pending:
                return self._pending[key]
            return self._values.get(key)

    def prefix(self, prefix: str) -> dict[str, str]:
        with self._lock:
            merged = dict(self._values)
            for k, v in self._pending.items():
                if v is None:
                    merged.pop(k, None)
                else:
                    merged[k] = v
        return {k: v for k, v in merged.items() if k.startswith(prefix)}

    def begin_write(self, key: str, value: str | None) -> None:
        with self._lock:
            self._pending[key] = value

    def end_write(self, key: str, value: str | None, ok: bool) -> None:
        """The mon answered: fold our value into the snapshot (if it took it)."""
        with self._lock:
            if self._pending.get(key, object()) == value:
                del self._pending[key]
            if ok:
                if value is None:
                    self._values.pop(key, None)
                else:
                    self._values[key] = value

    def pending(self) -> dict[str, str | None]:
        with self._lock:
            return dict(self._pending)
