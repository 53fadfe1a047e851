"""The module API against `mgr_testing.FakeHost`: no processes, no sockets.

Shows how a module author unit-tests a module, and pins the API's own
rules: descriptors from annotations, argument casting, per-module command
registries, option typing and validation, result checking, remote() errors.
"""

from __future__ import annotations

import enum
import errno
import logging

import pytest
from hello.module import Hello
from mgr_module import (
    CLICheckNonemptyFileInput,
    CLICommand,
    CLICommandBase,
    CLIReadCommand,
    CLIWriteCommand,
    CommandResult,
    HandleCommandResult,
    MgrModule,
    MgrStandbyModule,
    MonCommandFailed,
    NotifyType,
    Option,
)
from mgr_testing import FakeHost


def test_hello_through_the_fake_host():
    host = FakeHost(mgr_id="x")
    hello = host.load(Hello, "hello")
    assert host.command(hello, "hello") == (0, "Hello, world!", "")
    assert host.command(hello, "hello", person_name="you") == (0, "Hello, you!", "")
    assert host.command(hello, "count", num=11) == (-errno.EINVAL, "", "That's too big a number")
    host.set_config("mgr/hello/place", "earth")
    assert hello.place == "earth"  # config_notify() ran
    assert host.command(hello, "hello") == (0, "Hello, earth!", "")
    assert hello.mgr_tick_period == 2.0  # get_ceph_option typed (secs -> float)


def test_hello_descriptors_match_ceph():
    FakeHost(mgr_id="x").load(Hello, "hello")  # registers the commands, as a mgr does
    cmds = {c["cmd"]: c for c in Hello.COMMANDS}
    assert cmds["hello name=person_name,req=false,type=CephString"]["perm"] == "r"
    assert cmds["count name=num,type=CephInt"]["desc"] == "Do some counting"


class Workload(enum.Enum):
    SPAM = "command_spam"
    THROW = "throw_exception"


class Demo(MgrModule):
    MODULE_OPTIONS = [
        Option("name", default="n"),
        Option("count", type="int", min=1, max=42),
        Option("ratio", type="float"),
        Option("flag", type="bool", default=True),
        Option("legacy", default=8080),  # dict-style: no type -> str
        {"name": "plain", "default": 5},
    ]
    NOTIFY_TYPES = [NotifyType.command]

    @CLIReadCommand("demo choices")
    def choices(self, workload: Workload) -> HandleCommandResult:
        return HandleCommandResult(stdout=workload.value)

    @CLIWriteCommand("demo many")
    def many(self, names: list[str], verbose: bool = False) -> HandleCommandResult:
        return HandleCommandResult(stdout=",".join(names) + (" v" if verbose else ""))

    @CLICommand("demo nores")
    def nores(self, a: str, b: int):  # no return annotation: Ceph's quirk
        return 0, f"{a}{b}", ""

    @CLIReadCommand("demo input")
    @CLICheckNonemptyFileInput(desc="some text")
    def takes_input(self, inbuf: str | None = None) -> HandleCommandResult:
        return HandleCommandResult(stdout=inbuf or "")

    @CLIReadCommand("demo noinput")
    def no_input(self) -> HandleCommandResult:
        return HandleCommandResult()

    @CLIReadCommand("demo raise")
    def boom(self) -> HandleCommandResult:
        raise OSError(errno.ENOENT, "even OSError gives EINVAL")

    @CLIReadCommand("demo wrongtype")
    def wrong(self) -> HandleCommandResult:
        return "not a tuple"  # type: ignore[return-value]

    def remote_target(self, x: int) -> int:
        if x < 0:
            raise ValueError("negative")
        return x * 2


@pytest.fixture
def demo() -> tuple[FakeHost, Demo]:
    host = FakeHost()
    return host, host.load(Demo, "demo")


def test_descriptors_from_annotations(demo):
    cmds = {c["cmd"].split(" name=")[0].strip(): c["cmd"] for c in Demo.COMMANDS}
    assert cmds["demo choices"] == (
        "demo choices name=workload,strings=command_spam|throw_exception,type=CephChoices"
    )
    assert cmds["demo many"] == (
        "demo many name=names,n=N,type=CephString "
        "name=verbose,req=false,positional=false,type=CephBool"
    )
    # without a return annotation Ceph marks the last required argument optional
    assert cmds["demo nores"] == "demo nores name=a,type=CephString name=b,req=false,type=CephInt"
    assert "name=inbuf" not in cmds["demo input"]


def test_argument_casting_and_results(demo):
    host, m = demo
    assert host.command(m, "demo choices", workload="throw_exception") == (0, "throw_exception", "")
    assert host.command(m, "demo many", names=["a", "b"], verbose=True) == (0, "a,b v", "")
    assert host.command(m, "demo nores", a="x", b=3) == (0, "x3", "")
    rc, out, err = host.command(m, "demo raise")
    assert rc == -errno.EINVAL and err.startswith("Traceback") and "even OSError" in err
    assert host.command(m, "demo wrongtype") == (
        -errno.EINVAL,
        "",
        "command handler returned wrong type",
    )


def test_inbuf_rules(demo):
    host, m = demo
    assert host.command(m, "demo input")[2].startswith("Input file not specified")
    assert host.command(m, "demo input", inbuf="  \n")[2].startswith("Empty input file")
    assert host.command(m, "demo input", inbuf="text\n") == (0, "text", "")
    assert host.command(m, "demo noinput", inbuf="x") == (
        -errno.EINVAL,
        "",
        "Invalid command: Input file data (-i) not supported",
    )


