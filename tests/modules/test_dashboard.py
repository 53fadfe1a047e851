"""The dashboard module with a real HTTP client: active pages, stale state,
and the standby contract of Ceph's dashboard (303 to the active's URI on
every path, also after a failover; error mode; the "no active" page)."""

from __future__ import annotations

import http.client
import json
import socket
import urllib.parse

import pytest

from sim.testing import TestCluster, wait_until

from .helpers import active_name, config_set, enable_modules, wait_modules

DEADLINE = 15.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, path: str = "/") -> tuple[int, dict[str, str], str]:
    """One GET that does not follow redirects."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=5)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode()
    finally:
        conn.close()


def dashboard_cluster(module_cluster, mgrs: int = 2, **kw) -> tuple[TestCluster, dict[str, str]]:
    """A cluster whose mgrs each serve the dashboard on a known port."""
    c = module_cluster(mgrs=mgrs, **kw)
    urls = {}
    for name in c.core.spec.mgrs:
        port = free_port()
        config_set(c, f"mgr/sim_dashboard/{name}/server_port", str(port))
        urls[name] = f"http://127.0.0.1:{port}/"
    enable_modules(c, "sim_dashboard")
    return c, urls


def active_uri(c: TestCluster) -> str | None:
    return c.json("mgr services").get("sim_dashboard")


def test_active_serves_status_and_shows_stale(module_cluster):
    c, urls = dashboard_cluster(module_cluster, mgrs=1)
    uri = wait_until(lambda: active_uri(c), DEADLINE, "the dashboard URI")
    assert uri == urls[active_name(c)]
    status, headers, body = get(uri, "/api/summary")
    data = json.loads(body)
    assert status == 200 and headers["content-type"] == "application/json"
    assert data["have_mon_connection"] is True and data["stale"] is False
    assert data["mgr_map"]["services"] == {"sim_dashboard": uri}
    c.supervisor({"prefix": "kill", "daemon": "mon.a"})
    wait_until(lambda: json.loads(get(uri, "/api/summary")[2])["stale"], DEADLINE, "stale summary")
    status, _, page = get(uri, "/")
    assert status == 200 and "stale: no mon connection" in page
    c.supervisor({"prefix": "restart", "daemon": "mon.a"})
    wait_until(
        lambda: not json.loads(get(uri, "/api/summary")[2])["stale"], DEADLINE, "fresh again"
    )


def wait_redirect(url: str, to: str, path: str = "/") -> None:
    def redirected() -> bool:
        try:
            status, headers, _ = get(url, path)
        except OSError:
            return False
        return status == 303 and headers.get("location") == to

    wait_until(redirected, DEADLINE, f"{url}{path} -> 303 {to}")


def test_standby_redirects_to_the_active_also_after_failover(module_cluster):
    c, urls = dashboard_cluster(module_cluster, mgrs=2)
    first = active_name(c)
    standby = next(n for n in urls if n != first)
    uri = wait_until(lambda: active_uri(c), DEADLINE, "the dashboard URI")
    wait_redirect(urls[standby], uri)
    status, headers, body = get(urls[standby], "/runtime.js")
    assert (status, headers["location"]) == (303, uri)  # every path; the path is not carried over
    assert uri in body
    assert c.mon_command({"prefix": "mgr fail", "who": first})[0] == 0
    wait_until(lambda: active_name(c) == standby, DEADLINE, "the standby promoted")
    wait_modules(c, "sim_dashboard")
    new_uri = wait_until(lambda: (u := active_uri(c)) != uri and u, DEADLINE, "the new URI")
    assert new_uri == urls[standby]
    # the old active came back as a standby on its own port and redirects to the new one
    wait_redirect(uri, new_uri)
    assert get(new_uri, "/")[0] == 200
    # with the only mon gone, the standby keeps redirecting to the last known active
    c.supervisor({"prefix": "kill", "daemon": "mon.a"})
    wait_until(lambda: not c.mgr_status(f"mgr.{first}")["have_mon_connection"], DEADLINE, "no mon")
    status, headers, _ = get(uri, "/")
    assert (status, headers["location"]) == (303, new_uri)


def test_standby_error_mode_and_no_active_page(module_cluster):
    c, urls = dashboard_cluster(module_cluster, mgrs=2)
    standby = next(n for n in urls if n != active_name(c))
    wait_until(lambda: active_uri(c), DEADLINE, "the dashboard URI")
    config_set(c, "mgr/sim_dashboard/standby_behaviour", "error")
    wait_until(lambda: get(urls[standby])[0] == 500, DEADLINE, "standby answers 500")
    status, _, body = get(urls[standby], "/anything")
    assert status == 500 and "Keep on looking" in body
    config_set(c, "mgr/sim_dashboard/standby_error_status_code", "503")
    wait_until(lambda: get(urls[standby])[0] == 503, DEADLINE, "standby answers 503")
    config_set(c, "mgr/sim_dashboard/standby_behaviour", "redirect")
    assert get(urls[standby], "/api/prometheus_receiver")[0] in (204, 503)
    wait_until(lambda: get(urls[standby], "/api/prometheus_receiver")[0] == 204, DEADLINE, "204")
    # no active mgr at all: the standby says so and retries
    assert c.mon_command({"prefix": "mgr set", "var": "down", "val": "true"})[0] == 0

    def no_active() -> bool:
        status, _, page = get(urls[standby])
        return status == 200 and "No active ceph-mgr instance is currently running" in page

    wait_until(no_active, DEADLINE, "the no-active page")
    assert '<meta http-equiv="refresh" content="5">' in get(urls[standby])[2]
    assert c.mon_command({"prefix": "mgr set", "var": "down", "val": "false"})[0] == 0


def test_no_standby_listener_without_mgr_standby_modules(module_cluster):
    c, urls = dashboard_cluster(module_cluster, mgrs=2, options={"mgr_standby_modules": False})
    standby = next(n for n in urls if n != active_name(c))
    wait_until(lambda: active_uri(c), DEADLINE, "the dashboard URI")
    with pytest.raises(ConnectionRefusedError):
        get(urls[standby])
