"""Tests of sim.cmdparse: argv validation (successes, failures) and the server's prefix match."""

from __future__ import annotations

from typing import Any

import pytest

from sim.cmdparse import (
    ArgumentError,
    Flag,
    InvalidArguments,
    NoMatchingCommand,
    match_prefix,
    validate,
)

from .cmdparse_sigs import SIGS, by_prefix, sig

# --- validation: successes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["mgr", "fail", "x"], {"prefix": "mgr fail", "who": "x"}),
        (["mgr", "fail"], {"prefix": "mgr fail"}),
        (["mgr", "fail", "--who=x"], {"prefix": "mgr fail", "who": "x"}),
        (["mgr", "fail", "--who", "x"], {"prefix": "mgr fail", "who": "x"}),
        (["mgr", "dump", "0x10"], {"prefix": "mgr dump", "epoch": 16}),
        (
            ["mgr", "module", "enable", "iostat", "--force"],
            {"prefix": "mgr module enable", "module": "iostat", "force": "--force"},
        ),
        (
            ["log", "last", "20", "debug"],
            {"prefix": "log last", "num": 20, "level": "debug"},
        ),
        (  # an optional argument that does not fit is skipped for the next one
            ["log", "last", "audit"],
            {"prefix": "log last", "channel": "audit"},
        ),
        (
            ["log", "last", "--channel=audit", "5"],
            {"prefix": "log last", "channel": "audit", "num": 5},
        ),
        (
            ["pg", "dump", "pgs", "osds,pools"],
            {
                "prefix": "pg dump",
                "dumpcontents": ["pgs", "osds", "pools"],
                "target": ("mon-mgr", ""),
            },
        ),
        (  # positional CephString n=N keeps commas; keyword form splits them
            ["pg", "ls-by-pool", "p1", "active,clean", "peering"],
            {
                "prefix": "pg ls-by-pool",
                "poolstr": "p1",
                "states": ["active,clean", "peering"],
                "target": ("mon-mgr", ""),
            },
        ),
        (
            ["pg", "ls-by-pool", "p1", "--states=active,clean"],
            {
                "prefix": "pg ls-by-pool",
                "poolstr": "p1",
                "states": ["active", "clean"],
                "target": ("mon-mgr", ""),
            },
        ),
        (
            ["pg", "ls-by-primary", "osd.3", "2"],
            {"prefix": "pg ls-by-primary", "osd": 3, "pool": 2, "target": ("mon-mgr", "")},
        ),
        (
            ["osd", "pool", "set-quota", "p1", "max_bytes", "10"],
            {"prefix": "osd pool set-quota", "pool": "p1", "field": "max_bytes", "val": "10"},
        ),
    ],
)
def test_validate_ok(argv: list[str], expected: dict[str, Any]) -> None:
    assert validate(argv, SIGS) == expected


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["osd", "destroy", "1"], {"prefix": "osd destroy", "id": 1}),
        (["osd", "destroy", "osd.1", "--force"], {"prefix": "osd destroy", "id": 1, "force": True}),
        (
            ["osd", "destroy", "1", "--yes-i-really-mean-it"],
            {"prefix": "osd destroy", "id": 1, "yes_i_really_mean_it": True},
        ),
        (
            ["osd", "destroy", "1", "--yes_i_really_mean_it=false"],
            {"prefix": "osd destroy", "id": 1, "yes_i_really_mean_it": False},
        ),
        (["osd", "destroy", "--id", "4"], {"prefix": "osd destroy", "id": 4}),
        (["osd", "destroy", "1", "TRUE"], {"prefix": "osd destroy", "id": 1, "force": True}),
    ],
)
def test_validate_bool_flags(argv: list[str], expected: dict[str, Any]) -> None:
    sigs = [
        sig(
            "osd destroy name=id,type=CephOsdName name=force,type=CephBool,req=false "
            "name=yes_i_really_mean_it,type=CephBool,req=false"
        )
    ]
    assert validate(argv, sigs) == expected


