"""The mgr's built-in commands (`mgr.commands`) on a `DaemonState` fed with the
fleet's own messages (8 OSDs, no processes): every command's JSON has real
Ceph 16.2's shape (keys and their order, value types; ``tests/data/ceph16``)
and its plain text Ceph's headers, with the simulated values."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mgr import commands
from mgr.commands.pg_text import OMAP_NOTE
from mgr.daemon_state import DaemonState
from tests.fleet.test_daemon_state import Fleet, N, osdmap_wire
from tests.golden import golden_text


@pytest.fixture
def cluster() -> commands.Cluster:
    ds = DaemonState("fsid", 1.0)
    ds.on_osdmap(2, osdmap_wire())
    fleet = Fleet()
    for msg in fleet.opens():
        ds.on_open(msg)
    for t in (100.0, 101.0):
        for msg in fleet.reports(t):
            ds.on_report("fleet.0", msg)
    return commands.Cluster(ds, ds.pg)


def run(
    c: commands.Cluster, prefix: str, fmt: str | None = None, **args: Any
) -> tuple[int, str, str]:
    cmd = {"prefix": prefix, **args} | ({"format": fmt} if fmt else {})
    r = commands.run(c, cmd, "client.admin")
    return r.retval, r.outbuf.decode(), r.outs


def kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    return "number" if isinstance(v, int | float) else type(v).__name__


def same_shape(ref: Any, got: Any, path: str = "", extra: tuple[str, ...] = ()) -> None:
    """Same keys in the same order (``extra`` may follow Ceph's), same kinds of value."""
    assert kind(ref) == kind(got), f"{path}: {kind(ref)} != {kind(got)}"
    if isinstance(ref, dict):
        keys = [k for k in got if k not in extra or k in ref]
        assert keys == list(ref), f"{path}: keys {keys} != {list(ref)}"
        for k in ref:
            same_shape(ref[k], got[k], f"{path}.{k}", extra)
    elif isinstance(ref, list) and ref and got:
        same_shape(ref[0], got[0], f"{path}[0]", extra)


def golden(name: str) -> Any:
    return json.loads(golden_text(name))


def test_every_command_is_published_with_cephs_flags() -> None:
    descs = commands.descriptions()
    prefixes = [" ".join(w for w in d["cmd"].split() if "=" not in w) for d in descs]
    assert prefixes[:3] == ["pg stat", "pg getmap", "pg dump"]
    assert {"osd perf", "osd df", "device ls"} <= set(prefixes)
    assert all(d["flags"] == 8 for d in descs)  # MGR
    ref = golden("get_command_descriptions_mon.compact.json")
    helps = {" ".join(w for w in v["sig"] if isinstance(w, str)): v["help"] for v in ref.values()}
    for d, p in zip(descs, prefixes, strict=True):
        assert helps.get(p, d["help"]) == d["help"], p


def test_pg_stat(cluster: commands.Cluster) -> None:
    rc, out, _ = run(cluster, "pg stat", "json-pretty")
    data = json.loads(out)
    same_shape(golden("pg_stat.json"), data, extra=("read_bytes_sec", "write_bytes_sec", "io_sec"))
    assert data["pg_summary"]["num_pgs"] == sum(
        p.pg_num for p in cluster.view.osdmap.pools.values()
    )
    assert out.endswith("    }\n\n}\n")  # the pg_ready flush newline
    rc, out, _ = run(cluster, "pg stat")
    assert rc == 0 and out.startswith(f"{data['pg_summary']['num_pgs']} pgs: ")
    assert " active+clean; 0 B data, 8 GiB used, 8.0 TiB / 8 TiB avail; " in out
    assert out.endswith(" op/s\n")


@pytest.mark.parametrize("what", ["", "pgs", "pools", "osds", "sum"])
def test_pg_dump(cluster: commands.Cluster, what: str) -> None:
    name = f"pg_dump_{what}" if what else "pg_dump"
    args = {"dumpcontents": [what]} if what else {}
    rc, out, outs = run(cluster, "pg dump", "json", **args)
    assert rc == 0 and outs == f"dumped {what or 'all'}"
    same_shape(golden(f"{name}.json"), json.loads(out))
    rc, text, outs = run(cluster, "pg dump", None, **args)
    assert outs == f"dumped {what or 'all'}"
    want = golden_text(f"{name}.txt").splitlines()
    got = text.splitlines()
    heads = [line for line in want if line[:1].isalpha() and line.isupper() or "_STAT" in line[:9]]
    for head in heads:
        if head.startswith(("PG_STAT", "POOLID", "OSD_STAT")):
            assert head.split() == next(g for g in got if g.startswith(head[:6])).split()
    assert text.endswith(OMAP_NOTE) == (what != "osds")
    if what in ("", "osds"):
        sums = [g for g in got if g.startswith("sum ")]
        assert sums and sums[-1].split()[1:5] == ["8", "GiB", "8.0", "TiB"]
        osd_rows = [g for g in got if g[:1].isdigit() and "iB" in g]
        assert [int(r.split()[0]) for r in osd_rows] == list(reversed(range(N)))
    if what in ("", "pgs"):
        pg_rows = [g for g in got if "active+clean" in g]
        assert (
            len(pg_rows) == json.loads(run(cluster, "pg stat", "json")[1])["pg_summary"]["num_pgs"]
        )


def test_pg_dump_json_and_bad_words(cluster: commands.Cluster) -> None:
    rc, out, outs = run(cluster, "pg dump_json", None, dumpcontents=["pools"])
    assert rc == 0 and json.loads(out)["pool_stats"] and outs == "dumped pools"
    rc, out, _ = run(cluster, "pg dump_pools_json")
    assert list(json.loads(out)) == ["pg_ready", "pool_stats"]
    rc, _, outs = run(cluster, "pg dump", None, dumpcontents=["pgsx"])
    assert rc == -22 and "pgsx" in outs
    rc, _, outs = run(cluster, "pg scrub", None, pgid="1.0")
    assert rc == -95 and "not simulated" in outs
    rc, out, _ = run(cluster, "pg dump", "json", dumpcontents=["pgs_brief"])
    assert list(json.loads(out)["pg_stats"][0]) == [
        "pgid", "state", "up", "acting", "up_primary", "acting_primary"
    ]  # fmt: skip


def test_osd_perf(cluster: commands.Cluster) -> None:
    rc, out, _ = run(cluster, "osd perf", "json-pretty")
    data = json.loads(out)
    same_shape(json.loads(golden_text("v2_osd_perf.pretty.txt")), data)
    assert [i["id"] for i in data["osdstats"]["osd_perf_infos"]] == list(reversed(range(N)))
    assert out.endswith("    }\n\n}\n")
    rc, text, _ = run(cluster, "osd perf")
    lines = text.splitlines()
    assert lines[0] == golden_text("v2_osd_perf.txt").splitlines()[0] and len(lines) == N + 1
    assert any(int(line.split()[1]) > 0 for line in lines[1:])  # the fleet's commit latency


@pytest.mark.parametrize("tree", [False, True])
def test_osd_df(cluster: commands.Cluster, tree: bool) -> None:
    name, args = ("osd_df_tree", {"output_method": "tree"}) if tree else ("v2_osd_df", {})
    rc, out, _ = run(cluster, "osd df", "json", **args)
    assert rc == 0 and out.endswith("}}\n")
    data = json.loads(out)
    ref = golden(f"{name}.json")
    same_shape(ref, data)
    for node_type in ("root", "host", "osd"):
        r = next((n for n in ref["nodes"] if n["type"] == node_type), None)
        g = next((n for n in data["nodes"] if n["type"] == node_type), None)
        if r is not None and (tree or node_type == "osd"):
            assert g is not None and list(g) == list(r), node_type
    osds = [n for n in data["nodes"] if n["type"] == "osd"]
    assert [n["id"] for n in osds] == list(range(N)) and osds[0]["kb"] == 1 << 30
    assert sum(n["pgs"] for n in osds) == sum(
        p.pg_num * p.size for p in cluster.view.osdmap.pools.values()
    )
    rc, text, _ = run(cluster, "osd df", None, **args)
    lines = text.splitlines()
    assert lines[0].split() == golden_text(f"{name}.txt").splitlines()[0].split()
    assert lines[-1] == "MIN/MAX VAR: 1.00/1.00  STDDEV: 0"
    assert lines[-2].split()[:3] == ["TOTAL", "8", "TiB"]
    if tree:
        assert lines[1].split()[-2:] == ["root", "default"]


def test_osd_df_filters(cluster: commands.Cluster) -> None:
    one = json.loads(run(cluster, "osd df", "json", filter="osd.3")[1])
    assert [n["id"] for n in one["nodes"]] == [3]
    host = json.loads(run(cluster, "osd df", "json", output_method="tree", filter="node01")[1])
    assert [n["id"] for n in host["nodes"] if n["type"] == "osd"] == [4, 5, 6, 7]
    pool = cluster.view.osdmap.pools[1].name
    assert json.loads(run(cluster, "osd df", "json", filter=pool)[1])["nodes"]
    rc, _, outs = run(cluster, "osd df", None, filter="treee")
    assert (rc, outs) == (
        -22,
        golden_text("nocmd_osd_df_treee.stderr.txt")[len("Error EINVAL: ") :].strip(),
    )


def test_device_ls_and_info(cluster: commands.Cluster) -> None:
    rc, out, _ = run(cluster, "device ls", "json")
    devs = json.loads(out)
    assert golden_text("device_ls.compact.json") == "\n[]"  # real memstore OSDs have none
    assert len(devs) == N and list(devs[0]) == ["devid", "location", "daemons"]
    assert devs[0]["daemons"] == ["osd.0"] and list(devs[0]["location"][0]) == [
        "host",
        "dev",
        "path",
    ]
    rc, text, _ = run(cluster, "device ls")
    lines = text.splitlines()
    assert lines[0].split() == golden_text("device_ls.txt").split()
    assert lines[1].split() == [
        devs[0]["devid"],
        f"node00:{devs[0]['location'][0]['dev']}",
        "osd.0",
    ]
    rc, out, _ = run(cluster, "device info", "json", devid=devs[0]["devid"])
    assert json.loads(out)["device"] == devs[0]
    rc, _, outs = run(cluster, "device info", None, devid="nope")
    assert (rc, outs) == (-2, "device nope not found")


def test_read_only_clients_may_read_but_not_scrub(cluster: commands.Cluster) -> None:
    # caps come from the mon's auth database (client.ro: mgr "allow r"), not from the name
    ro = {"sender": "client.ro", "cap": "allow r"}
    assert commands.run(cluster, {"prefix": "pg stat"}, **ro).retval == 0
    assert commands.run(cluster, {"prefix": "pg scrub", "pgid": "1.0"}, **ro).retval == -13
    assert not commands.is_builtin({"prefix": "hello"}) and commands.is_builtin(
        {"prefix": "osd df"}
    )


def test_pg_ls_family(cluster: commands.Cluster) -> None:
    rc, out, _ = run(cluster, "pg ls", "json")
    data = json.loads(out)
    same_shape(golden("pg_ls.json"), data)
    total = len(data["pg_stats"])
    assert total == sum(p.pg_num for p in cluster.view.osdmap.pools.values())
    rc, text, _ = run(cluster, "pg ls")
    assert text.splitlines()[0].split() == golden_text("pg_ls.txt").splitlines()[0].split()
    assert text.endswith(OMAP_NOTE) and len(text.splitlines()) == total + 3
    pool = cluster.view.osdmap.pools[2]
    by_pool = json.loads(run(cluster, "pg ls-by-pool", "json", poolstr=pool.name)[1])["pg_stats"]
    assert len(by_pool) == pool.pg_num and {p["pgid"].split(".")[0] for p in by_pool} == {"2"}
    assert len(json.loads(run(cluster, "pg ls", "json", pool=2)[1])["pg_stats"]) == pool.pg_num
    on3 = json.loads(run(cluster, "pg ls-by-osd", "json", osd=3)[1])["pg_stats"]
    assert on3 and all(3 in p["acting"] for p in on3)
    prim = json.loads(run(cluster, "pg ls-by-primary", "json", osd=3)[1])["pg_stats"]
    assert prim and all(p["acting_primary"] == 3 for p in prim) and len(prim) <= len(on3)
    some = json.loads(run(cluster, "pg ls", "json", states=["degraded"])[1])["pg_stats"]
    assert some == []  # all active+clean
    assert len(json.loads(run(cluster, "pg ls", "json", states=["clean", "degraded"])[1])[
        "pg_stats"]) == total  # fmt: skip
    for args, want in (({"pool": 99}, (-2, "pool 99 does not exist")),
                       ({"poolstr": "nosuch"}, (-2, "pool nosuch does not exist")),
                       ({"osd": 99}, (-11, "osd 99 is not up"))):  # fmt: skip
        prefix = {"pool": "pg ls", "poolstr": "pg ls-by-pool", "osd": "pg ls-by-osd"}[
            next(iter(args))
        ]
        rc, _, outs = run(cluster, prefix, None, **args)
        assert (rc, outs) == want


def test_pg_dump_stuck(cluster: commands.Cluster) -> None:
    rc, out, outs = run(cluster, "pg dump_stuck")
    assert (rc, out, outs) == (0, "", "ok")
    rc, out, _ = run(cluster, "pg dump_stuck", "json-pretty")
    assert "\n" + out == golden_text("pg_dump_stuck.pretty.txt")  # nothing stuck: the same bytes
    ds = cluster.view
    wire = osdmap_wire(up=N - 4) | {"epoch": 3}
    wire["stamps"] = [x - 600 for x in wire["stamps"]]  # the change was 10 minutes ago
    ds.on_osdmap(3, wire)  # type: ignore[attr-defined]
    rc, text, outs = run(cluster, "pg dump_stuck", None, stuckops=["unclean"])
    lines = text.splitlines()
    assert outs == "ok" and lines[0].split()[:2] == ["PG_STAT", "STATE"] and len(lines) > 1
    stuck = json.loads(run(cluster, "pg dump_stuck", "json", stuckops=["degraded"])[1])
    assert stuck["stuck_pg_stats"] and all(
        "degraded" in p["state"] for p in stuck["stuck_pg_stats"]
    )
    fresh = json.loads(run(cluster, "pg dump_stuck", "json", threshold=3600)[1])
    assert fresh["stuck_pg_stats"] == []


def test_osd_df_of_an_out_osd(cluster: commands.Cluster) -> None:
    wire = osdmap_wire() | {"epoch": 3}
    from sim.maps.osdmap import OSDMap

    m = OSDMap.from_wire(wire)
    m.weight[5] = 0
    cluster.view.on_osdmap(3, m.to_wire())  # type: ignore[attr-defined]
    data = json.loads(run(cluster, "osd df", "json")[1])
    out = data["nodes"][5]
    assert (out["reweight"], out["kb"], out["utilization"], out["var"]) == (0, 0, 0, 0)
    assert data["summary"]["total_kb"] == (N - 1) << 30
    row = run(cluster, "osd df")[1].splitlines()[6].split()
    assert row[:4] == ["5", "hdd", "1.00000", "0"] and row[4:6] == ["0", "B"]
