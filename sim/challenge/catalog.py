"""The shipped challenges: find them, read ``challenge.yaml``, list their parts.

Harness layer; imported by `sim.challenge.cli` and `sim.challenge.grading`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from sim.resources import challenges_dir

KEYS = ("number", "name", "title", "module", "about")
SOLUTIONS = ("skeleton", "reference", "broken")


class ChallengeError(Exception):
    """Bad input to `python -m sim challenge` (exit 2): said once, plainly."""


@dataclass(frozen=True)
class Challenge:
    number: int
    name: str
    title: str
    module: str  # the mgr module name the challenge's scenarios enable
    about: str
    path: Path

    @property
    def statement(self) -> Path:
        return self.path / "statement.md"

    def solution(self, kind: str) -> Path:
        """``skeleton``, ``reference`` or ``broken``: a module directory."""
        if kind not in SOLUTIONS:
            raise ChallengeError(
                f"unknown solution {kind!r}; expected one of {', '.join(SOLUTIONS)}"
            )
        return self.path / kind

    def scenarios(self) -> list[Path]:
        """The grading scenarios, in name order."""
        return sorted((self.path / "grading").glob("*.yaml"))


def _read(folder: Path) -> Challenge:
    meta_file = folder / "challenge.yaml"
    try:
        meta = yaml.safe_load(meta_file.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ChallengeError(f"{meta_file}: cannot read: {exc}") from exc
    if not isinstance(meta, dict) or any(k not in meta for k in KEYS):
        raise ChallengeError(f"{meta_file}: needs the keys {', '.join(KEYS)}")
    return Challenge(
        int(meta["number"]), str(meta["name"]), str(meta["title"]), str(meta["module"]),
        str(meta["about"]), folder,
    )  # fmt: skip


def load_all(root: Path | None = None) -> list[Challenge]:
    """Every challenge under ``root`` (default: the shipped ones), by number."""
    root = root or challenges_dir()
    found = [_read(d) for d in sorted(root.iterdir()) if (d / "challenge.yaml").is_file()]
    return sorted(found, key=lambda c: c.number)


def find(which: str, root: Path | None = None) -> Challenge:
    """A challenge by number (``1``) or name (``fresh_or_stale``)."""
    every = load_all(root)
    for c in every:
        if which in (str(c.number), c.name, c.path.name):
            return c
    known = ", ".join(f"{c.number} ({c.name})" for c in every) or "none"
    raise ChallengeError(f"no such challenge: {which!r}; the challenges are {known}")
