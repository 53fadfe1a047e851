"""``ceph config show <who>`` / ``show-with-defaults`` and ``config log``, as Ceph 16.2 prints them.

A daemon's running config is layered as a Ceph daemon's is: the option's
default, the cluster's start-up settings (the simulator's ``ceph.conf``: the
launcher's profile and ``--set`` values, which every daemon was started
with: source ``file``) and the mon's config database (source ``mon``). As in
Ceph, ``file`` beats ``mon`` — except on a mon for the options it applies
from its own database (`mon.config_monitor.ConfigMonitor.apply_mon_options`),
where ``mon`` wins: so what is shown is what the daemon runs with. A value
that beats another lists it in ``overrides``.

``config log`` numbers versions as Ceph does: version 1 is the empty
database the cluster was created with (``--- 1 --- 0.000000 ---``), each
committed change set is the next.

Pure functions. Who may import it: the command files and tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mon.text_table import text_table
from sim.formatting import utc_stamp
from sim.options import CEPH_OPTIONS, OptionSpec
from sim.options.values import shown, typed_default

SHOW_HEADERS = ("NAME", "VALUE", "SOURCE", "OVERRIDES", "IGNORES")


def show_value(spec: OptionSpec | None, value: Any) -> str:
    """Ceph's text of a value (`sim.options.values.shown`)."""
    return str(value) if spec is None else shown(spec, value)


@dataclass(frozen=True)
class Setting:
    name: str
    value: str
    source: str
    overrides: list[tuple[str, str]] = field(default_factory=list)  # (source, value)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "value": self.value, "source": self.source}
        if self.overrides:
            out["overrides"] = [{"source": s, "value": v} for s, v in self.overrides]
        return out


def running_settings(
    file_values: Mapping[str, str],
    mon_values: Mapping[str, str],
    mon_wins: Iterable[str] = (),
    with_defaults: bool = False,
) -> list[Setting]:
    """Every option set by ``file`` or ``mon`` (and, ``with_defaults``, every
    other option at its default), by name."""
    wins = set(mon_wins)
    names = set(file_values) | set(mon_values)
    if with_defaults:
        names |= set(CEPH_OPTIONS)
    out = []
    for name in sorted(names):
        spec = CEPH_OPTIONS.get(name)
        layers = [] if spec is None else [("default", show_value(spec, typed_default(spec)))]
        order = [("mon", mon_values), ("file", file_values)]  # the later wins
        if name in wins:
            order.reverse()
        for source, values in order:
            if name in values:
                layers.append((source, values[name]))
        source, value = layers[-1]
        overrides = [(s, v) for s, v in layers[:-1] if s != "default"]
        out.append(Setting(name, value, source, overrides))
    return out


def show_json(settings: list[Setting]) -> list[dict[str, Any]]:
    return [s.to_json() for s in settings]


def show_plain(settings: list[Setting]) -> str:
    rows = [
        (s.name, s.value, s.source, ",".join(f"{src}[{v}]" for src, v in s.overrides), "")
        for s in settings
    ]
    return text_table(SHOW_HEADERS, rows)


# --- config log -------------------------------------------------------------------------


@dataclass(frozen=True)
class LogVersion:
    version: int  # Ceph's numbering (1 = the created database)
    stamp: float | None  # None: the created database (0.000000)
    changes: list[tuple[str, str, str | None, str | None]]  # who, name, old, new

    def stamp_text(self) -> str:
        return "0.000000" if self.stamp is None else utc_stamp(self.stamp)


def log_versions(records: Iterable[tuple[str, Any]], num: int | None) -> list[LogVersion]:
    """The store's history records (key: our version) newest first, at most ``num``."""
    out = [LogVersion(1, None, [])]
    for key, rec in records:
        if not isinstance(rec, dict):
            continue
        changes = [
            (str(c[0]), str(c[1]), c[2], c[3])
            for c in rec.get("changes", [])
            if isinstance(c, list) and len(c) == 4
        ]
        out.append(LogVersion(int(key) + 1, float(rec.get("stamp", 0.0)), changes))
    out.reverse()
    return out if num is None else out[:num]


def log_json(versions: list[LogVersion]) -> list[dict[str, Any]]:
    out = []
    for v in versions:
        changes = []
        for who, name, old, new in v.changes:
            c: dict[str, Any] = {"name": f"{who}/{name}"}
            if old is not None:
                c["previous_value"] = old
            if new is not None:
                c["new_value"] = new
            changes.append(c)
        out.append({"version": v.version, "timestamp": v.stamp_text(), "name": "",
                    "changes": changes})  # fmt: skip
    return out


def log_plain(versions: list[LogVersion]) -> str:
    lines = []
    for v in versions:
        lines.append(f"--- {v.version} --- {v.stamp_text()} ---")
        for who, name, old, new in v.changes:
            if old is not None:
                lines.append(f"- {who}/{name} = {old}")
            if new is not None:
                lines.append(f"+ {who}/{name} = {new}")
    return "".join(line + "\n" for line in lines)
