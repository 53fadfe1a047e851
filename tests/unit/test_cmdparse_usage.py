"""Tests of sim.cmdparse.usage: the ``ceph --help`` listing of command descriptions."""

from __future__ import annotations

from sim.cmdparse.usage import help_sections, render_help


def test_help_listing():
    descs = [
        {
            "cmd": "hello name=person_name,req=false,type=CephString",
            "help": "Say hello",
            "perm": "r",
        },
        {"cmd": "count name=num,type=CephInt", "help": "Do some counting", "perm": "r"},
        {"cmd": "hidden", "help": "x", "perm": "r", "flags": 32},
    ]
    text = render_help(descs)
    assert text.splitlines() == [
        "count <num:int>                          Do some counting",
        "hello [<person_name>]                    Say hello",
    ]
    assert render_help(descs, partial="hel").startswith("hello")
    assert "Monitor commands:" in help_sections(descs)
