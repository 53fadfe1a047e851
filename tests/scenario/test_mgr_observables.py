"""The mgr's admin observables the module scenarios read, on a live cluster:
``module_option {module, key}`` (what get_module_option returns, on the
active and on a standby) and each module's ``uri``/``listeners`` in the
admin status (the standby dashboard's own listener included)."""

from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Callable

import pytest

from sim.scenario.live import LiveCluster

pytestmark = pytest.mark.integration
Factory = Callable[..., LiveCluster]


def option(c: LiveCluster, mgr: str, module: str, key: str) -> object:
    return c.client.admin(mgr, {"prefix": "module_option", "module": module, "key": key})


def test_module_option_and_module_uris(ceph_cluster: Factory) -> None:
    c = ceph_cluster(mgrs=2, modules=["sim_dashboard", "hello"])
    active = c.ceph("mgr dump -f json").json()["active_name"]
    standby = "y" if active == "x" else "x"
    mgrs = [f"mgr.{active}", f"mgr.{standby}"]
    # declared defaults, typed; hello has no standby class, yet the standby answers too
    for mgr in mgrs:
        assert option(c, mgr, "hello", "place") == "world"
        assert option(c, mgr, "hello", "emphatic") is True
        assert option(c, mgr, "sim_dashboard", "standby_error_status_code") == 500
    assert c.ceph("config set mgr mgr/sim_dashboard/standby_error_status_code 503").retval == 0
    c.wait_for(
        {
            m: {
                "module_option": {
                    "module": "sim_dashboard",
                    "key": "standby_error_status_code",
                    "value": 503,
                }
            }
            for m in mgrs
        },
        timeout="2s",
    )
    with pytest.raises(RuntimeError, match="declares no option 'nope'"):
        option(c, mgrs[0], "hello", "nope")
    with pytest.raises(RuntimeError, match="no module 'nosuch' is loaded"):
        option(c, mgrs[0], "nosuch", "x")

    c.wait_for({"mgrmap": {"services": {"contains": "sim_dashboard"}}}, timeout="5s")
    uri = c.ceph("mgr services -f json").json()["sim_dashboard"]
    mods = c.status(mgrs[0])["modules"]["modules"]
    assert mods["sim_dashboard"]["uri"] == uri and mods["sim_dashboard"]["kind"] == "active"
    assert mods["sim_dashboard"]["listeners"] == [urllib.parse.urlsplit(uri).netloc]
    assert "uri" not in mods["sim_selftest"]  # not enabled: no instance
    assert mods["hello"]["uri"] == "" and mods["hello"]["listeners"] == []

    c.wait_for(
        {
            mgrs[1]: {
                "module": {
                    "name": "sim_dashboard",
                    "kind": "standby",
                    "uri": {"matches": "^http://"},
                }
            }
        },
        timeout="5s",
    )
    own = c.status(mgrs[1])["modules"]["modules"]["sim_dashboard"]["uri"]
    assert own != uri
    u = urllib.parse.urlsplit(own)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=5)
    try:
        conn.request("GET", "/")
        r = conn.getresponse()
        assert (r.status, r.getheader("Location")) == (303, uri)
    finally:
        conn.close()
    # the same through the scenario's http subject (daemon + module)
    c.run(
        [
            {
                "http": {
                    "daemon": mgrs[1],
                    "module": "sim_dashboard",
                    "status": 303,
                    "headers": {"Location": uri},
                }
            }
        ]
    )
