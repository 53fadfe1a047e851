"""A `FakeMon` with an OSDMap like the goldens' cluster (3 OSDs on one host,
pools ``device_health_metrics`` and ``p1``), and a commit that does what the
mon's write pump does: every service's pending changes into one transaction,
then ``on_committed``. Shared by the unit tests of the mon's operator commands."""

from __future__ import annotations

import time
import uuid
from typing import Any

from mon import commands
from mon.health import HealthMap
from mon.store import Transaction
from sim.formatting import cli_stdout
from sim.maps.osdmap import UP
from tests.golden import golden_text
from tests.unit.fake_mon import FakeMon

HOST = "hh"  # a 2-character host, as the goldens' real one (README: `<host>`)
CRUSH_WEIGHT = 0.0001983642578125  # 256 MiB OSDs, as in the goldens


class CmdMon(FakeMon):
    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.commit()  # epoch 1 (no OSDs, no pools)
        pm = self.osd_service.staged()
        now = time.time()
        for osd in range(3):
            pm.create_osd(osd, str(uuid.uuid4()), HOST, CRUSH_WEIGHT)
            pm.state[osd] |= UP
        pm.add_pool("device_health_metrics", 1, 1, "mgr_devicehealth", now)
        pm.add_pool("p1", 1, 32, "", now)
        self.commit()

    def commit(self, now: float | None = None) -> None:
        """The leader's pump, twice: the staged changes, then the health they
        make, staged as `CommitPath.update_health` does (then the mute checks)."""
        self._commit()
        new = HealthMap(self.osd_service.health_checks())
        self.health_service.stage(new, {})
        for prio, msg in self.health_service.check_mutes(new, now or time.time()):
            self.cluster_log(prio, msg)
        self._commit()

    def _commit(self) -> None:
        txn = Transaction()
        services = (self.mgr_service, self.health_service, self.osd_service, self.config_service)
        for svc in services:
            svc.encode_pending(txn)
        for svc in services:
            svc.on_committed()

    def run(self, prefix: str, fmt: str | None = None, **args: Any) -> tuple[int, str, str]:
        """(retval, stdout as the CLI prints it, status line), then a commit."""
        cmd: dict[str, Any] = {"prefix": prefix, **args}
        if fmt is not None:
            cmd["format"] = fmt
        _, reply = commands.dispatch(self, cmd)
        out = reply.render(fmt).decode() if reply.retval == 0 else ""
        self.commit()
        return reply.retval, cli_stdout(fmt, out) if out else out, reply.outs


def golden(name: str) -> str:
    return golden_text(name)
