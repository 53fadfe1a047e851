"""The reports of the library's failover scenarios draw what makes failover
happen (issue 13): in `mgr_failover` the killed active's beacons stop, the
grace passes and the mon pushes the new MgrMap; in `mon_leader_killed` the
survivors' election messages. Checked in the report's data and in headless
Chromium (the arrows drawn, a screenshot of a plausible size)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import CHROMIUM
from .test_report import chromium

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"
    ),
]
CliRunner = Callable[..., tuple[int, str, str]]


def _data(report: Path) -> dict[str, Any]:
    html = report.read_text()
    tag = '<script type="application/json" id="data">'
    start = html.index(tag) + len(tag)
    return json.loads(html[start : html.index("</script>", start)].replace("<\\/", "</"))


def _run(run_cli: CliRunner, tmp_path: Path, name: str) -> tuple[Path, dict[str, Any]]:
    report = tmp_path / f"{name}.html"
    code, out, _ = run_cli(name, "--out", tmp_path / "out", "--report", report)
    assert code == 0, out
    return report, _data(report)


def _drawn(report: Path, tmp_path: Path) -> str:
    r = chromium("--dump-dom", report.as_uri(), profile=tmp_path / "profile")
    assert r.returncode == 0, r.stderr[-2000:]
    html_tag = re.search(r"<html[^>]*>", r.stdout)
    assert (
        html_tag
        and 'data-rendered="ok"' in html_tag.group()
        and "data-js-errors" not in html_tag.group()
    )
    shot = tmp_path / "shot.png"
    s = chromium(
        f"--screenshot={shot}", "--window-size=1300,1400", report.as_uri(), profile=tmp_path / "p2"
    )
    assert s.returncode == 0 and shot.stat().st_size > 40_000
    return r.stdout


def test_mgr_failover_shows_the_beacons_stop_and_the_new_mgrmap(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    report, d = _run(run_cli, tmp_path, "mgr_failover")
    kill = next(
        e
        for e in d["events"]
        if e["kind"] == "fault" and e.get("action") == "kill" and e["daemon"] == "scenario"
    )
    victim = kill["target"][0] if isinstance(kill["target"], list) else kill["target"]
    promoted = next(e for e in d["events"] if e["kind"] == "active" and e["t"] > kill["t"])
    arrows = d["diagram"]["arrows"]
    beacons = [a for a in arrows if a["kind"] == "beacon" and a["from"] == victim]
    assert any(a["t0"] < kill["t"] for a in beacons), "the victim beaconed before the kill"
    silent = [a for a in beacons if kill["t"] + 0.05 < a["t0"] < promoted["t"]]
    assert not silent, f"beacons from the dead {victim} during the grace: {silent[:3]}"
    grace = promoted["t"] - kill["t"]
    assert grace > 2.0, grace  # the fast profile's mon_mgr_beacon_grace is 3 s
    pushes = [a for a in arrows if a["kind"] == "map" and a["from"].startswith("mon.") and a["type"] == "map"
              and kill["t"] + 2.0 < a["t0"] <= promoted["t"] + 0.5 and a["to"].startswith("mgr.")]  # fmt: skip
    assert pushes, "no MgrMap push to the mgrs when the standby was promoted"
    dom = _drawn(report, tmp_path)
    assert 'class="arrow k-beacon f-delivered"' in dom and 'class="arrow k-map f-delivered"' in dom
    assert int(re.search(r'data-arrows="(\d+)"', dom).group(1)) == len(arrows)  # type: ignore[union-attr]


def test_mon_leader_killed_shows_the_election(run_cli: CliRunner, tmp_path: Path) -> None:
    report, d = _run(run_cli, tmp_path, "mon_leader_killed")
    kill = next(
        e
        for e in d["events"]
        if e["kind"] == "fault" and e.get("action") == "kill" and e["daemon"] == "scenario"
    )
    arrows = d["diagram"]["arrows"]
    healed = next(
        (
            e["t"]
            for e in d["events"]
            if e["daemon"] == "scenario" and e["kind"] == "fault" and e["t"] > kill["t"]
        ),
        d["duration"],
    )  # until the victim is started again, only the survivors elect
    after = [a for a in arrows if a["kind"] == "election" and kill["t"] < a["t0"] < healed]
    survivors = {a["from"] for a in after}
    assert len(survivors) >= 2, survivors  # both survivors take part in the election
    victim = kill["target"][0] if isinstance(kill["target"], list) else kill["target"]
    assert victim not in survivors
    dom = _drawn(report, tmp_path)
    assert "arrow k-election" in dom and "arrow k-paxos" in dom
