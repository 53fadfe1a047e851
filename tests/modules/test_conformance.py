"""Conformance: one test per API entry of shared/reference/ceph_mgr_api.md §1.4,
run inside a real active mgr, for the embedded API and for each release tree
(Ceph's own mgr Python of 16.2, 18.2 and 20.2, docs/releases.md).

Each test evaluates a snippet in the running ``sim_selftest`` module (``mgr
self-test eval``: ``mgr`` is the module instance) and checks what it
printed (tests/modules/conformance_entries.py), then, where the entry has an
effect outside the mgr (health, the cluster log, services, config-key),
checks that effect through the mon. One cluster per target serves the whole
file (an xdist group each: under ``-n`` a target's cluster starts once). A
release tree that is not fetched skips its target, or fails it with CI set.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.testing import TestCluster, running_cluster, wait_until
from tests.release.test_stock_selftest import release_tree

from .conformance_entries import ENTRIES, TARGETS, expected
from .helpers import enable_modules, mgr

SNIPPET_TIMEOUT = 10.0
START_TIMEOUT = 30.0

pytestmark = pytest.mark.integration


@pytest.fixture(
    scope="module",
    params=[pytest.param(t, marks=pytest.mark.xdist_group(f"conformance-{t}")) for t in TARGETS],
)
def c(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestCluster]:
    target: str = request.param
    release = None if target == "embedded" else target
    options = {}
    if release is not None:  # the tree's stock modules stay off: a faster start
        stock = {p.name for p in release_tree(release).iterdir() if (p / "module.py").is_file()}
        options["mgr_disabled_modules"] = " ".join(sorted(stock))
    path: Path = tmp_path_factory.mktemp(f"conformance-{target}")
    with running_cluster(path / "c", mons=1, mgrs=2, options=options, ceph_release=release) as cl:
        enable_modules(cl, "sim_selftest", "hello")
        wait_until(
            lambda: len(cl.json("mgr dump")["standbys"]) == 1, START_TIMEOUT, "the standby mgr"
        )
        yield cl


@pytest.fixture
def target(request: pytest.FixtureRequest) -> str:
    """The target the test's cluster runs: ``embedded``, ``16.2``, ``18.2`` or ``20.2``."""
    return str(request.node.callspec.params["c"])


def ev(c: TestCluster, source: str) -> str:
    """Run ``source`` inside the active selftest module; returns what it printed."""
    rc, out, err = mgr(c, "mgr self-test eval", s=source)
    assert rc == 0 and not err, f"{source!r} -> {rc}: {err}"
    return out.strip()


@pytest.mark.parametrize("entry", list(ENTRIES))
def test_api_entry(c: TestCluster, target: str, entry: str) -> None:
    snippet, want = ENTRIES[entry]
    assert ev(c, snippet) == expected(want, target)


def test_notify_health_and_command(c):
    """notify() only for NOTIFY_TYPES: health on every digest, command after send_command."""
    before = json.loads(ev(c, "import json; print(json.dumps(mgr.notified))"))
    ev(c, "from mgr_module import CommandResult; r = CommandResult(); "
          "mgr.send_command(r, 'mon', '', '{\"prefix\": \"mgr stat\"}', 'tag'); r.wait()")  # fmt: skip

    def grown() -> bool:
        now = json.loads(ev(c, "import json; print(json.dumps(mgr.notified))"))
        return now.get("health", 0) > before.get("health", 0) and now.get(
            "command", 0
        ) > before.get("command", 0)

    wait_until(grown, SNIPPET_TIMEOUT, "health and command notifications")


def test_notify_clog_delivers_new_cluster_log_entries(c):
    """notify('clog', entry) for each new cluster-log entry; the id is the entry dict."""
    rc, _, err = mgr(
        c,
        "mgr self-test cluster-log",
        channel="cluster",
        priority="warning",
        message="conformance clog probe",
    )
    assert rc == 0, err

    def received() -> dict | None:
        last = json.loads(ev(c, "import json; print(json.dumps(mgr.last_clog))"))
        return last if last.get("message") == "conformance clog probe" else None

    entry = wait_until(received, SNIPPET_TIMEOUT, "the clog notify for the new entry")
    assert entry["priority"] == "[WRN]" and entry["channel"] == "cluster"
    assert isinstance(entry["seq"], int) and entry["name"].startswith("mgr.")


def test_set_health_checks_reach_ceph_health(c):
    ev(
        c,
        "mgr.set_health_checks({'CONF_TEST': {'severity': 'warning', 'summary': 'conformance',"
        " 'count': 2, 'detail': ['line 1', 'line 2']}})",
    )

    def shown() -> dict | None:
        return c.json("health", detail="detail")["checks"].get("CONF_TEST")

    check = wait_until(shown, SNIPPET_TIMEOUT, "CONF_TEST in ceph health")
    assert check["severity"] == "HEALTH_WARN"
    assert check["summary"] == {"message": "conformance", "count": 2}
    assert [d["message"] for d in check["detail"]] == ["line 1", "line 2"]
    ev(c, "mgr.set_health_checks({})")
    wait_until(lambda: shown() is None, SNIPPET_TIMEOUT, "CONF_TEST cleared")


