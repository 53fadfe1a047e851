"""Tests of sim.cmdparse: the descriptor grammar and the usage lines."""

from __future__ import annotations

import json

import pytest

from sim.cmdparse import ArgDesc, CommandSig, DescriptorError, Flag

from .cmdparse_sigs import MON_COMMANDS, SIGS, by_prefix, sig

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
    assert by_prefix(prefix).usage() == usage


def test_usage_named_choices_style() -> None:
    assert by_prefix("log last").usage(named_choices=True) == (
        "log last [<num:int>] [<level:debug|info|sec|warn|error>] "
        "[<channel:*|cluster|audit|cephadm>]"
    )
    assert by_prefix("mgr module enable").usage(named_choices=True) == (
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
