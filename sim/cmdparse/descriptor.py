"""Command descriptors: `ArgDesc` (one argument), `CommandSig` (one command), `Flag`.

See the package docstring (`sim.cmdparse`) for the grammar.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntFlag
from typing import Any, Literal

from sim.cmdparse.argtypes import ArgType, CephChoices, JSONScalar, make_argtype
from sim.cmdparse.errors import ArgumentFormat, DescriptorError
from sim.record import Record, field

#: The `n=N` marker: one or more values, collected into a JSON list.
N: Literal["N"] = "N"

_RESERVED_KEYS = ("name", "type", "req", "n", "positional")
_BAD_NAME_CHARS = frozenset(",= \t\n")


class Flag(IntFlag):
    """Command flags (MonCommand.h)."""

    NOFORWARD = 1
    OBSOLETE = 2
    DEPRECATED = 4
    MGR = 8
    POLL = 16
    HIDDEN = 32


def _parse_bool(key: str, raw: str, token: str) -> bool:
    low = raw.lower()
    if low in ("true", "1"):
        return True
    if low in ("false", "0"):
        return False
    raise DescriptorError(f"{key}={raw!r} is not true/false in argument descriptor {token!r}")


def _parse_n(raw: str | None, token: str) -> int | Literal["N"] | None:
    if raw is None:
        return None
    if raw in ("n", "N"):
        return N
    try:
        n = int(raw)
    except ValueError:
        raise DescriptorError(f"n={raw!r} is neither an int nor N in {token!r}") from None
    if n < 1:
        raise DescriptorError(f"n={n} must be at least 1 in {token!r}")
    return None if n == 1 else n


class ArgDesc(Record):
    """One argument descriptor, e.g. ``name=who,type=CephString,req=false``.

    `n` is None for a single value, an int > 1 for exactly that many, or ``"N"`` for one or
    more; with either of the latter the JSON value is a list.  `params` holds the type-specific
    keys (``range``, ``strings``, ``goodchars``, ...) as strings.
    """

    name: str
    type: str
    req: bool = True
    n: int | Literal["N"] | None = None
    positional: bool = True
    params: dict[str, str] = field(default_factory=dict, hash=False)
    _argtype: ArgType = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not self.name or _BAD_NAME_CHARS & set(self.name):
            raise DescriptorError(f"bad argument name {self.name!r}")
        if self.n is not None and self.n != N and (not isinstance(self.n, int) or self.n < 2):
            raise DescriptorError(f"argument {self.name}: bad n={self.n!r}")
        if not self.positional and self.req:
            raise DescriptorError(f"argument {self.name}: positional=false requires req=false")
        for key in self.params:
            if key in _RESERVED_KEYS:
                raise DescriptorError(f"argument {self.name}: {key!r} is not a type parameter")
        try:
            checker = make_argtype(self.type, self.params)
        except DescriptorError as e:
            raise DescriptorError(f"argument {self.name}: {e}") from None
        object.__setattr__(self, "_argtype", checker)

    @classmethod
    def parse(cls, token: str) -> ArgDesc:
        """Parse one comma-separated ``key=value`` token; a key without ``=`` means true."""
        if not token or any(c.isspace() for c in token):
            raise DescriptorError(f"bad argument descriptor {token!r}")
        fields: dict[str, str] = {}
        for part in token.split(","):
            key, sep, value = part.partition("=")
            if not key:
                raise DescriptorError(f"empty key in argument descriptor {token!r}")
            if key in fields:
                raise DescriptorError(f"duplicate key {key!r} in argument descriptor {token!r}")
            fields[key] = value if sep else "true"
        name = fields.pop("name", None)
        tname = fields.pop("type", None)
        if not name:
            raise DescriptorError(f"argument descriptor {token!r} has no name")
        if not tname:
            raise DescriptorError(f"argument descriptor {token!r} has no type")
        req = _parse_bool("req", fields.pop("req", "true"), token)
        n = _parse_n(fields.pop("n", None), token)
        positional = _parse_bool("positional", fields.pop("positional", "true"), token)
        return cls(name, tname, req=req, n=n, positional=positional, params=fields)

    def to_token(self) -> str:
        """Canonical descriptor token (the key order mgr_module.py produces)."""
        parts = [f"name={self.name}"]
        if not self.req:
            parts.append("req=false")
        if self.n is not None:
            parts.append(f"n={self.n}")
        if not self.positional:
            parts.append("positional=false")
        parts.extend(f"{k}={v}" for k, v in self.params.items())
        parts.append(f"type={self.type}")
        return ",".join(parts)

    @property
    def argtype(self) -> ArgType:
        return self._argtype

    @property
    def is_list(self) -> bool:
        """Whether the JSON value is a list (`n=N` or `n=<int>`)."""
        return self.n is not None

    def limit(self, seen: int) -> int:
        """How many values this argument may hold after `seen` were taken."""
        if self.n == N:
            return seen + 1
        return self.n if isinstance(self.n, int) else 1

    def convert(self, word: str, is_kwarg: bool = False, partial: bool = False) -> list[JSONScalar]:
        """Check one user word; returns its value(s).

        For `n=N` a comma-separated word gives several values, except for a positional
        CephString (its values may contain commas).
        """
        bad = "".join(dict.fromkeys(c for c in word if "\udc80" <= c <= "\udcff"))
        if bad:  # bytes that were not UTF-8 in argv (surrogate-escaped): not sendable
            raise ArgumentFormat(f"invalid chars {bad} in {word}")
        if self.n == N and (is_kwarg or self.type != "CephString"):
            return [self._argtype.convert(part, partial) for part in word.split(",")]
        return [self._argtype.convert(word, partial)]

    def describe(self) -> str:
        """Ceph's ``str(argdesc)``: ``who(<string>)``, used in error messages."""
        if isinstance(self._argtype, CephChoices) and len(self._argtype.strings) == 1:
            s = self._argtype.describe()
        else:
            s = f"{self.name}({self._argtype.describe()})"
            if self.n == N:
                s += "..."
        return s if self.req else f"[{s}]"

    def helpstr(self, named_choices: bool = False) -> str:
        """This argument's part of a usage line (ceph_argparse ``argdesc.helpstr``)."""
        at = self._argtype
        if not self.positional or (isinstance(at, CephChoices) and self.name == "format"):
            s = at.kw_chunk(self.name)
        elif named_choices and isinstance(at, CephChoices):
            s = at.named_chunk(self.name)
        else:
            s = at.chunk(self.name)
        if self.n == N:
            s += "..."
        return s if self.req else f"[{s}]"


