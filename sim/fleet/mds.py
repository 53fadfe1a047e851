"""The fleet's MDS daemons: their incarnations (gid, address), run states,
beacons to the mon, and what the mon's FSMap says of them.

Each MDS beacons (``mds beacon``, a hidden mon command standing for Ceph's
MMDSBeacon) every ``mds_beacon_interval`` while it runs; the mon's
MDSMonitor decides who holds a rank (`mon.mds_monitor`) and the fleet learns
it from the ``fsmap`` subscription (`on_fsmap`): the state an MDS reports to
the mgr and in its admin socket's ``status`` is the map's.

Faults (``python -m sim kill|stop|pause|resume|start|restart mds.X``):
``kill`` and ``pause`` silence its beacons (the mon fails it after
``mds_beacon_grace``); ``stop`` is a clean shutdown (a last beacon saying
``down:dne``, so the mon fails it at once); ``start``/``restart`` bring up
a new incarnation (new gid and nonce) that boots as a standby.

Who may import it: `sim.fleet.daemon`, `sim.fleet.asok` and tests.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from sim.fleet.members import FaultAction, FaultError, fault_action
from sim.maps.fsmap import FSMap

MDS_GID_BASE = 4200  # the first incarnations' gids (Ceph's come from the mon)
MDS_PORT = 6900  # mds.<i> listens on MDS_PORT + 2i (v2) and the next port (v1)


class MDSDaemons:
    def __init__(self, names: list[str], nonce: int) -> None:
        self.names = list(names)
        self.gid = {n: MDS_GID_BASE + i for i, n in enumerate(self.names)}
        self.port = {n: MDS_PORT + 2 * i for i, n in enumerate(self.names)}
        self.nonce = dict.fromkeys(self.names, nonce)
        self.running = dict.fromkeys(self.names, True)
        self.paused: set[str] = set()
        self.fsmap = FSMap()
        self._next_gid = MDS_GID_BASE + 1000

    # --- beacons ----------------------------------------------------------------------

    def beacon_entries(self, metadata: Callable[[str], dict[str, str]]) -> list[dict[str, Any]]:
        """One entry per running MDS (a paused one is silent)."""
        return [self._entry(n, metadata(n)) for n in self.names
                if self.running[n] and n not in self.paused]  # fmt: skip

    def _entry(self, name: str, md: dict[str, str] | None = None) -> dict[str, Any]:
        e: dict[str, Any] = {"gid": self.gid[name], "name": name, "port": self.port[name],
                             "nonce": self.nonce[name], "state": self.want_state(name)}  # fmt: skip
        if md:
            e["metadata"] = md
        return e

    def want_state(self, name: str) -> str:
        state, _ = self.state_of(name)
        return "up:boot" if state == "down:dne" else state

    # --- the map ------------------------------------------------------------------------

    def on_fsmap(self, body: dict[str, Any]) -> bool:
        try:
            m = FSMap.from_wire(body)
        except (KeyError, ValueError, TypeError):
            return False
        if m.epoch > self.fsmap.epoch:
            self.fsmap = m
        return True

    def state_of(self, name: str) -> tuple[str, int]:
        """(state, rank) as the FSMap has this incarnation; ``down:dne`` if it is not in it."""
        found = self.fsmap.find_gid(self.gid[name])
        if found is None:
            return "down:dne", -1
        return found[1].state, found[1].rank

    def fs_name_of(self, name: str) -> str:
        found = self.fsmap.find_gid(self.gid[name])
        if found is None or found[0] is None:
            return ""
        return self.fsmap.filesystems[found[0]].fs_name

    def rank_holders(self) -> list[tuple[str, int, str, str]]:
        """(fs name, rank, MDS name, state) of every rank holder this fleet runs, as the
        FSMap has them."""
        out = []
        for m in self.fsmap.filesystems.values():
            for info in m.info.values():
                if info.name in self.gid and self.gid[info.name] == info.gid and info.rank >= 0:
                    out.append((m.fs_name, info.rank, info.name, info.state))
        return out

    def is_up(self, name: str) -> bool:
        """Running and not paused: it beacons, reports and answers."""
        return self.running.get(name, False) and name not in self.paused

    def status(self) -> dict[str, dict[str, Any]]:
        """What the running MDS daemons report to the mgr (state and rank)."""
        out = {}
        for n in self.names:
            if self.running[n]:
                state, rank = self.state_of(n)
                out[n] = {"state": state, "rank": rank}
        return out

    def is_running(self, row: int) -> bool:
        n = self.names[row]
        return self.running[n] and n not in self.paused

    # --- faults ---------------------------------------------------------------------------

    def fault(self, name: str, action: str) -> tuple[str, dict[str, Any] | None]:
        """Apply one fault; returns the new run state and, for a clean stop, the
        last beacon to send."""
        act = fault_action(action)
        if name not in self.running:
            raise FaultError(f"mds.{name} is not in this fleet")
        last = None
        if act in (FaultAction.KILL, FaultAction.STOP):
            if act is FaultAction.STOP and self.running[name]:
                last = self._entry(name) | {"state": "down:dne"}
            self.running[name] = False
            self.paused.discard(name)
        elif act is FaultAction.PAUSE:
            if not self.running[name]:
                raise FaultError(f"mds.{name} is not running")
            self.paused.add(name)
        elif act is FaultAction.RESUME:
            if not self.running[name]:
                raise FaultError(f"mds.{name} is not running")
            self.paused.discard(name)
        elif act is FaultAction.RESTART or not self.running[name]:  # a new incarnation
            self.gid[name] = self._next_gid
            self._next_gid += 1
            self.nonce[name] = random.getrandbits(31) | 1
            self.running[name] = True
            self.paused.discard(name)
        return self.run_state(name), last

    def run_state(self, name: str) -> str:
        if not self.running[name]:
            return "stopped"
        return "paused" if name in self.paused else "running"
