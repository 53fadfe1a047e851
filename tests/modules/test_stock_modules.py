"""Ceph 16.2's own modules (Debian's ceph-mgr-modules-core), loaded unmodified.

``/usr/share/ceph/mgr`` is added to the module path. The shared cluster lists the
always-on modules these tests do not exercise in ``mgr_disabled_modules`` (as an
operator would), to keep it quiet; one test runs them all. The tests skip, saying
why, when the package is not installed::

    apt-get install -y ceph-mgr-modules-core python3-prettytable
"""

from __future__ import annotations

import errno
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from importlib.machinery import PathFinder
from pathlib import Path

import pytest

from mgr.host.apipath import SYSTEM_SITE
from sim.testing import TestCluster, running_cluster, wait_until

from .helpers import enable_modules, health, health_codes, mgr, module_states, wait_modules

STOCK = Path("/usr/share/ceph/mgr")
PRETTYTABLE = Path("/usr/lib/python3/dist-packages/prettytable")
NEED_RADOS = "devicehealth orchestrator rbd_support telemetry volumes"  # RADOS (and CephFS) users
# an hour ago: RECENT_CRASH counts crashes of the last two weeks (mgr/crash/warn_recent_interval)
CRASH_STAMP = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
CRASH_ID = f"{CRASH_STAMP}_0c5e26a4-5b5a-4c7f-8a4b-3b1b1a2c9d11"
DEADLINE = 15.0

pytestmark = pytest.mark.skipif(
    not (STOCK / "status" / "module.py").exists(),
    reason="Debian's ceph-mgr-modules-core is not installed (/usr/share/ceph/mgr missing): "
    "apt-get install -y ceph-mgr-modules-core python3-prettytable",
)
needs_prettytable = pytest.mark.skipif(
    not PRETTYTABLE.exists(),
    reason="status and crash import prettytable: apt-get install -y python3-prettytable",
)


@pytest.fixture(scope="module")
def c(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestCluster]:
    path = tmp_path_factory.mktemp("stock") / "c"
    options = {"mgr_module_path": str(STOCK), "mgr_disabled_modules": NEED_RADOS}
    with running_cluster(path, mons=1, mgrs=2, options=options) as cl:
        enable_modules(cl, "iostat", "selftest", "telegraf")
        yield cl


def test_stock_modules_are_found_with_their_schema(c):
    ls = c.json("mgr module ls")
    assert {"status", "crash", "balancer", "progress", "pg_autoscaler"} <= set(
        ls["always_on_modules"]
    )
    disabled = {m["name"]: m for m in ls["disabled_modules"]}
    alerts = disabled["alerts"]
    assert alerts["can_run"] is True
    assert alerts["module_options"]["interval"]["type"] == "secs"
    assert alerts["module_options"]["smtp_port"]["default_value"] == "465"
    # its own can_run() looks for the influxdb package (the `ceph` extra brings it)
    influx = disabled["influx"]
    if _importable_by_mgr("influxdb"):
        assert (influx["can_run"], influx["error_string"]) == (True, "")
    else:
        assert (influx["can_run"], influx["error_string"]) == (
            False,
            "influxdb python module not found",
        )
    wait_modules(c, "status", "crash", "balancer", "iostat", "telegraf")


@needs_prettytable
def test_status_module_answers(c):
    assert mgr(c, "osd status")[0] == 0
    rc, out, _ = mgr(c, "fs status", format="json")
    assert rc == 0 and json.loads(out) == {}


def test_iostat_poll_command_and_its_self_test(c):
    descs = c.json("get_command_descriptions")
    iostat = next(d for d in descs if d["cmd"].startswith("iostat"))
    assert iostat["flags"] & 16 and iostat["module"] == "iostat"  # Flag.POLL; the mon adds MGR
    rc, out, _ = mgr(c, "iostat")
    assert rc == 0 and out.startswith("|      0 B/s |")
    rc, out, _ = mgr(c, "iostat", print_header=True)
    assert out.splitlines()[1].split("|")[1:3] == ["       Read ", "      Write "]
    assert mgr(c, "mgr self-test module", module="iostat") == (0, "None", "Self-test OK")


