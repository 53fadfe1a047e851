"""Golden tests of Ceph 16.2's output shapes: mon.status (``ceph status``, the MgrMap summary line).

Every expected text is read from the captured outputs of a real Ceph 16.2.15
cluster (``tests/data/ceph16``); the inputs are built from other goldens (the
JSON of the same state, the mgr dump, the cluster log) plus the times those
captures imply.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from mon.status import mgrmap_summary, status_plain, strip_internal
from sim.formatting import cli_stdout, parse_utc_stamp

from .shapes_goldens import golden_json, parse_line, stamp, text

# --- mon.status -------------------------------------------------------------------------


def _mgr_dump(name: str) -> dict[str, Any]:
    dump = golden_json(name)
    return {
        "_mgr_active_name": dump["active_name"],
        "_mgr_active_change": parse_utc_stamp(dump["active_change"]),
        "_mgr_standbys": [s["name"] for s in dump["standbys"]],
    }


def _leader_stamp(name: str, quorum: str) -> float:
    """When the mon leader announced ``quorum`` (the quorum's age starts there)."""
    for line in text(name).splitlines():
        if f"is new leader, mons {quorum} in quorum" in line:
            return parse_line(line).stamp
    raise AssertionError(quorum)


def _status_case(case: str) -> tuple[dict[str, Any], float]:
    """A status dict (golden JSON + internal fields) and the `now` of the .txt capture."""
    mons = {"_mon_names": ["a", "b", "c"]}
    if case in ("status_s", "status"):
        extra = {**mons, **_mgr_dump("mgr_dump.json")}
        now = stamp("12:48:47.5" if case == "status_s" else "12:48:48.5")
    elif case == "mgr_down_status_s":
        extra = {**mons, **_mgr_dump("mgr_down_mgr_dump.json")}
        now = extra["_mgr_active_change"] + 1.7248  # the golden's "since 1.7248s"
        extra["_quorum_since"] = now - 36.5
    elif case == "mgr_down_98s_status_s":
        extra = {**mons, **_mgr_dump("mgr_down_mgr_dump.json")}
        now = stamp("12:48:22.5")
    elif case == "after_mgr_kill9_status_s":
        replaced = "Manager daemon x is unresponsive, replacing it with standby daemon y"
        change = next(
            parse_line(ln).stamp
            for ln in text("cluster_log_failover.txt").splitlines()
            if replaced in ln
        )
        extra = {**mons, "_mgr_active_name": "y", "_mgr_active_change": change, "_mgr_standbys": []}
        extra["_quorum_since"] = _leader_stamp("cluster_log_mon.txt", "a,b,c")
        now = stamp("12:46:25.5")
    elif case == "mon_down_status_s":
        # "mgrmap e6: x(active, since 110s)" at 12:46:03.04 and "since 117s" at 12:46:09.30
        # put x's active_change between 12:44:12.04 and 12:44:12.30.
        extra = {**mons, "_mgr_active_name": "x", "_mgr_active_change": stamp("12:44:12.2")}
        extra["_mgr_standbys"] = ["y"]
        extra["_quorum_since"] = _leader_stamp("cluster_log_mon.txt", "a,b")
        now = stamp("12:46:06.5")
    elif case == "noosd_status_s":
        now = stamp("12:44:21.5")
        extra = {**mons, "_mgr_active_name": "x", "_mgr_active_change": now - 9.5}
        extra["_mgr_standbys"] = ["y"]
    else:
        raise AssertionError(case)
    return {**golden_json(f"{case}.json"), **extra}, now


STATUS_CASES = [
    "status_s",
    "status",
    "mgr_down_status_s",
    "mgr_down_98s_status_s",
    "after_mgr_kill9_status_s",
    "mon_down_status_s",
    "noosd_status_s",
]


@pytest.mark.parametrize("case", STATUS_CASES)
def test_status_plain(case: str) -> None:
    status, now = _status_case(case)
    assert cli_stdout(None, status_plain(status, now)) == text(f"{case}.txt")
    assert strip_internal(status) == golden_json(f"{case}.json")


def test_status_plain_extras() -> None:
    status, now = _status_case("status_s")
    status["pgmap"] = {
        **status["pgmap"],
        "pgs_by_state": [
            {"state_name": "active+clean", "count": 30},
            {"state_name": "peering", "count": 3},
        ],
        "inactive_pgs_ratio": 0.090909093618392944,
        "read_op_per_sec": 0,
        "write_op_per_sec": 1500,
        "write_bytes_sec": 2048,
    }
    status["osdmap"] = {**status["osdmap"], "num_remapped_pgs": 2}
    status["_osd_flags"] = "noout"
    out = status_plain(status, now)
    assert (
        "    osd: 3 osds: 3 up (since 4m), 3 in (since 4m); 2 remapped pgs\n         flags noout\n"
        in out
    )
    assert (
        "    pgs:     9.091% pgs not active\n             30 active+clean\n             3  peering\n"
        in out
    )
    assert out.endswith(" \n  io:\n    client:   2 KiB/s wr, 0 op/s rd, 1.50k op/s wr\n \n")


MGRMAP_LINE = re.compile(r"^mgrmap e(\d+): (.*)$")
SUMMARY = re.compile(
    r"^(?:(?P<name>\w+)\(active(?P<starting>, starting)?, since (?P<since>[\d.]+)s?(?P<unit>m?)\)"
    r"|no daemons active \(since (?P<nsince>[\d.]+)s\))(?:, standbys: (?P<standbys>.*))?$"
)


def test_mgrmap_summary_matches_the_cluster_log() -> None:
    seen = 0
    for line in text("cluster_log_failover.txt").splitlines():
        if line.startswith("#") or "mgrmap e" not in line:
            continue
        entry = parse_line(line)
        m = MGRMAP_LINE.match(entry.message)
        assert m, entry.message
        s = SUMMARY.match(m.group(2))
        assert s, m.group(2)
        since_txt = s.group("since") or s.group("nsince")
        # integer ages were truncated: take the middle of the second
        since = float(since_txt) + (0.5 if "." not in since_txt else 0.0)
        now = 5000.0
        got = mgrmap_summary(
            s.group("name") or "",
            not s.group("starting"),
            now - since,
            s.group("standbys").split(", ") if s.group("standbys") else [],
            now,
            epoch=int(m.group(1)),
        )
        assert got == entry.message
        seen += 1
    assert seen >= 10
    assert mgrmap_summary("x", True, 0, [], 100.0) == "x(active)"
    assert mgrmap_summary("", False, None, ["x", "y"], 1.0) == "no daemons active, standbys: x, y"
