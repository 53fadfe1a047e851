"""`python -m sim release`: fetch and list Ceph release trees.

    release fetch 16.2|18.2|20.2 [--cache DIR]   download into the cache (idempotent)
    release ls [--cache DIR] [--json]            fetched trees and what can be fetched

Exit codes: 0 done, 2 unknown release, 4 the Debian mirror is not reachable
(or none is configured), 5 a package or version is missing, 6 apt-get or
dpkg-deb is missing, 7 a download did not match the index.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sim.release.catalog import RELEASES
from sim.release.errors import ReleaseError
from sim.release.store import releases_dir, trees


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m sim release", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="verb", required=True)
    f = sub.add_parser("fetch", help="download a release's manager Python into the cache")
    f.add_argument("release", help=", ".join(RELEASES))
    ls = sub.add_parser("ls", help="fetched trees and the releases that can be fetched")
    ls.add_argument("--json", action="store_true")
    for sp in (f, ls):
        sp.add_argument("--cache", type=Path, default=None,
                        help="cache root (default $XDG_CACHE_HOME/ceph-mgr-sim)")  # fmt: skip
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.verb == "fetch":
            return _fetch(args.release, args.cache)
        return _ls(args.cache, args.json)
    except ReleaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


def _fetch(name: str, cache: Path | None) -> int:
    from sim.release.fetch import fetch

    tree, fetched = fetch(name, cache, say=lambda m: print(m, file=sys.stderr))
    word = "fetched" if fetched else "already fetched"
    print(f"Ceph {tree.version} {word}: {tree.mgr_dir}")
    return 0


def _ls(cache: Path | None, as_json: bool) -> int:
    have = trees(cache)
    rows: list[dict[str, Any]] = [
        {"release": t.release, "version": t.version, "path": str(t.mgr_dir), "size": t.size()}
        for t in have
    ]
    fetched = {t.release for t in have}
    available = [
        {
            "release": r.series,
            "codename": r.codename,
            "suite": r.suite,
            "fetched": r.series in fetched,
        }
        for r in RELEASES.values()
    ]
    if as_json:
        print(json.dumps({"trees": rows, "available": available}, indent=2))
        return 0
    print(f"fetched trees in {releases_dir(cache)}:")
    if not rows:
        print("  (none)")
    for row in rows:
        print(f"  {row['version']:<10} {row['size'] / 1e6:6.1f} MB  {row['path']}")
    print("releases (python -m sim release fetch R):")
    for a in available:
        state = "fetched" if a["fetched"] else "not fetched"
        print(f"  {a['release']:<6} {a['codename']:<9} Debian {a['suite']:<9} {state}")
    return 0
