"""Per-module import namespaces: what Ceph's sub-interpreters give each module.

ceph-mgr runs every Python module in its own sub-interpreter, so each module
has its own ``sys.modules``: its own ``mgr_module`` (whose class-level
``CLICommand.COMMANDS`` and ``MgrModule.COMMANDS`` collect only that module's
commands), its own ``logging`` (each module hangs its handler on *its* root
logger), its own copies of the packages it imports (``cherrypy`` and its
global engine, another module's package such as ``orchestrator``). One
Python process here hosts every module, so the host gives each one a
`Namespace` instead:

- modules loaded for namespace X carry ``__mgr_namespace__ = X`` in their
  globals; the ``import`` statement (``builtins.__import__``) and
  ``importlib.import_module`` look at the caller's globals and resolve a
  *private* name in X's own table, loading a fresh copy on first use;
- which names are private is the namespace's `Policy`: with our embedded
  API, the module folders (`folder_policy`); with a Ceph release tree,
  everything (`release_policy`) — the tree's ``mgr_module``, ``mgr_util``,
  ``object_format``, the release's ``ceph``/``ceph_argparse``, third-party
  packages (``cherrypy``, ``prettytable`` …) and ``logging`` — except:
- what stays shared with the host: the standard library, the simulated C++
  (``ceph_module``, ``rados`` … in ``mgr/native``), the simulator and its own
  dependencies, and every compiled extension (loading a C or Rust extension
  twice is not always possible; Ceph shares their code too).

Names keep their ``__name__`` (loggers, tracebacks and error texts read as in
Ceph); a private module is not in ``sys.modules``, so code that looks itself
up there sees the host's copy or nothing — no Ceph release does.
"""

from __future__ import annotations

import builtins
import importlib
import importlib.machinery
import importlib.util
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

MARK = "__mgr_namespace__"
Policy = Callable[[str, str | None], bool]  # (top-level name, origin file) -> private?

_original_import = builtins.__import__
_original_import_module = importlib.import_module
_namespaces: dict[str, Namespace] = {}
_install_lock = threading.Lock()
_installed = False


def folder_policy(folders: Iterable[Path], private_stdlib: Iterable[str] = ()) -> Policy:
    """Private: what lives under one of ``folders``, and the named stdlib modules."""
    roots = [str(Path(f).resolve()) for f in folders]
    stdlib = frozenset(private_stdlib)

    def private(top: str, origin: str | None) -> bool:
        if top in stdlib:
            return True
        if top in sys.builtin_module_names or top in sys.stdlib_module_names:
            return False
        if origin is None:
            return False
        where = str(Path(origin).resolve())
        return any(where == r or where.startswith(r + "/") for r in roots)

    return private


def release_policy(shared: Iterable[str], private_stdlib: Iterable[str] = ("logging",)) -> Policy:
    """Private: everything but the standard library (``private_stdlib`` apart)
    and the ``shared`` top-level names (the simulator and its own dependencies)."""
    keep = frozenset(shared)
    stdlib = frozenset(private_stdlib)

    def private(top: str, origin: str | None) -> bool:
        if top in stdlib:
            return True
        if top in keep or top in sys.builtin_module_names or top in sys.stdlib_module_names:
            return False
        return origin is not None

    return private


