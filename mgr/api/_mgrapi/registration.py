"""``_register_options``: a module class's MODULE_OPTIONS plus the implicit ones.

Ceph appends to class-level lists that, in one shared interpreter, several
modules would share; here each class gets its own MODULE_OPTIONS list and
MODULE_OPTION_DEFAULTS dict, built once from what the class declared.
Defaults: kept as given when the option has a ``type``, else ``str()``-ed.
"""

from __future__ import annotations

from typing import Any

from _mgrapi.types import Option

_LEVELS = ["info", "debug", "critical", "error", "warning", ""]


def implicit_options() -> list[Option]:
    return [
        Option(name="log_level", type="str", default="", runtime=True, enum_allowed=_LEVELS),
        Option(name="log_to_file", type="bool", default=False, runtime=True),
        Option(name="log_to_cluster", type="bool", default=False, runtime=True),
        Option(
            name="log_to_cluster_level",
            type="str",
            default="info",
            runtime=True,
            enum_allowed=_LEVELS,
        ),
    ]


def register_options(cls: Any) -> None:
    declared = cls.__dict__.get("_declared_options")
    if declared is None:
        declared = list(getattr(cls, "MODULE_OPTIONS", None) or [])
        cls._declared_options = declared
    options: list[Any] = []
    names: set[str] = set()
    for opt in [*declared, *implicit_options()]:
        name = opt.get("name") if isinstance(opt, dict) else None
        if not isinstance(name, str) or name in names:
            continue
        names.add(name)
        options.append(opt)
    defaults: dict[str, Any] = {}
    for opt in options:
        if "default" in opt:
            defaults[opt["name"]] = opt["default"] if "type" in opt else str(opt["default"])
    cls.MODULE_OPTIONS = options
    cls.MODULE_OPTION_DEFAULTS = defaults
