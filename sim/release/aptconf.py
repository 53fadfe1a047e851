"""A private apt configuration: its own sources list, lists, cache and status.

``AptConfig(root, mirror, suite)`` names a directory tree under ``root``
that apt uses instead of the system's: ``sources.list`` (one line naming
the mirror, the suite and ``main``, signed by the mirror's keyring),
``lists/``, ``cache/``, ``state/`` with an empty ``status``, empty
``preferences.d`` and ``trusted.gpg.d``. `options()` gives the ``-o``
arguments that point apt-get and apt-cache there, so the system's
``/var/lib/apt`` and ``/var/cache/apt`` are never read for packages nor
written. The system's ``apt.conf.d`` is still read (a proxy set there
keeps working).

Pure: `files()` says what to write, `options()` what to pass; the caller
(`sim.release.fetch`) writes and runs.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

from sim.release.aptsources import Mirror

DIRS = (
    "etc/preferences.d",
    "etc/trusted.gpg.d",
    "lists/partial",
    "cache/archives/partial",
    "state",
)


@dataclass(frozen=True)
class AptConfig:
    root: Path
    mirror: Mirror
    suite: str
    component: str = "main"

    @property
    def sources_list(self) -> Path:
        return self.root / "etc" / "sources.list"

    @property
    def status(self) -> Path:
        return self.root / "state" / "status"

    def sources_line(self) -> str:
        return f"deb [signed-by={self.mirror.keyring}] {self.mirror.uri} {self.suite} {self.component}\n"

    def files(self) -> dict[Path, str]:
        """Files to write (path -> content); directories are `DIRS` under root."""
        return {self.sources_list: self.sources_line(), self.status: ""}

    def options(self, user: str | None = None) -> list[str]:
        """``-o`` arguments for apt-get / apt-cache."""
        r = self.root
        if user is None:
            user = _user()
        pairs = [
            ("Dir::Etc::SourceList", r / "etc" / "sources.list"),
            ("Dir::Etc::SourceParts", "-"),
            ("Dir::Etc::Preferences", r / "etc" / "preferences"),
            ("Dir::Etc::PreferencesParts", r / "etc" / "preferences.d"),
            ("Dir::Etc::Trusted", r / "etc" / "trusted.gpg"),
            ("Dir::Etc::TrustedParts", r / "etc" / "trusted.gpg.d"),
            ("Dir::State", r / "state"),
            ("Dir::State::Lists", r / "lists"),
            ("Dir::State::status", self.status),
            ("Dir::Cache", r / "cache"),
            ("Dir::Cache::archives", r / "cache" / "archives"),
            ("Dir::Log", r / "log"),
            # apt drops to `_apt` for downloads when root; our dirs are the user's own
            ("APT::Sandbox::User", user),
            ("Acquire::Languages", "none"),
            ("APT::Get::List-Cleanup", "false"),
        ]
        out: list[str] = []
        for key, value in pairs:
            out += ["-o", f"{key}={value}"]
        return out


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())