class CommandSig(Record):
    """One command: literal prefix `words`, argument descriptors, help and metadata.

    `raw` keeps the descriptor string as declared (whitespace normalised) so `to_json()`
    republishes it unchanged; it does not take part in equality.
    """

    words: tuple[str, ...]
    args: tuple[ArgDesc, ...] = ()
    help: str = ""
    perm: str = "r"
    flags: int = 0
    module: str = "mon"
    raw: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", tuple(self.words))
        object.__setattr__(self, "args", tuple(self.args))
        object.__setattr__(self, "flags", int(self.flags))
        if not self.words:
            raise DescriptorError("a command needs at least one literal word")
        for w in self.words:
            if not w or _BAD_NAME_CHARS & set(w):
                raise DescriptorError(f"bad literal word {w!r}")
        if not self.perm or set(self.perm) - set("rwx"):
            raise DescriptorError(f"bad perm {self.perm!r} for {self.prefix!r}")
        names = [a.name for a in self.args]
        dups = sorted({x for x in names if names.count(x) > 1})
        if dups:
            raise DescriptorError(f"duplicate argument name(s) {dups} in {self.prefix!r}")

    @classmethod
    def parse(
        cls,
        descriptor: str,
        help: str = "",
        perm: str = "r",
        flags: int = 0,
        module: str = "mon",
    ) -> CommandSig:
        """Parse a descriptor such as ``"mgr fail name=who,type=CephString,req=false"``."""
        tokens = descriptor.split()
        if not tokens:
            raise DescriptorError("empty command descriptor")
        words: list[str] = []
        args: list[ArgDesc] = []
        for tok in tokens:
            if "," not in tok and "=" not in tok:
                if args:
                    raise DescriptorError(
                        f"literal word {tok!r} after argument descriptors in {descriptor!r}"
                    )
                words.append(tok)
                continue
            try:
                args.append(ArgDesc.parse(tok))
            except DescriptorError as e:
                raise DescriptorError(f"{e} (in {descriptor!r})") from None
        return cls(tuple(words), tuple(args), help, perm, flags, module, raw=" ".join(tokens))

    @property
    def prefix(self) -> str:
        return " ".join(self.words)

    @property
    def descriptor(self) -> str:
        """The descriptor string (as declared, or rebuilt canonically)."""
        if self.raw:
            return self.raw
        return " ".join([*self.words, *(a.to_token() for a in self.args)])

    @property
    def required_count(self) -> int:
        """Number of required descriptors, literal words included."""
        return len(self.words) + sum(1 for a in self.args if a.req)

    def arg(self, name: str) -> ArgDesc | None:
        return next((a for a in self.args if a.name == name), None)

    def usage(self, named_choices: bool = False) -> str:
        """Usage line as the `ceph` CLI prints it, e.g. ``mgr fail [<who>]``.

        The default follows Pacific's client (CephChoices shown as ``a|b``);
        ``named_choices=True`` gives the newer ``<name:a|b>`` form.
        """
        return " ".join([*self.words, *(a.helpstr(named_choices) for a in self.args)])

    def to_json(self) -> dict[str, Any]:
        """The published "command description" shape."""
        return {
            "cmd": self.descriptor,
            "help": self.help,
            "perm": self.perm,
            "flags": self.flags,
            "module": self.module,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any], module: str = "mon") -> CommandSig:
        """Inverse of `to_json()`; also reads a mgr module's COMMANDS entry
        (``desc`` for help, ``poll`` adds Flag.POLL)."""
        if "cmd" not in d or not isinstance(d["cmd"], str):
            raise DescriptorError(f"command description without a 'cmd' string: {dict(d)!r}")
        flags = int(d.get("flags", 0))
        if d.get("poll") in (True, "true", "True"):
            flags |= Flag.POLL
        return cls.parse(
            d["cmd"],
            help=str(d.get("help", d.get("desc", ""))),
            perm=str(d.get("perm", "r")),
            flags=flags,
            module=str(d.get("module", module)),
        )
