"""The ``@CLICommand`` decorator family and its per-module registries.

A decorated handler's descriptor comes from its type annotations and its
help text from its docstring (mgr_module.py ``_load_func_metadata``).

Registries: Ceph 16-18 keep one class-global ``CLICommand.COMMANDS`` dict and
rely on each module having its own sub-interpreter; newer Ceph gives each
module a registry made with ``make_registry_subtype``. Here every module runs
in one interpreter, so a command is filed under the top-level package that
defined the handler (``hello.module`` -> ``hello``) as well as in its class's
``COMMANDS`` dict; `commands_for` gathers one module's commands from its
package, its ``CLICommand`` subtype and its own class body, and never
another module's.
"""

from __future__ import annotations

import errno
import functools
import inspect
import typing
from collections.abc import Callable
from typing import Any, ClassVar

from _mgrapi.argtypes import cast_to, is_bool_type, to_argdesc
from _mgrapi.types import (
    ERROR_MSG_EMPTY_INPUT_FILE,
    ERROR_MSG_NO_INPUT_FILE,
    HandleCommandResult,
)

HandlerFuncType = Callable[..., Any]
KNOWN_ARGS = ("_", "self", "mgr", "inbuf", "return")
_BY_PACKAGE: dict[str, dict[str, CLICommandBase]] = {}


def _resolved_annotations(f: HandlerFuncType) -> dict[str, Any]:
    """The handler's annotations in declaration order, string annotations resolved."""
    raw = dict(inspect.getfullargspec(f).annotations)
    try:
        hints = typing.get_type_hints(inspect.unwrap(f))
    except Exception:  # an unresolvable forward reference: keep the raw value
        hints = {}
    return {k: hints.get(k, v) for k, v in raw.items()}


class CLICommandBase:
    """``@CLICommand(prefix, perm='rw', poll=False)`` on a module method."""

    COMMANDS: ClassVar[dict[str, CLICommandBase]] = {}

    KNOWN_ARGS = KNOWN_ARGS  # parameter names that are not command arguments

    def __init__(self, prefix: str, perm: str = "rw", poll: bool = False) -> None:
        self.prefix = prefix
        self.perm = perm
        self.poll = poll
        self.func: HandlerFuncType | None = None
        self.desc = ""
        self.args = ""
        self.arg_spec: dict[str, Any] = {}
        self.defaults: set[str] = set()
        self.takes_inbuf = False

    @classmethod
    def make_registry_subtype(cls, name: str) -> type[CLICommandBase]:
        """A subclass with its own empty ``COMMANDS`` registry."""
        return type(name, (cls,), {"COMMANDS": {}})

    @classmethod
    def Read(cls, prefix: str, poll: bool = False) -> CLICommandBase:
        return cls(prefix, "r", poll)

    @classmethod
    def Write(cls, prefix: str, poll: bool = False) -> CLICommandBase:
        return cls(prefix, "w", poll)

    def __call__(self, func: HandlerFuncType) -> HandlerFuncType:
        self.func = func
        self._load_func_metadata(func)
        type(self).COMMANDS[self.prefix] = self
        package = str(getattr(func, "__module__", "") or "").split(".")[0]
        _BY_PACKAGE.setdefault(package, {})[self.prefix] = self
        try:
            func._cli_command = self  # type: ignore[attr-defined]
        except AttributeError:
            pass
        return func

    def _load_func_metadata(self, f: HandlerFuncType) -> None:
        self.desc = (inspect.getdoc(f) or "").replace("\n", " ")
        spec = inspect.getfullargspec(f)
        annotations = _resolved_annotations(f)
        # Ceph's count: annotations (with 'return') minus defaults, compared with
        # an index that counts 'self': exact only when the return type is annotated.
        first_default = len(annotations) - len(spec.defaults or ())
        n_plain = len(spec.args) - len(spec.defaults or ())
        self.defaults = set(spec.args[n_plain:]) | set(spec.kwonlydefaults or {})
        self.takes_inbuf = "inbuf" in spec.args or "inbuf" in spec.kwonlyargs or bool(spec.varkw)
        tokens = []
        positional = True
        for index, arg in enumerate(spec.args):
            if arg in KNOWN_ARGS:
                continue
            if arg == "_end_positional_":
                positional = False
                continue
            assert arg in annotations, f"'{arg}' is not annotated for {f}: {spec}"
            if arg == "format" or is_bool_type(annotations[arg]):
                positional = False
            tokens.append(to_argdesc(annotations[arg], arg, index >= first_default, positional))
            self.arg_spec[arg] = annotations[arg]
        for name, tp in getattr(f, "extra_args", {}).items():
            if name not in self.arg_spec:
                tokens.append(to_argdesc(tp, name, True, False))
                self.arg_spec[name] = tp
                self.defaults.add(name)
        self.args = " ".join(tokens)

    store_func_metadata = _load_func_metadata  # 20.2's name

    def _collect_args(self, cmd_dict: dict[str, Any]) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        kv_mode = False
        for name, tp in self.arg_spec.items():
            raw = cmd_dict.get(name, cmd_dict.get(name.replace("_", "-")))
            if raw is None and name in self.defaults:
                continue
            # legacy "key=value" words: from the first such word on, split them
            if not kv_mode and isinstance(raw, str) and "=" in raw:
                kv_mode = raw.split("=", 1)[0].replace("-", "_") in self.arg_spec
            if kv_mode and isinstance(raw, str) and "=" in raw:
                key, raw = raw.split("=", 1)
                name = key.replace("-", "_")
                tp = self.arg_spec.get(name, tp)
            kwargs[name] = cast_to(tp, raw)
        return kwargs

    def call(self, mgr: Any, cmd_dict: dict[str, Any], inbuf: str | None = None) -> Any:
        kwargs = self._collect_args(cmd_dict)
        if inbuf:
            if not self.takes_inbuf:
                return HandleCommandResult(
                    -errno.EINVAL, "", "Invalid command: Input file data (-i) not supported"
                )
            kwargs["inbuf"] = inbuf
        assert self.func is not None
        return self.func(mgr, **kwargs)

    def dump_cmd(self) -> dict[str, Any]:
        return {
            "cmd": f"{self.prefix} {self.args}",
            "desc": self.desc,
            "perm": self.perm,
            "poll": self.poll,
        }

    @classmethod
    def dump_cmd_list(cls) -> list[dict[str, Any]]:
        return [c.dump_cmd() for c in cls.COMMANDS.values()]


