"""Tests of sim.cmdparse: the argument types (conversion, errors, descriptions)."""

from __future__ import annotations

import pytest

from sim.cmdparse import ArgDesc, ArgumentError, ArgumentFormat, ArgumentValid

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
