"""Module life cycle and failures in real mgr processes.

A module that cannot import or cannot run, a ``serve()`` that raises and a
command handler that misbehaves each show up the way Ceph shows them (health,
cluster log, errno) while the other modules keep working; ``shutdown()`` runs
on a graceful stop and not on a respawn.
"""

from __future__ import annotations

import errno
from pathlib import Path

from sim.testing import TestCluster, wait_until

from .helpers import active_name, enable_modules, health, mgr, wait_modules

TESTMODS = Path(__file__).parent / "testmods"
OPTIONS = {"mgr_module_path": str(TESTMODS)}
DEADLINE = 15.0


def module_info(c: TestCluster, name: str) -> dict:
    ls = c.json("mgr module ls")
    return next(m for m in ls["disabled_modules"] if m["name"] == name)


def test_import_failure_and_can_run_false(module_cluster):
    c = module_cluster("hello", options=OPTIONS)
    broken = module_info(c, "broken_import")
    assert broken["can_run"] is False
    assert broken["error_string"] == "No module named 'no_such_dependency_for_tests'"
    rc, _, err = c.mon_command({"prefix": "mgr module enable", "module": "needs_gpu"})
    assert rc == -errno.ENOENT
    assert err == (
        "module 'needs_gpu' reports that it cannot run on the active manager daemon: "
        "needs a GPU (pass --force to force enablement)"
    )
    enable_modules(c, "needs_gpu", "broken_import", force=True)
    wait_modules(c, "hello")

    def dependency() -> dict | None:
        return health(c)["checks"].get("MGR_MODULE_DEPENDENCY")

    check = wait_until(
        lambda: (d := dependency()) and d["summary"]["count"] == 2 and d,
        DEADLINE,
        "MGR_MODULE_DEPENDENCY",
    )
    assert check["severity"] == "HEALTH_WARN"
    assert check["summary"]["message"] == "2 mgr modules have failed dependencies"
    assert [d["message"] for d in check["detail"]] == [
        "Module 'broken_import' has failed dependency: No module named 'no_such_dependency_for_tests'",
        "Module 'needs_gpu' has failed dependency: needs a GPU",
    ]
    assert mgr(c, "gpu status") == (
        -errno.EIO,
        "",
        "Module 'needs_gpu' has experienced an error and cannot handle commands: needs a GPU",
    )
    assert mgr(c, "hello") == (0, "Hello, world!", "")  # the others keep running


def test_serve_exception_fails_only_that_module(module_cluster):
    c = module_cluster("sim_selftest", "hello")
    active = active_name(c)
    assert mgr(c, "mgr self-test background start", workload="throw_exception")[0] == 0

    def error_check() -> dict | None:
        return health(c)["checks"].get("MGR_MODULE_ERROR")

    check = wait_until(error_check, DEADLINE, "MGR_MODULE_ERROR")
    assert check["severity"] == "HEALTH_ERR"
    assert (
        check["summary"]["message"]
        == "Module 'sim_selftest' has failed: Synthetic exception in serve"
    )
    text = c.mon_command({"prefix": "health", "detail": "detail"})[1].decode()
    assert (
        "[ERR] MGR_MODULE_ERROR: Module 'sim_selftest' has failed: Synthetic exception in serve"
        in text
    )
    line = f"Unhandled exception from module 'sim_selftest' while running on mgr.{active}: Synthetic exception in serve"
    wait_until(
        lambda: any(e["message"] == line for e in c.json("log last", num=100)),
        DEADLINE,
        "clog line",
    )
    assert mgr(c, "mgr self-test run") == (
        -errno.EIO,
        "",
        "Module 'sim_selftest' has experienced an error and cannot handle commands: "
        "Synthetic exception in serve",
    )
    assert mgr(c, "hello") == (0, "Hello, world!", "")
    assert c.mon_command({"prefix": "mgr module disable", "module": "sim_selftest"})[0] == 0
    wait_until(lambda: error_check() is None, DEADLINE, "MGR_MODULE_ERROR cleared")
    wait_modules(c, "hello")
    rc, _, err = mgr(c, "mgr self-test run")
    assert rc == -errno.EOPNOTSUPP
    assert err == (
        "Module 'sim_selftest' is not enabled/loaded (required by command 'mgr self-test run'): "
        "use `ceph mgr module enable sim_selftest` to enable it"
    )


