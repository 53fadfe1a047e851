"""The health checks the active mgr reports in its beacons (PyModuleRegistry::get_health_checks).

Every running module's own checks (``set_health_checks`` dicts) merged, plus:

- ``MGR_MODULE_DEPENDENCY`` (warning): an enabled module whose ``can_run`` is
  False, which includes modules that failed to import;
- ``MGR_MODULE_ERROR`` (error): an enabled module that can run but failed
  (``serve()`` raised, or its constructor did).

One module: "Module 'X' has failed dependency: <why>" / "Module 'X' has
failed: <why>"; more: "N mgr modules have failed dependencies" / "N mgr
modules have failed", with one detail line per module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _check(severity: str, problems: dict[str, str], one: str, many: str) -> dict[str, Any]:
    details = [one.format(name=n, why=w) for n, w in sorted(problems.items())]
    summary = details[0] if len(details) == 1 else many.format(n=len(details))
    return {"severity": severity, "summary": summary, "count": len(details), "detail": details}


def module_health(
    dependency: Mapping[str, str],
    failed: Mapping[str, str],
    module_checks: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    """All checks, in the ``set_health_checks`` dict format the mon reads."""
    out: dict[str, Any] = {}
    for checks in module_checks.values():
        for code, info in checks.items():
            out[code] = info
    if dependency:
        out["MGR_MODULE_DEPENDENCY"] = _check(
            "warning",
            dict(dependency),
            "Module '{name}' has failed dependency: {why}",
            "{n} mgr modules have failed dependencies",
        )
    if failed:
        out["MGR_MODULE_ERROR"] = _check(
            "error",
            dict(failed),
            "Module '{name}' has failed: {why}",
            "{n} mgr modules have failed",
        )
    return out
