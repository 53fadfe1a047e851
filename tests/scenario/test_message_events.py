"""Messages as events (issue 13 item 1): in a scenario every daemon records what
it sends, receives and drops, and the report carries them for the diagram."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sim.scenario import cli

pytestmark = pytest.mark.integration

SCENARIO = """\
name: messages
about: beacons flow, then a partition drops them
cluster: {mgrs: 1}
steps:
  - wait_for: {mgrmap: {available: true}, timeout: 10s}
  - sleep: 1s
  - partition: [mgr.x, mon.a]
  - sleep: 1s
  - heal: all
"""


def test_a_scenario_records_sends_receives_and_drops(tmp_path: Path) -> None:
    path = tmp_path / "messages.yaml"
    path.write_text(SCENARIO)
    out = tmp_path / "out"
    code = cli.main([str(path), "--out", str(out), "-q", "--color", "never"], stdout=io.StringIO())
    assert code == 0
    events = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    batches = [e for e in events if e["kind"] == "messages"]
    assert {b["daemon"] for b in batches} >= {"mon.a", "mgr.x"}
    rows = [(b["daemon"], *r[1:4], r[7]) for b in batches for r in b["records"]]
    assert ("mgr.x", "send", "mgr_beacon", "mon.a", "") in rows
    assert ("mon.a", "recv", "mgr_beacon", "mgr.x", "") in rows
    assert ("mon.a", "send", "beacon_ack", "mgr.x", "") in rows
    # the partition: mgr.x's beacons are dropped on its side of the cut
    assert ("mgr.x", "drop", "mgr_beacon", "mon.a", "partitioned") in rows
    # the observer is not recorded
    assert not [r for r in rows if r[3].startswith(("sim.", "client.scenario"))]
    assert not [r for r in rows if r[2] in ("event", "admin")]
    html = (out / "report.html").read_text()
    assert '"messages": {"rows": [[' in html
