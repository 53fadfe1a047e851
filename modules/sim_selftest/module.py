"""selftest: Ceph's ``mgr self-test …`` commands, exercising the module API from inside a mgr.

Commands (Ceph's names): ``run``, ``background start|stop``, ``config get``,
``config get_localized``, ``remote``, ``module``, ``cluster-log``,
``health set|clear``, ``insights_set_now_offset``, ``python-version`` and
``eval``. ``background start throw_exception`` makes ``serve()`` raise
"Synthetic exception in serve" (the module then shows as failed).
"""

import enum
import errno
import json
import random
import sys
import threading
from code import InteractiveInterpreter
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from typing import Any, List, Optional

from mgr_module import CommandResult, HandleCommandResult, MgrModule, NotifyType, Option

from . import checks

PER_MODULE_REGISTRY = False
try:  # up to Squid: one CLICommand registry in mgr_module
    from mgr_module import CLICommand
except ImportError:  # Tentacle (20.2): each module makes its own registry
    from mgr_module import CLICommandBase

    PER_MODULE_REGISTRY = True

    CLICommand = CLICommandBase.make_registry_subtype("SimSelftestCLICommand")


class Workload(enum.Enum):
    COMMAND_SPAM = "command_spam"
    THROW_EXCEPTION = "throw_exception"
    SHUTDOWN = "shutdown"


