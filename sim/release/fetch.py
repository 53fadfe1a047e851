"""Fetching a release tree: apt-get download + dpkg-deb -x into the cache.

Order of work, each step failing with its own `ReleaseError`:

1. the tree is already in the cache -> nothing to do (no network needed);
2. the Debian mirror is read from the machine's apt sources;
3. under a per-release lock, the suite's index is updated into the private
   apt state (`sim.release.aptconf`), and ``apt-cache show`` gives each
   package's version and SHA256; every version must be of the release's
   series and all four the same;
4. ``apt-get download pkg=version`` into a temporary folder next to the
   cache; each .deb's Package, Version (``dpkg-deb -f``) and SHA256 must be
   the index's;
5. ``dpkg-deb -x`` of each into ``<tmp>/tree``, ``manifest.json`` written,
   and the tree renamed into ``releases/<version>`` in one step. A fetch
   killed half-way leaves only a ``.tmp-*`` folder that the next one removes.

Commands run through `Runner` (``subprocess.run`` by default) so tests can
replace the network.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sim.release.aptconf import DIRS, AptConfig
from sim.release.aptsources import debian_mirror, read_sources
from sim.release.catalog import PACKAGES, Release, release, upstream_version
from sim.release.errors import Corrupt, MirrorUnreachable, MissingPackage, ToolMissing
from sim.release.layout import MGR_SUBDIR
from sim.release.store import MANIFEST, Tree, apt_dir, read_tree, releases_dir, tree_for

Runner = Callable[..., "subprocess.CompletedProcess[str]"]
APT_TIMEOUT = 600.0
NET_ERRORS = ("Failed to fetch", "Could not resolve", "Could not connect", "Unable to connect",
              "Temporary failure", "Connection failed", "Network is unreachable", "timed out")  # fmt: skip
TOOLS = ("apt-get", "apt-cache", "dpkg-deb")


def fetch(
    name: str,
    root: Path | None = None,
    etc_apt: Path = Path("/etc/apt"),
    run: Runner = subprocess.run,
    say: Callable[[str], None] = lambda _: None,
) -> tuple[Tree, bool]:
    """The tree of release ``name`` and whether this call fetched it."""
    rel = release(name)
    have = tree_for(rel.series, root)
    if have is not None:
        return have, False
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        raise ToolMissing(
            f"cannot fetch Ceph {rel.series}: {', '.join(missing)} not found (Debian's apt and dpkg)"
        )
    mirror = debian_mirror(read_sources(etc_apt))
    out = releases_dir(root)
    out.mkdir(parents=True, exist_ok=True)
    with _lock(out / f".lock-{rel.series}"):
        have = tree_for(rel.series, root)
        if have is not None:
            return have, False
        conf = AptConfig(apt_dir(rel.suite, root), mirror, rel.suite)
        _prepare(conf)
        say(f"updating the {rel.suite} index (private apt state in {conf.root})")
        _apt(
            run, ["apt-get", *conf.options(), "-q", "update"], what=f"update the {rel.suite} index"
        )
        index = {p: _index_entry(run, conf, rel, p) for p in PACKAGES}
        versions = {e["Version"] for e in index.values()}
        if len(versions) != 1:
            listing = ", ".join(f"{p} {e['Version']}" for p, e in index.items())
            raise MissingPackage(f"{rel.suite} offers mixed versions: {listing}")
        version = upstream_version(versions.pop())
        _clean_stale(out, rel.series)
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{rel.series}-", dir=out))
        try:
            tree = _download_and_unpack(run, conf, rel, index, tmp, say)
            final = out / version
            if final.exists():  # a tree without a manifest: not a tree
                shutil.rmtree(final)
            tree.rename(final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    got = read_tree(final)
    assert got is not None, final
    return got, True


def _prepare(conf: AptConfig) -> None:
    for d in DIRS:
        (conf.root / d).mkdir(parents=True, exist_ok=True)
    for path, text in conf.files().items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


def _apt(run: Runner, argv: list[str], what: str, cwd: Path | None = None) -> str:
    try:
        r = run(argv, cwd=cwd, capture_output=True, text=True, timeout=APT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise MirrorUnreachable(
            f"cannot {what}: {argv[0]} timed out after {APT_TIMEOUT:g}s"
        ) from exc
    err = (r.stderr or "").strip()
    lines = [ln for ln in err.splitlines() if ln.startswith(("E:", "W:", "Err:"))]
    failed_fetch = any(ln.startswith(("E:", "Err:")) or "Failed to fetch" in ln for ln in lines)
    if r.returncode == 0 and not failed_fetch:
        return r.stdout or ""
    detail = " | ".join(lines[-3:]) or err[-300:] or f"exit {r.returncode}"
    if any(s in err for s in NET_ERRORS):
        raise MirrorUnreachable(f"cannot {what}: the Debian mirror is not reachable ({detail})")
    raise MissingPackage(f"cannot {what}: {detail}")


def _index_entry(run: Runner, conf: AptConfig, rel: Release, package: str) -> dict[str, str]:
    try:
        text = _apt(run, ["apt-cache", *conf.options(), "show", "--no-all-versions", package],
                    what=f"look up {package} in {rel.suite}")  # fmt: skip
    except MissingPackage as exc:
        raise MissingPackage(f"{rel.suite} has no package {package} ({exc})") from exc
    fields = _control_fields(text)
    if "Version" not in fields:
        raise MissingPackage(f"{rel.suite} has no package {package}")
    if not rel.owns(upstream_version(fields["Version"])):
        raise MissingPackage(
            f"{rel.suite} offers {package} {fields['Version']}, not of Ceph {rel.series}"
        )
    return fields


def _control_fields(text: str) -> dict[str, str]:
    """The first stanza of ``apt-cache show`` / ``dpkg-deb -f`` output."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if out:
                break
            continue
        if line[0] in " \t":
            continue
        key, sep, value = line.partition(":")
        if sep:
            out[key.strip()] = value.strip()
    return out


