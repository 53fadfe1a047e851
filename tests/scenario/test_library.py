"""Every scenario of the library passes against real processes, and leaves
its outputs (merged events.jsonl, JUnit XML, report) and no process behind."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sim import launcher
from sim.cluster import RunDir
from sim.scenario import loader
from sim.scenario.runner import RunOptions, run

from .conftest import SCENARIOS

pytestmark = pytest.mark.integration
LIBRARY = sorted(SCENARIOS.glob("*.yaml"))


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_library_scenario_passes(path: Path, tmp_path: Path) -> None:
    sc = loader.load(path)
    out, junit = tmp_path / "out", tmp_path / "junit.xml"
    result = run(sc, RunOptions(out_dir=out, junit=junit, stream=io.StringIO(), color="never"))
    assert result.exit_code == 0, result.failure + "\n" + "\n".join(result.transcript[-40:])

    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    assert int(suite.get("tests", 0)) == sc.expectation_count() + len(sc.invariants)
    assert (suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("0", "0", "0")

    events = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    daemons = {e["daemon"] for e in events}
    assert {"scenario", "mon.a", "mgr.x", "sim.supervisor"} <= daemons
    stamps = [e["stamp"] for e in events]
    assert stamps == sorted(stamps)
    assert sum(1 for e in events if e["kind"] == "say") == sum(
        1 for s in sc.steps if s.keyword == "say"
    )
    assert (out / "report.html").stat().st_size > 10_000
    assert launcher.cluster_processes(RunDir(out / "cluster")) == []
    # what `ceph -w` printed during the run: the status block, then the log lines
    watched = (out / "ceph-w.txt").read_text()
    assert watched.startswith("  cluster:\n") and "\n \n\n" in watched
    assert result.watch == watched
    if path.stem == "mgr_failover":
        log = watched.split("\n \n\n", 1)[1]
        assert re.search(
            r" mon\.a \[INF\] Manager daemon \w+ is unresponsive, replacing it with standby", log
        )
        html = (out / "report.html").read_text()
        assert "is unresponsive, replacing it with standby daemon" in html.split('id="watch"')[1]
