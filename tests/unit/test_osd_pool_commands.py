"""``osd pool get/set``, ``osd reweight`` and ``osd crush tree`` through the mon's
dispatch (no processes), compared with real Ceph 16.2's outputs in
``tests/data/ceph16`` (``osd_pool_get_p1_*``, ``osd_pool_set_*``,
``osd_reweight_*``, ``osd_crush_tree*``) and with the messages a real 16.2 mon
gave for bad values (README of the goldens, ``manifest.tsv``)."""

from __future__ import annotations

import errno

import pytest

from mon.commands import COMMANDS
from sim.maps.osdmap import WEIGHT_IN
from tests.unit.mon_cmd_harness import HOST, CmdMon, golden


@pytest.fixture
def mon() -> CmdMon:
    return CmdMon()


def test_pool_get_matches_the_goldens(mon: CmdMon) -> None:
    for var in ("size", "all"):
        name = f"osd_pool_get_p1_{var}"
        assert mon.run("osd pool get", pool="p1", var=var) == (0, golden(f"{name}.txt"), "")
        assert mon.run("osd pool get", "json", pool="p1", var=var)[1] == golden(
            f"{name}.compact.json"
        )
        assert mon.run("osd pool get", "json-pretty", pool="p1", var=var)[1] == golden(
            f"{name}.json"
        )


def test_pool_set_size_is_a_new_epoch_with_cephs_status_line(mon: CmdMon) -> None:
    epoch = mon.osd_service.map.epoch
    # manifest: `osd pool set p1 size 2` -> rc 0, stdout empty, stderr "set pool 2 size to 2"
    assert mon.run("osd pool set", pool="p1", var="size", val="2") == (
        0, golden("osd_pool_set_p1_size_2.txt"), "set pool 2 size to 2",
    )  # fmt: skip
    m = mon.osd_service.map
    assert m.epoch == epoch + 1 and m.pool_by_name("p1").size == 2  # type: ignore[union-attr]
    assert mon.published[-1][:2] == ("osdmap", epoch + 1)
    assert mon.run("osd pool get", pool="p1", var="size")[1] == golden(
        "osd_pool_get_p1_size_after_set.txt"
    )
    # back to 1 is refused unless mon_allow_pool_size_one (rc 1: EPERM)
    rc, out, outs = mon.run("osd pool set", pool="p1", var="size", val="1",
                            yes_i_really_mean_it=True)  # fmt: skip
    assert (rc, out) == (-errno.EPERM, golden("osd_pool_set_p1_size_1.txt"))
    assert outs == "configuring pool size as 1 is disabled by default."
    assert mon.osd_service.map.epoch == epoch + 1  # nothing staged by a refusal


def test_pool_set_size_one_when_allowed_needs_the_flag() -> None:
    mon = CmdMon()
    mon.run("osd pool set", pool="p1", var="size", val="3")
    mon.run("config set", who="mon", name="mon_allow_pool_size_one", value="true")
    rc, _, outs = mon.run("osd pool set", pool="p1", var="size", val="1")
    assert rc == -errno.EPERM and outs.startswith("WARNING: setting pool size 1 could lead")
    assert (
        mon.run("osd pool set", pool="p1", var="size", val="1", yes_i_really_mean_it=True)[0] == 0
    )
    pool = mon.osd_service.map.pool_by_name("p1")
    assert pool is not None and (pool.size, pool.min_size) == (1, 1)


def refusals() -> list[tuple[str, str, int, str]]:
    """``osd_pool_set_refusals.tsv``: what a real 16.2 mon answered (var, val, rc, stderr)."""
    rows = [line.split("\t") for line in golden("osd_pool_set_refusals.tsv").splitlines()]
    return [(var, val, int(rc), err) for var, val, rc, err in rows]


@pytest.mark.parametrize("var,val,rc,stderr", refusals())
def test_pool_set_refusals_are_cephs(var: str, val: str, rc: int, stderr: str) -> None:
    """The capture's cluster: p1 is pool 2 (pg_num 32) grown to size 3, 3 OSDs in."""
    mon = CmdMon()
    assert mon.run("osd pool set", pool="p1", var="size", val="3")[0] == 0
    epoch = mon.osd_service.map.epoch
    retval, out, outs = mon.run("osd pool set", pool="p1", var=var, val=val)
    assert (-retval, out) == (rc, "")
    assert f"Error {errno.errorcode[rc]}: {outs}" == stderr
    assert mon.osd_service.map.epoch == epoch