@needs_prettytable
def test_crash_module_store_and_health(c):
    meta = {
        "crash_id": CRASH_ID,
        "timestamp": CRASH_STAMP,
        "entity_name": "osd.0",
        "utsname_hostname": "h",
        "backtrace": ["a"],
    }
    assert mgr(c, "crash post", json.dumps(meta).encode())[0] == 0
    rc, out, _ = mgr(c, "crash ls", format="json")
    assert rc == 0 and [e["crash_id"] for e in json.loads(out)] == [CRASH_ID]
    rc, out, _ = c.mon_command({"prefix": "config-key get", "key": f"mgr/crash/crash/{CRASH_ID}"})
    assert rc == 0 and json.loads(out)["entity_name"] == "osd.0"  # its KV store is config-key
    check = wait_until(lambda: health(c)["checks"].get("RECENT_CRASH"), DEADLINE, "RECENT_CRASH")
    assert check["summary"]["message"] == "1 daemons have recently crashed"
    assert mgr(c, "crash archive-all")[0] == 0
    wait_until(lambda: "RECENT_CRASH" not in health(c)["checks"], DEADLINE, "RECENT_CRASH cleared")
    # Ceph 16's crash module returns a *positive* EINVAL here; it is passed through as is
    assert mgr(c, "crash info", id="nope") == (errno.EINVAL, "", "crash info: nope not found")


def test_balancer_and_telegraf(c):
    rc, out, _ = mgr(c, "balancer status", format="json")
    assert rc == 0 and json.loads(out)["optimize_result"] == "No pools available"
    rc, out, _ = mgr(c, "telegraf config-show")
    assert rc == 0 and json.loads(out)["interval"] == 15
    rc, out, _ = mgr(c, "telegraf config-set", key="interval", value="30")
    assert rc == 0
    wait_until(
        lambda: json.loads(mgr(c, "telegraf config-show")[1])["interval"] == 30, DEADLINE, "30"
    )


def _importable_by_mgr(name: str) -> bool:
    """Whether the mgr's interpreter finds ``name`` (its path plus the system's site)."""
    return PathFinder.find_spec(name, [*sys.path, str(SYSTEM_SITE)]) is not None


def test_a_stock_module_that_cannot_import_is_reported(c):
    # restful imports pecan at its top: its verdict follows whether this machine has pecan
    # (python3-pecan comes with a system-wide ceph-mgr), never a fixed answer
    ls = c.json("mgr module ls")
    restful = next(m for m in ls["disabled_modules"] if m["name"] == "restful")
    if _importable_by_mgr("pecan"):
        assert restful["can_run"] is True and restful["error_string"] == ""
    else:
        assert restful["can_run"] is False and restful["error_string"] == "No module named 'pecan'"


@needs_prettytable
def test_every_always_on_module_runs_with_nothing_disabled(tmp_path: Path) -> None:
    """RADOS is simulated: no always-on module needs disabling. Each runs on the
    embedded API; `volumes` failed its import before (``CephfsClient["Module"]``
    needs the class to be generic, as Ceph's mgr_util has it), `snap_schedule`
    its start (``CephfsClient.get_all_filesystems``, read off the FSMap)."""
    options = {"mgr_module_path": str(STOCK)}
    with running_cluster(tmp_path / "c", mons=1, mgrs=1, osds=3, options=options) as cl:
        always = cl.json("mgr module ls")["always_on_modules"]
        assert set(NEED_RADOS.split()) <= set(always)
        enable_modules(cl, "snap_schedule")  # its CephfsClient lists the file systems
        wanted = [*always, "snap_schedule"]
        wait_modules(cl, *wanted)
        states = module_states(cl)
        assert {m: states.get(m) for m in wanted} == dict.fromkeys(wanted, "running")
        assert not {code for code in health_codes(cl) if code.startswith("MGR_MODULE")}
        rc, out, err = mgr(cl, "fs volume ls")
        assert (rc, json.loads(out), err) == (0, [], "")
        rc, _out, err = mgr(cl, "fs snap-schedule list", path="/")
        assert (rc, err) == (-errno.ENOENT, "no filesystem found")  # the module's own answer
