"""The machine's apt sources, read (never written) to find its Debian mirror.

Both forms apt reads: deb822 ``*.sources`` stanzas (``Types``, ``URIs``,
``Suites``, ``Components``, ``Signed-By``, ``Enabled``) and one-line
``deb [options] URI suite component...`` in ``sources.list`` and ``*.list``.
The Debian mirror is the first enabled ``deb`` source whose suite is a plain
Debian suite (not ``-security``, ``-updates``, ``-backports``). The mirror's
host is only ever read here at run time; none is written in the project.

Pure: functions take text (or a directory to read) and return values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sim.release.errors import MirrorUnreachable

DEFAULT_KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")
DEBIAN_SUITES = {
    "buster", "bullseye", "bookworm", "trixie", "forky", "duke", "sid",
    "oldoldstable", "oldstable", "stable", "testing", "unstable",
}  # fmt: skip
SUFFIXED = re.compile(r"-(security|updates|backports|proposed-updates)$")


@dataclass(frozen=True)
class Source:
    types: tuple[str, ...]
    uris: tuple[str, ...]
    suites: tuple[str, ...]
    components: tuple[str, ...] = ()
    signed_by: str = ""
    enabled: bool = True
    origin: str = ""  # file:line, for messages
    options: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Mirror:
    uri: str  # without a trailing slash
    keyring: Path
    origin: str


def parse_deb822(text: str, origin: str = "") -> list[Source]:
    """The stanzas of a deb822 ``.sources`` file (comments and folded lines handled)."""
    out: list[Source] = []
    stanza: dict[str, str] = {}
    start = 0
    last = ""

    def flush() -> None:
        if stanza:
            out.append(_from_fields(stanza, f"{origin}:{start}"))
            stanza.clear()

    for n, raw in enumerate(text.splitlines(), 1):
        if raw.startswith("#"):
            continue
        if not raw.strip():
            flush()
            continue
        if raw[0] in " \t" and last:  # a continuation line
            stanza[last] += "\n" + raw.strip()
            continue
        key, sep, value = raw.partition(":")
        if not sep:
            continue
        if not stanza:
            start = n
        last = key.strip().lower()
        stanza[last] = value.strip()
    flush()
    return out


def _from_fields(f: dict[str, str], origin: str) -> Source:
    def words(key: str) -> tuple[str, ...]:
        return tuple(f.get(key, "").split())

    signed = f.get("signed-by", "")
    if "\n" in signed or "BEGIN PGP" in signed:
        signed = ""  # an inline key: fall back to the archive keyring
    return Source(
        types=words("types"),
        uris=words("uris"),
        suites=words("suites"),
        components=words("components"),
        signed_by=signed.strip(),
        enabled=f.get("enabled", "yes").strip().lower() not in ("no", "false", "0"),
        origin=origin,
    )


LINE = re.compile(r"^(?P<type>deb(-src)?)\s+(\[(?P<opts>[^\]]*)\]\s+)?(?P<rest>.+)$")


def parse_one_line(text: str, origin: str = "") -> list[Source]:
    """The entries of a one-line ``sources.list`` file."""
    out = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        m = LINE.match(line)
        if not m:
            continue
        rest = m["rest"].split()
        if len(rest) < 2:
            continue
        opts = dict((o.split("=", 1) + [""])[:2] for o in (m["opts"] or "").split() if "=" in o)
        out.append(
            Source(
                types=(m["type"],),
                uris=(rest[0],),
                suites=(rest[1],),
                components=tuple(rest[2:]),
                signed_by=opts.get("signed-by", ""),
                origin=f"{origin}:{n}",
                options=opts,
            )
        )
    return out


def read_sources(etc_apt: Path = Path("/etc/apt")) -> list[Source]:
    """Every source of ``etc_apt`` in apt's order: sources.list, then sources.list.d."""
    out: list[Source] = []
    main = etc_apt / "sources.list"
    if main.is_file():
        out += parse_one_line(_read(main), str(main))
    parts = etc_apt / "sources.list.d"
    if parts.is_dir():
        for p in sorted(parts.iterdir()):
            if p.suffix == ".sources":
                out += parse_deb822(_read(p), str(p))
            elif p.suffix == ".list":
                out += parse_one_line(_read(p), str(p))
    return out


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


def is_debian_suite(suite: str) -> bool:
    return suite in DEBIAN_SUITES and not SUFFIXED.search(suite)


def debian_mirror(sources: list[Source], default_keyring: Path = DEFAULT_KEYRING) -> Mirror:
    """The first enabled binary source of a plain Debian suite."""
    for s in sources:
        if not s.enabled or "deb" not in s.types or not s.uris:
            continue
        if not any(is_debian_suite(x) for x in s.suites):
            continue
        keyring = Path(s.signed_by) if s.signed_by else default_keyring
        return Mirror(s.uris[0].rstrip("/"), keyring, s.origin)
    raise MirrorUnreachable(
        "no Debian mirror in the machine's apt sources (/etc/apt/sources.list and "
        "/etc/apt/sources.list.d/): need a `deb` source of a Debian suite such as bookworm"
    )
