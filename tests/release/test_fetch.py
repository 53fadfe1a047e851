"""Fetching a tree: the steps with apt replaced by a fake (versions, checksums,
atomic rename, idempotence, errors and exit codes); real apt-get against a
closed loopback port (no network: a clear error, the system's apt untouched);
the `release` CLI."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sim.release import fetch as fetch_mod
from sim.release.catalog import PACKAGES
from sim.release.cli import main as release_cli
from sim.release.errors import Corrupt, MirrorUnreachable, MissingPackage
from sim.release.fetch import fetch

from .conftest import apt_state

VERSION = "16.2.15+ds-0+deb12u2"


def etc_apt(tmp_path: Path, uri: str) -> Path:
    d = tmp_path / "etc-apt"
    (d / "sources.list.d").mkdir(parents=True)
    (d / "sources.list.d" / "debian.sources").write_text(
        f"Types: deb\nURIs: {uri}\nSuites: bookworm\nComponents: main\n"
    )
    return d


class FakeApt:
    """Answers apt-get / apt-cache / dpkg-deb as a mirror with ``versions`` would."""

    def __init__(self, versions: dict[str, str], corrupt: str = "") -> None:
        self.versions = versions
        self.corrupt = corrupt  # a package whose download differs from the index
        self.calls: list[list[str]] = []

    def body(self, package: str) -> bytes:
        return f"deb of {package}".encode()

    def __call__(self, argv: list[str], cwd: Path | None = None, **_: Any) -> Any:
        self.calls.append(argv)
        if argv[0] == "apt-get" and argv[-1] == "update":
            return self.done("")
        if argv[0] == "apt-cache":
            pkg = argv[-1]
            if pkg not in self.versions:
                return self.done("", "E: No packages found", 100)
            sha = hashlib.sha256(self.body(pkg)).hexdigest()
            return self.done(f"Package: {pkg}\nVersion: {self.versions[pkg]}\nSHA256: {sha}\n\n")
        if argv[0] == "apt-get" and "download" in argv:
            assert cwd is not None
            for spec in argv[argv.index("download") + 1 :]:
                pkg, ver = spec.split("=")
                data = self.body(pkg) + (b"!" if pkg == self.corrupt else b"")
                (cwd / f"{pkg}_{ver}_all.deb").write_bytes(data)
            return self.done("")
        if argv[:2] == ["dpkg-deb", "-f"]:
            pkg = Path(argv[2]).name.split("_")[0]
            return self.done(f"Package: {pkg}\nVersion: {self.versions[pkg]}\n")
        if argv[:2] == ["dpkg-deb", "-x"]:
            pkg = Path(argv[2]).name.split("_")[0]
            out = Path(argv[3])
            if pkg == "ceph-mgr":
                (out / "usr/share/ceph/mgr").mkdir(parents=True, exist_ok=True)
                (out / "usr/share/ceph/mgr/mgr_module.py").write_text("# fake\n")
            return self.done("")
        raise AssertionError(f"unexpected command {argv}")

    @staticmethod
    def done(out: str, err: str = "", rc: int = 0) -> Any:
        return subprocess.CompletedProcess([], rc, out, err)


@pytest.fixture
def no_tool_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch_mod, "TOOLS", ())


def test_fetch_verifies_records_and_renames_into_place(
    cache: Path, tmp_path: Path, no_tool_check: None
) -> None:
    apt = FakeApt(dict.fromkeys(PACKAGES, VERSION))
    tree, fetched = fetch(
        "16.2", etc_apt=etc_apt(tmp_path, "http://mirror.example.org/debian"), run=apt
    )
    assert fetched and tree.path == cache / "releases" / "16.2.15"
    assert (tree.mgr_dir / "mgr_module.py").read_text() == "# fake\n"
    manifest = json.loads((tree.path / "manifest.json").read_text())
    assert manifest["release"] == "16.2" and manifest["version"] == "16.2.15"
    assert [(p["package"], p["version"]) for p in manifest["packages"]] == [
        (p, VERSION) for p in PACKAGES
    ]
    assert manifest["packages"][0]["sha256"] == hashlib.sha256(b"deb of ceph-mgr").hexdigest()
    assert [p.name for p in (cache / "releases").iterdir() if not p.name.startswith(".lock")] == [
        "16.2.15"
    ]
    sources = (cache / "apt" / "bookworm" / "etc" / "sources.list").read_text()
    assert sources.startswith(
        "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example.org/debian bookworm main"
    )
    download = next(c for c in apt.calls if "download" in c)
    assert download[-4:] == [f"{p}={VERSION}" for p in PACKAGES]
    # idempotent: a second fetch asks nothing of apt (works offline)
    again = FakeApt({})
    tree2, fetched2 = fetch("pacific", etc_apt=tmp_path / "missing", run=again)
    assert (tree2.path, fetched2, again.calls) == (tree.path, False, [])


@pytest.mark.parametrize(
    "versions, corrupt, error, fragment",
    [
        ({p: VERSION for p in PACKAGES if p != "python3-ceph-argparse"}, "", MissingPackage,
         "bookworm has no package python3-ceph-argparse"),
        (dict.fromkeys(PACKAGES, "17.2.7-1"), "", MissingPackage, "not of Ceph 16.2"),
        (dict.fromkeys(PACKAGES, VERSION) | {"ceph-mgr": "16.2.14-1"}, "", MissingPackage, "mixed versions"),
        (dict.fromkeys(PACKAGES, VERSION), "python3-ceph-common", Corrupt, "is not the index's"),
    ],
)  # fmt: skip
def test_fetch_errors_leave_nothing_behind(
    cache: Path, tmp_path: Path, no_tool_check: None,
    versions: dict[str, str], corrupt: str, error: type[Exception], fragment: str,
) -> None:  # fmt: skip
    with pytest.raises(error, match=fragment):
        fetch(
            "16.2",
            etc_apt=etc_apt(tmp_path, "http://mirror.example.org/debian"),
            run=FakeApt(versions, corrupt),
        )
    left = [p.name for p in (cache / "releases").iterdir() if not p.name.startswith(".lock")]
    assert left == []  # no tree, no temporary folder


def test_exit_codes(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert release_cli(["fetch", "17.2"]) == 2
    assert "unknown Ceph release '17.2'" in capsys.readouterr().err
    assert release_cli(["ls", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing["trees"] == []
    assert [(a["release"], a["fetched"]) for a in listing["available"]] == [
        ("16.2", False), ("18.2", False), ("20.2", False)]  # fmt: skip


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(shutil.which("apt-get") is None, reason="needs Debian's apt-get")
def test_unreachable_mirror_is_a_clear_error_and_apt_state_is_untouched(
    cache: Path, tmp_path: Path
) -> None:
    before = apt_state()
    conf = etc_apt(tmp_path, f"http://127.0.0.1:{closed_port()}/debian")
    with pytest.raises(MirrorUnreachable, match="the Debian mirror is not reachable") as exc:
        fetch("16.2", etc_apt=conf)
    assert exc.value.exit_code == 4
    assert apt_state() == before
    assert [p.name for p in (cache / "releases").iterdir() if not p.name.startswith(".lock")] == []
    assert (cache / "apt" / "bookworm" / "lists").is_dir()  # its own lists dir was used
