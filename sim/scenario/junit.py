"""JUnit XML for CI: one test case per expectation and per invariant.

One ``<testsuite>`` per scenario run (``scenario.<name>``); every
expectation step (wait_for, expect, ceph, http, nemesis) is a ``<testcase>``
named ``<step number> <what it checks>`` with the file and line; each
invariant is one more; a simulator failure is an ``<error>``. Steps not
reached are ``<skipped>``. The plain timeline goes to ``<system-out>``.
An invalid file gives a suite with one failed ``validate`` case listing every
error.
"""

from __future__ import annotations

import socket
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

from sim.scenario.errors import EXIT_SIMULATOR, InvalidScenario

if TYPE_CHECKING:
    from sim.scenario.results import RunResult


def _suite(name: str, started: float, took: float) -> ET.Element:
    return ET.Element(
        "testsuite",
        name=name,
        timestamp=time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)),
        hostname=socket.gethostname(),
        time=f"{took:.3f}",
    )


def _count(root: ET.Element, suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    counts = {
        "tests": len(cases),
        "failures": sum(1 for c in cases if c.find("failure") is not None),
        "errors": sum(1 for c in cases if c.find("error") is not None),
        "skipped": sum(1 for c in cases if c.find("skipped") is not None),
    }
    for k, v in counts.items():
        suite.set(k, str(v))
        root.set(k, str(int(root.get(k, "0")) + v))


def build(r: RunResult) -> ET.Element:
    root = ET.Element("testsuites", name="ceph-mgr-sim scenarios")
    suite = _suite(f"scenario.{r.scenario.name}", r.started, r.ended - r.started)
    props = ET.SubElement(suite, "properties")
    facts = {"file": str(r.scenario.path or ""), "seed": str(r.seed), "exit_code": str(r.exit_code),
             "out_dir": str(r.out_dir), "profile": r.profile}  # fmt: skip
    for k, v in facts.items():
        ET.SubElement(props, "property", name=k, value=v)
    classname = f"scenario.{r.scenario.name}"
    for rec in r.records:
        if not rec.expectation:
            continue
        file, line = _file_line(rec.mark)
        case = ET.SubElement(suite, "testcase", classname=classname, name=f"{rec.index:02d} {rec.text}",
                             time=f"{rec.took:.3f}", file=file, line=line)  # fmt: skip
        if rec.status == "failed":
            ET.SubElement(
                case, "failure", message=rec.message[:500], type="StepFailed"
            ).text = rec.message
        elif rec.status == "interrupted":
            ET.SubElement(case, "skipped", message=rec.message[:500])
        elif rec.status == "skipped":
            reason = "not run: the scenario stopped earlier" if r.exit_code else "not run"
            ET.SubElement(case, "skipped", message=reason)
        elif rec.message:
            ET.SubElement(case, "system-out").text = rec.message
    for inv in r.invariants:
        case = ET.SubElement(suite, "testcase", classname=f"{classname}.invariants", name=inv.describe(),
                             time=f"{r.ended - r.started:.3f}")  # fmt: skip
        if inv.violations:
            text = "\n".join(inv.violations)
            ET.SubElement(
                case, "failure", message=inv.violations[0][:500], type="InvariantViolated"
            ).text = text
    if r.exit_code == EXIT_SIMULATOR:
        case = ET.SubElement(suite, "testcase", classname=classname, name="simulator", time="0")
        ET.SubElement(
            case, "error", message=r.failure[:500], type="SimulatorFailure"
        ).text = r.failure
    ET.SubElement(suite, "system-out").text = "\n".join(r.transcript)
    root.append(suite)
    _count(root, suite)
    return root


def _file_line(mark: str) -> tuple[str, str]:
    parts = mark.rsplit(":", 2)
    return (parts[0], parts[1]) if len(parts) == 3 else (mark, "0")


def write(r: RunResult, path: Path) -> None:
    tree = ET.ElementTree(build(r))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def write_invalid(path: Path, name: str, exc: InvalidScenario) -> None:
    root = ET.Element("testsuites", name="ceph-mgr-sim scenarios")
    suite = _suite(f"scenario.{name}", time.time(), 0.0)
    case = ET.SubElement(suite, "testcase", classname=f"scenario.{name}", name="validate", time="0")
    first = str(exc.errors[0]) if exc.errors else "invalid"
    ET.SubElement(case, "failure", message=first[:500], type="InvalidScenario").text = str(exc)
    root.append(suite)
    _count(root, suite)
    tree = ET.ElementTree(root)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
