"""A daemon's view of its options: the values it started with, updated from the mon.

Imports nothing (not even the option table), so a client such as ``python -m sim ceph``
gets it without loading the table.
"""

from __future__ import annotations

from typing import Any


class Options:
    """A daemon's view of its options (read-mostly; later updated from the mon)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = dict(values)

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self._values.get(name, default)

    def update(self, values: dict[str, Any]) -> None:
        self._values.update(values)

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)
