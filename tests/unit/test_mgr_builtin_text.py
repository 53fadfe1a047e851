"""The mgr built-in commands' plain text against real Ceph 16.2's, byte for byte:
each renderer (`mgr.commands.pg_text`, `osd_df`, `osd`, `device`) is fed the
JSON real Ceph printed for the same command and must print what real Ceph
printed as plain text (``tests/data/ceph16``: ``pg_stat``, ``pg_dump*``,
``osd_perf``, ``osd_df*``, ``device_ls``), plus the byte-level quirks of the
JSON replies (``pg_ready``'s flush newline, ``osd df``'s trailing newline)."""

from __future__ import annotations

import json
import math
import uuid
from typing import Any

import pytest

from mgr.commands import osd as osd_cmds
from mgr.commands import osd_df, pg_text
from mgr.commands.device import ls_plain
from mgr.commands.table import Reply, text_table
from sim.formatting import cli_stdout
from tests.golden import golden_text


def golden_json(name: str) -> Any:
    body = golden_text(name)
    assert body.startswith("\n"), "the CLI's json outputs start with a newline"
    return json.loads(body)


def test_pg_stat_line() -> None:
    for json_name, txt in (
        ("pg_stat.json", "pg_stat.txt"),
        ("v2_pg_stat.pretty.txt", "v2_pg_stat.txt"),
    ):
        summary = golden_json(json_name)["pg_summary"]
        assert pg_text.oneline_summary(summary) == golden_text(txt)


def test_pg_stat_line_with_io_and_degraded() -> None:
    s = golden_json("pg_stat.json")["pg_summary"] | {
        "read_bytes_sec": 2048, "write_bytes_sec": 1 << 20, "io_sec": 12,
        "degraded_objects": 3, "degraded_total": 30, "degraded_ratio": 0.1,
    }  # fmt: skip
    line = pg_text.oneline_summary(s)
    assert line.endswith(
        "avail; 2 KiB/s rd, 1 MiB/s wr, 12 op/s; 3/30 objects degraded (10.000%)\n"
    )


def test_pg_states_are_ordered_by_their_bits() -> None:
    names = ["active+undersized+degraded", "unknown", "active+clean", "peering"]
    assert sorted(names, key=pg_text.state_bits) == [
        "unknown",
        "active+clean",
        "peering",
        "active+undersized+degraded",
    ]


def _pg_map() -> dict[str, Any]:
    m = golden_json("pg_dump.json")["pg_map"]
    head = golden_text("pg_dump.txt").splitlines()  # captured a second earlier
    m["version"], m["stamp"] = int(head[0].split()[1]), head[1].split()[1]
    return m


def _primaries(m: dict[str, Any]) -> dict[int, int]:
    out: dict[int, int] = {}
    for p in m["pg_stats"]:
        out[p["acting_primary"]] = out.get(p["acting_primary"], 0) + 1
    return out


def test_pg_dump_all_is_ceph_text() -> None:
    m = _pg_map()
    assert pg_text.dump_plain(m, [], _primaries(m)) == golden_text("pg_dump.txt")
    assert pg_text.dump_plain(m, ["all"], _primaries(m)) == golden_text("pg_dump.txt")


@pytest.mark.parametrize("what", ["pgs", "pools", "osds", "sum"])
def test_pg_dump_parts_are_ceph_text(what: str) -> None:
    m = _pg_map()
    part = golden_json(f"pg_dump_{what}.json")
    m.update(part.get("pg_map", {}))
    for key in ("pg_stats", "pool_stats", "osd_stats"):
        m[key] = part.get(key, m[key])
    assert pg_text.dump_plain(m, [what], _primaries(m)) == golden_text(f"pg_dump_{what}.txt")


def test_pg_dump_pgs_then_pools_drops_the_pool_header() -> None:
    m = _pg_map()
    text = pg_text.dump_plain(m, ["pgs", "pools"], _primaries(m))
    lines = text.splitlines()
    assert lines[0].startswith("PG_STAT  OBJECTS") and "POOLID" not in text
    assert text.endswith(pg_text.OMAP_NOTE) and text.count("* NOTE") == 1
    brief = pg_text.dump_plain(m, ["pgs_brief"], _primaries(m)).splitlines()
    assert brief[0].split() == ["PG_STAT", "STATE", "UP", "UP_PRIMARY", "ACTING", "ACTING_PRIMARY"]
    assert len(brief) == 1 + len(m["pg_stats"]) and pg_text.dump_plain(m, ["delta"], {}) == ""


