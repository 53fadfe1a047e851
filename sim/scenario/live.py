"""A running cluster driven with scenario steps from Python.

What the pytest fixture ``ceph_cluster`` hands out, also usable from any
script::

    with LiveCluster.start(tmp_path, mgrs=2) as c:
        c.run('''
          - kill: mgr.active
            as: old
          - wait_for: {mgrmap: {active: {not: $old}, available: true}, timeout: 10s}
        ''')
        c.expect({"mgr.active": {"have_mon_connection": True}})
        assert c.ceph("mgr stat -f json").json()["available"]

Steps are validated exactly as in a scenario file (errors name
``<ceph_cluster.run>:line:col``); variables bound with ``as:`` stay bound
across calls. Invariants run while the cluster lives; a violation fails the
next call (and `close`). `close` undoes every fault and stops every process.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.options import Profile
from sim.scenario.cluster_config import ClusterConfig
from sim.scenario.conditions import CliResult
from sim.scenario.errors import InvariantViolated, StepFailed
from sim.scenario.invariants import Invariant, Monitor, parse_invariant
from sim.scenario.results import StepRecord
from sim.scenario.runner import run_step
from sim.scenario.runtime import Probe, Runtime
from sim.scenario.schema import Checker, ParseContext
from sim.scenario.steps import parse_step
from sim.scenario.timeline import Timeline
from sim.scenario.yamlnodes import Node, Seq, compose, from_plain


@dataclass
class CephOutput(CliResult):
    def json(self) -> Any:
        return json.loads(self.stdout)


class LiveCluster:
    def __init__(
        self, path: Path, cfg: ClusterConfig, invariants: list[Any] | None = None, seed: int = 0
    ) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.cfg = cfg
        self.timeline = Timeline(io.StringIO(), color=False, verbosity=1)
        self.rt = Runtime(cfg, self.path / "cluster", self.path, self.timeline, seed)
        self.timeline.t0 = self.rt.started
        self.ctx = ParseContext(cfg, self.path)
        self.invariants = self._invariants(
            invariants if invariants is not None else ["no_unexpected_crash"]
        )
        self.monitor = Monitor(self.rt, self.invariants)
        self.records: list[StepRecord] = []
        self._closed = False

    @classmethod
    def start(
        cls,
        path: Path,
        mons: int = 1,
        mgrs: int = 2,
        osds: int = 0,
        modules: list[str] | tuple[str, ...] = (),
        options: dict[str, Any] | None = None,
        profile: str = "fast",
        invariants: list[Any] | None = None,
        seed: int = 0,
        release: str | None = None,
        ceph_python: str | Path | None = None,
    ) -> LiveCluster:
        cfg = ClusterConfig(mons=mons, mgrs=mgrs, osds=osds, modules=list(modules), options=dict(options or {}),
                            profile=Profile(profile), seed=seed, ceph_release=release,
                            ceph_python=Path(ceph_python) if ceph_python else None)  # fmt: skip
        lc = cls(path, cfg, invariants, seed)
        try:
            lc.rt.start()
            lc.monitor.start()
        except BaseException:
            lc.close(check=False)
            raise
        return lc

    def _invariants(self, spec: list[Any]) -> list[Invariant]:
        root = from_plain(spec, "<ceph_cluster invariants>")
        ck = Checker()
        out = [
            i
            for i in (
                parse_invariant(ck, n, self.ctx)
                for n in (root.items if isinstance(root, Seq) else [root])
            )
            if i
        ]
        ck.raise_if_errors()
        return out

    # --- driving ------------------------------------------------------------------

    def run(self, steps: str | list[Any] | dict[str, Any]) -> list[StepRecord]:
        """Validate and run steps (YAML text, or the same as Python data)."""
        self.rt.check()
        if isinstance(steps, str):
            root: Node = compose(steps, "<ceph_cluster.run>")
        else:
            root = from_plain(steps if isinstance(steps, list) else [steps], "<ceph_cluster.run>")
        ck = Checker()
        items = ck.seq(root, "steps") or []
        parsed = [parse_step(ck, n, self.ctx) for n in items]
        ck.raise_if_errors()
        done = []
        for s in parsed:
            assert s is not None
            rec = StepRecord(
                len(self.records) + 1, s.keyword, s.title(), str(s.mark), s.expectation
            )
            self.records.append(rec)
            run_step(self.rt, s, rec)
            done.append(rec)
            if rec.status == "failed":
                raise StepFailed(f"step {rec.index} `{rec.text}`: {rec.message}\n{self.tail()}")
        return done

    def wait_for(self, condition: dict[str, Any], timeout: str | float = "10s") -> StepRecord:
        return self.run([{"wait_for": {**condition, "timeout": timeout}}])[0]

    def expect(self, condition: dict[str, Any]) -> StepRecord:
        return self.run([{"expect": condition}])[0]

    def ceph(self, line: str, timeout: float = 10.0) -> CephOutput:
        """Run a ceph CLI command; returns (retval, stdout, stderr) and .json()."""
        r = self.rt.ceph_cli(line, timeout)
        return CephOutput(r.retval, r.stdout, r.stderr)

    # --- looking ------------------------------------------------------------------

    @property
    def client(self) -> Probe:
        assert self.rt.probe is not None
        return self.rt.probe

    @property
    def run_dir(self) -> Path:
        return self.rt.run_dir

    @property
    def variables(self) -> dict[str, str]:
        return self.rt.variables

    def status(self, daemon: str, timeout: float = 1.0) -> dict[str, Any]:
        return dict(self.client.admin(daemon, "status", timeout=timeout))

    def events(self) -> list[dict[str, Any]]:
        self.rt.events.read_new()
        return self.rt.events.merged()

    def tail(self, lines: int = 25) -> str:
        return "\n".join(self.timeline.transcript[-lines:])

    def transcript(self) -> str:
        return "\n".join(self.timeline.transcript)

    # --- ending -------------------------------------------------------------------

    def close(self, check: bool = True) -> None:
        """Stop everything; with ``check``, raise if an invariant was violated."""
        if self._closed:
            return
        self._closed = True
        self.monitor.stop()
        self.rt.close()
        failure = self.rt.failure
        if check and isinstance(failure, InvariantViolated):
            raise InvariantViolated(f"{failure}\n{self.tail()}")

    def __enter__(self) -> LiveCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(check=exc[0] is None)
