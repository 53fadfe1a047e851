"""``MgrStandbyModule``: what a module runs on a standby mgr.

Standby modules serve (typically an HTTP redirect to the active) and read
configuration; they get no commands and no notifications. ``get_active_uri``
is the active's URI for this module from the standby's latest MgrMap, or
``""``; ``get`` answers only ``mgr_ips``.
"""

from __future__ import annotations

import logging
import socket
from typing import Any, ClassVar, cast

import ceph_module

from _mgrapi import types as t
from _mgrapi.logs import MgrModuleLoggingMixin
from _mgrapi.registration import register_options


class MgrStandbyModule(ceph_module.BaseMgrStandbyModule, MgrModuleLoggingMixin):
    MODULE_OPTIONS: ClassVar[list[Any]] = []
    MODULE_OPTION_DEFAULTS: ClassVar[dict[str, Any]] = {}

    def __init__(self, module_name: str, capsule: Any) -> None:
        super().__init__(capsule)
        self.module_name = module_name
        self._configure_logging(
            cast(str, self.get_ceph_option("debug_mgr")),
            cast(str, self.get_module_option("log_level")),
            cast(str, self.get_module_option("log_to_cluster_level")),
            False,
            False,
        )

    @classmethod
    def _register_options(cls, module_name: str) -> None:
        register_options(cls)

    @property
    def log(self) -> logging.Logger:
        return self._logger

    def serve(self) -> None:
        """Mandatory for standby modules."""
        raise NotImplementedError()

    def get_mgr_id(self) -> str:
        return self._ceph_get_mgr_id()

    def get_module_option(self, key: str, default: t.OptionValue = None) -> t.OptionValue:
        r = self._ceph_get_module_option(key)
        return self.MODULE_OPTION_DEFAULTS.get(key, default) if r is None else r

    def get_localized_module_option(self, key: str, default: t.OptionValue = None) -> t.OptionValue:
        r = self._ceph_get_module_option(key, self.get_mgr_id())
        return self.MODULE_OPTION_DEFAULTS.get(key, default) if r is None else r

    def get_ceph_option(self, key: str) -> t.OptionValue:
        return self._ceph_get_option(key)

    def get_store(self, key: str) -> str | None:
        return self._ceph_get_store(key)

    def get_localized_store(self, key: str, default: str | None = None) -> str | None:
        r = self._ceph_get_store(f"{self.get_mgr_id()}/{key}")
        if r is None:
            r = self._ceph_get_store(key)
        return default if r is None else r

    def get_active_uri(self) -> str:
        return self._ceph_get_active_uri()

    def get(self, data_name: str) -> Any:
        return self._ceph_get(data_name)

    def get_mgr_ip(self) -> str:
        ips = (self.get("mgr_ips") or {}).get("ips", [])
        return str(ips[0]) if ips else socket.gethostname()

    def get_hostname(self) -> str:
        return socket.gethostname()