def test_osd_perf_is_ceph_text() -> None:
    data = json.loads(golden_text("v2_osd_perf.pretty.txt"))
    assert osd_cmds.perf_plain(data) == golden_text("v2_osd_perf.txt")
    assert osd_cmds.perf_plain(golden_json("osd_perf.json")) == golden_text("osd_perf.txt")


@pytest.mark.parametrize("name", ["osd_df", "v2_osd_df"])
def test_osd_df_is_ceph_text(name: str) -> None:
    df = golden_json(f"{name}.json")
    text = osd_df.osd_df_plain(df, tree=False)
    want = golden_text(f"{name}.txt")
    if name == "v2_osd_df":  # .txt and .json a second apart: the TOTAL's used bytes moved
        want = want.replace("  183 KiB  ", "  182 KiB  ")
    assert text == want


def test_osd_df_tree_is_ceph_text_but_for_the_host_placeholder() -> None:
    df = golden_json("osd_df_tree.json")
    ours = osd_df.osd_df_plain(df, tree=True).splitlines()
    want = golden_text("osd_df_tree.txt").replace("  183 KiB  ", "  182 KiB  ").splitlines()
    assert len(ours) == len(want)
    # The capture's host name had 2 characters (now "<host>"): the TYPE NAME
    # column is 4 narrower there; everything left of it is the same bytes.
    col = want[0].index("TYPE NAME")
    for a, b in zip(ours, want, strict=True):
        assert a[:col] == b[:col]
        assert a[col:].split() == b[col:].split()
    assert ours[-1] == want[-1]  # MIN/MAX VAR … STDDEV


def test_osd_df_summary_is_cephs_arithmetic() -> None:
    """var and dev as Ceph computes them, checked on the capture after ``osd reweight 1 0.5``."""
    ref = golden_json("osd_df_after_reweight.json")
    from sim.maps.osdmap import OSDMap

    m = OSDMap(fsid="f")
    for n in ref["nodes"]:
        m.create_osd(n["id"], str(uuid.uuid4()), "h", n["crush_weight"])
        m.weight[n["id"]] = int(n["reweight"] * osd_df.WEIGHT_IN)
        m.state[n["id"]] = 3  # exists + up
    stats = {}
    for n in ref["nodes"]:
        total, avail = n["kb"] << 10, n["kb_avail"] << 10
        used = n["kb_used"] << 10
        stats[n["id"]] = {k: n[k] for k in osd_df.KB_KEYS} | {"statfs": {
            "total": total, "available": total - used, "internally_reserved": 0}}  # fmt: skip
        assert avail <= total
    pgs = {n["id"]: n["pgs"] for n in ref["nodes"]}
    got = osd_df.osd_df(m, stats, pgs, tree=False, pool_pgs={})
    assert [list(n) for n in got["nodes"]] == [list(n) for n in ref["nodes"]]
    assert list(got["summary"]) == list(ref["summary"])
    for a, b in zip(got["nodes"], ref["nodes"], strict=True):
        assert math.isclose(a["utilization"], b["utilization"], rel_tol=1e-9)
        assert a["reweight"] == b["reweight"] and a["pgs"] == b["pgs"]
    s, r = got["summary"], ref["summary"]
    assert math.isclose(s["dev"], r["dev"], rel_tol=0.05)  # the average is from kb here
    with pytest.raises(osd_df.CommandError, match="'treee' not a pool, crush node or device"):
        osd_df.osd_df(m, stats, pgs, tree=False, pool_pgs={}, flt="treee")


def test_device_ls_empty_is_ceph_text() -> None:
    assert ls_plain([]) == golden_text("device_ls.txt")
    row = {"devid": "V_M_S", "location": [{"host": "h", "dev": "sda", "path": "/p"}],
           "daemons": ["osd.0"]}  # fmt: skip
    assert ls_plain([row]).splitlines()[1].split() == ["V_M_S", "h:sda", "osd.0"]


def test_text_table_pads_every_cell() -> None:
    t = text_table([("A", False, True), ("BB", False, False)], [["1", "x"]])
    assert t == "A  BB\n1  x \n"


