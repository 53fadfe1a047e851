"""The scenario engine: YAML scenarios run against a real simulated cluster.

A scenario file describes a cluster, the faults to inject and what must be
observed (see ``docs/scenarios.md``). The pieces:

- `loader` finds and validates files (`schema`, `yamlnodes`, `values`,
  `matchers`); errors carry ``file:line:column`` (`errors`);
- `steps` (one registered class per step), `conditions` and `clauses`
  (what wait_for/expect can observe), `invariants` (checked throughout);
- `model` (a validated scenario; its cluster in `cluster_config`);
- `runtime` (the running cluster and the faults in force) and `runner`
  (the engine, exit codes, cleanup), which fills in `results`;
- outputs: `timeline` (terminal), `events` (events.jsonl), `junit`,
  `report` and `lanes` (HTML);
- `cli` (``python -m sim scenario``) and `pytest_plugin` (``ceph_cluster``,
  ``--sim-scenarios``).
"""

from sim.scenario.errors import InvalidScenario, InvariantViolated, SimulatorFailure, StepFailed

__all__ = ["InvalidScenario", "InvariantViolated", "SimulatorFailure", "StepFailed"]
