"""The OSDs' slow-op accounting (the ``SLOW_OPS`` health metric) without processes:
an op blocked on a PG below min_size is a slow op of the PG's primary once it is older
than the complaint time; an op whose PG has no running primary is nobody's."""

from __future__ import annotations

from pathlib import Path

from sim.maps.pgmap import object_pg, up_acting
from sim.messages import OsdOp
from tests.librados.test_osd_service import Harness
from tests.librados.test_placement_objops import osdmap


def test_a_blocked_op_is_a_slow_op_of_its_primary_after_the_complaint_time(
    tmp_path: Path,
) -> None:
    h = Harness(tmp_path, osdmap())
    _ps, acting = object_pg(h.m, 1, "a")
    survivor = acting[0]
    others = set(acting[1:])
    h.running -= others
    h.new_map(down=others)  # 1 of 3 up < min_size 2: the PG is peered, the op waits
    h.send("a", [["write_full", b"v1"]])
    h.send("a", [["write_full", b"v2"]])
    assert len(h.svc.waiting) == 2
    assert h.svc.slow_ops(29.9, 30.0) == {}  # younger than osd_op_complaint_time
    assert h.svc.slow_ops(31.6, 30.0) == {survivor: (2, 31)}
    assert h.svc.slow_ops(5.0, 2.0) == {survivor: (2, 5)}  # a lowered complaint time
    h.running.discard(survivor)  # the primary itself hangs: nobody reports its ops
    assert h.svc.slow_ops(31.0, 30.0) == {}
    h.running |= {survivor, *others}
    h.new_map(up=others)  # back: the ops complete and nothing is slow any more
    assert not h.svc.waiting and h.svc.slow_ops(100.0, 30.0) == {}


def test_an_op_of_a_pg_with_no_up_osd_is_nobodys_slow_op(tmp_path: Path) -> None:
    h = Harness(tmp_path, osdmap())
    everyone = set(h.m.osd_ids())
    h.running.clear()
    h.new_map(down=everyone)
    h.send("a", [["write_full", b"v1"]])
    assert len(h.svc.waiting) == 1
    assert up_acting(h.m, object_pg(h.m, 1, "a")[1]) == []
    assert h.svc.slow_ops(60.0, 30.0) == {}  # in Ceph the client holds it, no OSD


def test_an_op_re_sent_while_it_waits_is_one_slow_op_answered_once(tmp_path: Path) -> None:
    h = Harness(tmp_path, osdmap())
    _ps, acting = object_pg(h.m, 1, "a")
    others = set(acting[1:])
    h.running -= others
    h.new_map(down=others)
    answers: list[tuple[str, int]] = []
    op = OsdOp(pool=1, ps=0, oid="a", ops=[["append", b"x"]], epoch=h.m.epoch, reqid="c.t/1")
    h.svc.submit(op, lambda rep: answers.append(("first", rep.retval)), 0.0)
    h.svc.submit(op, lambda rep: answers.append(("re-sent", rep.retval)), 5.0)  # RESEND later
    assert len(h.svc.waiting) == 1
    assert h.svc.slow_ops(6.5, 1.0) == {acting[0]: (1, 6)}  # as old as the first copy
    h.running |= others
    h.new_map(up=others)
    assert answers == [("re-sent", 0)]  # on the route the client still listens to
    assert h.run("a", [["read", 0, 0]]).results == [b"x"]