class Namespace:
    """One module's ``sys.modules``: private copies, loaded on first import."""

    def __init__(self, name: str, policy: Policy) -> None:
        self.name = name
        self.policy = policy
        self.modules: dict[str, ModuleType] = {}
        self._tops: dict[str, bool] = {}
        self._lock = threading.RLock()

    def is_private(self, fullname: str) -> bool:
        top = fullname.partition(".")[0]
        known = self._tops.get(top)
        if known is None:
            spec = _find(top, None)
            origin = None if spec is None else (spec.origin or _first(spec))
            known = self.policy(top, origin) and not _compiled(spec)
            self._tops[top] = known
        return known

    def load_package(self, name: str, folder: Path) -> ModuleType:
        """Load the module folder ``folder`` as this namespace's package ``name``."""
        with self._lock:
            self._tops[name] = True
            spec = importlib.util.spec_from_file_location(
                name, folder / "__init__.py", submodule_search_locations=[str(folder)]
            )
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot load {folder}")
            return self._exec(name, spec)

    def import_module(self, fullname: str) -> ModuleType:
        """The module ``fullname`` as this namespace sees it (importing it if needed)."""
        if not self.is_private(fullname):
            return _original_import_module(fullname)
        with self._lock:
            return self._gcd(fullname)

    def _gcd(self, fullname: str) -> ModuleType:
        found = self.modules.get(fullname)
        if found is not None:
            return found
        parent_name, _, tail = fullname.rpartition(".")
        path = None
        parent = None
        if parent_name:
            parent = self._gcd(parent_name)
            found = self.modules.get(fullname)  # the parent's __init__ may have imported it
            if found is not None:
                return found
            attr = vars(parent).get(tail)  # not getattr: a lazy __getattr__ imports
            if isinstance(attr, ModuleType):  # set up by the parent (``six.moves``)
                self.modules[fullname] = attr
                return attr
            path = getattr(parent, "__path__", None)
            if path is None:
                msg = f"No module named {fullname!r}; {parent_name!r} is not a package"
                raise ModuleNotFoundError(msg, name=fullname)
        spec = _find(fullname, path)
        if spec is None:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        if _compiled(spec):
            module = _original_import_module(fullname)  # shared, as its code is
            self.modules[fullname] = module
        else:
            module = self._exec(fullname, spec)
        if parent is not None:
            setattr(parent, tail, module)
        return module

    def _exec(self, fullname: str, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.util.module_from_spec(spec)
        module.__dict__[MARK] = self.name
        self.modules[fullname] = module
        # while it runs, the module is also sys.modules[fullname]: some replace
        # themselves there (pygments' lazy ``formatters``), dataclasses and
        # typing look their module up; the host's entry comes back after
        host_entry = sys.modules.get(fullname)
        sys.modules[fullname] = module
        try:
            assert spec.loader is not None
            spec.loader.exec_module(module)
            final = sys.modules.get(fullname, module)
        except BaseException:
            self.modules.pop(fullname, None)
            raise
        finally:
            if host_entry is None:
                sys.modules.pop(fullname, None)
            else:
                sys.modules[fullname] = host_entry
        if isinstance(final, ModuleType) and final is not module:
            final.__dict__.setdefault(MARK, self.name)
        self.modules[fullname] = final
        return final

    def do_import(
        self, name: str, globals_: dict[str, Any], fromlist: Any, level: int
    ) -> ModuleType | None:
        """``__import__`` inside this namespace (None: not ours, import as usual)."""
        fullname = _resolve(name, globals_, level) if level else name
        if not self.is_private(fullname):
            return None
        with self._lock:
            module = self._gcd(fullname)
            if not fromlist:
                if level == 0:
                    return self.modules[fullname.partition(".")[0]]
                cut = len(name) - len(name.partition(".")[0])
                return self.modules[fullname[: len(fullname) - cut]]
            if hasattr(module, "__path__"):
                names = list(fromlist)
                if "*" in names:
                    names.remove("*")
                    names += list(getattr(module, "__all__", ()))
                for item in names:
                    if not hasattr(module, item):
                        try:
                            self._gcd(f"{fullname}.{item}")
                        except ModuleNotFoundError as exc:
                            if exc.name != f"{fullname}.{item}":
                                raise
            return module


def _find(fullname: str, path: Any) -> importlib.machinery.ModuleSpec | None:
    """Files first; then the other finders (``six`` registers one for ``six.moves``)."""
    spec = importlib.machinery.PathFinder.find_spec(fullname, path)
    if spec is not None:
        return spec
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        if finder is importlib.machinery.PathFinder or find is None:
            continue
        try:
            spec = find(fullname, path)
        except (ImportError, AttributeError, TypeError):
            continue
        if spec is not None:
            return spec
    return None


def _first(spec: importlib.machinery.ModuleSpec) -> str | None:
    locations = list(spec.submodule_search_locations or [])
    return locations[0] if locations else None


def _compiled(spec: importlib.machinery.ModuleSpec | None) -> bool:
    return spec is not None and isinstance(spec.loader, importlib.machinery.ExtensionFileLoader)


def _resolve(name: str, globals_: dict[str, Any], level: int) -> str:
    package = globals_.get("__package__")
    if package is None:
        spec = globals_.get("__spec__")
        package = spec.parent if spec is not None else globals_["__name__"].rpartition(".")[0]
    return importlib.util.resolve_name("." * level + name, package)


def _namespace_of(globals_: dict[str, Any] | None, depth: int) -> Namespace | None:
    """The namespace a caller's globals belong to.

    Code a module runs with ``exec``/``eval`` in a bare dict (no ``__name__``:
    the selftest module's ``InteractiveInterpreter(dict(mgr=self))``) belongs
    to no file; in Ceph it runs in that module's sub-interpreter, so its
    imports are the module's. Its namespace is that of the nearest calling
    frame whose globals carry the mark."""
    if not globals_:
        return None
    mark = globals_.get(MARK)
    if mark is not None:
        return _namespaces.get(mark)
    if "__name__" in globals_:
        return None  # a file of the host's (or the standard library's)
    frame = sys._getframe(depth + 1)
    while frame is not None:
        mark = frame.f_globals.get(MARK)
        if mark is not None:
            return _namespaces.get(mark)
        frame = frame.f_back  # type: ignore[assignment]
    return None


def _import(
    name: str,
    globals: dict[str, Any] | None = None,  # noqa: A002 - the builtin's own names
    locals: Any = None,  # noqa: A002
    fromlist: Any = (),
    level: int = 0,
) -> ModuleType:
    ns = _namespace_of(globals, 1)
    if ns is not None:
        module = ns.do_import(name, globals, fromlist, level)  # type: ignore[arg-type]
        if module is not None:
            return module
    return _original_import(name, globals, locals, fromlist, level)


def _import_module(name: str, package: str | None = None) -> ModuleType:
    ns = _namespace_of(sys._getframe(1).f_globals, 1)
    if ns is not None:
        fullname = importlib.util.resolve_name(name, package) if name.startswith(".") else name
        return ns.import_module(fullname)
    return _original_import_module(name, package)


def install() -> None:
    """Put the namespace-aware import hooks in place (idempotent)."""
    global _installed
    with _install_lock:
        if not _installed:
            builtins.__import__ = _import  # type: ignore[assignment]
            importlib.import_module = _import_module
            _installed = True


def create(name: str, policy: Policy) -> Namespace:
    """A fresh namespace for module ``name`` (replacing an earlier one of that name)."""
    install()
    ns = Namespace(name, policy)
    _namespaces[name] = ns
    return ns


def get(name: str) -> Namespace | None:
    return _namespaces.get(name)
