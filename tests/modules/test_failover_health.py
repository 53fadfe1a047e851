"""Module health checks across a failover (documented in docs/module-host.md).

As in Ceph, the mon keeps the checks of the last report of the active: when
the active dies they stay visible until the new active's first report, which
carries only what the new active's modules have set (a freshly constructed
module has set nothing), so they then disappear. A module that wants a check
to survive failover must set it again when it starts, e.g. from its KV store.
"""

from __future__ import annotations

import json

from sim.testing import wait_until

from .helpers import active_name, health, mgr, wait_modules

DEADLINE = 15.0


def test_module_checks_stay_until_the_new_actives_first_report(module_cluster):
    c = module_cluster("sim_selftest", mgrs=2)
    first = active_name(c)
    checks = {
        "SELFTEST_FAILOVER": {
            "severity": "warning",
            "summary": "set on the old active",
            "detail": [],
        }
    }
    assert mgr(c, "mgr self-test health set", checks=json.dumps(checks))[0] == 0
    wait_until(lambda: "SELFTEST_FAILOVER" in health(c)["checks"], DEADLINE, "the check shown")
    c.supervisor({"prefix": "kill", "daemon": f"mgr.{first}"})
    # the active is gone, nobody has reported since: the mon still shows the check
    assert "SELFTEST_FAILOVER" in health(c)["checks"]
    second = wait_until(
        lambda: (n := active_name(c)) not in (None, first) and n, DEADLINE, "new active"
    )
    wait_modules(c, "sim_selftest")
    wait_until(lambda: "SELFTEST_FAILOVER" not in health(c)["checks"], DEADLINE, "the check gone")
    assert second != first