@pytest.mark.parametrize(
    "golden,data_name,flush,newline",
    [
        ("v2_pg_stat.compact.json", "v2_pg_stat.pretty.txt", True, False),
        ("v2_osd_perf.compact.json", "v2_osd_perf.pretty.txt", True, False),
        ("v2_osd_df.compact.json", "v2_osd_df.json", False, True),
        ("pg_dump_sum.compact.json", "pg_dump_sum.json", False, False),
        ("device_ls.compact.json", "device_ls.json", False, False),
    ],
)  # fmt: skip
def test_json_bytes_are_cephs(golden: str, data_name: str, flush: bool, newline: bool) -> None:
    """The CLI's stdout for ``-f json`` and ``-f json-pretty``, byte for byte."""
    body = golden_text(data_name)
    data = json.loads(body)
    reply = Reply(data=data, flush_newline=flush, json_newline=newline)
    assert cli_stdout("json", reply.render("json").decode()) == golden_text(golden)
    pretty = cli_stdout("json-pretty", reply.render("json-pretty").decode())
    assert pretty == (body if body.startswith("\n") else "\n" + body)


LS_GOLDENS = ["pg_ls", "pg_ls_1", "pg_ls_by_pool_p1", "pg_ls_by_osd_0", "pg_ls_by_primary_osd_1",
              "pg_ls_2_active", "pg_ls_after_out", "pg_ls_by_pool_p1_clean_degraded"]  # fmt: skip


@pytest.mark.parametrize("name", LS_GOLDENS)
def test_pg_ls_is_ceph_text(name: str) -> None:
    """SINCE is an age: the capture's ``now`` is found among a second's worth of instants."""
    from mgr.commands.pg_ls import ls_plain
    from sim.formatting import parse_utc_stamp

    stats = golden_json(f"{name}.json")["pg_stats"]
    want = golden_text(f"{name}.txt")
    since = want.splitlines()[1].split()[10]
    t0 = parse_utc_stamp(stats[0]["last_change"]) + int(since.rstrip("s"))
    assert any(ls_plain(stats, t0 + i / 20) == want for i in range(20))


def test_pg_ls_state_filter_error_is_cephs() -> None:
    from mgr.commands.pg_ls import state_mask

    rows = [r.split("\t") for r in golden_text("manifest.tsv").splitlines()]
    want = next(r[4] for r in rows if r[0] == "pg_ls_active_clean.txt").replace("\\n", "")
    with pytest.raises(osd_df.CommandError) as ei:
        state_mask({"states": ["active+clean"]})
    assert f"Error EINVAL: {ei.value}" == want and ei.value.errno == 22
    assert state_mask({"states": ["clean", "degraded"]}) == (1 << 2) | (1 << 10)


@pytest.mark.parametrize("name,tree", [("osd_df_filter_osd_1", False), ("osd_df_after_out", False)])
def test_osd_df_filtered_and_out_are_ceph_text(name: str, tree: bool) -> None:
    """TOTAL's RAW USE comes from the .json's summary, captured a moment after the .txt."""
    df = golden_json(f"{name}.json")
    ours = osd_df.osd_df_plain(df, tree).splitlines()
    want = golden_text(f"{name}.txt").splitlines()
    assert len(ours) == len(want)
    for a, b in zip(ours, want, strict=True):
        if "TOTAL" in b:
            a, b = a.split()[:3] + a.split()[4:], b.split()[:3] + b.split()[4:]
        assert a == b


def test_lowprecision_is_cephs() -> None:
    assert [osd_df.lowprecision(v) for v in (0, 0.00018, 0.0088, 0.0229, 1.011)] == [
        "0", "0", "0.01", "0.02", "1.01"
    ]  # fmt: skip
    assert [osd_df.weightf(v) for v in (-1, 0, 0.5, 0.0001983642578125)] == [
        "-", "0", "0.50000", "0.00020"
    ]  # fmt: skip


def test_pg_dump_brief_and_stuck_json_bytes() -> None:
    m = golden_json("pg_dump_pgs_brief.json")
    assert pg_text.pg_stats_table(m["pg_stats"], brief=True) == golden_text("pg_dump_pgs_brief.txt")
    stuck = Reply(data=json.loads(golden_text("pg_dump_stuck.pretty.txt")), flush_newline=True)
    assert cli_stdout("json", stuck.render("json").decode()) == golden_text(
        "pg_dump_stuck.compact.json"
    )
    assert cli_stdout("json-pretty", stuck.render("json-pretty").decode()) == golden_text(
        "pg_dump_stuck.pretty.txt"
    )
