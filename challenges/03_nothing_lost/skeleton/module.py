"""keeper (skeleton): settings in a dict, which the next respawn forgets.

It loads and answers; keeping the settings is the challenge.
"""

import json
from typing import Any

from mgr_module import CLIReadCommand, CLIWriteCommand, HandleCommandResult, MgrModule


class Module(MgrModule):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._settings: dict[str, str] = {}

    @CLIWriteCommand("keeper set")
    def set_setting(self, key: str, value: str) -> HandleCommandResult:
        """Keep a setting"""
        self._settings[key] = value  # TODO: this lives only as long as the process
        return HandleCommandResult(stdout=f"{key} = {value}")

    @CLIReadCommand("keeper dump")
    def dump(self) -> HandleCommandResult:
        """Every setting, as JSON"""
        return HandleCommandResult(stdout=json.dumps(self._settings, sort_keys=True))