def test_command_errors_and_caps(module_cluster):
    c = module_cluster("lifecycle", options=OPTIONS)
    assert mgr(c, "lifecycle ping") == (0, "pong", "")
    rc, out, err = mgr(c, "lifecycle boom")
    assert (rc, out) == (-errno.EINVAL, "") and err.startswith("Traceback (most recent call last)")
    assert "FileNotFoundError: [Errno 2] boom with an errno" in err
    assert mgr(c, "lifecycle wrongtype") == (
        -errno.EINVAL,
        "",
        "command handler returned wrong type",
    )
    rc, _, err = mgr(c, "lifecycle notimpl")
    assert rc == -errno.EINVAL and "NotImplementedError" in err
    assert mgr(c, "no such thing") == (-errno.EINVAL, "", "No handler found for 'no such thing'")
    ro = TestCluster(c.run.path, name="client.ro")
    try:
        rc, out, err = ro.mgr_command({"prefix": "lifecycle write", "value": "v"})
        assert rc == -errno.EACCES and err.startswith("access denied")
        assert ro.mgr_command({"prefix": "lifecycle ping"}) == (0, b"pong", "")
    finally:
        ro.close()
    assert mgr(c, "lifecycle write", value="v") == (0, "v", "")


def events(c: TestCluster, mgr_id: str) -> list[str]:
    path = c.run.log_dir / f"lifecycle.{mgr_id}.events"
    return [line.split()[2] for line in path.read_text().splitlines()] if path.exists() else []


def test_shutdown_on_graceful_stop_not_on_respawn(module_cluster):
    c = module_cluster("lifecycle", options=OPTIONS)
    first = active_name(c)
    assert first is not None
    wait_until(lambda: events(c, first)[-2:] == ["init", "serve"], DEADLINE, "lifecycle serving")
    assert c.mon_command({"prefix": "mgr fail", "who": first})[0] == 0
    second = wait_until(lambda: (n := active_name(c)) != first and n, DEADLINE, "a new active")
    wait_modules(c, "lifecycle")
    # the old active re-executed itself: its module never saw shutdown()
    wait_until(lambda: c.mgr_status(f"mgr.{first}")["role"] == "standby", DEADLINE, "respawned")
    assert "shutdown" not in events(c, first)
    wait_until(lambda: events(c, second)[-2:] == ["init", "serve"], DEADLINE, "lifecycle serving")
    c.supervisor({"prefix": "restart", "daemon": f"mgr.{second}"})  # SIGTERM, then start
    assert events(c, second)[-2:] == ["shutdown", "serve-returned"]


def test_module_path_from_the_config_database(module_cluster):
    c = module_cluster()
    names = lambda: {m["name"] for m in c.json("mgr module ls")["disabled_modules"]}  # noqa: E731
    assert "lifecycle" not in names()
    rc, _, err = c.mon_command(
        {"prefix": "config set", "who": "mgr", "name": "mgr_module_path", "value": str(TESTMODS)}
    )
    assert rc == 0, err
    for name in c.core.spec.mgrs:  # read at start-up, as in Ceph
        c.supervisor({"prefix": "restart", "daemon": f"mgr.{name}"})
    wait_until(lambda: "lifecycle" in names(), DEADLINE, "lifecycle found on the configured path")


def test_command_spam_does_not_disturb_the_mgr(module_cluster):
    """qa's test_selftest_command_spam: a module hammering the mon with commands
    from serve() causes no failover and other modules keep answering."""
    c = module_cluster("sim_selftest", "hello")
    active = active_name(c)
    assert mgr(c, "mgr self-test background start", workload="command_spam")[0] == 0

    def spammed() -> bool:
        rc, out, _ = mgr(c, "mgr self-test eval", s="print(mgr.notified.get('command', 0))")
        return rc == 0 and int(out) > 200

    wait_until(spammed, DEADLINE, "200 commands completed by the spam workload")
    assert mgr(c, "hello") == (0, "Hello, world!", "")
    assert (
        mgr(c, "mgr self-test background stop")[2]
        == "Stopping background workload `Workload.COMMAND_SPAM`"
    )
    st = c.mgr_stat()
    assert st["available"] and st["active_name"] == active and st["num_standby"] == 1
