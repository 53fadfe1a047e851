"""Health checks as Ceph 16.2's mon reports them (``health_check_map_t``).

Pure data and formatting: `HealthMap` gives the JSON of ``ceph health
[detail] -f json`` (and the ``health`` object of ``ceph -s -f json``), the
plain text of ``ceph health [detail]`` and the one-liner of ``ceph -s``;
`diff_messages` and `clog_summary_messages` give the cluster-log lines the mon
writes when health changes (``Monitor::log_health`` / ``do_health_to_clog``).

Mutes (``ceph health mute``, Ceph's ``health_mute_t``) travel with the map
(`HealthMap.mutes`, set by the health service): a muted check still shows,
marked ``"muted": true`` and ``(MUTED …)``, but no longer counts for the
overall status; ``(muted: CODE(ttl) …)`` ends the one-line summary.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sim.formatting import parse_utc_stamp, timespan_str, utc_stamp

__all__ = [
    "HealthCheck",
    "HealthMute",
    "HealthMap",
    "HealthStatus",
    "clog_summary_messages",
    "diff_messages",
]

_RANK = {"HEALTH_OK": 0, "HEALTH_WARN": 1, "HEALTH_ERR": 2}
_SHORT = {"HEALTH_OK": "OK", "HEALTH_WARN": "WRN", "HEALTH_ERR": "ERR"}
_CLOG = {"HEALTH_OK": "[INF]", "HEALTH_WARN": "[WRN]", "HEALTH_ERR": "[ERR]"}


class HealthStatus(StrEnum):
    """Overall or per-check health; compares by badness (OK < WARN < ERR)."""

    HEALTH_OK = "HEALTH_OK"
    HEALTH_WARN = "HEALTH_WARN"
    HEALTH_ERR = "HEALTH_ERR"

    @property
    def rank(self) -> int:
        """0 for OK, 1 for WARN, 2 for ERR."""
        return _RANK[self.value]

    @property
    def short(self) -> str:
        """The tag of ``ceph health detail`` lines: ``OK``, ``WRN``, ``ERR``."""
        return _SHORT[self.value]

    @property
    def clog_priority(self) -> str:
        """The cluster-log priority of ``clog->health(severity)``: ``[INF]``/``[WRN]``/``[ERR]``."""
        return _CLOG[self.value]

    @classmethod
    def worst(cls, statuses: Iterable[HealthStatus]) -> HealthStatus:
        """The worst of ``statuses`` (HEALTH_OK when there are none)."""
        result = cls.HEALTH_OK
        for status in statuses:
            if status.rank > result.rank:
                result = status
        return result

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, HealthStatus):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, HealthStatus):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, HealthStatus):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, HealthStatus):
            return NotImplemented
        return self.rank >= other.rank


@dataclass(frozen=True)
class HealthCheck:
    """One check: ``MGR_DOWN`` / HEALTH_WARN / ``no active mgr`` / count / detail lines."""

    code: str
    severity: HealthStatus
    summary: str
    count: int = 0
    detail: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self, detail: bool) -> dict[str, Any]:
        """``health_check_t::dump`` plus ``muted`` (``detail`` only when asked)."""
        out: dict[str, Any] = {
            "severity": self.severity.value,
            "summary": {"message": self.summary, "count": self.count},
        }
        if detail:
            out["detail"] = [{"message": line} for line in self.detail]
        out["muted"] = False
        return out

    @classmethod
    def from_json(cls, code: str, data: Mapping[str, Any]) -> HealthCheck:
        """Inverse of `to_json` (a missing ``detail`` gives no detail lines)."""
        summary = data.get("summary", {})
        return cls(
            code=code,
            severity=HealthStatus(data["severity"]),
            summary=str(summary.get("message", "")),
            count=int(summary.get("count", 0)),
            detail=tuple(str(d.get("message", "")) for d in data.get("detail", [])),
        )


@dataclass(frozen=True)
class HealthMute:
    """``ceph health mute CODE [TTL] [--sticky]``: ``ttl`` is an epoch time (0: none);
    a non-sticky mute remembers the check's summary and count when it was muted."""

    code: str
    ttl: float = 0.0
    sticky: bool = False
    summary: str = ""
    count: int = 0

    def to_json(self) -> dict[str, Any]:
        """``health_mute_t::dump``."""
        out: dict[str, Any] = {"code": self.code}
        if self.ttl:
            out["ttl"] = utc_stamp(self.ttl)
        out |= {"sticky": self.sticky, "summary": self.summary, "count": self.count}
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HealthMute:
        ttl = data.get("ttl")
        return cls(
            str(data["code"]),
            parse_utc_stamp(str(ttl)) if ttl else 0.0,
            bool(data.get("sticky", False)),
            str(data.get("summary", "")),
            int(data.get("count", 0)),
        )

    def left(self, now: float) -> str:
        """What is left of the TTL, as Ceph prints it (``59m``)."""
        return timespan_str(self.ttl - now)


