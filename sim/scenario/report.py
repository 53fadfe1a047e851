"""The HTML report: one self-contained file for students and post-mortems.

Everything is inline (CSS, JavaScript, the data as JSON): it opens from disk
with no network. The script (``report_assets/report.js``) draws an SVG time
axis with one lane per daemon — when each process ran, was frozen or down,
which mgr was active, when each lost its mon session — with the faults,
elections, failovers, MgrMap changes, config and health events, the steps,
the narration and every expectation on it; hovering shows an event, and
clicking one finds it in the log below. The log, the steps and the
narration are also plain HTML, readable without scripts.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from sim.scenario import arrows
from sim.scenario.events import ENGINE, category
from sim.scenario.lanes import build_lanes

if TYPE_CHECKING:
    from sim.scenario.results import RunResult

STATUS_MARK = {"passed": "✔", "failed": "✘", "skipped": "·", "interrupted": "!"}


def _asset(name: str) -> str:
    return resources.files("sim.scenario").joinpath("report_assets", name).read_text()


def data(r: RunResult) -> dict[str, Any]:
    t0 = r.started
    events = [
        e | {"i": i, "t": round(float(e["stamp"]) - t0, 4), "cat": category(e)}
        for i, e in enumerate(r.events)
        if e.get("kind") != "messages"
    ]
    return {
        "name": r.scenario.name,
        "about": r.scenario.about,
        "passed": r.passed,
        "exit_code": r.exit_code,
        "failure": r.failure,
        "duration": round(r.ended - t0, 3),
        "seed": r.seed,
        "lanes": build_lanes(r),
        "events": events,
        "diagram": diagram(r),
        "steps": [
            vars(x)
            | {
                "t0": round(x.start - t0, 4) if x.start else None,
                "t1": round(x.end - t0, 4) if x.end else None,
            }
            for x in r.records
        ],  # fmt: skip
        "invariants": [{"name": i.describe(), "violations": i.violations} for i in r.invariants],
    }


def messages(r: RunResult) -> dict[str, Any]:
    """Every daemon's recorded messages, as rows ``[t, daemon, dir, type, peer,
    tid, epoch, size, reason]`` (t from the run's start), and the counts of
    those beyond each period's limit."""
    rows: list[list[Any]] = []
    counts: list[dict[str, Any]] = []
    for e in r.events:
        if e.get("kind") != "messages":
            continue
        who = e.get("daemon", "?")
        for rec in e.get("records", []):
            if isinstance(rec, list) and len(rec) == 8:
                rows.append([round(float(rec[0]) - r.started, 4), who, *rec[1:]])
        for agg in e.get("aggregated", []):
            counts.append({"daemon": who, "since": e.get("since"), "until": e.get("until"), **agg})
    rows.sort(key=lambda row: row[0])
    return {"rows": rows, "aggregated": counts}


def diagram(r: RunResult) -> dict[str, Any]:
    """The space-time diagram's arrows (`arrows.build`) and the counts of
    messages beyond each period's recording limit."""
    m = messages(r)
    return arrows.build(m["rows"]) | {"aggregated": m["aggregated"]}


def _esc(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _steps_table(r: RunResult) -> str:
    rows = []
    for x in r.records:
        took = f"{x.took:.2f}s" if x.end else ""
        rows.append(
            f'<tr class="st-{x.status}"><td>{STATUS_MARK.get(x.status, "")}</td><td>{x.index}</td>'
            f"<td>{_esc(x.keyword)}</td><td>{_esc(x.text)}</td><td>{took}</td><td>{_esc(x.message)}</td></tr>"
        )
    return "\n".join(rows)


def _log_table(r: RunResult) -> str:
    rows = []
    for i, e in enumerate(r.events):
        if e.get("kind") == "messages":
            continue
        data = {k: v for k, v in e.items() if k not in ("stamp", "daemon", "kind")}
        rows.append(
            f'<tr id="ev-{i}" class="cat-{category(e)}"><td>{float(e["stamp"]) - r.started:+.3f}s</td>'
            f"<td>{_esc(e.get('daemon', ''))}</td><td>{_esc(e.get('kind', ''))}</td>"
            f"<td><code>{_esc(json.dumps(data, default=str))}</code></td></tr>"
        )
    return "\n".join(rows)


def _narration(r: RunResult) -> str:
    says = [
        (i, e)
        for i, e in enumerate(r.events)
        if e.get("kind") == "say" and e.get("daemon") == ENGINE
    ]
    return "\n".join(
        f'<li data-event="{i}"><span class=t>{float(e["stamp"]) - r.started:+.1f}s</span> {_esc(e.get("text", ""))}</li>'
        for i, e in says
    )


def render(r: RunResult) -> str:
    payload = json.dumps(data(r), default=str).replace("</", "<\\/")
    verdict = "PASSED" if r.passed else f"FAILED (exit {r.exit_code})"
    invs = "".join(
        f'<li class="{"bad" if i.violations else "good"}">{_esc(i.describe())}: '
        f"{_esc('; '.join(i.violations) or 'held')}</li>"
        for i in r.invariants
    )
    return _asset("report.html").format(
        title=_esc(f"{r.scenario.name} — ceph-mgr-sim scenario"),
        name=_esc(r.scenario.name),
        about=_esc(r.scenario.about),
        description=_esc(r.scenario.description),
        verdict=verdict,
        verdict_class="pass" if r.passed else "fail",
        failure=_esc(r.failure),
        facts=_esc(f"seed {r.seed} · {r.ended - r.started:.1f}s · {r.scenario.path or ''}"),
        narration=_narration(r) or "<li>(no narration)</li>",
        invariants=invs or "<li>(none)</li>",
        steps=_steps_table(r),
        log=_log_table(r),
        watch=_esc(r.watch) or "(nothing: the watch did not start)",
        source=_esc(r.scenario.source),
        css=_asset("report.css"),
        js="\n".join(_asset(f) for f in ("report.js", "diagram.js", "player.js")),
        data=payload,
    )
