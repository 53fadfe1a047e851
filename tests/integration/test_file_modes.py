"""What a cluster writes is its owner's alone, whatever the operator's umask (issue 14 item 7).

Ceph keeps keyrings 0600 and its data directories closed to others; here the
run directory, the mon stores, the logs, the events and the address book are
created by processes started with `sim.cluster.PRIVATE_UMASK`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.testing import running_cluster


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)  # the usual default: files 0644, directories 0755
    try:
        yield
    finally:
        os.umask(old)


def test_nothing_in_a_run_directory_is_open_to_others(tmp_path: Path, loose_umask: None) -> None:
    run = tmp_path / "cluster"
    with running_cluster(run, mons=1, mgrs=1) as c:
        c.mon_command(
            {"prefix": "config set", "who": "mgr", "name": "mgr_tick_period", "value": "1"}
        )
        paths = [run, *run.rglob("*")]
        kinds = {p.suffix for p in paths if p.is_file()}
        # the store, the logs, the events, the spec and the keyring are all there
        assert {".db", ".log", ".jsonl", ".json"} <= kinds, kinds
        assert (run / "keyring").is_file()
        loose = [
            f"{p.relative_to(tmp_path)} {stat.filemode(p.stat().st_mode)}"
            for p in paths
            if p.exists() and not p.is_socket() and p.stat().st_mode & 0o077
        ]
        assert not loose, loose