CLICommand = CLICommandBase


def CLIReadCommand(prefix: str, poll: bool = False) -> CLICommandBase:
    return CLICommand(prefix, "r", poll)


def CLIWriteCommand(prefix: str, poll: bool = False) -> CLICommandBase:
    return CLICommand(prefix, "w", poll)


def commands_for(cls: type, module_name: str) -> dict[str, CLICommandBase]:
    """Every decorated command of one module (see the module docstring)."""
    found: dict[str, CLICommandBase] = dict(_BY_PACKAGE.get(module_name, {}))
    sub = getattr(cls, "CLICommand", None)
    if isinstance(sub, type) and issubclass(sub, CLICommandBase) and sub is not CLICommandBase:
        found.update(sub.COMMANDS)
    for value in vars(cls).values():
        c = getattr(value, "_cli_command", None)
        if isinstance(c, CLICommandBase):
            found.setdefault(c.prefix, c)
    return found


def CLICheckNonemptyFileInput(desc: str) -> Callable[[HandlerFuncType], HandlerFuncType]:
    """Refuse a command run without ``-i FILE`` or with an empty file."""

    def decorate(func: HandlerFuncType) -> HandlerFuncType:
        @functools.wraps(func)
        def check(*args: Any, **kwargs: Any) -> Any:
            if "inbuf" not in kwargs:
                return (
                    -errno.EINVAL,
                    "",
                    f"{ERROR_MSG_NO_INPUT_FILE}: Please specify the file "
                    f'containing {desc} with "-i" option',
                )
            if isinstance(kwargs["inbuf"], str):
                kwargs["inbuf"] = kwargs["inbuf"].rstrip("\r\n").rstrip("\n")
            if not kwargs["inbuf"] or not kwargs["inbuf"].strip():
                return (
                    -errno.EINVAL,
                    "",
                    f"{ERROR_MSG_EMPTY_INPUT_FILE}: Please add {desc} to the file",
                )
            return func(*args, **kwargs)

        check.__signature__ = inspect.signature(func)  # type: ignore[attr-defined]
        return check

    return decorate


def CLIRequiresDB(func: HandlerFuncType) -> HandlerFuncType:
    """Refuse with EAGAIN while the module's database is not ready."""

    @functools.wraps(func)
    def check(self: Any, *args: Any, **kwargs: Any) -> Any:
        ready = getattr(self, "db_ready", lambda: False)
        if not ready():
            return -errno.EAGAIN, "", "mgr db not yet available"
        return func(self, *args, **kwargs)

    check.__signature__ = inspect.signature(func)  # type: ignore[attr-defined]
    return check


class Command(dict[str, Any]):
    """A COMMANDS-style dict that can also register a handler as a CLI command."""

    def __init__(
        self, prefix: str, handler: HandlerFuncType, perm: str = "rw", poll: bool = False
    ) -> None:
        super().__init__(perm=perm, poll=poll)
        self.prefix = prefix
        self.handler = handler

    @staticmethod
    def returns_command_result(instance: Any, f: HandlerFuncType) -> HandlerFuncType:
        @functools.wraps(f)
        def wrapper(mgr: Any, *args: Any, **kwargs: Any) -> HandleCommandResult:
            retval, stdout, stderr = f(instance or mgr, *args, **kwargs)
            return HandleCommandResult(retval, stdout, stderr)

        wrapper.__signature__ = inspect.signature(f)  # type: ignore[attr-defined]
        return wrapper

    def register(self, instance: bool = False) -> HandlerFuncType:
        cmd = CLICommand(prefix=self.prefix, perm=self["perm"])
        return cmd(self.returns_command_result(instance, self.handler))
