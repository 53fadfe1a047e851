"""pytest plugin for CI suites (entry point ``pytest11``: ``ceph_mgr_sim``).

- Fixture ``ceph_cluster``: a factory that starts a cluster in the test's
  private directory (free ports, so safe under ``pytest -n auto``) and always
  tears it down::

      def test_failover(ceph_cluster):
          c = ceph_cluster(mgrs=2, options={"mon_mgr_beacon_grace": 2})
          c.run("- kill: mgr.active\\n  as: old")
          c.wait_for({"mgrmap": {"active": {"not": "$old"}, "available": True}}, timeout="6s")

- ``pytest --sim-scenarios=scenarios/``: every ``*.yaml`` scenario in that
  folder (or that file) is one test; a failure shows the failed expectation
  and the end of the timeline. ``--sim-out=DIR`` keeps each run's events,
  report and JUnit XML under ``DIR/<name>``. The ini option ``sim_scenarios``
  names folders whose scenarios are collected when pytest visits them.

Without the entry point installed, enable it with ``-p sim.scenario.pytest_plugin``.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from sim.scenario.live import LiveCluster
    from sim.scenario.model import Scenario
    from sim.scenario.results import RunResult

SUFFIXES = (".yaml", ".yml")
_ROOTS = pytest.StashKey[list[Path]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ceph-mgr-sim", "ceph-mgr-sim scenarios")
    group.addoption("--sim-scenarios", action="append", default=[], metavar="PATH",
                    help="run every *.yaml scenario under PATH (a folder or a file) as a test")  # fmt: skip
    group.addoption(
        "--sim-out",
        default=None,
        metavar="DIR",
        help="keep each scenario's outputs under DIR/<name>",
    )
    parser.addini(
        "sim_scenarios",
        type="paths",
        default=[],
        help="folders whose *.yaml files are ceph-mgr-sim scenarios",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "scenario: a ceph-mgr-sim scenario file run as a test")
    given = [Path(p) for p in config.getoption("sim_scenarios") or []]
    for p in given:
        if str(p) not in config.args:
            config.args.append(str(p))
    roots = [p.resolve() for p in [*given, *config.getini("sim_scenarios")]]
    config.stash[_ROOTS] = roots


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix not in SUFFIXES:
        return None
    roots = parent.config.stash.get(_ROOTS, [])
    path = file_path.resolve()
    if any(path == r or r in path.parents for r in roots):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from sim.scenario.loader import load

        scenario = load(self.path)  # InvalidScenario: a collection error with file:line:col
        yield ScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        from sim.scenario.errors import InvalidScenario

        if isinstance(excinfo.value, InvalidScenario):
            return f"invalid scenario:\n{excinfo.value}"
        return super().repr_failure(excinfo)


class ScenarioFailed(Exception):
    def __init__(self, result: RunResult) -> None:
        super().__init__(result.failure)
        self.result = result


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Scenario, **kw: Any) -> None:
        super().__init__(**kw)
        self.scenario = scenario
        self.add_marker("scenario")

    def runtest(self) -> None:
        from sim.scenario.runner import RunOptions, run

        keep = self.config.getoption("sim_out")
        out = (
            Path(keep) / self.scenario.name
            if keep
            else Path(tempfile.mkdtemp(prefix=f"sim-{self.scenario.name}-"))
        )
        result = run(self.scenario, RunOptions(out_dir=out, junit=out / "junit.xml" if keep else None,
                                               stream=io.StringIO(), color="never"))  # fmt: skip
        if not result.passed:
            raise ScenarioFailed(result)
        if not keep:
            shutil.rmtree(out, ignore_errors=True)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ScenarioFailed):
            r = excinfo.value.result
            tail = "\n".join(r.transcript[-30:])
            return f"scenario {r.scenario.name} failed (exit {r.exit_code}): {r.failure}\n\n{tail}\n\noutputs kept in {r.out_dir}"
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario {self.scenario.name}"


@pytest.fixture
def ceph_cluster(tmp_path: Path) -> Iterator[Callable[..., LiveCluster]]:
    """``ceph_cluster(mons=1, mgrs=2, osds=0, modules=(), options=None,
    profile="fast", invariants=["no_unexpected_crash"], seed=0, release=None,
    ceph_python=None)`` -> a running `LiveCluster` (``release="18.2"``: the mgrs
    run that fetched release's own Python, see docs/releases.md); every cluster made is torn down after the test, and an
    invariant violated meanwhile fails the test."""
    from sim.scenario.live import LiveCluster

    made: list[LiveCluster] = []

    def make(**kw: Any) -> LiveCluster:
        c = LiveCluster.start(tmp_path / f"cluster{len(made) + 1}", **kw)
        made.append(c)
        return c

    yield make
    errors = []
    for c in reversed(made):
        try:
            c.close()
        except AssertionError as exc:
            errors.append(str(exc))
    if errors:
        pytest.fail("\n".join(errors), pytrace=False)
