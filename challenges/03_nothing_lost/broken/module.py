"""keeper (broken): keeps settings in memory and saves them in shutdown().

A graceful stop would keep them; but `mgr fail` respawns the process without
calling shutdown(), so every setting since the last start is lost.
"""

import json
from typing import Any

from mgr_module import CLIReadCommand, CLIWriteCommand, HandleCommandResult, MgrModule

KEY = "settings"


class Module(MgrModule):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._settings: dict[str, str] = json.loads(self.get_store(KEY) or "{}")

    @CLIWriteCommand("keeper set")
    def set_setting(self, key: str, value: str) -> HandleCommandResult:
        """Keep a setting"""
        self._settings[key] = value
        return HandleCommandResult(stdout=f"{key} = {value}")

    @CLIReadCommand("keeper dump")
    def dump(self) -> HandleCommandResult:
        """Every setting, as JSON"""
        return HandleCommandResult(stdout=json.dumps(self._settings, sort_keys=True))

    def shutdown(self) -> None:
        self.set_store(KEY, json.dumps(self._settings))
