"""A daemon's running configuration, as its admin socket shows and changes it.

Every option of the table (`sim.options.CEPH_OPTIONS`) has a value: one set
through the admin socket (``config set``, Ceph's override level) first, then
the daemon's own `Options` (the cluster's start-up settings, the mon's
config database where the daemon follows it), then the option's default.
Values are shown as Ceph shows them (`sim.options.values.to_str`: ``"1"``,
``"0.950000"``, ``"true"``, metavariables expanded: ``$cluster-$name`` →
``ceph-mgr.x``, ``$run_dir`` → its value). A few options are the daemon's identity and
paths (``admin_socket``, ``run_dir``, ``mon_host``…), given by the shell.

``config set`` of an option the daemon acts on at run time (`observe`
returns True) answers ``name = 'value' ``; otherwise Ceph's ``(not
observed, change may require restart)`` note. Pure: no I/O, no clock.

Who may import it: `sim.asok` and the daemon shells.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Callable
from typing import Any

from sim.options import CEPH_OPTIONS, Options, OptionSpec
from sim.options.values import ParseError, shown, typed_default

META = re.compile(r"\$([a-z_]+)")
ENOENT_TEXT = "(2) No such file or directory"
EINVAL_TEXT = "(22) Invalid argument"

Observe = Callable[[str, Any], bool]  # (name, typed value) -> acted on at run time
Forget = Callable[[str, Any], None]  # (name, the value under the override): an unset


def normalize(name: str) -> str:
    """Ceph accepts ``mgr-tick-period`` and ``mgr tick period`` for ``mgr_tick_period``."""
    return name.strip().replace("-", "_").replace(" ", "_")


class RunningConfig:
    def __init__(
        self,
        name: str,
        options: Options,
        fixed: dict[str, str] | None = None,
        observe: Observe | None = None,
        forget: Forget | None = None,
    ) -> None:
        self.name = name
        self.options = options
        self.fixed = dict(fixed or {})
        self.observe = observe
        self.forget = forget
        self.overrides: dict[str, Any] = {}  # set through the admin socket
        self._before: dict[str, Any] = {}  # the daemon's value under an override

    def spec(self, name: str) -> OptionSpec | None:
        return CEPH_OPTIONS.get(normalize(name))

    def value(self, spec: OptionSpec) -> str:
        n = spec.name
        if n in self.overrides:
            return shown(spec, self.overrides[n])
        if n in self.fixed:
            return self.fixed[n]
        v = self.options.get(n)
        if v is None:
            v = typed_default(spec)
        return self.expand(shown(spec, v))

    def expand(self, text: str, depth: int = 0) -> str:
        """Ceph's metavariables in a value (``$cluster-$name`` → ``ceph-mgr.x``;
        ``$run_dir`` → that option's value); an unknown one stays as written."""
        if "$" not in text or depth > 8:
            return text
        kind, _, ident = self.name.partition(".")
        meta = {"cluster": "ceph", "type": kind, "id": ident, "name": self.name}

        def sub(m: re.Match[str]) -> str:
            key = m.group(1)
            if key in meta:
                return meta[key]
            spec = CEPH_OPTIONS.get(key)
            return self.expand(self.value(spec), depth + 1) if spec is not None else m.group(0)

        return META.sub(sub, text)

    def default(self, spec: OptionSpec) -> str:
        return shown(spec, typed_default(spec))

    def show(self) -> dict[str, str]:
        """``config show``: the metavariables, then every option by name."""
        out = {"name": self.name, "cluster": "ceph"}
        for n in sorted(set(CEPH_OPTIONS) | set(self.fixed)):
            spec = CEPH_OPTIONS.get(n)
            out[n] = self.value(spec) if spec is not None else self.fixed[n]
        return out

    def get(self, name: str) -> dict[str, str] | None:
        spec = self.spec(name)
        return None if spec is None else {spec.name: self.value(spec)}

    def diff(self) -> dict[str, Any]:
        """``config diff``: the options whose value is not the default."""
        out: dict[str, Any] = {}
        for n in sorted(CEPH_OPTIONS):
            spec = CEPH_OPTIONS[n]
            final, default = self.value(spec), self.default(spec)
            if final != default:
                out[n] = {"default": default, "final": final}
        return {"diff": out}

    def set(self, name: str, text: str) -> tuple[int, str]:
        """``config set``: (0, Ceph's success text) or (-errno, the error text)."""
        spec = self.spec(name)
        if spec is None:
            return -errno.ENOENT, f"error setting '{name}' to '{text}': {ENOENT_TEXT}"
        try:
            value = spec.parse(text)
        except (ParseError, ValueError) as exc:
            return -errno.EINVAL, f"error setting '{name}' to '{text}': {EINVAL_TEXT} {exc}"
        before = self.value(spec)
        self._before.setdefault(spec.name, self.options.get(spec.name))
        self.overrides[spec.name] = value
        after = self.value(spec)
        if after == before:
            return 0, ""
        observed = self.observe is not None and self.observe(spec.name, value)
        note = "" if observed else "(not observed, change may require restart) "
        return 0, f"{spec.name} = '{after}' {note}"

    def unset(self, name: str) -> tuple[int, str]:
        spec = self.spec(name)
        if spec is None:
            return -errno.ENOENT, f"error unsetting '{name}': {ENOENT_TEXT}"
        self.overrides.pop(spec.name, None)
        before = self._before.pop(spec.name, None)
        if self.forget is not None:
            self.forget(spec.name, before)
        elif self.observe is not None and before is not None:
            self.observe(spec.name, before)
        return 0, ""