def test_cluster_log_reaches_log_last(c):
    ev(c, "mgr.cluster_log('audit', mgr.ClusterLogPrio.WARN, 'conformance audit line')")

    def logged() -> bool:
        entries = c.json("log last", num=50, level="debug", channel="audit")
        return any(
            e["message"] == "conformance audit line" and e["priority"] == "[WRN]" for e in entries
        )

    wait_until(logged, SNIPPET_TIMEOUT, "the audit line in `log last`")


def test_set_uri_reaches_mgr_services(c):
    ev(c, "mgr.set_uri('http://conformance.example:1/')")
    wait_until(
        lambda: c.json("mgr services").get("sim_selftest") == "http://conformance.example:1/",
        SNIPPET_TIMEOUT,
        "the URI in `mgr services`",
    )


def test_set_store_is_config_key(c):
    ev(c, "mgr.set_store('viaapi', 'stored'); mgr.set_device_wear_level('dev1', 0.5)")
    rc, out, _ = c.mon_command({"prefix": "config-key get", "key": "mgr/sim_selftest/viaapi"})
    assert (rc, out) == (0, b"stored")
    rc, out, _ = c.mon_command({"prefix": "config-key get", "key": "device/dev1"})
    assert rc == 0 and json.loads(out) == {"wear_level": 0.5}


def test_selftest_commands(c):
    assert mgr(c, "mgr self-test run") == (0, "", "Self-test succeeded")
    assert mgr(c, "mgr self-test remote") == (0, "", "Successfully called")
    assert mgr(c, "mgr self-test module", module="hello") == (0, "None", "Self-test OK")
    rc, out, _ = mgr(c, "mgr self-test python-version")
    assert rc == 0 and out.count(".") == 2
    assert mgr(c, "mgr self-test config get", key="roption2") == (0, "xyz", "")
    assert mgr(c, "mgr self-test config get", key="roption1") == (0, "None", "")
    assert mgr(c, "mgr self-test config get_localized", key="rwoption6") == (0, "True", "")
    assert mgr(c, "mgr self-test background stop") == (0, "", "No background workload was running")
    rc, _, err = mgr(c, "mgr self-test insights_set_now_offset", hours=1)
    assert rc == -22 and "ImportError: Module not found" in err
    rc, _, err = mgr(c, "mgr self-test eval", b"print(1 +")
    assert rc == 2
    assert mgr(c, "mgr self-test eval", b"print(6 * 7)") == (0, "42\n", "")
    assert (
        mgr(c, "mgr self-test cluster-log", channel="nope", priority="info", message="m")[0] == -95
    )
    rc, _, err = mgr(c, "mgr self-test cluster-log", channel="cluster", priority="bad", message="m")
    assert rc == -22 and "KeyError" in err


def test_selftest_health_set_and_clear(c):
    checks = {"SELFTEST_A": {"severity": "error", "summary": "a", "detail": ["x"]}}
    assert mgr(c, "mgr self-test health set", checks=json.dumps(checks))[0] == 0
    h = wait_until(
        lambda: c.json("health", detail="detail")["checks"].get("SELFTEST_A"),
        SNIPPET_TIMEOUT,
        "SELFTEST_A",
    )
    assert h["severity"] == "HEALTH_ERR" and h["summary"]["count"] == 123
    assert mgr(c, "mgr self-test health set", checks="{")[2].startswith(
        "Failed to decode JSON input"
    )
    assert mgr(c, "mgr self-test health clear", checks=["SELFTEST_A"])[0] == 0
    wait_until(
        lambda: "SELFTEST_A" not in c.json("health", detail="detail")["checks"],
        SNIPPET_TIMEOUT,
        "SELFTEST_A cleared",
    )


def test_log_to_file_writes_the_module_log(c):
    me = c.mgr_stat()["active_name"]
    rc, _, err = c.mon_command(
        {
            "prefix": "config set",
            "who": "mgr",
            "name": "mgr/sim_selftest/log_to_file",
            "value": "true",
        }
    )
    assert rc == 0, err
    wait_until(lambda: ev(c, "print(mgr.log_to_file)") == "True", SNIPPET_TIMEOUT, "log_to_file on")
    ev(c, "mgr.log.warning('conformance line in the module log')")
    path = c.run.log_dir / f"mgr.{me}.sim_selftest.log"
    wait_until(
        lambda: path.exists() and "conformance line in the module log" in path.read_text(),
        SNIPPET_TIMEOUT,
        f"the line in {path.name}",
    )