def _download_and_unpack(
    run: Runner,
    conf: AptConfig,
    rel: Release,
    index: dict[str, dict[str, str]],
    tmp: Path,
    say: Callable[[str], None],
) -> Path:
    debs, tree = tmp / "debs", tmp / "tree"
    debs.mkdir()
    tree.mkdir()
    wanted = [f"{p}={e['Version']}" for p, e in index.items()]
    say(f"downloading {', '.join(wanted)}")
    _apt(run, ["apt-get", *conf.options(), "-q", "download", *wanted], cwd=debs,
         what=f"download Ceph {rel.series}")  # fmt: skip
    packages: list[dict[str, Any]] = []
    for p, entry in index.items():
        deb = _one_deb(debs, p)
        ctl = _control_fields(_dpkg_deb(run, "-f", str(deb), "Package", "Version"))
        if (ctl.get("Package"), ctl.get("Version")) != (p, entry["Version"]):
            raise Corrupt(
                f"{deb.name} is {ctl.get('Package')} {ctl.get('Version')}, not {p} {entry['Version']}"
            )
        digest = _sha256(deb)
        if entry.get("SHA256") and entry["SHA256"] != digest:
            raise Corrupt(f"{deb.name}: sha256 {digest} is not the index's {entry['SHA256']}")
        _dpkg_deb(run, "-x", str(deb), str(tree))
        packages.append({"package": p, "version": entry["Version"], "sha256": digest,
                         "size": deb.stat().st_size, "file": deb.name})  # fmt: skip
    if not (tree / MGR_SUBDIR / "mgr_module.py").is_file():
        raise Corrupt(f"the unpacked Ceph {rel.series} has no {MGR_SUBDIR}/mgr_module.py")
    manifest = {
        "release": rel.series,
        "version": upstream_version(index[PACKAGES[0]]["Version"]),
        "suite": rel.suite,
        "mgr_dir": str(MGR_SUBDIR),
        "fetched": time.time(),
        "packages": packages,
    }
    (tree / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return tree


def _dpkg_deb(run: Runner, *args: str) -> str:
    r = run(["dpkg-deb", *args], capture_output=True, text=True, timeout=APT_TIMEOUT, check=False)
    if r.returncode != 0:
        raise Corrupt(f"dpkg-deb {args[0]} {args[1]} failed: {(r.stderr or '').strip()[-300:]}")
    return r.stdout or ""


def _one_deb(debs: Path, package: str) -> Path:
    found = sorted(debs.glob(f"{package}_*.deb"))
    if len(found) != 1:
        raise MissingPackage(f"apt-get download left {len(found)} files for {package}")
    return found[0]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _clean_stale(out: Path, series: str) -> None:
    """Remove ``.tmp-*`` folders of fetches that died: this release's (we hold its
    lock, so none is live) and any other older than a day."""
    for p in out.glob(".tmp-*"):
        with contextlib.suppress(OSError):
            if p.name.startswith(f".tmp-{series}-") or time.time() - p.stat().st_mtime > 86400:
                shutil.rmtree(p, ignore_errors=True)


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
