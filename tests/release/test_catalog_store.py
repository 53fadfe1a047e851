"""Release names, the cache's trees, tree layouts and selections (no network)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.release import store
from sim.release.catalog import release, upstream_version
from sim.release.errors import BadTree, NotFetched, ReleaseError, UnknownRelease
from sim.release.layout import mgr_dir, python_paths, stock_modules
from sim.release.select import EMBEDDED, resolve

from .conftest import make_tree


def test_release_names() -> None:
    assert release("16.2").suite == "bookworm"
    assert release(" Reef ").series == "18.2"
    assert release("20.2.4").codename == "tentacle"
    with pytest.raises(UnknownRelease, match="known: 16.2 \\(pacific\\), 18.2"):
        release("17.2")
    with pytest.raises(UnknownRelease):
        release("16.20")


def test_upstream_version_of_debian_versions() -> None:
    assert upstream_version("16.2.15+ds-0+deb12u2") == "16.2.15"
    assert upstream_version("18.2.7+ds-1+deb13u1") == "18.2.7"
    assert upstream_version("1:20.2.4-2") == "20.2.4"
    assert upstream_version("19.2.0~rc1") == "19.2.0"


def test_cache_follows_xdg(cache: Path) -> None:
    assert store.releases_dir() == cache / "releases"
    assert store.apt_dir("sid") == cache / "apt" / "sid"


def test_trees_need_a_manifest_and_mgr_module(cache: Path) -> None:
    make_tree(cache, "16.2", "16.2.14")
    mgr = make_tree(cache, "16.2", "16.2.15")
    make_tree(cache, "18.2", "18.2.7")
    (cache / "releases" / "18.2.7" / "usr/share/ceph/mgr/mgr_module.py").unlink()
    (cache / "releases" / ".tmp-20.2-abc" / "usr").mkdir(parents=True)  # a fetch that died
    (cache / "releases" / "20.2.4").mkdir()  # no manifest
    assert [t.version for t in store.trees()] == ["16.2.14", "16.2.15"]
    tree = store.tree_for("16.2")
    assert tree is not None and tree.mgr_dir == mgr
    assert tree.size() == (tree.path / "manifest.json").stat().st_size  # the module files are empty
    assert store.tree_for("16.2.14") is not None and store.tree_for("16.2.14").version == "16.2.14"  # type: ignore[union-attr]
    assert store.tree_for("pacific") is not None
    assert store.tree_for("18.2") is None and store.tree_for("20.2") is None


def test_mgr_dir_accepts_three_layouts(tmp_path: Path) -> None:
    installed = tmp_path / "root/usr/share/ceph/mgr"
    (tmp_path / "root/usr/lib/python3/dist-packages").mkdir(parents=True)
    checkout = tmp_path / "ceph/src/pybind/mgr"
    (tmp_path / "ceph/src/python-common").mkdir(parents=True)
    for d in (installed, checkout):
        (d / "crash").mkdir(parents=True)
        (d / "mgr_module.py").write_text("")
        (d / "crash" / "module.py").write_text("")
    assert mgr_dir(installed) == installed
    assert mgr_dir(tmp_path / "root") == installed  # the tree root is found too
    assert mgr_dir(tmp_path / "ceph") == checkout
    assert python_paths(installed) == [installed, tmp_path / "root/usr/lib/python3/dist-packages"]
    assert python_paths(checkout) == [checkout, tmp_path / "ceph/src/python-common",
                                      tmp_path / "ceph/src/pybind"]  # fmt: skip
    assert stock_modules(checkout) == ["crash"]
    with pytest.raises(BadTree, match="no mgr_module.py there"):
        mgr_dir(tmp_path)
    with pytest.raises(BadTree, match="no such directory"):
        mgr_dir(tmp_path / "nope")


def test_resolve_selections(cache: Path, tmp_path: Path) -> None:
    assert resolve() == EMBEDDED and EMBEDDED.mgr_args() == []
    with pytest.raises(NotFetched) as exc:
        resolve("18.2")
    assert "run `python -m sim release fetch 18.2`" in str(exc.value)
    assert exc.value.exit_code == 3
    mgr = make_tree(cache, "18.2", "18.2.7")
    sel = resolve("18.2")
    assert (sel.ceph_release, sel.ceph_python) == ("18.2.7", str(mgr))
    assert sel.mgr_args() == ["--ceph-python", str(mgr)]
    own = resolve(ceph_python=mgr.parent.parent.parent.parent)
    assert (own.ceph_release, own.ceph_python) == ("", str(mgr))
    with pytest.raises(ReleaseError, match="not both"):
        resolve("18.2", mgr)
    with pytest.raises(UnknownRelease):
        resolve("15.2")
