"""Monmap steps: ``mon_add`` and ``mon_remove``, as an operator changes the
mons of a running cluster (`ceph mon add` then `sim start mon.ID`; `ceph mon rm`).

They count as mon changes for the ``quorum_within`` invariant (an election
follows each). Who may import it: the step table (`sim.scenario.steps`)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.mon_join import MonJoinError, prepare_mon
from sim.ports import reserve_ports
from sim.scenario.errors import SimulatorFailure, StepFailed
from sim.scenario.schema import Checker, ParseContext
from sim.scenario.steps.base import Outcome, Step
from sim.scenario.yamlnodes import Map, Node

if TYPE_CHECKING:
    from sim.scenario.runtime import Runtime

MON_NAME = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def _name(ck: Checker, node: Node, what: str) -> str | None:
    name = ck.string(node, what)
    if name is not None and not MON_NAME.match(name):
        ck.error(node, f"{what}: a mon name is letters, digits, _ or -, got {name!r}")
        return None
    return name


def _mon_command(rt: Runtime, cmd: dict[str, Any]) -> tuple[int, str]:
    try:
        rc, _, outs = rt.client().mon_command(cmd, timeout=10.0)
    except (ConnectionError, TimeoutError) as exc:
        raise SimulatorFailure(f"no mon answered `{cmd['prefix']}` ({exc})") from None
    return rc, outs


@dataclass
class MonAdd(Step):
    """Add a mon: ``ceph mon add NAME 127.0.0.1:PORT`` (a free loopback port is
    picked), then start it from the new monmap (``sim start mon.NAME``). The
    monmap change alone calls an election and raises MON_DOWN until the new mon
    has joined. ``start: false`` only changes the map (the operator starts it
    later with ``python -m sim start mon.NAME``).

        - mon_add: d
        - mon_add: {name: e, start: false}"""

    keyword = "mon_add"
    name: str = ""
    start: bool = True

    @classmethod
    def parse(cls, ck: Checker, node: Node, ctx: ParseContext) -> Step | None:
        if isinstance(node, Map):
            f = ck.fields(node, cls.keyword, required=("name",), optional=("start",))
            if f is None:
                return None
            name = _name(ck, f["name"], "mon_add.name")
            start = ck.boolean(f["start"], "mon_add.start") if "start" in f else True
            return cls(name=name, start=start) if name and start is not None else None
        name = _name(ck, node, cls.keyword)
        return cls(name=name) if name else None

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        return f"mon_add {self.name}" + ("" if self.start else " (not started)")

    def run(self, rt: Runtime) -> Outcome:
        [(port, fd)] = reserve_ports(1)
        try:
            rt.last_mon_change = time.time()
            cmd = {"prefix": "mon add", "name": self.name, "addr": f"127.0.0.1:{port}"}
            rc, outs = _mon_command(rt, cmd)
            if rc != 0:
                raise StepFailed(f"mon add {self.name}: {outs} ({rc})")
            rt.record("mon_add", name=self.name, addr=f"127.0.0.1:{port}")
            if not self.start:
                return Outcome(outs)
            try:
                prepare_mon(rt.client(), self.name)
            except MonJoinError as exc:
                raise StepFailed(str(exc)) from None
            r = rt.fault("start", f"mon.{self.name}")
            return Outcome(f"{outs}; mon.{self.name} started (pid {r.get('pid')})")
        finally:
            os.close(fd)


@dataclass
class MonRemove(Step):
    """Remove a mon from the monmap (``ceph mon rm NAME``): an election follows
    and the removed mon exits by itself (recorded as ``daemon_exited``, not a
    crash). Ceph refuses only the last mon.

        - mon_remove: d"""

    keyword = "mon_remove"
    name: str = ""

    @classmethod
    def parse(cls, ck: Checker, node: Node, ctx: ParseContext) -> Step | None:
        name = _name(ck, node, cls.keyword)
        return cls(name=name) if name else None

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        return f"mon_remove {self.name}"

    def run(self, rt: Runtime) -> Outcome:
        rt.last_mon_change = time.time()
        rc, outs = _mon_command(rt, {"prefix": "mon rm", "name": self.name})
        if rc != 0:
            raise StepFailed(f"mon rm {self.name}: {outs} ({rc})")
        rt.record("mon_remove", name=self.name)
        return Outcome(outs or f"mon.{self.name} removed")
