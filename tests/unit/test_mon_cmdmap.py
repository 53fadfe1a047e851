"""The mon checks a command map before any handler runs, as Ceph 16.2's mon does.

Every case in ``tests/data/ceph16/mon_cmdmap.jsonl`` was sent raw (JSON,
through librados) to a real 16.2.15 mon; the file holds its answer. Where the
real mon refused at parse time (``cmdmap``) or on a typed read of a declared
argument (``field``) the simulator must answer the same errno and text; where
it aborted (``abort``) the simulator refuses with ``bad or missing field`` and
carries on; where it accepted (``ok``) the simulator must not refuse.
"""

from __future__ import annotations

import errno
import json
from typing import Any

import pytest

from mon import commands
from sim.cmdparse.cmdmap import cmdmap_error, field_error
from tests.golden import CEPH16

from .fake_mon import FakeMon

CASES = [json.loads(line) for line in (CEPH16 / "mon_cmdmap.jsonl").read_text().splitlines()]
MAPS = [c for c in CASES if "cmd" in c]


def by_stage(*stages: str) -> list[dict[str, Any]]:
    """The cases of those stages whose command this mon has (a case for a command
    not declared yet, e.g. ``osd reweight``, joins when the command does)."""

    def known(cmd: dict[str, Any]) -> bool:
        return not isinstance(cmd.get("prefix"), str) or cmd["prefix"] in commands.COMMANDS

    return [c for c in MAPS if c["stage"] in stages and known(c["cmd"])]


def test_the_capture_is_mostly_covered() -> None:
    assert len(by_stage("cmdmap", "field", "abort", "ok", "handler")) >= 25


def ident(case: dict[str, Any]) -> str:
    return json.dumps(case["cmd"])[:60]


@pytest.mark.parametrize("case", by_stage("cmdmap", "field"), ids=ident)
def test_refused_as_ceph_refuses(case: dict[str, Any]) -> None:
    _, reply = commands.dispatch(FakeMon(), case["cmd"])
    assert (reply.retval, reply.outs) == (case["rc"], case["outs"])


@pytest.mark.parametrize("case", by_stage("abort"), ids=ident)
def test_what_aborts_a_real_mon_is_refused_here(case: dict[str, Any]) -> None:
    mon = FakeMon()
    _, reply = commands.dispatch(mon, case["cmd"])
    assert reply.retval == -errno.EINVAL
    assert reply.outs.startswith("bad or missing field '")
    _, after = commands.dispatch(mon, {"prefix": "mon stat"})  # and the mon carries on
    assert after.retval == 0


@pytest.mark.parametrize("case", by_stage("ok", "handler"), ids=ident)
def test_what_ceph_takes_passes_the_checks(case: dict[str, Any]) -> None:
    cmd = case["cmd"]
    assert cmdmap_error(cmd) is None
    assert field_error(commands.COMMANDS[cmd["prefix"]].sig, cmd) is None


def test_an_int_beyond_uint64_is_unparseable() -> None:
    case = next(c for c in CASES if c.get("raw", "").startswith('{"prefix": "log last"'))
    cmd = json.loads(case["raw"])
    _, reply = commands.dispatch(FakeMon(), cmd)
    assert (reply.retval, reply.outs) == (case["rc"], case["outs"])


def test_every_declared_argument_type_is_checked() -> None:
    """A value of another JSON type is refused for every argument of every mon command."""
    wrong = {"CephInt": "1", "CephOsdName": "osd.0", "CephFloat": 1, "CephBool": "true"}
    for mc in commands.COMMANDS.values():
        for arg in mc.sig.args:
            value: Any = wrong.get(arg.type, 7)
            if arg.n is not None:
                value = [value]
            cmd = {"prefix": mc.sig.prefix, arg.name: value}
            assert field_error(mc.sig, cmd) == f"bad or missing field '{arg.name}'", cmd
