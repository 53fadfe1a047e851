"""Argument types of the command descriptor grammar (`type=CephInt`, ...).

Each type is a small class built from the descriptor's type-specific keys (`range=`,
`strings=`, `goodchars=`, ...).  `convert()` checks one word of user input and returns the
JSON value that goes into the command dict, raising `ArgumentValid`/`ArgumentFormat` with the
texts of Ceph's ceph_argparse.  `describe()` is the type's short text used inside error
messages (``<int[1-]>``), `chunk()`/`kw_chunk()` its part of a usage line.

Deliberate differences from the real client (it would touch the filesystem, or is buggy):
CephFilepath and CephSocketpath accept any string; CephFragment parses the value as hex.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import ClassVar

from sim.cmdparse.errors import ArgumentFormat, ArgumentPrefix, ArgumentValid, DescriptorError

JSONScalar = bool | int | float | str


class ArgType:
    """Base type: any string is accepted and returned unchanged."""

    type_name: ClassVar[str] = "CephArgtype"
    label: ClassVar[str] = ""

    def __init__(self, params: Mapping[str, str]) -> None:
        self.params = dict(params)

    def convert(self, s: str, partial: bool = False) -> JSONScalar:
        return s

    def describe(self) -> str:
        return self.label or f"<{self.type_name}>"

    def chunk(self, name: str) -> str:
        """Usage text of a positional argument."""
        return f"<{name}>"

    def kw_chunk(self, name: str) -> str:
        """Usage text of a non-positional (`--name value`) argument."""
        return f"--{name} <value>"


def _printable() -> str:
    import string  # its import compiles a pattern: only a CephString with goodchars needs it

    return string.printable


def _parse_range(raw: str | None, conv: type[int] | type[float], tname: str) -> list:
    if raw is None or raw == "":
        return []
    parts = raw.split("|")
    try:
        bounds = [conv(p) for p in parts]
    except ValueError:
        raise DescriptorError(f"{tname}: bad range {raw!r}") from None
    if len(bounds) > 2:
        raise DescriptorError(f"{tname}: range takes min or min|max, got {raw!r}")
    return bounds


class _Ranged(ArgType):
    conv: ClassVar[type[int] | type[float]] = int
    short: ClassVar[str] = "int"
    what: ClassVar[str] = "an int"

    def __init__(self, params: Mapping[str, str]) -> None:
        super().__init__(params)
        self.range = _parse_range(params.get("range"), self.conv, self.type_name)

    def _parse(self, s: str) -> int | float:
        return int(s, 0)

    def convert(self, s: str, partial: bool = False) -> JSONScalar:
        try:
            val = self._parse(s)
        except ValueError:
            raise ArgumentValid(f"{s} doesn't represent {self.what}") from None
        too_low = bool(self.range) and val < self.range[0]
        too_high = len(self.range) == 2 and val > self.range[1]
        if too_low or too_high:
            raise ArgumentValid(f"{val} not in range {self.range}")
        return val

    def describe(self) -> str:
        r = ""
        if len(self.range) == 1:
            r = f"[{self.range[0]}-]"
        elif len(self.range) == 2:
            r = f"[{self.range[0]}-{self.range[1]}]"
        return f"<{self.short}{r}>"

    def chunk(self, name: str) -> str:
        return f"<{name}:{self.short}>"

    def kw_chunk(self, name: str) -> str:
        return f"--{name} <{self.short}>"


class CephInt(_Ranged):
    type_name = "CephInt"


class CephFloat(_Ranged):
    type_name = "CephFloat"
    conv = float
    short = "float"
    what = "a float"

    def _parse(self, s: str) -> int | float:
        return float(s)


class CephString(ArgType):
    type_name = "CephString"

    def __init__(self, params: Mapping[str, str]) -> None:
        super().__init__(params)
        self.goodchars = params.get("goodchars", "")
        try:
            pat = re.compile(self.goodchars)
        except re.error:
            raise DescriptorError(f'CephString(): "{self.goodchars}" is not a valid RE') from None
        # As in Ceph: the allowed set is the printable characters the class matches.
        self.goodset = (
            frozenset(c for c in _printable() if pat.match(c)) if self.goodchars else None
        )
        self.allowempty = params.get("allowempty", "true").lower() == "true"

    def convert(self, s: str, partial: bool = False) -> JSONScalar:
        if not self.allowempty and s == "":
            raise ArgumentFormat("argument can't be an empty string")
        if self.goodset is not None:
            bad = "".join(dict.fromkeys(c for c in s if c not in self.goodset))
            if bad:
                raise ArgumentFormat(f"invalid chars {bad} in {s}")
        return s

    def describe(self) -> str:
        extra = f"(goodchars {self.goodchars})" if self.goodchars else ""
        return f"<string{extra}>"


class CephBool(ArgType):
    type_name = "CephBool"
    label = "<bool>"

    def convert(self, s: str, partial: bool = False) -> JSONScalar:
        low = s.lower()
        if low in ("true", "1"):
            return True
        if low in ("false", "0"):
            return False
        raise ArgumentValid(f"{s} not one of 'true', 'false'")

    def chunk(self, name: str) -> str:
        return "--" + name.replace("_", "-")

    kw_chunk = chunk


class CephChoices(ArgType):
    type_name = "CephChoices"

    def __init__(self, params: Mapping[str, str]) -> None:
        super().__init__(params)
        raw = params.get("strings", "")
        if not raw:
            raise DescriptorError("CephChoices needs strings=a|b|...")
        self.strings = raw.split("|")

    def convert(self, s: str, partial: bool = False) -> JSONScalar:
        ok = any(t.startswith(s) for t in self.strings) if partial else s in self.strings
        if not ok:
            raise ArgumentValid(f"{s} not in {self.describe()}")
        return s

    def describe(self) -> str:
        return "|".join(self.strings)

    def chunk(self, name: str) -> str:
        return self.describe()

    def named_chunk(self, name: str) -> str:
        """The newer (post-Pacific) usage form `<name:a|b>`."""
        if len(self.strings) == 1:
            return self.strings[0]
        return f"<{name}:{self.describe()}>"

    def kw_chunk(self, name: str) -> str:
        return f"--{name} {{{self.describe()}}}"


class CephName(ArgType):
    type_name = "CephName"
    label = "<name (type.id)>"

    def convert(self, s: str, partial: bool = False) -> JSONScalar:
        if s in ("*", "mgr", "mon"):
            return s
        if "." not in s:
            raise ArgumentFormat(f"CephName: no . in {s}")
        t, i = s.split(".", 1)
        if t not in ("osd", "mon", "client", "mds", "mgr"):
            raise ArgumentValid("unknown type " + t)
        if t == "osd" and i != "*":
            try:
                int(i)
            except ValueError:
                raise ArgumentFormat(f"osd id {i} not integer") from None
        return s

    def chunk(self, name: str) -> str:
        return "<type.id>"

    def kw_chunk(self, name: str) -> str:
        return f"--{name} <type.id>"


class CephOsdName(ArgType):
    type_name = "CephOsdName"
    label = "<osdname (id|osd.id)>"

    def convert(self, s: str, partial: bool = False) -> JSONScalar:
        if s == "*":
            return s
        i = s
        if "." in s:
            t, i = s.split(".", 1)
            if t != "osd":
                raise ArgumentValid("unknown type " + t)
        try:
            v = int(i)
        except ValueError:
            raise ArgumentFormat(f"osd id {i} not integer") from None
        if v < 0:
            raise ArgumentFormat(f"osd id {v} is less than 0")
        return v

    def chunk(self, name: str) -> str:
        return "<id|osd.id>"

    def kw_chunk(self, name: str) -> str:
        return f"--{name} <id|osd.id>"


class CephPgid(ArgType):
    type_name = "CephPgid"
    label = "<pgid>"

    def convert(self, s: str, partial: bool = False) -> JSONScalar:
        if "." not in s:
            raise ArgumentFormat("pgid has no .")
        pool_s, seed_s = s.split(".", 1)
        try:
            pool = int(pool_s)
        except ValueError:
            raise ArgumentFormat(f"pool {pool_s} not integer") from None
        if pool < 0:
            raise ArgumentFormat(f"pool {pool} < 0")
        try:
            int(seed_s, 16)
        except ValueError:
            raise ArgumentFormat(f"pgnum {seed_s} not hex integer") from None
        return s


class CephUUID(ArgType):
    type_name = "CephUUID"
    label = "<uuid>"

    def convert(self, s: str, partial: bool = False) -> JSONScalar:
        import uuid  # here: rare, and a one-shot CLI call does not pay for it

        try:
            uuid.UUID(s)
        except ValueError as e:
            raise ArgumentFormat(f"invalid UUID {s}: {e}") from None
        return s


def _check_port(p: str, v4: bool = False) -> None:
    try:
        ok = 0 <= int(p) <= 65535
    except ValueError:
        ok = False
    if not ok:
        raise ArgumentValid(f"{p}: invalid IPv4 port" if v4 else f"{p} not a valid port number")


class CephIPAddr(ArgType):
    """`a.b.c.d[:port]`, `[v6]:port` or bare v6, optionally after `v1:`, `v2:` or `any:`.

    As in Ceph the returned value is the address without the `v1:`/`v2:`/`any:` prefix.
    """

    type_name = "CephIPAddr"
    label = "<IPaddr[:port]>"

    def convert(self, s: str, partial: bool = False) -> JSONScalar:
        for pfx in ("v1:", "v2:", "any:"):
            if s.startswith(pfx):
                s = s[len(pfx) :]
                break
        if s.startswith("["):
            end = s.find("]")
            if end == -1:
                raise ArgumentFormat(f"{s} missing terminating ]")
            addr, rest = s[1:end], s[end + 1 :]
            if rest:
                if not rest.startswith(":"):
                    raise ArgumentValid(f"{s}: bad port number")
                _check_port(rest[1:])
            self._check(addr, 6, s)
        elif "." in s:
            addr, sep, port = s.partition(":")
            if sep:
                _check_port(port, v4=True)
            self._check(addr, 4, s)
        else:
            self._check(s, 6, s)
        return s

    @staticmethod
    def _check(addr: str, version: int, whole: str) -> None:
        try:
            ok = ipaddress.ip_address(addr).version == version
        except ValueError:
            ok = False
        if not ok:
            if version == 4:
                raise ArgumentValid(f"{addr}: invalid IPv4 address")
            raise ArgumentValid(f"{whole} not valid IPv6 address")


class CephEntityAddr(CephIPAddr):
    """`ip[:port]/nonce` (the whole string, prefix included, is returned)."""

    type_name = "CephEntityAddr"
    label = "<EntityAddr>"

    def convert(self, s: str, partial: bool = False) -> JSONScalar:
        ip, sep, nonce = s.partition("/")
        if sep and nonce.endswith("]"):
            nonce, ip = nonce[:-1], ip + "]"
        super().convert(ip)
        if sep and nonce:
            try:
                ok = int(nonce) >= 0
            except ValueError:
                ok = False
            if not ok:
                raise ArgumentValid(f"{s}: invalid entity, nonce {nonce} not integer > 0")
        return s


class CephPoolname(ArgType):
    type_name = "CephPoolname"
    label = "<poolname>"


class CephObjectname(ArgType):
    type_name = "CephObjectname"
    label = "<objectname>"


class CephFilepath(ArgType):
    type_name = "CephFilepath"
    label = "<outfilename>"


class CephSocketpath(ArgType):
    type_name = "CephSocketpath"
    label = "<admin-socket-path>"


class CephFragment(ArgType):
    type_name = "CephFragment"
    label = "<CephFS fragment ID (0xvvv/bbb)>"

    def convert(self, s: str, partial: bool = False) -> JSONScalar:
        if "/" not in s:
            raise ArgumentFormat(f"{s}: no /")
        val, bits = s.split("/", 1)
        if not val.startswith("0x"):
            raise ArgumentFormat(f"{val} not a hex integer")
        for part, base in ((val, 16), (bits, 10)):
            try:
                int(part, base)
            except ValueError:
                raise ArgumentFormat(f"can't convert {part} to integer") from None
        return s


class CephPrefix(ArgType):
    """A literal word (`prefix=` holds it when used as an explicit `type=`)."""

    type_name = "CephPrefix"

    def __init__(self, params: Mapping[str, str]) -> None:
        super().__init__(params)
        self.prefix = params.get("prefix", "")

    def convert(self, s: str, partial: bool = False) -> JSONScalar:
        if s == self.prefix or (partial and self.prefix.startswith(s)):
            return s
        raise ArgumentPrefix(f"no match for {s}")

    def describe(self) -> str:
        return self.prefix

    def chunk(self, name: str) -> str:
        return self.prefix

    kw_chunk = chunk


ARG_TYPES: dict[str, type[ArgType]] = {
    cls.type_name: cls
    for cls in (
        CephInt,
        CephFloat,
        CephString,
        CephBool,
        CephChoices,
        CephName,
        CephOsdName,
        CephPgid,
        CephUUID,
        CephIPAddr,
        CephEntityAddr,
        CephPoolname,
        CephObjectname,
        CephFilepath,
        CephSocketpath,
        CephFragment,
        CephPrefix,
    )
}


def make_argtype(type_name: str, params: Mapping[str, str]) -> ArgType:
    """Instantiate the checker for `type_name`; DescriptorError if the type is unknown."""
    cls = ARG_TYPES.get(type_name)
    if cls is None:
        raise DescriptorError(f"unknown type {type_name}")
    return cls(params)
