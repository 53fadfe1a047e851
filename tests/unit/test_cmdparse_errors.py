"""Tests of sim.cmdparse: Ceph's exact CLI texts for a command it rejects (errors.md)."""

from __future__ import annotations

import pytest

from sim.cmdparse import Flag, InvalidArguments, NoMatchingCommand, validate

from .cmdparse_sigs import SIGS, sig

# --- the exact CLI texts of errors.md ---------------------------------------------------------

CEPH_FOO_BAR = """\
no valid command found; 10 closest matches:
pg stat
pg getmap
pg dump [all|summary|sum|delta|pools|osds|pgs|pgs_brief...]
pg dump_json [all|summary|sum|pools|osds|pgs...]
pg dump_pools_json
pg ls-by-pool <poolstr> [<states>...]
pg ls-by-primary <id|osd.id> [<pool:int>] [<states>...]
pg ls-by-osd <id|osd.id> [<pool:int>] [<states>...]
pg ls [<pool:int>] [<states>...]
pg dump_stuck [inactive|unclean|stale|undersized|degraded...] [<threshold:int>]
Error EINVAL: invalid command"""

CEPH_MGR_FAIL_X_BOGUS = """\
Invalid command: unused arguments: ['bogus']
mgr fail [<who>] :  treat the named manager daemon as failed
Error EINVAL: invalid command"""


def test_errors_md_ceph_foo_bar() -> None:
    with pytest.raises(NoMatchingCommand) as ei:
        validate(["foo", "bar"], SIGS)
    assert ei.value.render() == CEPH_FOO_BAR
    assert len(ei.value.closest) == 10
    assert ei.value.rc == -22 and ei.value.outs == "invalid command"


def test_errors_md_ceph_mgr_fail_x_bogus() -> None:
    with pytest.raises(InvalidArguments) as ei:
        validate(["mgr", "fail", "x", "bogus"], SIGS)
    assert str(ei.value) == "unused arguments: ['bogus']"
    assert ei.value.render() == CEPH_MGR_FAIL_X_BOGUS
    assert ei.value.sig.prefix == "mgr fail"


def test_fewer_than_ten_closest_matches() -> None:
    with pytest.raises(NoMatchingCommand) as ei:
        validate(["mgr", "modul"], SIGS)  # partial last word: both "mgr module ..." match
    assert ei.value.render().splitlines() == [
        "no valid command found; 2 closest matches:",
        "mgr module enable <module> [--force]",
        "mgr module disable <module>",
        "Error EINVAL: invalid command",
    ]


def test_closest_matches_skip_hidden_and_deprecated_and_obsolete() -> None:
    sigs = [
        sig("a one", flags=Flag.HIDDEN),
        sig("a two", flags=Flag.DEPRECATED),
        sig("a three", flags=Flag.OBSOLETE),
        sig("a four"),
    ]
    with pytest.raises(NoMatchingCommand) as ei:
        validate(["a"], sigs)
    assert [s.prefix for s in ei.value.closest] == ["a four"]
    with pytest.raises(NoMatchingCommand):
        validate(["a", "three"], sigs)  # obsolete commands are never matched
    assert validate(["a", "one"], sigs) == {"prefix": "a one"}  # hidden ones still work


def test_invalid_note_line_precedes_message() -> None:
    with pytest.raises(InvalidArguments) as ei:
        validate(["log", "last", "foo"], SIGS)
    assert ei.value.render().splitlines() == [
        "foo not valid:  foo not in *|cluster|audit|cephadm",
        "Invalid command: unused arguments: ['foo']",
        "log last [<num:int>] [debug|info|sec|warn|error] [*|cluster|audit|cephadm] :  "
        "print last few lines of the cluster log",
        "Error EINVAL: invalid command",
    ]
