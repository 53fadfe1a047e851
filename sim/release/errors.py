"""Errors of fetching and selecting release trees, each with its exit code.

The CLI turns one into one line on stderr and its `exit_code`; the
launcher and the scenario runner show the message.
"""

from __future__ import annotations


class ReleaseError(RuntimeError):
    """Base class; ``exit_code`` is what ``python -m sim release`` exits with."""

    exit_code = 1


class UnknownRelease(ReleaseError):
    exit_code = 2


class BadTree(ReleaseError):
    """A ``--ceph-python`` folder that is not a manager Python tree."""

    exit_code = 2


class NotFetched(ReleaseError):
    exit_code = 3


class MirrorUnreachable(ReleaseError):
    """No Debian mirror in the apt sources, or apt-get cannot reach it."""

    exit_code = 4


class MissingPackage(ReleaseError):
    """The suite lacks a package, or offers a version of another release."""

    exit_code = 5


class ToolMissing(ReleaseError):
    """``apt-get`` or ``dpkg-deb`` is not installed."""

    exit_code = 6


class Corrupt(ReleaseError):
    """A downloaded .deb whose name, version or checksum is not the index's."""

    exit_code = 7
