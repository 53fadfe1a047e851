"""Tests of sim.cmdparse: descriptor grammar, usage lines, argv validation, Ceph's error texts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sim.cmdparse import (
    ArgDesc,
    ArgumentError,
    ArgumentFormat,
    ArgumentValid,
    CommandSig,
    DescriptorError,
    Flag,
    InvalidArguments,
    NoMatchingCommand,
    match_prefix,
    validate,
)

# --- signatures resembling Ceph 16's (src/mgr/MgrCommands.h, src/mon/MonCommands.h) ---------

MGR_PG_COMMANDS = [
    ("pg stat", "show placement group status."),
    ("pg getmap", "get binary pg map to -o/stdout"),
    (
        "pg dump name=dumpcontents,type=CephChoices,"
        "strings=all|summary|sum|delta|pools|osds|pgs|pgs_brief,n=N,req=false",
        "show human-readable versions of pg map (only 'all' valid with plain)",
    ),
    (
        "pg dump_json name=dumpcontents,type=CephChoices,"
        "strings=all|summary|sum|pools|osds|pgs,n=N,req=false",
        "show human-readable version of pg map in json only",
    ),
    ("pg dump_pools_json", "show pg pools info in json only"),
    (
        "pg ls-by-pool name=poolstr,type=CephString name=states,type=CephString,n=N,req=false",
        "list pg with pool = [poolname]",
    ),
    (
        "pg ls-by-primary name=osd,type=CephOsdName name=pool,type=CephInt,req=false "
        "name=states,type=CephString,n=N,req=false",
        "list pg with primary = [osd]",
    ),
    (
        "pg ls-by-osd name=osd,type=CephOsdName name=pool,type=CephInt,req=false "
        "name=states,type=CephString,n=N,req=false",
        "list pg on osd [osd]",
    ),
    (
        "pg ls name=pool,type=CephInt,req=false name=states,type=CephString,n=N,req=false",
        "list pg with specific pool, osd, state",
    ),
    (
        "pg dump_stuck name=stuckops,type=CephChoices,"
        "strings=inactive|unclean|stale|undersized|degraded,n=N,req=false "
        "name=threshold,type=CephInt,req=false",
        "show information about stuck pgs",
    ),
    (
        "pg debug name=debugop,type=CephChoices,strings=unfound_objects_exist|degraded_pgs_exist",
        "show debug info about pgs",
    ),
    ("pg scrub name=pgid,type=CephPgid", "start scrub on <pgid>"),
    ("pg repair name=pgid,type=CephPgid", "start repair on <pgid>"),
    ("pg force-recovery name=pgid,type=CephPgid,n=N", "force recovery of <pgid> first"),
    ("osd perf", "print dump of OSD perf summary stats"),
]

MON_COMMANDS = [
    ("mgr dump name=epoch,type=CephInt,range=0,req=false", "dump the latest MgrMap"),
    ("mgr fail name=who,type=CephString,req=false", "treat the named manager daemon as failed"),
    (
        "mgr module enable name=module,type=CephString "
        "name=force,type=CephChoices,strings=--force,req=false",
        "enable mgr module",
    ),
    ("mgr module disable name=module,type=CephString", "disable mgr module"),
    (
        "log last name=num,type=CephInt,range=1,req=false "
        "name=level,type=CephChoices,strings=debug|info|sec|warn|error,req=false "
        "name=channel,type=CephChoices,strings=*|cluster|audit|cephadm,req=false",
        "print last few lines of the cluster log",
    ),
    (
        "osd pool set-quota name=pool,type=CephPoolname "
        "name=field,type=CephChoices,strings=max_objects|max_bytes name=val,type=CephString",
        "set object or byte limit on pool",
    ),
]


def _sigs() -> list[CommandSig]:
    mgr = [CommandSig.parse(d, h, flags=Flag.MGR, module="pg") for d, h in MGR_PG_COMMANDS]
    mon = [CommandSig.parse(d, h, perm="rw", module="mgr") for d, h in MON_COMMANDS]
    return mgr + mon  # the mon lists the mgr's commands first


SIGS = _sigs()


def sig(descriptor: str, **kw: Any) -> CommandSig:
    return CommandSig.parse(descriptor, **kw)


# --- descriptor grammar ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("descriptor", "words", "args"),
    [
        (
            "hello name=person_name,req=false,type=CephString",
            ("hello",),
            (ArgDesc("person_name", "CephString", req=False),),
        ),
        ("count name=num,type=CephInt", ("count",), (ArgDesc("num", "CephInt"),)),
        (
            "mgr self-test background start "
            "name=workload,strings=command_spam|throw_exception|shutdown,type=CephChoices",
            ("mgr", "self-test", "background", "start"),
            (
                ArgDesc(
                    "workload",
                    "CephChoices",
                    params={"strings": "command_spam|throw_exception|shutdown"},
                ),
            ),
        ),
        (
            "mgr self-test health clear name=checks,req=false,n=N,type=CephString",
            ("mgr", "self-test", "health", "clear"),
            (ArgDesc("checks", "CephString", req=False, n="N"),),
        ),
        (
            "mgr self-test eval name=s,req=false,type=CephString",
            ("mgr", "self-test", "eval"),
            (ArgDesc("s", "CephString", req=False),),
        ),
        ("pg stat", ("pg", "stat"), ()),
        (
            "osd pool get-quota name=pool,type=CephPoolname name=n,type=CephInt,n=2,range=0|9",
            ("osd", "pool", "get-quota"),
            (
                ArgDesc("pool", "CephPoolname"),
                ArgDesc("n", "CephInt", n=2, params={"range": "0|9"}),
            ),
        ),
        (  # a key without '=' means true; n=n is N; positional=false
            "x name=a,type=CephBool,req=false,positional=false name=b,type=CephString,n=n,req",
            ("x",),
            (
                ArgDesc("a", "CephBool", req=False, positional=False),
                ArgDesc("b", "CephString", req=True, n="N"),
            ),
        ),
    ],
)
def test_parse_descriptor(
    descriptor: str, words: tuple[str, ...], args: tuple[ArgDesc, ...]
) -> None:
    s = sig(descriptor)
    assert s.words == words
    assert s.args == args
    assert s.prefix == " ".join(words)
    assert s.descriptor == descriptor


def test_parse_keeps_metadata_and_types() -> None:
    s = sig("count name=num,type=CephInt", help="count", perm="rw", flags=Flag.POLL, module="hello")
    assert (s.help, s.perm, s.flags, s.module) == ("count", "rw", 16, "hello")
    assert s.args[0].n is None and s.args[0].positional and s.args[0].req


@pytest.mark.parametrize(
    ("descriptor", "needle"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("name=x,type=CephString", "literal word"),
        ("foo type=CephString", "no name"),
        ("foo name=x", "no type"),
        ("foo name=x,type=CephNope", "unknown type CephNope"),
        ("foo name=x,type=CephString,,req=false", "empty key"),
        ("foo name=x,type=CephString,=false", "empty key"),
        ("foo name=x,type=CephString,name=y", "duplicate key"),
        ("foo name=x,type=CephString,req=maybe", "req='maybe'"),
        ("foo name=x,type=CephString,n=0", "n=0"),
        ("foo name=x,type=CephString,n=many", "n='many'"),
        ("foo name=x,type=CephString,positional=false", "requires req=false"),
        ("foo name=x,type=CephInt,range=a|b", "bad range"),
        ("foo name=x,type=CephInt,range=1|2|3", "range"),
        ("foo name=x,type=CephChoices", "strings="),
        ("foo name=x,type=CephString,goodchars=[a-", "not a valid RE"),
        ("foo name=x,type=CephString name=x,type=CephInt", "duplicate argument"),
        ("foo name=x,type=CephString bar", "literal word 'bar' after"),
    ],
)
def test_malformed_descriptor(descriptor: str, needle: str) -> None:
    with pytest.raises(DescriptorError) as ei:
        sig(descriptor)
    assert needle in str(ei.value)
    assert isinstance(ei.value, ValueError)


@pytest.mark.parametrize("perm", ["", "q", "rwz"])
def test_bad_perm(perm: str) -> None:
    with pytest.raises(DescriptorError):
        sig("pg stat", perm=perm)


def test_json_round_trip() -> None:
    for s in SIGS:
        d = s.to_json()
        assert set(d) == {"cmd", "help", "perm", "flags", "module"}
        again = CommandSig.from_json(json.loads(json.dumps(d)))
        assert again == s
        assert again.to_json() == d
    assert SIGS[-1].to_json()["cmd"] == MON_COMMANDS[-1][0]


def test_from_json_module_commands_entry() -> None:
    entry = {
        "cmd": "iostat name=width,type=CephInt,req=false",
        "desc": "io",
        "perm": "r",
        "poll": "true",
    }
    s = CommandSig.from_json(entry, module="iostat")
    assert (s.prefix, s.help, s.module, s.flags) == ("iostat", "io", "iostat", Flag.POLL)
    with pytest.raises(DescriptorError):
        CommandSig.from_json({"help": "no cmd"})


def test_canonical_descriptor_when_built_directly() -> None:
    s = CommandSig(("hello",), (ArgDesc("person_name", "CephString", req=False),))
    assert s.descriptor == "hello name=person_name,req=false,type=CephString"
    assert CommandSig.from_json(s.to_json()) == s


def test_signatures_are_hashable_values() -> None:
    a = sig("count name=num,type=CephInt,range=1")
    b = CommandSig.from_json(a.to_json())
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != sig("count name=num,type=CephInt,range=2")


def test_flag_values() -> None:
    assert [int(f) for f in Flag] == [1, 2, 4, 8, 16, 32]
    assert [f.name for f in Flag] == [
        "NOFORWARD",
        "OBSOLETE",
        "DEPRECATED",
        "MGR",
        "POLL",
        "HIDDEN",
    ]


# --- usage lines ------------------------------------------------------------------------------


def _by_prefix(prefix: str) -> CommandSig:
    found = match_prefix({"prefix": prefix}, SIGS)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("prefix", "usage"),
    [
        ("mgr fail", "mgr fail [<who>]"),
        ("mgr module enable", "mgr module enable <module> [--force]"),
        ("pg dump", "pg dump [all|summary|sum|delta|pools|osds|pgs|pgs_brief...]"),
        ("pg ls-by-pool", "pg ls-by-pool <poolstr> [<states>...]"),
        ("pg ls", "pg ls [<pool:int>] [<states>...]"),
        ("pg ls-by-primary", "pg ls-by-primary <id|osd.id> [<pool:int>] [<states>...]"),
        (
            "pg dump_stuck",
            "pg dump_stuck [inactive|unclean|stale|undersized|degraded...] [<threshold:int>]",
        ),
        ("pg force-recovery", "pg force-recovery <pgid>..."),
        ("mgr dump", "mgr dump [<epoch:int>]"),
        (  # Pacific's client (the default) shows choices without the name
            "log last",
            "log last [<num:int>] [debug|info|sec|warn|error] [*|cluster|audit|cephadm]",
        ),
    ],
)
def test_usage(prefix: str, usage: str) -> None:
    assert _by_prefix(prefix).usage() == usage


def test_usage_named_choices_style() -> None:
    assert _by_prefix("log last").usage(named_choices=True) == (
        "log last [<num:int>] [<level:debug|info|sec|warn|error>] "
        "[<channel:*|cluster|audit|cephadm>]"
    )
    assert _by_prefix("mgr module enable").usage(named_choices=True) == (
        "mgr module enable <module> [--force]"
    )


@pytest.mark.parametrize(
    ("descriptor", "usage"),
    [
        ("osd out name=ids,type=CephString,n=N", "osd out <ids>..."),
        (
            "osd set-full-ratio name=ratio,type=CephFloat,range=0.0|1.0",
            "osd set-full-ratio <ratio:float>",
        ),
        ("tell name=target,type=CephName", "tell <type.id>"),
        (
            "osd destroy name=id,type=CephOsdName name=force,type=CephBool,req=false "
            "name=yes_i_really_mean_it,type=CephBool,req=false",
            "osd destroy <id|osd.id> [--force] [--yes-i-really-mean-it]",
        ),
        (
            "orch ls name=service_type,type=CephString,req=false "
            "name=format,type=CephChoices,strings=plain|json,req=false",
            "orch ls [<service_type>] [--format {plain|json}]",
        ),
        (
            "x name=a,type=CephString,req=false,positional=false "
            "name=b,type=CephInt,req=false,positional=false "
            "name=c,type=CephBool,req=false,positional=false "
            "name=d,type=CephChoices,strings=p|q,req=false,positional=false",
            "x [--a <value>] [--b <int>] [--c] [--d {p|q}]",
        ),
    ],
)
def test_usage_other_forms(descriptor: str, usage: str) -> None:
    assert sig(descriptor).usage() == usage


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


# --- argument types ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "word", "value"),
    [
        ("type=CephInt", "42", 42),
        ("type=CephInt", "-7", -7),
        ("type=CephInt", "0x1f", 31),
        ("type=CephInt,range=0|100", "100", 100),
        ("type=CephFloat", "0.5", 0.5),
        ("type=CephFloat,range=0.0|1.0", "1", 1.0),
        ("type=CephString", "any thing", "any thing"),
        ("type=CephString,goodchars=[A-Za-z0-9-_.]", "osd.1-a_b", "osd.1-a_b"),
        ("type=CephBool", "TRUE", True),
        ("type=CephBool", "1", True),
        ("type=CephBool", "False", False),
        ("type=CephBool", "0", False),
        ("type=CephChoices,strings=a|b", "b", "b"),
        ("type=CephName", "*", "*"),
        ("type=CephName", "mgr", "mgr"),
        ("type=CephName", "mgr.x", "mgr.x"),
        ("type=CephName", "osd.3", "osd.3"),
        ("type=CephName", "client.admin", "client.admin"),
        ("type=CephOsdName", "3", 3),
        ("type=CephOsdName", "osd.12", 12),
        ("type=CephPgid", "1.1f", "1.1f"),
        (
            "type=CephUUID",
            "a0a1a2a3-b0b1-c0c1-d0d1-e0e1e2e3e4e5",
            "a0a1a2a3-b0b1-c0c1-d0d1-e0e1e2e3e4e5",
        ),
        ("type=CephIPAddr", "10.0.0.1", "10.0.0.1"),
        ("type=CephIPAddr", "10.0.0.1:6789", "10.0.0.1:6789"),
        ("type=CephIPAddr", "v2:10.0.0.1:3300", "10.0.0.1:3300"),
        ("type=CephIPAddr", "[::1]:6789", "[::1]:6789"),
        ("type=CephIPAddr", "::1", "::1"),
        ("type=CephEntityAddr", "10.0.0.1:6789/1234", "10.0.0.1:6789/1234"),
        ("type=CephPoolname", "rbd", "rbd"),
        ("type=CephObjectname", "obj", "obj"),
        ("type=CephFilepath", "/no/such/dir/f", "/no/such/dir/f"),
        ("type=CephSocketpath", "/run/x.asok", "/run/x.asok"),
        ("type=CephFragment", "0x1f/5", "0x1f/5"),
    ],
)
def test_type_conversion(token: str, word: str, value: object) -> None:
    desc = ArgDesc.parse("name=v," + token)
    got = desc.convert(word)
    assert got == [value]
    assert type(got[0]) is type(value)


@pytest.mark.parametrize(
    ("token", "word", "exc", "message"),
    [
        ("type=CephInt", "x", ArgumentValid, "x doesn't represent an int"),
        ("type=CephInt", "1.5", ArgumentValid, "1.5 doesn't represent an int"),
        ("type=CephInt,range=0|100", "101", ArgumentValid, "101 not in range [0, 100]"),
        ("type=CephInt,range=1", "0", ArgumentValid, "0 not in range [1]"),
        ("type=CephFloat", "nope", ArgumentValid, "nope doesn't represent a float"),
        ("type=CephFloat,range=0.0|1.0", "1.5", ArgumentValid, "1.5 not in range [0.0, 1.0]"),
        ("type=CephString,goodchars=[a-z]", "abC!", ArgumentFormat, "invalid chars C! in abC!"),
        (
            "type=CephString,allowempty=false",
            "",
            ArgumentFormat,
            "argument can't be an empty string",
        ),
        ("type=CephBool", "yes", ArgumentValid, "yes not one of 'true', 'false'"),
        ("type=CephChoices,strings=a|b", "c", ArgumentValid, "c not in a|b"),
        ("type=CephName", "osd", ArgumentFormat, "CephName: no . in osd"),
        ("type=CephName", "foo.1", ArgumentValid, "unknown type foo"),
        ("type=CephName", "osd.x", ArgumentFormat, "osd id x not integer"),
        ("type=CephPgid", "x.1", ArgumentFormat, "pool x not integer"),
        ("type=CephPgid", "-1.1", ArgumentFormat, "pool -1 < 0"),
        (
            "type=CephUUID",
            "zz",
            ArgumentFormat,
            "invalid UUID zz: badly formed hexadecimal UUID string",
        ),
        ("type=CephIPAddr", "10.0.0.300", ArgumentValid, "10.0.0.300: invalid IPv4 address"),
        ("type=CephIPAddr", "10.0.0.1:70000", ArgumentValid, "70000: invalid IPv4 port"),
        ("type=CephIPAddr", "[::1", ArgumentFormat, "[::1 missing terminating ]"),
        ("type=CephIPAddr", "zz", ArgumentValid, "zz not valid IPv6 address"),
        (
            "type=CephEntityAddr",
            "10.0.0.1:1/x",
            ArgumentValid,
            "10.0.0.1:1/x: invalid entity, nonce x not integer > 0",
        ),
        ("type=CephFragment", "0x1f", ArgumentFormat, "0x1f: no /"),
        ("type=CephFragment", "1f/5", ArgumentFormat, "1f not a hex integer"),
        ("type=CephFragment", "0x1f/z", ArgumentFormat, "can't convert z to integer"),
    ],
)
def test_type_errors(token: str, word: str, exc: type[ArgumentError], message: str) -> None:
    desc = ArgDesc.parse("name=v," + token)
    with pytest.raises(exc) as ei:
        desc.convert(word)
    assert str(ei.value) == message


@pytest.mark.parametrize(
    ("token", "text"),
    [
        ("name=who,type=CephString", "who(<string>)"),
        ("name=who,type=CephString,goodchars=[a-z]", "who(<string(goodchars [a-z])>)"),
        ("name=num,type=CephInt,range=1", "num(<int[1-]>)"),
        ("name=r,type=CephFloat,range=0.0|1.0,req=false", "[r(<float[0.0-1.0]>)]"),
        ("name=id,type=CephOsdName", "id(<osdname (id|osd.id)>)"),
        ("name=ids,type=CephPgid,n=N", "ids(<pgid>)..."),
        ("name=force,type=CephChoices,strings=--force,req=false", "[--force]"),
        ("name=level,type=CephChoices,strings=a|b", "level(a|b)"),
    ],
)
def test_describe_for_error_messages(token: str, text: str) -> None:
    assert ArgDesc.parse(token).describe() == text


# --- server side ------------------------------------------------------------------------------


def test_match_prefix() -> None:
    assert match_prefix({"prefix": "mgr fail", "who": "x"}, SIGS) is _by_prefix("mgr fail")
    assert match_prefix({"prefix": "mgr"}, SIGS) is None
    assert match_prefix({"prefix": "nope"}, SIGS) is None
    assert match_prefix({}, SIGS) is None
    assert match_prefix({"prefix": 3}, SIGS) is None
