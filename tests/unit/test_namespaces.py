"""Per-module import namespaces (`mgr.host.namespaces`), in process: each
module gets its own copies of what the policy makes private, as each Ceph
sub-interpreter has its own ``sys.modules``."""

from __future__ import annotations

import importlib
import logging
import sys
import textwrap
from pathlib import Path

import pytest

from mgr.host import namespaces


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


# an "API" with a class-level registry (Ceph's CLICommand.COMMANDS) and two modules using it
API = {
    "fakeapi.py": """
        class Registry:
            COMMANDS = {}
            @classmethod
            def register(cls, name):
                cls.COMMANDS[name] = True
    """,
    "alpha/__init__.py": "from .module import Module\n",
    "alpha/module.py": """
        from fakeapi import Registry
        Registry.register("alpha ls")
        class Module:
            registry = Registry
    """,
    "beta/__init__.py": "from .module import Module\n",
    "beta/module.py": """
        import fakeapi
        fakeapi.Registry.register("beta ls")
        class Module:
            registry = fakeapi.Registry
            def later(self):
                import alpha          # a runtime import: resolved in beta's namespace
                return alpha
            def repl(self, source):
                # as Ceph's selftest `eval`: code run in a bare dict (no __name__)
                from code import InteractiveInterpreter
                InteractiveInterpreter(dict(mgr=self)).runsource(source, symbol="exec")
    """,
}


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write(tmp_path / "tree", API)
    monkeypatch.syspath_prepend(str(root))
    return root


def test_code_a_module_execs_in_a_bare_dict_imports_from_its_namespace(tree: Path) -> None:
    """selftest's `eval` runs in the module's sub-interpreter in Ceph: its
    ``from mgr_module import X`` is the module's own X (its exceptions catch)."""
    policy = namespaces.folder_policy([tree])
    ns_b = namespaces.create("beta", policy)
    b = ns_b.load_package("beta", tree / "beta")
    m = b.Module()
    m.repl("import fakeapi, importlib; mgr.got = (fakeapi, importlib.import_module('fakeapi'))")
    assert m.got == (ns_b.modules["fakeapi"], ns_b.modules["fakeapi"])
    assert "fakeapi" not in sys.modules
    exec("import fakeapi as f; got = f", host := {"__name__": "hostfile"})
    assert host["got"] is sys.modules["fakeapi"]  # a host file's code is not a module's
    del sys.modules["fakeapi"]


def test_two_modules_see_their_own_registry(tree: Path) -> None:
    policy = namespaces.folder_policy([tree])
    a = namespaces.create("alpha", policy).load_package("alpha", tree / "alpha")
    b = namespaces.create("beta", policy).load_package("beta", tree / "beta")
    assert a.Module.registry.COMMANDS == {"alpha ls": True}
    assert b.Module.registry.COMMANDS == {"beta ls": True}
    assert a.Module.registry is not b.Module.registry
    assert "fakeapi" not in sys.modules and "alpha" not in sys.modules


def test_a_runtime_import_resolves_in_the_callers_namespace(tree: Path) -> None:
    policy = namespaces.folder_policy([tree])
    ns_a = namespaces.create("alpha", policy)
    a = ns_a.load_package("alpha", tree / "alpha")
    ns_b = namespaces.create("beta", policy)
    b = ns_b.load_package("beta", tree / "beta")
    got = b.Module().later()
    assert got is ns_b.modules["alpha"] and got is not a  # beta's own copy of alpha
    assert got.Module.registry is b.Module.registry  # which shares beta's fakeapi
    assert got.Module.registry.COMMANDS == {"beta ls": True, "alpha ls": True}


def test_outside_the_policy_everything_is_shared(tree: Path) -> None:
    ns = namespaces.create("alpha", namespaces.folder_policy([tree / "alpha"]))
    a = ns.load_package("alpha", tree / "alpha")
    try:
        assert a.Module.registry is sys.modules["fakeapi"].Registry  # fakeapi is shared
    finally:
        sys.modules.pop("fakeapi", None)


def test_release_policy_makes_logging_private_and_keeps_the_stdlib_shared(tmp_path: Path) -> None:
    root = write(
        tmp_path / "t", {"logmod.py": "import logging, json\nROOT = logging.getLogger()\n"}
    )
    sys.path.insert(0, str(root))
    try:
        ns = namespaces.create("logmod", namespaces.release_policy(shared=()))
        m = ns.import_module("logmod")
        assert m.logging is not logging and m.ROOT is not logging.getLogger()
        assert m.json is sys.modules["json"]
        handler = m.logging.NullHandler()
        m.ROOT.addHandler(handler)  # the host's root logger is untouched
        assert handler in m.ROOT.handlers and handler not in logging.getLogger().handlers
    finally:
        sys.path.remove(str(root))


def test_compiled_extensions_stay_shared_under_a_private_package() -> None:
    import msgpack._cmsgpack as shared_ext

    ns = namespaces.create("ext", namespaces.release_policy(shared=()))
    private_pkg = ns.import_module("msgpack")
    assert private_pkg is not sys.modules["msgpack"]
    assert ns.import_module("msgpack._cmsgpack") is shared_ext


IMPORT_TRICKS = {
    # six: a submodule that is an attribute set up by the parent, not a file
    "sixish/__init__.py": """
        import types
        moves = types.ModuleType(__name__ + ".moves")
        moves.answer = 42
    """,
    # dateutil: lazy submodules through a module __getattr__
    "lazy/__init__.py": """
        import importlib
        def __getattr__(name):
            if name == "sub":
                return importlib.import_module("." + name, __name__)
            raise AttributeError(name)
    """,
    "lazy/sub.py": "VALUE = 'lazy'\n",
    # pygments: a module that replaces itself in sys.modules
    "selfswap/__init__.py": """
        import sys, types
        class _Auto(types.ModuleType):
            swapped = True
        new = _Auto(__name__)
        new.__dict__.update(sys.modules[__name__].__dict__)
        sys.modules[__name__] = new
    """,
    "user.py": """
        from sixish.moves import answer
        import lazy
        from selfswap import swapped
        from starpkg import *
        LAZY = lazy.sub.VALUE
    """,
    "starpkg/__init__.py": "__all__ = ['one']\n",
    "starpkg/one.py": "X = 1\n",
}


def test_import_tricks_of_real_packages_work_privately(tmp_path: Path) -> None:
    root = write(tmp_path / "t", IMPORT_TRICKS)
    sys.path.insert(0, str(root))
    try:
        ns = namespaces.create("user", namespaces.release_policy(shared=()))
        user = ns.import_module("user")
        assert (user.answer, user.LAZY, user.swapped, user.one.X) == (42, "lazy", True, 1)
        assert type(ns.modules["selfswap"]).__name__ == "_Auto"
        assert not {"user", "sixish", "lazy", "selfswap", "starpkg"} & set(sys.modules)
    finally:
        sys.path.remove(str(root))


def test_a_missing_module_raises_module_not_found_with_its_name(tree: Path) -> None:
    ns = namespaces.create("alpha", namespaces.folder_policy([tree]))
    with pytest.raises(ModuleNotFoundError) as info:
        ns.import_module("alpha.nothing_here")
    assert info.value.name == "alpha.nothing_here"
    assert importlib.import_module("json") is sys.modules["json"]  # the hook passes others on
