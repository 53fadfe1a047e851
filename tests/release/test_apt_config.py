"""The mirror read from apt sources (deb822 and one-line), and the private apt
configuration built from it. Pure: fixture files, no apt, no network."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.release.aptconf import DIRS, AptConfig
from sim.release.aptsources import (
    DEFAULT_KEYRING,
    Mirror,
    debian_mirror,
    parse_deb822,
    parse_one_line,
    read_sources,
)
from sim.release.errors import MirrorUnreachable

# example.org / example.net are reserved for documentation (RFC 2606)
DEB822 = """\
Types: deb
# http://archive.example.org/debian/20250520T000000Z
URIs: http://mirror.example.org/debian/
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""

ONE_LINE = """\
# a comment
deb-src http://src.example.net/debian bookworm main
deb http://security.example.net/debian-security bookworm-security main
deb [arch=amd64 signed-by=/etc/apt/keyrings/mine.gpg] http://one.example.net/debian/ trixie main contrib  # tail
"""


def test_deb822_stanzas_with_comments() -> None:
    got = parse_deb822(DEB822, "debian.sources")
    assert [s.suites for s in got] == [("bookworm", "bookworm-updates"), ("bookworm-security",)]
    assert got[0].uris == ("http://mirror.example.org/debian/",)  # the comment is not a URI
    assert got[0].signed_by == "/usr/share/keyrings/debian-archive-keyring.gpg"
    assert got[0].origin == "debian.sources:1" and got[1].origin == "debian.sources:8"


def test_deb822_mirror_is_the_plain_suite_without_trailing_slash() -> None:
    m = debian_mirror(parse_deb822(DEB822))
    assert m.uri == "http://mirror.example.org/debian"
    assert m.keyring == Path("/usr/share/keyrings/debian-archive-keyring.gpg")


def test_deb822_disabled_and_inline_key_and_folded_fields() -> None:
    text = """\
Types: deb
URIs: http://off.example.org/debian
Suites: bookworm
Enabled: no

Types: deb deb-src
URIs: http://on.example.org/debian
Suites:
 sid
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 abc
"""
    m = debian_mirror(parse_deb822(text))
    assert m.uri == "http://on.example.org/debian"
    assert m.keyring == DEFAULT_KEYRING  # an inline key: the archive keyring instead


def test_one_line_form_options_and_skips() -> None:
    got = parse_one_line(ONE_LINE, "sources.list")
    assert [(s.types, s.suites) for s in got] == [
        (("deb-src",), ("bookworm",)),
        (("deb",), ("bookworm-security",)),
        (("deb",), ("trixie",)),
    ]
    assert got[2].components == ("main", "contrib")
    m = debian_mirror(got)  # not deb-src, not -security
    assert m == Mirror(
        "http://one.example.net/debian", Path("/etc/apt/keyrings/mine.gpg"), "sources.list:4"
    )


def test_read_sources_reads_both_forms_in_apt_order(tmp_path: Path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list").write_text("deb http://first.example.org/debian bookworm main\n")
    (tmp_path / "sources.list.d" / "debian.sources").write_text(DEB822)
    (tmp_path / "sources.list.d" / "other.list.disabled").write_text(ONE_LINE)
    got = read_sources(tmp_path)
    assert [s.uris[0] for s in got] == [
        "http://first.example.org/debian",
        "http://mirror.example.org/debian/",
        "http://mirror.example.org/debian-security",
    ]
    assert debian_mirror(got).uri == "http://first.example.org/debian"
    assert debian_mirror(got).keyring == DEFAULT_KEYRING


def test_no_debian_source_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "sources.list").write_text("deb http://x.example.org/ubuntu noble main\n")
    with pytest.raises(MirrorUnreachable, match="no Debian mirror in the machine's apt sources"):
        debian_mirror(read_sources(tmp_path))
    with pytest.raises(MirrorUnreachable):
        debian_mirror(read_sources(tmp_path / "nothing"))


def test_private_config_points_every_apt_dir_inside_its_root(tmp_path: Path) -> None:
    mirror = Mirror("http://mirror.example.org/debian", Path("/k.gpg"), "x")
    conf = AptConfig(tmp_path / "apt", mirror, "trixie")
    assert (
        conf.sources_line()
        == "deb [signed-by=/k.gpg] http://mirror.example.org/debian trixie main\n"
    )
    opts = conf.options(user="alice")
    assert opts[0::2] == ["-o"] * (len(opts) // 2)
    pairs = dict(o.split("=", 1) for o in opts[1::2])
    assert pairs["Dir::Etc::SourceParts"] == "-"  # the system's sources.list.d is not read
    assert pairs["Dir::Etc::SourceList"] == str(conf.sources_list)
    assert pairs["APT::Sandbox::User"] == "alice"
    for key in ("Dir::State", "Dir::State::Lists", "Dir::State::status", "Dir::Cache",
                "Dir::Cache::archives", "Dir::Etc::PreferencesParts", "Dir::Etc::TrustedParts",
                "Dir::Log"):  # fmt: skip
        assert Path(pairs[key]).is_relative_to(tmp_path / "apt"), key
    assert conf.files() == {conf.sources_list: conf.sources_line(), conf.status: ""}
    assert all(not Path(d).is_absolute() for d in DIRS)
