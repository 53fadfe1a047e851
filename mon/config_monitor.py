"""ConfigMonitor: the cluster's central config database (``ceph config …``).

The database maps a *who* to option values: ``global``, a daemon type
(``mgr``), a daemon (``mgr.x``), optionally with a mask (``osd/host:h1``,
``osd/class:ssd``). Writes are validated like Ceph 16.2 does: a known Ceph
option (`sim.options.CEPH_OPTIONS`) or a mgr module option that some mgr
reported in its ``available_modules`` (``mgr/<module>/<opt>``, or localized
``mgr/<module>/<mgr_id>/<opt>``), typed and normalized by the one option parser
(`sim.options.values`);
``--force`` skips validation. An entity's effective value is the most
specific of ``global`` < ``<type>`` < ``<type>.<id>``, then the default.

Committed state is published to subscribers of ``config`` on every commit —
a contract with the mgr side::

    epoch = the service's version
    body  = {"sections": {who: {name: value_str}}}    # the full database

The mon applies the simulator's own options (`sim.options.OPTIONS`) that
resolve for ``mon.<id>`` to its `Options`, so ``config set mon
mon_mgr_beacon_grace 10`` takes effect on the next tick and ``config rm``
reverts to the value the mon was started with.

This file owns the database (state, staging, reads); parsing targets and
names is `mon.config_names`, typing values `sim.options.values`, printing
`mon.config_render`. Who may import it: the commit path, the mon context
and tests.
"""

from __future__ import annotations

import errno
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from mon.config_names import (
    Entry,
    Mask,
    normalize_key_name,
    parse_entity,
    parse_mask,
    split_who,
    stray_option,
)
from mon.errors import CommandError
from mon.mgr_map import MgrMap
from mon.service import PaxosService, Publish
from mon.store import StoreReader, Transaction
from sim.options import (
    CEPH_OPTIONS,
    FLAG_NO_MON_UPDATE,
    OPTIONS,
    Options,
    OptionSpec,
)
from sim.options.modules import module_option
from sim.options.values import ParseError, parse_value, to_str, typed_default

log = logging.getLogger(__name__)

DUMP_TYPES = ("mon", "mgr", "osd", "mds", "client")  # the sections `config dump` shows
STORE_PREFIX = "config"  # key: json [who, name]; value: [who, name, value]
META_PREFIX = "config_meta"  # last_committed
HISTORY_PREFIX = "config_history"  # key: version (10 digits); value: {stamp, changes}
# The mon sleeps this long between ticks: 0 would spin (the value stays stored).
POSITIVE_ONLY = frozenset({"mon_tick_interval"})


ConfigChanges = dict[tuple[str, str], str | None]  # (who, name) -> value (None: removed)


