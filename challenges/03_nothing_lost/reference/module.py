"""keeper (reference): every setting goes to the mgr's key/value store, which the
mons keep; `set_store` returns once committed, so an answered set is safe.
"""

import json
from typing import Any

from mgr_module import CLIReadCommand, CLIWriteCommand, HandleCommandResult, MgrModule

PREFIX = "setting/"


class Module(MgrModule):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    @CLIWriteCommand("keeper set")
    def set_setting(self, key: str, value: str) -> HandleCommandResult:
        """Keep a setting"""
        self.set_store(PREFIX + key, value)
        return HandleCommandResult(stdout=f"{key} = {value}")

    @CLIReadCommand("keeper dump")
    def dump(self) -> HandleCommandResult:
        """Every setting, as JSON"""
        found = self.get_store_prefix(PREFIX)
        settings = {k[len(PREFIX) :]: v for k, v in found.items()}
        return HandleCommandResult(stdout=json.dumps(settings, sort_keys=True))
