"""Ceph's own stock ``osd_perf_query`` module, unmodified, for 18.2 and 20.2
(Debian's 16.2.15 ships its folder empty), against the fleet's OSDs: it adds
OSD perf queries (`mgr.osd_perf_queries`), the OSDs count their real client
ops per key (`sim.fleet.osd_perf_stats`), and ``osd perf counters get``
shows exactly the writes and reads a RADOS client did — per client, per RBD
image, per object with its PG and primary. Each ``get`` answers what arrived
since the previous one, so the test adds the rows up until they reach the ops
done (and checks they never go past). Without the release tree this skips;
with CI set it fails."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from sim import rados
from sim.maps.osdmap import OSDMap
from sim.maps.pgmap import object_pg
from sim.testing import ConditionTimeout, TestCluster, running_cluster, wait_until
from tests.modules.helpers import enable_modules
from tests.release.test_stock_selftest import release_tree

KEEP = {"osd_perf_query", "status"}
WRITES, READS = 7, 4


def table(text: str) -> list[dict[str, str]]:
    """The rows of the module's prettytable (FRAME rules: ``+---+`` lines only around)."""
    lines = [ln for ln in text.splitlines() if ln.startswith("|")]
    if not lines:
        return []
    cells = [[c.strip() for c in ln.strip("|").split("|")] for ln in lines]
    return [dict(zip(cells[0], row, strict=True)) for row in cells[1:]]


def counters_get(c: TestCluster, qid: int) -> list[dict[str, str]]:
    rc, out, err = c.mgr_command({"prefix": "osd perf counters get", "query_id": qid})
    assert rc == 0, f"osd perf counters get {qid}: {rc} {err}"
    assert f"counters for the query id {qid}" in err
    return table(out.decode())


def add_query(c: TestCluster, kind: str) -> int:
    def added() -> int | None:
        rc, out, _err = c.mgr_command({"prefix": "osd perf query add", "query": kind})
        return int(out) + 1 if rc == 0 else None  # +1: id 0 is a value too

    return wait_until(added, 30.0, f"osd perf query add {kind}") - 1


def configured(c: TestCluster) -> int:
    """How many distinct OSD perf queries the fleet counts (its last `MgrConfigure`),
    once its session is open with the current active (-1 before)."""
    st = c.admin("fleet.0", "fleet_status")["mgr"]
    active = c.json("mgr dump")["active_gid"]
    ok = st["opened"] and st["target"] and st["target"][0] == active
    return int(st["osd_perf_queries"]) if ok else -1


class Totals:
    """The rows of every ``get`` of one query, added up by a key of the row."""

    def __init__(self, c: TestCluster, qid: int, key: tuple[str, ...]) -> None:
        self.c, self.qid, self.key = c, qid, key
        self.sums: dict[tuple[str, ...], list[int]] = {}

    def poll(self) -> dict[tuple[str, ...], list[int]]:
        for row in counters_get(self.c, self.qid):
            acc = self.sums.setdefault(tuple(row[k] for k in self.key), [0, 0])
            acc[0] += int(row["WRITE_OPS"])
            acc[1] += int(row["READ_OPS"])
        return self.sums

    def reach(self, key: tuple[str, ...], want: list[int], timeout: float = 20.0) -> None:
        try:
            wait_until(lambda: self.poll().get(key) == want or self._past(key, want), timeout,
                       f"query {self.qid} at {want} for {key}")  # fmt: skip
        except ConditionTimeout as exc:
            fleet = self.c.admin("fleet.0", "fleet_status")
            raise AssertionError(f"{exc} (so far {self.sums}; fleet {fleet})") from None
        assert self.sums[key] == want, f"query {self.qid}: {self.sums[key]} != {want}"

    def _past(self, key: tuple[str, ...], want: list[int]) -> bool:
        got = self.sums.get(key, [0, 0])
        return got[0] > want[0] or got[1] > want[1]


@pytest.mark.parametrize("series", ["18.2", "20.2"])
def test_stock_osd_perf_query_counts_the_ops_done(series: str, tmp_path: Path) -> None:
    mgr_dir = release_tree(series)
    stock = {p.name for p in mgr_dir.iterdir() if (p / "module.py").is_file()}
    options = {"mgr_disabled_modules": " ".join(sorted(stock - KEEP))}
    with running_cluster(
        tmp_path / "run", mons=1, mgrs=1, osds=3, options=options, ceph_release=series
    ) as c:
        enable_modules(c, "osd_perf_query")
        # enabling respawns the mgr: wait for the new active's session with the fleet
        wait_until(lambda: configured(c) == 0, 20.0, "the fleet open with the new active")
        gid = c.json("mgr dump")["active_gid"]
        by_client = add_query(c, "client_id")
        by_image = add_query(c, "rbd_image_id")
        by_object = add_query(c, "all_subkeys")
        assert (by_client, by_image, by_object) == (0, 1, 2)
        # the OSDs learn the queries a moment later (MgrConfigure), as Ceph's do
        wait_until(lambda: configured(c) == 3, 10.0, "the fleet configured with 3 queries")

        image = secrets.token_hex(6)
        names = [f"rbd_data.{image}.{i:016x}" for i in range(WRITES)]
        r = rados.Rados(conffile=str(c.run.path))
        r.connect()
        try:
            client = f"client.{r.get_instance_id()}"
            addr = r.get_addrs()
            with r.open_ioctx("rbd") as io:
                pool = str(io.get_pool_id())
                for name in names:
                    io.write_full(name, b"x" * 4096)
                for name in names[:READS]:
                    assert io.read(name) == b"x" * 4096
                with pytest.raises(rados.ObjectNotFound):  # a failed op is not counted
                    io.read(f"rbd_data.{image}.missing")
            osdmap: OSDMap = r.objecter.osdmap
        finally:
            r.shutdown()

        Totals(c, by_client, ("CLIENT_ID",)).reach((client,), [WRITES, READS])
        Totals(c, by_image, ("POOL_ID", "RBD IMAGE ID")).reach((pool, image), [WRITES, READS])
        objects = Totals(c, by_object, ("CLIENT_ID", "CLIENT_ADDRESS", "POOL_ID", "NAMESPACE",
                                        "OSD_ID", "PG_ID", "OBJECT_NAME", "SNAP_ID"))  # fmt: skip
        for i, name in enumerate(names):
            ps, acting = object_pg(osdmap, int(pool), name, "")
            primary = [o for o in acting if osdmap.is_up(o)][0]
            key = (client, addr, pool, "", str(primary), f"{pool}.{ps:x}", name, "head")
            objects.reach(key, [1, 1 if i < READS else 0])

        assert c.json("mgr dump")["active_gid"] == gid  # one active throughout
        # removing a query: the module forgets it, and so does the mgr
        rc, _out, err = c.mgr_command({"prefix": "osd perf query remove", "query_id": by_image})
        assert (rc, err) == (0, f"removed query with id {by_image}")
        rc, _out, err = c.mgr_command({"prefix": "osd perf counters get", "query_id": by_image})
        assert (rc, err) == (-2, f"unknown query id {by_image}")


def test_table_parser_reads_the_modules_rows() -> None:
    text = "+---+----+\n| A |B C |\n+---+----+\n|x  | 1  |\n|y  | 2  |\n+---+----+\n"
    assert table(text) == [{"A": "x", "B C": "1"}, {"A": "y", "B C": "2"}]
