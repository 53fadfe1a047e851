"""SLOW_OPS and PG_AVAILABILITY with real processes: a client's write on a PG below
``min_size`` blocks; once older than ``osd_op_complaint_time`` (lowered with ``ceph
config set osd``) the PG's primary reports it and ``health detail`` says so in Ceph
16.2's words; when the OSDs return the write completes and both checks clear."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sim import rados
from sim.maps.pgmap import object_pg
from sim.testing import TestCluster, wait_until
from tests.fleet.helpers import fleet_cluster, osd_up

pytestmark = pytest.mark.integration
DEADLINE = 20.0
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def c(tmp_path: Path) -> Iterator[TestCluster]:
    with fleet_cluster(tmp_path / "c", osds=12, mgrs=1) as cl:  # 3 hosts: size 3, min_size 2
        yield cl


def health(c: TestCluster) -> dict[str, Any]:
    rc, out, err = c.mon_command({"prefix": "health", "detail": "detail", "format": "json"})
    assert rc == 0, err
    return dict(json.loads(out))


def detail_text(c: TestCluster) -> str:
    rc, out, err = c.mon_command({"prefix": "health", "detail": "detail"})
    assert rc == 0, err
    return out.decode() if isinstance(out, bytes) else str(out)


def daemon(c: TestCluster, *words: str) -> Any:
    """``ceph daemon …`` (the admin socket), its JSON answer."""
    env = dict(os.environ, SIM_DIR=str(c.run.path))
    r = subprocess.run([sys.executable, "-m", "sim", "ceph", "daemon", *words],
                       capture_output=True, text=True, timeout=60, env=env, cwd=REPO)  # fmt: skip
    assert r.returncode == 0, (words, r.stderr)
    return json.loads(r.stdout)


def test_a_blocked_write_is_a_slow_op_of_its_primary_until_the_osds_return(
    c: TestCluster,
) -> None:
    rc, _out, err = c.mon_command(
        {"prefix": "config set", "who": "osd", "name": "osd_op_complaint_time", "value": "1"}
    )
    assert rc == 0, err
    r = rados.Rados(conffile=str(c.run.path))
    r.connect()
    try:
        io = r.open_ioctx("rbd")
        io.write_full("x", b"before")
        acting = object_pg(r.objecter.osdmap, io.pool_id, "x")[1]
        assert len(acting) == 3
        primary, a, b = acting
        for o in (a, b):
            c.supervisor({"prefix": "kill", "daemon": f"osd.{o}"})
        wait_until(lambda: not osd_up(c, a) and not osd_up(c, b), DEADLINE, "osds marked down")
        result: list[object] = []
        t = threading.Thread(target=lambda: result.append(io.write_full("x", b"after")))
        t.start()

        def slow() -> dict[str, Any] | None:
            checks = health(c)["checks"]
            return checks if "SLOW_OPS" in checks else None

        checks = wait_until(slow, DEADLINE, "SLOW_OPS")
        assert t.is_alive() and not result, "the write blocks (1 of 3 up < min_size 2)"
        summary = checks["SLOW_OPS"]["summary"]["message"]
        assert re.fullmatch(
            rf"1 slow ops, oldest one blocked for \d+ sec, osd\.{primary} has slow ops", summary
        ), summary
        assert checks["SLOW_OPS"]["severity"] == "HEALTH_WARN"
        avail = checks["PG_AVAILABILITY"]["summary"]["message"]
        assert re.fullmatch(r"Reduced data availability: \d+ pgs inactive", avail), avail
        text = detail_text(c)
        line = rf"\n\[WRN\] SLOW_OPS: 1 slow ops, oldest one blocked for \d+ sec, osd\.{primary} has slow ops\n"
        assert re.search(line, text), text  # no detail lines
        ps = object_pg(r.objecter.osdmap, io.pool_id, "x")[0]
        pgid = f"{io.pool_id}.{ps:x}"
        acting_s = ",".join(map(str, acting))
        assert f"    pg {pgid} is undersized+degraded+peered, acting [{acting_s}]\n" in text
        blocked = daemon(c, f"osd.{primary}", "dump_blocked_ops")
        assert blocked["complaint_time"] == 1 and blocked["num_blocked_ops"] == 1, blocked
        [op] = blocked["ops"]
        assert op["age"] >= 1 and f" {pgid} " in op["description"], op
        assert "[write_full]" in op["description"] and op["type_data"]["flag_point"] == "delayed"
        assert daemon(c, f"osd.{primary}", "dump_ops_in_flight")["num_ops"] == 1
        assert daemon(c, f"osd.{primary}", "ops", "nothing-like-it")["ops"] == []
        rc, out, err = c.mgr_command({"prefix": "pg stat"})
        assert rc == 0 and b"undersized+degraded+peered" in out, (out, err)

        for o in (a, b):
            c.supervisor({"prefix": "restart", "daemon": f"osd.{o}"})
        t.join(DEADLINE)
        assert result == [0]
        assert io.read("x") == b"after"

        def cleared() -> bool:
            codes = set(health(c)["checks"])
            return not codes & {"SLOW_OPS", "PG_AVAILABILITY", "PG_DEGRADED"}

        wait_until(cleared, DEADLINE, "SLOW_OPS and PG_AVAILABILITY clear")
    finally:
        r.shutdown()
