"""Module logging: ``self.log``, ``log_level``, ``log_to_file``, ``log_to_cluster``.

Each module logs through its own logger (named after the module, not
propagating), as newer Ceph does; in one shared interpreter a root-logger
scheme (Ceph 16) would mix every module's records. Handlers:

- to the mgr's log, through the host (``[<module> <LEVEL> <logger>] msg``);
- with ``log_to_file``: ``<log_file minus .log>.<module>.log``, i.e.
  ``<run dir>/log/mgr.<id>.<module>.log``;
- with ``log_to_cluster``: the cluster log, channel = module name, at
  ``log_to_cluster_level``.

``log_level`` "" means: derive from ``debug_mgr`` (``2/5`` -> INFO).
"""

from __future__ import annotations

import logging
from typing import Any

from _mgrapi.types import ClusterLogPrio

_PRIO = {
    logging.DEBUG: ClusterLogPrio.DEBUG,
    logging.INFO: ClusterLogPrio.INFO,
    logging.WARNING: ClusterLogPrio.WARN,
    logging.ERROR: ClusterLogPrio.ERROR,
    logging.CRITICAL: ClusterLogPrio.ERROR,
}


class CPlusPlusHandler(logging.Handler):
    """Into the mgr daemon's log (Ceph: dout through ``_ceph_log``)."""

    def __init__(self, module_inst: Any) -> None:
        super().__init__()
        self._module = module_inst
        self.setFormatter(
            logging.Formatter(f"[{module_inst.module_name} %(levelname)-4s %(name)s] %(message)s")
        )

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._module._ceph_log(record.levelno, self.format(record))
        except Exception:
            self.handleError(record)


class ClusterLogHandler(logging.Handler):
    def __init__(self, module_inst: Any) -> None:
        super().__init__()
        self._module = module_inst
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        prio = _PRIO.get(record.levelno, ClusterLogPrio.INFO)
        try:
            self._module._ceph_cluster_log(self._module.module_name, int(prio), self.format(record))
        except Exception:
            self.handleError(record)


def module_log_path(log_file: str, module_name: str) -> str:
    idx = log_file.rfind(".log")
    if idx != -1:
        return f"{log_file[:idx]}.{module_name}.log"
    return f"{log_file}.{module_name}"


class FileHandler(logging.FileHandler):
    def __init__(self, module_inst: Any) -> None:
        self.path = module_log_path(
            str(module_inst.get_ceph_option("log_file")), module_inst.module_name
        )
        super().__init__(self.path, delay=True)
        self.setFormatter(
            logging.Formatter(
                "%(asctime)s [%(threadName)s] [%(levelname)-4s] [%(name)s] %(message)s"
            )
        )


def ceph_level_to_python(debug_mgr: str) -> str:
    """``debug_mgr`` (e.g. ``2/5``) -> a Python level name (first number)."""
    try:
        n = int(str(debug_mgr).split("/", 1)[0]) if debug_mgr else 0
    except ValueError:
        n = 0
    if n <= 0:
        return "CRITICAL"
    if n <= 1:
        return "WARNING"
    if n <= 4:
        return "INFO"
    return "DEBUG"


class MgrModuleLoggingMixin:
    module_name: str = ""  # the instance's, set by the constructor
    _ceph_log: Any
    _ceph_cluster_log: Any

    def _configure_logging(
        self,
        mgr_level: str,
        module_level: str,
        cluster_level: str,
        log_to_file: bool,
        log_to_cluster: bool,
    ) -> None:
        self._logger = logging.getLogger(self.module_name)
        self._logger.propagate = False
        self._unconfigure_logging()
        self._mgr_level: str | None = None
        self._module_level: str | None = None
        self._mgr_log_handler = CPlusPlusHandler(self)
        self._cluster_log_handler = ClusterLogHandler(self)
        self._file_log_handler: FileHandler | None = None
        self._logger.addHandler(self._mgr_log_handler)
        if log_to_file:
            self._enable_file_log(quiet=True)
        if log_to_cluster:
            self._enable_cluster_log(quiet=True)
        self._set_log_level(mgr_level, module_level, cluster_level)

    def _unconfigure_logging(self) -> None:
        logger = logging.getLogger(self.module_name)
        for h in list(logger.handlers):
            if isinstance(h, CPlusPlusHandler | ClusterLogHandler | FileHandler):
                logger.removeHandler(h)
                h.close()
        self.log_to_file = False
        self.log_to_cluster = False

    def _set_log_level(self, mgr_level: str, module_level: str, cluster_level: str) -> None:
        self._cluster_log_handler.setLevel((cluster_level or "info").upper())
        module_level = module_level.upper() if module_level else ""
        if module_level == (self._module_level or "") and (
            module_level or self._mgr_level == mgr_level
        ):
            return
        if module_level:
            level = module_level
            self._logger.debug("setting log level: %s", level)
        else:
            level = ceph_level_to_python(mgr_level)
            if self._module_level:
                self._logger.warning(
                    "unsetting module log level, falling back to debug_mgr level: %s (%s)",
                    level,
                    mgr_level,
                )
        self._module_level = module_level
        self._mgr_level = mgr_level
        self._logger.setLevel(level)

    def _enable_file_log(self, quiet: bool = False) -> None:
        if not quiet:
            self._logger.warning("enabling logging to file")
        self.log_to_file = True
        self._file_log_handler = FileHandler(self)
        self._logger.addHandler(self._file_log_handler)

    def _disable_file_log(self) -> None:
        self._logger.warning("disabling logging to file")
        self.log_to_file = False
        if self._file_log_handler is not None:
            self._logger.removeHandler(self._file_log_handler)
            self._file_log_handler.close()
            self._file_log_handler = None

    def _enable_cluster_log(self, quiet: bool = False) -> None:
        if not quiet:
            self._logger.warning("enabling logging to cluster")
        self.log_to_cluster = True
        self._logger.addHandler(self._cluster_log_handler)

    def _disable_cluster_log(self) -> None:
        self._logger.warning("disabling logging to cluster")
        self.log_to_cluster = False
        self._logger.removeHandler(self._cluster_log_handler)

    def _ceph_log_level_to_python(self, log_level: str) -> str:
        return ceph_level_to_python(log_level)

    def getLogger(self, name: str | None = None) -> logging.Logger:
        return logging.getLogger(name) if name else self._logger
