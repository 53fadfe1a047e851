"""Which Ceph releases can be fetched, from which Debian suite, as which packages.

A release is named by its series (``16.2``); its Debian suite decides the
exact point version (whatever that suite carries today: 16.2.15 in bookworm,
18.2.7 in trixie, 20.2.4 in sid when this was written). The fetch checks that
the suite's version belongs to the series.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.release.errors import UnknownRelease

PACKAGES = ("ceph-mgr", "ceph-mgr-modules-core", "python3-ceph-common", "python3-ceph-argparse")


@dataclass(frozen=True)
class Release:
    series: str  # "16.2"
    codename: str  # Ceph's: pacific, reef, tentacle
    suite: str  # Debian's: bookworm, trixie, sid

    def owns(self, upstream_version: str) -> bool:
        """Whether ``16.2.15`` (an upstream version) is of this series."""
        return upstream_version.startswith(self.series + ".")


RELEASES: dict[str, Release] = {
    r.series: r
    for r in (
        Release("16.2", "pacific", "bookworm"),
        Release("18.2", "reef", "trixie"),
        Release("20.2", "tentacle", "sid"),
    )
}


def release(name: str) -> Release:
    """The release named ``16.2``, ``16.2.15`` or ``pacific``."""
    text = str(name).strip().lower()
    for r in RELEASES.values():
        if text in (r.series, r.codename) or r.owns(text):
            return r
    known = ", ".join(f"{r.series} ({r.codename})" for r in RELEASES.values())
    raise UnknownRelease(f"unknown Ceph release {name!r}; known: {known}")


def upstream_version(debian_version: str) -> str:
    """``16.2.15`` of ``16.2.15+ds-0+deb12u2`` (also drops an epoch)."""
    v = debian_version.split(":", 1)[-1]
    v = v.rsplit("-", 1)[0] if "-" in v else v
    return v.split("+", 1)[0].split("~", 1)[0]
