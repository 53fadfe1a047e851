"""hello: the sample module of Ceph's mgr module developer guide.

Options ``place``, ``emphatic`` and ``foo``; the native option
``mgr_tick_period``; commands ``ceph hello [<person_name>]`` and
``ceph count <num>``; a ``serve()`` loop that wakes every tick until
``shutdown()``. Behaves like Ceph's own hello module.
"""

import errno
import threading
from typing import Any, Optional

from mgr_module import HandleCommandResult, MgrModule, Option

PER_MODULE_REGISTRY = False
try:  # up to Squid: one CLICommand registry in mgr_module
    from mgr_module import CLICommand, CLIReadCommand
except ImportError:  # Tentacle (20.2): each module makes its own registry
    from mgr_module import CLICommandBase

    PER_MODULE_REGISTRY = True

    CLICommand = CLICommandBase.make_registry_subtype("HelloCLICommand")
    CLIReadCommand = CLICommand.Read


class Hello(MgrModule):
    if PER_MODULE_REGISTRY:  # 20.2 reads the module's registry here
        CLICommand = CLICommand
    MODULE_OPTIONS = [
        Option(name="place", default="world", desc="a place in the world", runtime=True),
        Option(
            name="emphatic",
            type="bool",
            desc="whether to say it loudly",
            default=True,
            runtime=True,
        ),
        Option(name="foo", type="str", enum_allowed=["a", "b", "c"], default="a", runtime=True),
    ]

    NATIVE_OPTIONS = ["mgr_tick_period"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.run = True
        self.event = threading.Event()
        # Like Ceph's hello: read every option now (host calls from __init__ work).
        self.config_notify()

    def config_notify(self) -> None:
        """Copy every module option and native option into an attribute."""
        for opt in self.MODULE_OPTIONS:
            setattr(self, opt["name"], self.get_module_option(opt["name"]))
            self.log.debug(" mgr option %s = %s", opt["name"], getattr(self, opt["name"]))
        for opt in self.NATIVE_OPTIONS:
            setattr(self, opt, self.get_ceph_option(opt))
            self.log.debug(" native option %s = %s", opt, getattr(self, opt))

    @CLIReadCommand("hello")
    def hello(self, person_name: Optional[str] = None) -> HandleCommandResult:
        """Say hello"""
        who = person_name if person_name is not None else self.get_module_option("place")
        fin = "!" if self.get_module_option("emphatic") else ""
        return HandleCommandResult(stdout=f"Hello, {who}{fin}")

    @CLIReadCommand("count")
    def count(self, num: int) -> HandleCommandResult:
        """Do some counting"""
        if num < 1:
            return HandleCommandResult(-errno.EINVAL, stderr="That's too small a number")
        if num > 10:
            return HandleCommandResult(-errno.EINVAL, stderr="That's too big a number")
        return HandleCommandResult(
            stdout="Hello, I am the count!\n" + ", ".join(str(i) for i in range(1, num + 1)) + "!"
        )

    def serve(self) -> None:
        """Wake every mgr_tick_period until shutdown()."""
        self.log.info("Starting")
        while self.run:
            sleep_interval = self.mgr_tick_period  # type: ignore[attr-defined]
            self.log.debug("Sleeping for %d seconds", sleep_interval)
            self.event.wait(sleep_interval)
            self.event.clear()
        self.log.info("Stopping")

    def shutdown(self) -> None:
        self.log.info("Stopping")
        self.run = False
        self.event.set()