class ConfigMonitor(PaxosService[ConfigChanges]):
    name = "config"
    prefixes = (STORE_PREFIX, META_PREFIX, HISTORY_PREFIX)

    def __init__(
        self,
        fsid: str,
        mon_id: str,
        options: Options,
        mgrmap: Callable[[], MgrMap],
        publish: Publish,
        emit: Callable[..., None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.fsid = fsid
        self.clock = clock
        self.mon_id = mon_id
        self.options = options
        self.baseline = options.as_dict()  # what `config rm` reverts the mon to
        self.mgrmap = mgrmap
        self.publish = publish
        self.emit = emit or (lambda *a, **k: None)
        self.version = 0
        self.db: dict[str, dict[str, str]] = {}
        self.pending: ConfigChanges = {}
        self.overrides: dict[str, Any] = {}  # the mon's admin socket `config set`s

    # --- PaxosService --------------------------------------------------------------

    def load(self, store: StoreReader) -> None:
        self.version = int(store.get(META_PREFIX, "last_committed", 0))
        self.db = {}
        for _, (who, name, value) in store.items(STORE_PREFIX):
            self.db.setdefault(str(who), {})[str(name)] = str(value)
        self.apply_mon_options()

    def take_pending(self) -> ConfigChanges | None:
        changes, self.pending = self.pending, {}
        return changes or None

    def drop_pending(self) -> None:
        self.pending = {}

    def encode(self, changes: ConfigChanges, txn: Transaction) -> None:
        # ``config log``: each version's changes, with the values they replace
        history = [
            [who, name, self.db.get(who, {}).get(name), value]
            for (who, name), value in sorted(changes.items())
        ]
        version = self.version + 1
        txn.put(HISTORY_PREFIX, f"{version:010d}", {"stamp": self.clock(), "changes": history})
        for (who, name), value in changes.items():
            key = json.dumps([who, name])
            if value is None:
                txn.erase(STORE_PREFIX, key)
            else:
                txn.put(STORE_PREFIX, key, [who, name, value])
        txn.put(META_PREFIX, "last_committed", self.version + 1)

    def commit(self, changes: ConfigChanges) -> None:
        for (who, name), value in changes.items():
            if value is None:
                section = self.db.get(who, {})
                section.pop(name, None)
                if not section:
                    self.db.pop(who, None)
            else:
                self.db.setdefault(who, {})[name] = value
        self.version += 1
        self.publish(self.name, self.version, self.body())
        self.emit(
            "config",
            epoch=self.version,
            changes=[{"who": w, "name": n, "value": v} for (w, n), v in changes.items()],
        )
        self.apply_mon_options()

    def body(self) -> dict[str, Any]:
        return {
            "sections": {
                who: {n: self.db[who][n] for n in sorted(self.db[who])} for who in sorted(self.db)
            }
        }

    def current_map(self) -> tuple[int, dict[str, Any]] | None:
        # Always a snapshot, even before the first write (epoch 0, no sections),
        # so a subscriber knows it has the whole database.
        return self.version, self.body()

    # --- the mon's own options ---------------------------------------------------------

    def set_override(self, name: str, value: Any | None) -> None:
        """An admin socket ``config set`` (None: ``config unset``) on this mon: it
        beats the database, as Ceph's override level does, until unset."""
        if value is None:
            self.overrides.pop(name, None)
        else:
            self.overrides[name] = value
        self.apply_mon_options()

    def apply_mon_options(self) -> None:
        """Set the mon's `Options` from its admin socket overrides, else what
        resolves for ``mon.<id>``, else the baseline."""
        values = self.entity_values("mon", self.mon_id)
        updates: dict[str, Any] = {}
        for name, spec in OPTIONS.items():
            raw = None if name in self.overrides else values.get(name)
            value = self.overrides.get(name, self.baseline.get(name))
            if raw is not None:
                try:
                    parsed = spec.parse(raw[0])
                    if name in POSITIVE_ONLY and not parsed > 0:
                        raise ValueError("must be positive")
                    value = parsed
                except ValueError:
                    log.warning("config: ignoring %s = %r for the mon", name, raw[0])
            if value is not None and self.options.get(name) != value:
                updates[name] = value
        if updates:
            log.info("config: mon options now %s", updates)
            self.options.update(updates)

    def mon_value(self, name: str) -> Any:
        """The typed value of Ceph option ``name`` for this mon (config, else default)."""
        opt = CEPH_OPTIONS[name]
        raw = self.entity_values("mon", self.mon_id).get(name)
        if raw is not None:
            try:
                return parse_value(opt, raw[0])[0]
            except ParseError:
                pass
        return typed_default(opt)

    # --- options ---------------------------------------------------------------------

    def module_options(self) -> dict[str, OptionSpec]:
        """``mgr/<module>/<opt>`` -> option, from what the mgrs report (the active's
        ModuleInfo first, then the standbys')."""
        m = self.mgrmap()
        reports = [m.available_modules] + [
            m.standbys[g].available_modules for g in sorted(m.standbys)
        ]
        out: dict[str, OptionSpec] = {}
        for report in reports:
            for info in report:
                if not isinstance(info, dict) or not isinstance(info.get("name"), str):
                    continue
                opts = info.get("module_options")
                if not isinstance(opts, dict):
                    continue
                for key, o in opts.items():
                    if isinstance(o, dict):
                        opt = module_option(info["name"], {"name": key, **o})
                        out.setdefault(opt.name, opt)
        return out

    def find_option(
        self, name: str, modules: dict[str, OptionSpec] | None = None
    ) -> OptionSpec | None:
        """A Ceph option, or a module option (a localized name loses its ``<mgr_id>``).
        ``modules``: `module_options()` when the caller already has them."""
        opt = CEPH_OPTIONS.get(name)
        if opt is not None or not name.startswith("mgr/"):
            return opt
        parts = name.split("/")
        if len(parts) < 3:
            return None
        real = "/".join(parts[:2] + parts[3:]) if len(parts) > 3 else name
        return (modules if modules is not None else self.module_options()).get(real)

    def option_or_stray(self, name: str, modules: dict[str, OptionSpec]) -> OptionSpec:
        return self.find_option(name, modules) or stray_option(name)

    # --- reads ---------------------------------------------------------------------------

    def _view(self) -> dict[str, dict[str, str]]:
        """Committed values with pending changes applied (for write checks)."""
        if not self.pending:
            return self.db
        view = {who: dict(s) for who, s in self.db.items()}
        for (who, name), value in self.pending.items():
            if value is None:
                view.get(who, {}).pop(name, None)
            else:
                view.setdefault(who, {})[name] = value
        return view

    def entity_values(self, etype: str, eid: str) -> dict[str, tuple[str, str]]:
        """name -> (value, section) for an entity: global < type < each ``.`` prefix of
        ``type.id``. Masked values never apply (no daemon has a crush location here)."""
        sections = ["global", etype]
        bits = f"{etype}.{eid}".split(".")
        sections += [".".join(bits[: i + 1]) for i in range(1, len(bits))]
        out: dict[str, tuple[str, str]] = {}
        for section in sections:
            for name, value in self.db.get(section, {}).items():
                out[name] = (value, section)
        return dict(sorted(out.items()))

    def entries(self) -> list[Entry]:
        """Every stored value in ``config dump`` order: ``global``, then each of
        mon, mgr, osd, mds, client with its daemons; by name within a section."""
        by_section: dict[str, list[Entry]] = {}
        modules = self.module_options()
        for who, values in self.db.items():
            section, mask = split_who(who)
            for name, value in values.items():
                entry = Entry(section, mask, name, value, self.option_or_stray(name, modules))
                by_section.setdefault(section, []).append(entry)
        order = ["global"]
        for t in DUMP_TYPES:
            order.append(t)
            order += sorted(s for s in by_section if "." in s and s.startswith(t))
        out: list[Entry] = []
        for section in order:
            out += sorted(by_section.get(section, []), key=lambda e: (e.name, str(e.mask)))
        return out

    def get(self, who: str, key: str | None) -> tuple[str | None, list[Entry]]:
        """``config get <who> [<key>]``: (the value line, []) for a key, else
        (None, the entity's stored values)."""
        entity = parse_entity(who)
        if entity is None:
            raise CommandError(errno.EINVAL, f"unrecognized entity '{who}'")
        etype, eid = entity
        values = self.entity_values(etype, eid)
        if key is None:
            modules = self.module_options()
            return None, [
                Entry(section, Mask(), name, value, self.option_or_stray(name, modules))
                for name, (value, section) in values.items()
            ]
        name = normalize_key_name(key)
        opt = self.find_option(name)
        if opt is None:
            raise CommandError(errno.ENOENT, f"unrecognized key '{name}'")
        if opt.has_flag(FLAG_NO_MON_UPDATE):
            if name == "fsid":
                return self.fsid + "\n", []
            raise CommandError(errno.EINVAL, f"{name} is special and cannot be stored by the mon")
        if name in values:
            return values[name][0] + "\n", []
        return to_str(opt.type, typed_default(opt, daemon=etype != "client")) + "\n", []

    # --- writes --------------------------------------------------------------------------

    def _who_key(self, who: str) -> str:
        parsed = parse_mask(who)
        if parsed is None:
            raise CommandError(errno.EINVAL, f"unrecognized config target '{who}'")
        section, mask = parsed
        m = str(mask)
        return (section or "global") + (f"/{m}" if m else "")

    def set(self, who: str, name: str, value: str, force: bool = False) -> bool:
        """``config set``: validate (unless forced), normalize, stage. False: no change."""
        name = normalize_key_name(name)
        if not force:
            opt = self.find_option(name)
            if opt is None:
                raise CommandError(errno.EINVAL, f"unrecognized config option '{name}'")
            try:
                value = parse_value(opt, value)[1]
            except ParseError as exc:
                raise CommandError(exc.errno, f"error parsing value: {exc}") from None
            if opt.has_flag(FLAG_NO_MON_UPDATE):
                raise CommandError(
                    errno.EINVAL, f"{name} is special and cannot be stored by the mon"
                )
        key = self._who_key(who)
        if self._view().get(key, {}).get(name) == value:
            return False
        self.pending[(key, name)] = value
        return True

    def rm(self, who: str, name: str) -> bool:
        """``config rm``: stage a removal. False: nothing to remove."""
        name = normalize_key_name(name)
        key = self._who_key(who)
        if name not in self._view().get(key, {}):
            return False
        self.pending[(key, name)] = None
        return True