def test_validate_non_positional_and_poll() -> None:
    sigs = [
        sig(
            "orch ls name=service_type,type=CephString,req=false "
            "name=format,type=CephChoices,strings=plain|json,req=false,positional=false "
            "name=refresh,type=CephBool,req=false,positional=false",
            flags=Flag.MGR | Flag.POLL,
        )
    ]
    assert validate(["orch", "ls", "mon", "--format", "json", "--refresh"], sigs) == {
        "prefix": "orch ls",
        "service_type": "mon",
        "format": "json",
        "refresh": True,
        "target": ("mon-mgr", ""),
        "poll": True,
    }
    with pytest.raises(InvalidArguments) as ei:
        validate(["orch", "ls", "mon", "json"], sigs)
    assert str(ei.value) == "Unexpected argument 'json'"


def test_prefers_fewest_required_and_full_match() -> None:
    sigs = [
        sig("osd pool ls name=detail,type=CephChoices,strings=detail,req=false"),
        sig("osd pool get name=pool,type=CephPoolname name=var,type=CephString"),
        sig("osd pool get-quota name=pool,type=CephPoolname"),
    ]
    assert validate(["osd", "pool", "get-quota", "p"], sigs) == {
        "prefix": "osd pool get-quota",
        "pool": "p",
    }
    assert validate(["osd", "pool", "get", "p", "size"], sigs) == {
        "prefix": "osd pool get",
        "pool": "p",
        "var": "size",
    }
    assert validate(["osd", "pool", "ls", "detail"], sigs) == {
        "prefix": "osd pool ls",
        "detail": "detail",
    }


# --- validation: failures ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["mgr", "module", "enable"], "missing required parameter module(<string>)"),
        (["mgr", "fail", "--foo"], "Unexpected argument '--foo'"),
        (["mgr", "dump", "x"], "unused arguments: ['x']"),
        (["log", "last", "5", "--num=6"], "Duplicate argument 'num' found."),
        (["log", "last", "--channel=audit", "5", "info", "audit"], "unused arguments: ['audit']"),
        (["pg", "ls-by-primary", "mon.1"], "unknown type mon"),
        (["pg", "ls-by-primary", "-1"], "osd id -1 is less than 0"),
        (["pg", "ls-by-primary", "x"], "osd id x not integer"),
        (["pg", "scrub", "1"], "pgid has no ."),
        (["pg", "scrub", "1.xyz"], "pgnum xyz not hex integer"),
        (["pg", "debug", "nope"], "nope not in unfound_objects_exist|degraded_pgs_exist"),
        (["log", "last", "--num=0"], "0 not in range [1]"),
        (["log", "last", "--num", "x"], "x doesn't represent an int"),
        (
            ["pg", "dump", "--dumpcontents=pgs,bad"],
            "bad not in all|summary|sum|delta|pools|osds|pgs|pgs_brief",
        ),
        (["pg", "force-recovery"], "saw 0 of pgid(<pgid>)..., expected at least 1"),
    ],
)
def test_validate_invalid(argv: list[str], message: str) -> None:
    with pytest.raises(InvalidArguments) as ei:
        validate(argv, SIGS)
    assert str(ei.value) == message
    lines = ei.value.render().splitlines()
    assert lines[-3] == f"Invalid command: {message}"
    assert lines[-2].startswith(ei.value.sig.usage() + " :  ")
    assert lines[-1] == "Error EINVAL: invalid command"
    assert isinstance(ei.value, ArgumentError) and isinstance(ei.value, ValueError)


def test_fixed_count_argument() -> None:
    sigs = [sig("pair name=v,type=CephInt,n=2")]
    assert validate(["pair", "1", "2"], sigs) == {"prefix": "pair", "v": [1, 2]}
    # as in Ceph's client, a partly filled fixed count is not rejected
    assert validate(["pair", "1"], sigs) == {"prefix": "pair", "v": [1]}
    with pytest.raises(InvalidArguments) as ei:
        validate(["pair"], sigs)
    assert str(ei.value) == "saw 0 of v(<int>), expected 2"


def test_missing_argument_with_several_candidates_is_no_match() -> None:
    with pytest.raises(NoMatchingCommand) as ei:
        validate(["pg"], SIGS)
    assert ei.value.render().startswith("no valid command found; 10 closest matches:\npg stat\n")


# --- server side ------------------------------------------------------------------------------


def test_match_prefix() -> None:
    assert match_prefix({"prefix": "mgr fail", "who": "x"}, SIGS) is by_prefix("mgr fail")
    assert match_prefix({"prefix": "mgr"}, SIGS) is None
    assert match_prefix({"prefix": "nope"}, SIGS) is None
    assert match_prefix({}, SIGS) is None
    assert match_prefix({"prefix": 3}, SIGS) is None
