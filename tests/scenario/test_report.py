"""The HTML report is self-contained and renders its lanes and events in a
real browser (Debian's headless chromium) without script errors."""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import CHROMIUM, DATA

pytestmark = pytest.mark.integration
CliRunner = Callable[..., tuple[int, str, str]]


@pytest.fixture
def report(run_cli: CliRunner, tmp_path: Path) -> Path:
    path, junit = tmp_path / "report.html", tmp_path / "junit.xml"
    code, out, _ = run_cli(
        DATA / "short.yaml", "--out", tmp_path / "out", "--report", path, "--junit", junit
    )
    assert code == 0, out
    assert ET.parse(junit).getroot().get("failures") == "0"
    return path


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}"]  # fmt: skip
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=90)


def test_report_is_self_contained(report: Path) -> None:
    html = report.read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), (
        "the report must not load anything"
    )
    assert '<script type="application/json" id="data">' in html
    assert (
        'id="ev-0"' in html and "The active mgr is killed" in html
    )  # the log and the narration, as HTML
    assert "a standby takes over" in html


@pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"
)
def test_report_renders_lanes_and_events_in_chromium(report: Path, tmp_path: Path) -> None:
    r = chromium("--dump-dom", report.as_uri(), profile=tmp_path / "profile")
    assert r.returncode == 0, r.stderr[-2000:]
    dom = r.stdout
    assert 'data-rendered="ok"' in dom, "the report's script did not finish"
    html_tag = re.search(r"<html[^>]*>", dom)
    assert html_tag and "data-js-errors" not in html_tag.group(), "the page reported script errors"
    assert re.search(r'<pre id="errors"></pre>', dom), "script errors"
    lanes = re.findall(r'<g class="lane" data-daemon="([^"]+)"', dom)
    assert lanes == ["mon.a", "mgr.x", "mgr.y", "scenario"]
    marks = int(re.search(r'data-marks="(\d+)"', dom).group(1))  # type: ignore[union-attr]
    assert marks >= 20
    assert (
        dom.count('class="mark cat-fault"') >= 2
    )  # the kill and the restart, on the victim's lane
    assert (
        'class="seg seg-active"' in dom
        and 'class="seg seg-standby"' in dom
        and 'class="seg seg-down"' in dom
    )
    assert 'class="fault-line"' in dom
    # the space-time diagram: beacons, beacon acks and map pushes as arrows
    arrows = int(re.search(r'data-arrows="(\d+)"', dom).group(1))  # type: ignore[union-attr]
    assert arrows >= 50, arrows
    assert 'class="arrow k-beacon f-delivered"' in dom and 'class="arrow k-map f-delivered"' in dom
    names = re.findall(r'class="dname"[^>]*>([^<]+)<', dom)
    assert {"mon.a", "mgr.x", "mgr.y"} <= set(names), names  # one line per daemon (+ clients)

    shot = tmp_path / "shot.png"
    r = chromium(
        f"--screenshot={shot}",
        "--window-size=1300,900",
        report.as_uri(),
        profile=tmp_path / "profile2",
    )
    assert (
        r.returncode == 0
        and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        and shot.stat().st_size > 20_000
    )
    _check_player(report, tmp_path)


def _report_data(report: Path) -> dict[str, Any]:
    html = report.read_text()
    start = html.index('<script type="application/json" id="data">') + len(
        '<script type="application/json" id="data">'
    )
    return json.loads(html[start : html.index("</script>", start)].replace("<\\/", "</"))


def _check_player(report: Path, tmp_path: Path) -> None:
    """The step-through player opened at a moment (#event=I, #message=N):
    its cursor is on both charts and the event's log row, its mark, the
    narration line before it and the last message sent by then are the
    highlighted ones — what the player computes, checked against the data."""
    d = _report_data(report)
    events = sorted(d["events"], key=lambda e: e["t"])
    arrows = d["diagram"]["arrows"]
    k = next(n for n, e in enumerate(events) if e["cat"] == "fault" and e["daemon"] == "scenario")
    fault = events[k]
    says = [e["i"] for e in events[: k + 1] if e["kind"] == "say" and e["daemon"] == "scenario"]
    sent = [n for n, a in enumerate(arrows) if a["t0"] <= fault["t"] + 1e-9]
    r = chromium("--dump-dom", f"{report.as_uri()}#event={fault['i']}", profile=tmp_path / "p3")
    assert r.returncode == 0, r.stderr[-2000:]
    dom = r.stdout
    html_tag = re.search(r"<html[^>]*>", dom)
    assert html_tag and 'data-player="ok"' in html_tag.group(), "the player did not start"
    assert "data-js-errors" not in html_tag.group()
    assert f'data-player-event="{fault["i"]}"' in html_tag.group()
    assert f'data-player-say="{says[-1] if says else ""}"' in html_tag.group()
    assert f'data-player-message="{sent[-1] if sent else ""}"' in html_tag.group()
    assert re.search(rf'<tr id="ev-{fault["i"]}" class="[^"]*\bcurrent\b', dom)
    assert dom.count('class="cursor"') == 2, "one cursor on the timeline, one on the diagram"
    assert re.search(rf'class="mark cat-fault current" data-event="{fault["i"]}"', dom)

    n = len(arrows) // 2
    r = chromium("--dump-dom", f"{report.as_uri()}#message={n}", profile=tmp_path / "p4")
    dom = r.stdout
    assert f'data-player-message="{n}"' in dom
    assert re.search(rf'class="arrow [^"]*\bcurrent" data-arrow="{n}"', dom)
    before = [e["i"] for e in events if e["t"] <= arrows[n]["t0"] + 1e-9]
    assert f'data-player-event="{before[-1] if before else ""}"' in dom