class HealthMap:
    """Checks keyed by code; output is always in code order (Ceph's ``std::map``)."""

    def __init__(
        self, checks: Iterable[HealthCheck] = (), mutes: Mapping[str, HealthMute] | None = None
    ) -> None:
        self.checks: dict[str, HealthCheck] = {}
        self.mutes: dict[str, HealthMute] = dict(mutes or {})
        for check in checks:
            self.add(check)

    def with_mutes(self, mutes: Mapping[str, HealthMute]) -> HealthMap:
        """The same checks, shown with ``mutes``."""
        return HealthMap(self, mutes)

    def add(self, check: HealthCheck) -> None:
        """Add a check; a code already present keeps its severity and summary,
        gains the new detail lines and adds the counts (``health_check_map_t::merge``)."""
        have = self.checks.get(check.code)
        if have is None:
            self.checks[check.code] = check
            return
        self.checks[check.code] = HealthCheck(
            have.code,
            have.severity,
            have.summary,
            have.count + check.count,
            have.detail + check.detail,
        )

    def __iter__(self) -> Iterator[HealthCheck]:
        return iter(self.checks[code] for code in sorted(self.checks))

    def __len__(self) -> int:
        return len(self.checks)

    def __contains__(self, code: object) -> bool:
        return code in self.checks

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HealthMap):
            return NotImplemented
        return self.checks == other.checks

    def __repr__(self) -> str:
        return f"HealthMap({list(self)!r})"

    @property
    def status(self) -> HealthStatus:
        """The worst severity of the checks not muted (HEALTH_OK when none)."""
        return HealthStatus.worst(
            c.severity for c in self.checks.values() if c.code not in self.mutes
        )

    @classmethod
    def merge(cls, *maps: HealthMap) -> HealthMap:
        """All checks of ``maps`` in one map (same code: see `add`)."""
        out = cls()
        for m in maps:
            for check in m:
                out.add(check)
        return out

    # --- JSON -----------------------------------------------------------------

    def to_json(self, detail: bool) -> dict[str, Any]:
        """``ceph health [detail] -f json`` (``detail=False`` is also ``ceph -s``'s ``health``)."""
        return {
            "status": self.status.value,
            "checks": {c.code: c.to_json(detail) | {"muted": c.code in self.mutes} for c in self},
            "mutes": [self.mutes[code].to_json() for code in sorted(self.mutes)],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HealthMap:
        """Inverse of `to_json`."""
        return cls(HealthCheck.from_json(code, v) for code, v in data.get("checks", {}).items())

    # --- plain ----------------------------------------------------------------

    def summary_line(self, sep1: str = " ", sep2: str = "; ", now: float | None = None) -> str:
        """``HEALTH_WARN a; b; (muted: C(59m))`` (no newline); ``ceph -s`` uses
        12-space line breaks as separators. ``now`` dates the mutes' TTLs."""
        text = self.status.value
        items = [c.summary for c in self if c.code not in self.mutes]
        if self.mutes:
            items.append(mutes_text(self.mutes.values(), now))
        if items:
            text += sep1 + sep2.join(items)
        return text

    def plain(self, detail: bool, now: float | None = None) -> str:
        """The text of ``ceph health`` / ``ceph health detail`` (ends with a newline)."""
        lines = [self.summary_line(now=now)]
        if detail:
            for check in self:
                mute = self.mutes.get(check.code)
                tag = "" if mute is None else _muted_tag(mute, _now(now))
                lines.append(f"{tag}[{check.severity.short}] {check.code}: {check.summary}")
                lines.extend("    " + d for d in check.detail)
        return "\n".join(lines) + "\n"

    # --- mgr modules ------------------------------------------------------------

    @classmethod
    def from_module_checks(cls, checks: Any) -> HealthMap:
        """A mgr module's ``set_health_checks`` dict, read like ``ceph_set_health_checks``.

        ``{"CODE": {"severity": "warning"|"error", "summary": str, "count": int,
        "detail": [str, ...]}}``. A non-str code or non-dict value skips the
        check; a field of the wrong type (and each non-str detail item) is
        skipped; a severity other than "warning"/"error" leaves HEALTH_OK.
        """
        out = cls()
        if not isinstance(checks, Mapping):
            return out
        for code, info in checks.items():
            if not isinstance(code, str) or not isinstance(info, Mapping):
                continue
            severity = HealthStatus.HEALTH_OK
            summary = ""
            count = 0
            detail: list[str] = []
            for key, value in info.items():
                if key == "severity" and isinstance(value, str):
                    if value == "warning":
                        severity = HealthStatus.HEALTH_WARN
                    elif value == "error":
                        severity = HealthStatus.HEALTH_ERR
                elif key == "summary" and isinstance(value, str):
                    summary = value
                elif key == "count" and isinstance(value, int):
                    count = int(value)
                elif key == "detail" and isinstance(value, list):
                    detail.extend(d for d in value if isinstance(d, str))
            out.add(HealthCheck(code, severity, summary, count, tuple(detail)))
        return out


def _now(now: float | None) -> float:
    return time.time() if now is None else now


def mutes_text(mutes: Iterable[HealthMute], now: float | None = None) -> str:
    """``(muted: A(59m) B)``: every mute, with what is left of its TTL."""
    t = _now(now)
    ordered = sorted(mutes, key=lambda m: m.code)
    return "(muted: " + " ".join(
        m.code + (f"({m.left(t)})" if m.ttl else "") for m in ordered
    ) + ")"  # fmt: skip


def _muted_tag(mute: HealthMute, now: float) -> str:
    """``(MUTED ttl 59m, STICKY) `` before a muted check's detail line."""
    tag = "(MUTED"
    if mute.ttl:
        tag += f" ttl {mute.left(now)}" if mute.ttl > now else " expired"
    if mute.sticky:
        tag += ", STICKY"
    return tag + ") "


# --- cluster log ------------------------------------------------------------------


def diff_messages(
    old: HealthMap, new: HealthMap, *, others_have_checks: bool = False
) -> list[tuple[str, str]]:
    """The (priority, message) cluster-log lines for a health change (``Monitor::log_health``).

    New checks: ``Health check failed: <summary> (<CODE>)`` at the check's
    severity; changed summary or severity: ``Health check update: ...``;
    gone: ``Health check cleared: <CODE> (was: <summary>)`` (INF), with Ceph's
    special texts for DEGRADED_OBJECTS and OSD_FLAGS; then ``Cluster is now
    healthy`` when the last check went and no other source has checks. The
    mon's rate limit on repeated updates (``mon_health_log_update_period``) is
    the caller's business.
    """
    out: list[tuple[str, str]] = []
    for check in new:
        before = old.checks.get(check.code)
        if before is None:
            msg = f"Health check failed: {check.summary} ({check.code})"
        elif before.summary != check.summary or before.severity != check.severity:
            msg = f"Health check update: {check.summary} ({check.code})"
        else:
            continue
        out.append((check.severity.clog_priority, msg))
    for check in old:
        if check.code in new.checks:
            continue
        if check.code == "DEGRADED_OBJECTS":
            msg = "All degraded objects recovered"
        elif check.code == "OSD_FLAGS":
            msg = "OSD flags cleared"
        else:
            msg = f"Health check cleared: {check.code} (was: {check.summary})"
        out.append(("[INF]", msg))
    if len(old) and not len(new) and not others_have_checks:
        out.append(("[INF]", "Cluster is now healthy"))
    return out


def clog_summary_messages(
    health: HealthMap,
    previous: HealthMap | None = None,
    *,
    force: bool = False,
    detail_to_clog: bool = True,
) -> list[tuple[str, str]]:
    """The periodic overall-health lines (``Monitor::do_health_to_clog``).

    ``previous`` is the map last summarised (None: never). Nothing when the
    one-line summary and status are unchanged (unless ``force``); ``Health
    detail: ...`` (one log entry per line, as the log client splits them)
    when the summary changed to a non-OK state and ``detail_to_clog``;
    otherwise ``overall <summary>`` (e.g. ``overall HEALTH_OK``).
    """
    summary = health.summary_line()
    prev_summary = previous.summary_line() if previous is not None else ""
    prev_status = previous.status if previous is not None else HealthStatus.HEALTH_OK
    if not force and summary == prev_summary and health.status == prev_status:
        return []
    prio = health.status.clog_priority
    if detail_to_clog and summary != prev_summary and health.status != HealthStatus.HEALTH_OK:
        text = "Health detail: " + health.plain(detail=True)
    else:
        text = "overall " + summary
    return [(prio, line) for line in text.split("\n") if line]
