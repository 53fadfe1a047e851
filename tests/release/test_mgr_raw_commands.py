"""The mgr takes a raw command map (a module's ``mon_command``-style caller,
a hand-written client) as a Ceph 16.2 mgr does: the commands and answers in
tests/data/ceph16/mgr_raw_commands.jsonl were sent with python3-rados's
``mgr_command`` to a real 16.2 mgr. Its own commands read their arguments
typed (``bad or missing field 'states'``), a non-string ``format`` is refused
for every command, a module's command is *not* checked against its
descriptor (``balancer mode bogus`` reaches the module and succeeds; a
missing required argument is the module's own KeyError), and a choice the
mgr's C++ does not look at passes (``osd df`` with ``output_method bogus``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sim.testing import running_cluster, wait_until
from tests.golden import CEPH16
from tests.release.test_stock_selftest import release_tree

pytestmark = pytest.mark.integration
CAPTURED: list[dict[str, Any]] = [
    json.loads(line) for line in (CEPH16 / "mgr_raw_commands.jsonl").read_text().splitlines()
]


def test_raw_commands_are_answered_as_a_16_2_mgr_answers(tmp_path: Path) -> None:
    release_tree("16.2")
    options = {"mgr_disabled_modules": "dashboard restful prometheus telemetry volumes nfs"}
    with running_cluster(tmp_path / "run", mons=1, mgrs=1, osds=3, options=options,
                         ceph_release="16.2") as c:  # fmt: skip
        wait_until(lambda: c.mgr_command({"prefix": "balancer status"})[0] == 0, 60, "balancer up")
        mismatches = []
        for row in CAPTURED:
            rc, _out, outs = c.mgr_command(row["cmd"])
            want = row["outs"]
            if want.startswith("Traceback"):  # the module's own error: its last line
                same = rc == row["retval"] and outs.splitlines()[-1:] == want.splitlines()[-1:]
            else:
                same = (rc, outs) == (row["retval"], want)
            if not same:
                mismatches.append(f"{json.dumps(row['cmd'])}: ours {rc} {outs[-120:]!r}, "
                                  f"Ceph's {row['retval']} {want[-120:]!r}")  # fmt: skip
        assert not mismatches, "\n".join(mismatches)