def test_registries_are_per_module():
    """Two modules in one interpreter never see each other's commands."""
    host = FakeHost()
    host.load(Demo, "demo")
    hello = host.load(Hello, "hello")
    assert all(c["cmd"].startswith("demo") for c in Demo.COMMANDS)
    assert {c["cmd"].split()[0] for c in Hello.COMMANDS} == {"hello", "count"}
    assert host.command(hello, "demo choices", workload="command_spam")[0] != 0

    Sub = CLICommandBase.make_registry_subtype("SubCLICommand")

    class Newer(MgrModule):
        CLICommand = Sub

        @Sub.Read("newer ping")
        def ping(self) -> HandleCommandResult:
            return HandleCommandResult(stdout="pong")

    newer = host.load(Newer, "newer")
    assert [c["cmd"] for c in Newer.COMMANDS] == ["newer ping "]
    assert host.command(newer, "newer ping") == (0, "pong", "")
    assert "newer ping" not in CLICommand.COMMANDS


def test_options_typing_defaults_and_validation(demo):
    host, m = demo
    assert Demo.MODULE_OPTION_DEFAULTS["legacy"] == 8080  # Option() has a type: kept
    assert Demo.MODULE_OPTION_DEFAULTS["plain"] == "5"  # dict without type: str()
    names = [o["name"] for o in Demo.MODULE_OPTIONS]
    assert {"log_level", "log_to_file", "log_to_cluster", "log_to_cluster_level"} <= set(names)
    m.set_module_option("count", 7)
    assert m.get_module_option("count") == 7
    m.set_module_option("ratio", 1.5)
    assert m.get_module_option("ratio") == 1.5
    m.set_module_option("flag", False)
    assert m.get_module_option("flag") is False
    m.set_module_option("legacy", 9090)
    assert m.get_module_option("legacy") == "9090"
    with pytest.raises(ValueError, match="above maximum 42"):
        m.set_module_option("count", 43)
    with pytest.raises(RuntimeError, match="is not in Demo.MODULE_OPTIONS"):
        m.get_module_option("nope")
    m.set_module_option("count", None)
    assert m.get_module_option("count") is None
    assert m.get_module_option("name", "x") == "n"  # the declared default wins
    host.config["mgr/demo/x/name"] = "local"
    assert m.get_localized_module_option("name") == "local"
    assert m.get_module_option_ex("hello", "place", "dflt") == "dflt"


def test_store_and_mon_commands(demo):
    host, m = demo
    m.set_store("a/1", "one")
    m.set_localized_store("a/2", "two")
    assert m.get_store_prefix("a/") == {"a/1": "one"}
    assert m.get_localized_store("a/2") == "two"
    assert host.store == {"mgr/demo/a/1": "one", "mgr/demo/x/a/2": "two"}
    host.mon_command_handler = lambda cmd, inbuf: (-errno.EINVAL, "", "no")
    assert m.mon_command({"prefix": "x"}) == (-errno.EINVAL, "", "no")
    with pytest.raises(MonCommandFailed, match="x failed: no retval: -22"):
        m.check_mon_command({"prefix": "x"})
    result = CommandResult("t")
    m.send_command(result, "osd", "3", "{}", "t")
    assert result.wait()[0] == -errno.ENXIO


def test_remote_errors(demo):
    host, m = demo
    host.load(Hello, "hello")
    assert m.remote("demo", "remote_target", 21) == 42
    with pytest.raises(RuntimeError, match="Remote method threw exception"):
        m.remote("demo", "remote_target", -1)
    with pytest.raises(NameError):
        m.remote("demo", "nope")
    with pytest.raises(ImportError):
        m.remote("nomodule", "x")


def test_health_cluster_log_and_file_logging(tmp_path):
    host = FakeHost(native={"log_file": str(tmp_path / "mgr.x.log")})
    m = host.load(Demo, "demo")
    m.set_health_checks({"DEMO": {"severity": "warning", "summary": "s", "detail": []}})
    assert host.health["demo"]["DEMO"]["summary"] == "s"
    m.cluster_log("audit", m.ClusterLogPrio.WARN, "hi")
    assert host.cluster_log == [{"channel": "audit", "priority": 3, "message": "hi"}]
    m.log.info("to the mgr log")
    assert host.log_lines[-1][2] == "[demo INFO demo] to the mgr log"
    m.log.debug("filtered at INFO")
    assert "filtered" not in host.log_lines[-1][2]
    host.set_config("mgr/demo/log_to_file", "true")
    host.set_config("mgr/demo/log_level", "debug")
    m.log.debug("now in the file")
    logging.getLogger("demo").handlers[-1].flush()
    assert "now in the file" in (tmp_path / "mgr.x.demo.log").read_text()
    host.set_config("mgr/demo/log_to_file", "false")


def test_standby_module_reads_options_and_active_uri():
    class Standby(MgrStandbyModule):
        MODULE_OPTIONS = [Option("port", type="int", default=8080)]

        def serve(self) -> None:
            return None

    host = FakeHost(mgr_id="y")
    st = host.load(Standby, "web", standby=True)
    assert st.get_active_uri() == ""
    host.active_uris["web"] = "http://a:1/"
    assert st.get_active_uri() == "http://a:1/"
    host.config["mgr/web/y/port"] = "9"
    assert st.get_localized_module_option("port") == 9
    assert st.get_module_option("port") == 8080
