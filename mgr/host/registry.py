"""Finding and loading modules (Ceph's PyModuleRegistry::probe_modules and PyModule::load).

Every sub-folder of a module path holding ``module.py`` is a module, unless
listed in ``mgr_disabled_modules``. Loading one, in Ceph's order:

1. import the folder as the package ``<name>`` (its ``__init__`` re-exports
   the class), in the module's own import namespace (`mgr.host.namespaces`:
   Ceph gives each module a sub-interpreter);
2. find the first class in the package namespace that subclasses
   ``MgrModule`` (and, optionally, one subclassing ``MgrStandbyModule``);
3. ``_register_commands(name)``, then ``COMMANDS`` must be a list of dicts
   with ``cmd``, ``desc`` and ``perm``;
4. ``_register_options(name)``, then ``MODULE_OPTIONS`` must be a list;
5. read ``NOTIFY_TYPES`` (absent: no notifications);
6. ``_register_options`` on the standby class;
7. ``can_run()``, which must return ``(bool, str)``.

A failure anywhere leaves the module with ``can_run = False`` and the reason
as its ``error_string`` (Ceph's C++ default for can_run is false), which the
beacon reports; the mgr keeps going. Each module's commands are checked with
our command grammar; one we cannot parse is logged and left out (it would
break every CLI that fetches the descriptions).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mgr.host import namespaces
from mgr.host.apipath import activate_paths, namespace_policy
from sim.cmdparse import CommandSig, DescriptorError
from sim.options.modules import schema_entry

log = logging.getLogger(__name__)


@dataclass
class ModuleRecord:
    name: str
    path: Path
    active_cls: Any = None
    standby_cls: Any = None
    loaded: bool = False
    can_run: bool = False
    error_string: str = ""
    notify_types: frozenset[str] = frozenset()
    options: list[dict[str, Any]] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)  # published descriptions
    perms: dict[str, str] = field(default_factory=dict)  # prefix -> perm

    def info(self) -> dict[str, Any]:
        """The ModuleInfo a beacon carries for this module."""
        return {
            "name": self.name,
            "can_run": self.can_run,
            "error_string": self.error_string,
            "module_options": {o["name"]: schema_entry(o) for o in self.options},
        }

    def option(self, key: str) -> dict[str, Any] | None:
        name = key.rsplit("/", 1)[-1]
        return next((o for o in self.options if o.get("name") == name), None)


def discover(paths: list[Path], disabled: set[str]) -> dict[str, Path]:
    """name -> folder, first path wins."""
    found: dict[str, Path] = {}
    for base in paths:
        for sub in sorted(base.iterdir()):
            if not (sub / "module.py").is_file() or sub.name.startswith((".", "_")):
                continue
            if sub.name in disabled:
                log.info("module %s is in mgr_disabled_modules; skipped", sub.name)
            elif sub.name in found:
                log.info("module %s in %s hidden by %s", sub.name, base, found[sub.name])
            else:
                found[sub.name] = sub
    return found


def _find_class(pkg: Any, base: type, name: str) -> Any:
    found = None
    for value in vars(pkg).values():
        if isinstance(value, type) and issubclass(value, base) and value is not base:
            if found is None:
                found = value
            elif value is not found:
                log.info("module %s: ignoring extra %s subclass %s", name, base.__name__, value)
    return found


def _published(name: str, entry: Any) -> tuple[dict[str, Any], str] | None:
    if not isinstance(entry, dict) or not all(k in entry for k in ("cmd", "desc", "perm")):
        raise ValueError(f"Invalid COMMANDS entry (needs cmd, desc, perm): {entry!r}")
    raw = " ".join(str(entry["cmd"]).split()).replace(",positional=false", "")
    try:
        sig = CommandSig.from_json({**entry, "cmd": raw}, module=name)
    except DescriptorError as exc:
        log.warning("module %s: command %r left out: %s", name, entry["cmd"], exc)
        return None
    return sig.to_json(), sig.prefix


def load(name: str, folder: Path, policy: namespaces.Policy | None = None) -> ModuleRecord:
    """Load module ``name`` from ``folder`` into its own namespace (`namespaces`;
    by default what lies beside ``folder`` is private)."""
    rec = ModuleRecord(name, folder)
    try:
        ns = namespaces.create(name, policy or namespaces.folder_policy([folder.parent]))
        api = ns.import_module("mgr_module")
        MgrModule, MgrStandbyModule = api.MgrModule, api.MgrStandbyModule  # noqa: N806
        pkg = ns.load_package(name, folder)
        cls = _find_class(pkg, MgrModule, name)
        if cls is None:
            raise ImportError(f"no MgrModule subclass found in module '{name}'")
        rec.active_cls = cls
        cls._register_commands(name)
        if not isinstance(getattr(cls, "COMMANDS", None), list):
            raise ValueError("Missing or invalid COMMANDS attribute")
        for entry in cls.COMMANDS:
            pub = _published(name, entry)
            if pub is not None and pub[1] not in rec.perms:
                rec.commands.append(pub[0])
                rec.perms[pub[1]] = str(entry["perm"])
        cls._register_options(name)
        if not isinstance(getattr(cls, "MODULE_OPTIONS", None), list):
            raise ValueError("Missing or invalid MODULE_OPTIONS attribute")
        rec.options = [dict(o) for o in cls.MODULE_OPTIONS]
        # absent (Ceph's own MgrModule defines none): no notifications, as before
        declared = getattr(cls, "NOTIFY_TYPES", None) or []
        rec.notify_types = frozenset(str(getattr(t, "value", t)) for t in declared)
        rec.loaded = True
        standby = _find_class(pkg, MgrStandbyModule, name)
        if standby is not None:
            standby._register_options(name)
            rec.standby_cls = standby
            known = {o["name"] for o in rec.options}
            rec.options += [dict(o) for o in standby.MODULE_OPTIONS if o["name"] not in known]
        rec.can_run, rec.error_string = _can_run(cls)
    except Exception as exc:  # an import error or a broken module: report, keep going
        log.warning("module %s failed to load: %s", name, exc)
        log.debug("module %s: load failure", name, exc_info=True)
        rec.can_run, rec.error_string = False, str(exc) or exc.__class__.__name__
    return rec


def _can_run(cls: Any) -> tuple[bool, str]:
    try:
        result = cls.can_run()
    except Exception as exc:
        return False, str(exc)
    if (
        not isinstance(result, tuple)
        or len(result) != 2
        or not isinstance(result[0], bool)
        or not isinstance(result[1], str)
    ):
        return False, "wrong type returned from can_run"
    return result


def probe(paths: list[Path], disabled: set[str]) -> dict[str, ModuleRecord]:
    """Discover and load every module (runs once, at daemon start)."""
    activate_paths(paths)
    policy = namespace_policy(paths)
    return {name: load(name, folder, policy) for name, folder in discover(paths, disabled).items()}