def test_pool_set_changes_show_in_get_and_osd_dump(mon: CmdMon) -> None:
    ok = [("min_size", "1"), ("pg_num", "64"), ("pgp_num", "16"), ("nodelete", "true"),
          ("pg_autoscale_mode", "off"), ("bulk", "true"), ("scrub_min_interval", "3600"),
          ("target_size_bytes", "1G"), ("crush_rule", "replicated_rule")]  # fmt: skip
    for var, val in ok:
        assert mon.run("osd pool set", pool="p1", var=var, val=val) == (
            0, "", f"set pool 2 {var} to {val}",
        )  # fmt: skip
    # a pg_num the pool already has is a silent no-op (no status line, no epoch)
    epoch = mon.osd_service.map.epoch
    assert mon.run("osd pool set", pool="p1", var="pg_num", val="64") == (0, "", "")
    assert mon.osd_service.map.epoch == epoch
    text = mon.run("osd pool get", pool="p1", var="all")[1]
    for line in (
        "pg_num: 64",
        "pgp_num: 16",
        "nodelete: true",
        "pg_autoscale_mode: off",
        "bulk: true",
        "scrub_min_interval: 3600",
        "target_size_bytes: 1073741824",
    ):
        assert line + "\n" in text  # fmt: skip
    assert text.index("scrub_min_interval") < text.index("pg_autoscale_mode") < text.index("bulk")
    assert mon.run("osd pool get", "json", pool="p1", var="nodelete")[1] == (
        '\n{"pool":"p1","pool_id":2,"nodelete":true}'
    )
    dump = mon.run("osd dump")[1]
    assert "'p1' replicated size 1 min_size 1 crush_rule 0 object_hash rjenkins pg_num 64 " \
        "pgp_num 16 autoscale_mode off" in dump  # fmt: skip
    assert "flags hashpspool,nodelete,bulk stripe_width 0 scrub_min_interval 3600 " \
        "target_size_bytes 1073741824\n" in dump  # fmt: skip
    detail = mon.run("osd pool ls", "json", detail="detail")[1]
    assert '"flags":131089,"flags_names":"hashpspool,nodelete,bulk"' in detail
    assert '"options":{"scrub_min_interval":3600,"target_size_bytes":1073741824}' in detail
    # an option set to 0 is unset again, as in Ceph
    mon.run("osd pool set", pool="p1", var="scrub_min_interval", val="0")
    assert mon.run("osd pool get", pool="p1", var="scrub_min_interval") == (
        -errno.ENOENT, "", "option 'scrub_min_interval' is not set on pool 'p1'",
    )  # fmt: skip


def test_pool_get_refusals(mon: CmdMon) -> None:
    assert mon.run("osd pool get", pool="nosuch", var="size") == (
        -errno.ENOENT, "", "unrecognized pool 'nosuch'",
    )  # fmt: skip
    assert mon.run("osd pool get", pool="p1", var="hit_set_type") == (
        -errno.EACCES, "", "pool 'p1' is not a tier pool: variable not applicable",
    )  # fmt: skip
    assert mon.run("osd pool get", pool="p1", var="erasure_code_profile") == (
        -errno.EACCES, "", "pool 'p1' is not a erasure pool: variable not applicable",
    )  # fmt: skip
    assert mon.run("osd pool set", pool="nosuch", var="size", val="2")[2] == (
        "unrecognized pool 'nosuch'"
    )


def test_pool_descriptors_are_cephs() -> None:
    """The CLI's closest-match list prints these descriptors (nocmd_osd_pool_get)."""
    want = golden("nocmd_osd_pool_get.stderr.txt").splitlines()[2]
    assert COMMANDS["osd pool get"].sig.usage() == want


def test_reweight_status_line_and_tree(mon: CmdMon) -> None:
    epoch = mon.osd_service.map.epoch
    assert mon.run("osd reweight", id=1, weight=0.5) == (
        0, golden("osd_reweight_1_0.5.txt"), "reweighted osd.1 to 0.5 (8000)",
    )  # fmt: skip
    m = mon.osd_service.map
    assert m.epoch == epoch + 1 and m.weight[1] == WEIGHT_IN // 2 and m.is_in(1)
    tree = mon.run("osd tree")[1].splitlines()
    assert tree[4].split()[-2:] == ["0.50000", "1.00000"]
    assert mon.run("osd tree", "json")[1].count('"reweight":0.5') == 1
    assert mon.run("osd reweight", id=1, weight=1.0) == (
        0, golden("osd_reweight_1_1.txt"), "reweighted osd.1 to 1 (10000)",
    )  # fmt: skip
    assert mon.run("osd reweight", id=7, weight=0.5) == (
        -errno.ENOENT, "", "osd.7 does not exist",
    )  # fmt: skip
    assert mon.run("osd reweight", id=1, weight=2.0)[0] == -errno.EINVAL


def test_crush_tree_matches_the_goldens(mon: CmdMon) -> None:
    def real(name: str) -> str:
        return golden(name).replace("<host>", HOST)

    assert mon.run("osd crush tree") == (0, real("osd_crush_tree.txt"), "")
    assert mon.run("osd crush tree", "json")[1] == real("osd_crush_tree.compact.json")
    assert mon.run("osd crush tree", "json-pretty")[1] == real("osd_crush_tree.json")
    assert mon.run("osd crush tree", shadow="--show-shadow")[1] == real("osd_crush_tree.txt")
