"""The HTML report is self-contained and renders its lanes and events in a
real browser (Debian's headless chromium) without script errors."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

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