class Module(MgrModule):
    if PER_MODULE_REGISTRY:  # 20.2 reads the module's registry here
        CLICommand = CLICommand
    MODULE_OPTIONS = [
        Option(name="testkey", type="str"),
        Option(name="testlkey", type="str"),
        Option(name="testnewline", type="str"),
        Option(name="roption1", type="str"),
        Option(name="roption2", type="str", default="xyz"),
        Option(name="rwoption1"),
        Option(name="rwoption2", type="int"),
        Option(name="rwoption3", type="float"),
        Option(name="rwoption4", type="str"),
        Option(name="rwoption5", type="bool"),
        Option(name="rwoption6", type="bool", default=True),
        Option(name="rwoption7", type="int", min=1, max=42),
    ]
    NOTIFY_TYPES = [NotifyType.command, NotifyType.health, NotifyType.mon_map, NotifyType.clog]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._event = threading.Event()
        self._workload: Workload | None = None
        self._health: dict[str, Any] = {}
        self.notified: dict[str, int] = {}
        self.last_clog: dict[str, Any] = {}
        self.config_notified = 0

    def config_notify(self) -> None:
        self.config_notified += 1

    def notify(self, notify_type: NotifyType, notify_id: Any) -> None:
        self.notified[str(notify_type)] = self.notified.get(str(notify_type), 0) + 1
        if notify_type == NotifyType.clog:
            self.last_clog = notify_id  # for clog the id is the log entry (a dict)

    # --- commands ---------------------------------------------------------------

    @CLICommand("mgr self-test python-version", perm="r")
    def python_version(self) -> tuple[int, str, str]:
        """Query the version of the embedded Python runtime"""
        return 0, ".".join(str(v) for v in sys.version_info[:3]), ""

    @CLICommand("mgr self-test run")
    def run(self) -> tuple[int, str, str]:
        """Run mgr python interface tests"""
        for check in checks.ALL:
            check(self)
        return 0, "", "Self-test succeeded"

    @CLICommand("mgr self-test background start")
    def backgroun_start(self, workload: Workload) -> tuple[int, str, str]:
        """Activate a background workload (one of command_spam, throw_exception)"""
        self._workload = workload
        self._event.set()
        return 0, "", f"Running `{workload}` in background"

    @CLICommand("mgr self-test background stop")
    def background_stop(self) -> tuple[int, str, str]:
        """Stop background workload if any is running"""
        if self._workload is not None:
            was, self._workload = self._workload, None
            self._event.set()
            return 0, "", f"Stopping background workload `{was}`"
        return 0, "", "No background workload was running"

    @CLICommand("mgr self-test config get")
    def config_get(self, key: str) -> tuple[int, str, str]:
        """Peek at a configuration value"""
        return 0, str(self.get_module_option(key)), ""

    @CLICommand("mgr self-test config get_localized")
    def config_get_localized(self, key: str) -> tuple[int, str, str]:
        """Peek at a configuration value (localized variant)"""
        return 0, str(self.get_localized_module_option(key)), ""

    @CLICommand("mgr self-test remote")
    def test_remote(self) -> tuple[int, str, str]:
        """Test inter-module calls"""
        self._test_remote_calls()
        return 0, "", "Successfully called"

    @CLICommand("mgr self-test module")
    def module(self, module: str) -> tuple[int, str, str]:
        """Run another module's self_test() method"""
        try:
            r = self.remote(module, "self_test")
        except RuntimeError as e:
            return -1, "", f"Test failed: {e}"
        return 0, str(r), "Self-test OK"

    @CLICommand("mgr self-test cluster-log")
    def do_cluster_log(self, channel: str, priority: str, message: str) -> tuple[int, str, str]:
        """Create an audit log record."""
        if channel not in ("cluster", "audit", "cephadm"):
            return -errno.EOPNOTSUPP, "", f"Unknown channel '{channel}'"
        priority_map = {
            "info": self.ClusterLogPrio.INFO,
            "security": self.ClusterLogPrio.SEC,
            "warning": self.ClusterLogPrio.WARN,
            "error": self.ClusterLogPrio.ERROR,
        }
        self.cluster_log(channel, priority_map[priority], message)
        return 0, "", "Successfully called"

    @CLICommand("mgr self-test health set")
    def health_set(self, checks: str) -> tuple[int, str, str]:
        """Set a health check from a JSON-formatted description."""
        try:
            parsed = json.loads(checks)
        except Exception as e:
            return -1, "", f"Failed to decode JSON input: {e}"
        try:
            for check, info in parsed.items():
                self._health[check] = {
                    "severity": str(info["severity"]),
                    "summary": str(info["summary"]),
                    "count": 123,
                    "detail": [str(m) for m in info["detail"]],
                }
        except Exception as e:
            return -1, "", f"Invalid health check format: {e}"
        self.set_health_checks(self._health)
        return 0, "", ""

    @CLICommand("mgr self-test health clear")
    def health_clear(self, checks: Optional[List[str]] = None) -> tuple[int, str, str]:
        """Clear health checks by name. If no names provided, clear all."""
        if checks is not None:
            for check in checks:
                self._health.pop(check, None)
        else:
            self._health = {}
        self.set_health_checks(self._health)
        return 0, "", ""

    @CLICommand("mgr self-test insights_set_now_offset")
    def insights_set_now_offset(self, hours: int) -> tuple[int, str, str]:
        """Set the now time for the insights module."""
        self.remote("insights", "testing_set_now_time_offset", hours)
        return 0, "", ""

    @CLICommand("mgr self-test eval")
    def eval(self, s: Optional[str] = None, inbuf: Optional[str] = None) -> HandleCommandResult:
        """Evaluate Python source (give it as an argument or with -i FILE)"""
        source = s or inbuf
        if source is None:
            return HandleCommandResult(-1, "", "source is not specified")
        err, out = StringIO(), StringIO()
        with redirect_stderr(err), redirect_stdout(out):
            # one line: evaluated as at a prompt; several: run as a script
            symbol = "exec" if "\n" in source.strip() else "single"
            more = InteractiveInterpreter({"mgr": self}).runsource(source, symbol=symbol)
        if more:
            return HandleCommandResult(2, "", "incomplete input")
        return HandleCommandResult(0, out.getvalue(), err.getvalue())

    # --- remote ---------------------------------------------------------------------

    def remote_echo(self, *args: Any, **kwargs: Any) -> Any:
        return {"args": list(args), "kwargs": kwargs}

    def remote_raise(self) -> None:
        raise ValueError("remote failure on purpose")

    def _test_remote_calls(self) -> None:
        got = self.remote(self.module_name, "remote_echo", 1, b=2)
        assert got == {"args": [1], "kwargs": {"b": 2}}, got
        for target, method, exc in [
            (self.module_name, "remote_raise", RuntimeError),
            (self.module_name, "idontexist", NameError),
            ("idontexist", "self_test", ImportError),
        ]:
            try:
                self.remote(target, method)
            except exc:
                pass
            else:
                raise AssertionError(f"remote({target}, {method}) should raise {exc.__name__}")
        mgr_map = self.get("mgr_map")
        always = mgr_map["always_on_modules"].get(self.release_name, [])
        known = [m["name"] for m in mgr_map["available_modules"]]
        disabled = [n for n in known if n not in mgr_map["modules"] and n not in always]
        for name in disabled[:1]:
            try:
                self.remote(name, "self_test")
            except ImportError:
                pass
            else:
                raise AssertionError(f"remote() to disabled module {name} should raise ImportError")

    # --- serve ------------------------------------------------------------------------

    def serve(self) -> None:
        while True:
            if self._workload == Workload.COMMAND_SPAM:
                self._command_spam()
            elif self._workload == Workload.SHUTDOWN:
                self.log.info("Shutting down")
                return
            elif self._workload == Workload.THROW_EXCEPTION:
                raise RuntimeError("Synthetic exception in serve")
            self._event.wait()
            self._event.clear()

    def _command_spam(self) -> None:
        self.log.info("Starting command_spam workload...")
        while not self._event.is_set():
            osdmap = self.get_osdmap()
            osdmap.dump()
            count = len(osdmap.dump()["osds"])
            i = int(random.random() * count) if count else 0
            w = random.random()
            result = CommandResult("")
            cmd = json.dumps({"prefix": "osd reweight", "id": i, "weight": w})
            self.send_command(result, "mon", "", cmd, "")
            osdmap.get_crush().dump()
            result.wait()
        self._event.clear()
        self.log.info("Ended command_spam workload...")

    def shutdown(self) -> None:
        self._workload = Workload.SHUTDOWN
        self._event.set()
