"""The mon's ``get_command_descriptions`` with an active mgr's built-in commands
(`mgr.commands`) in its beacon: they come first, merged with the mon's own
``config show*`` in Ceph 16.2's order (the real table's,
``get_command_descriptions_mon.compact.json``), then the modules', then the
mon's; a mgr description of a command the mon serves is not published twice."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

from mgr import commands as mgr_commands
from mon.commands import CEPH_MGR_BUILTINS, get_command_descriptions
from sim.cmdparse import CommandSig, Flag, NoMatchingCommand, validate
from tests.golden import golden_text


def published(mgr_descs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    mon = SimpleNamespace(mgrmon=SimpleNamespace(map=SimpleNamespace(command_descs=mgr_descs)))
    reply = get_command_descriptions(mon, {"prefix": "get_command_descriptions"})  # type: ignore[arg-type]
    return list(json.loads(reply.render(None)))


def test_the_mgrs_builtins_come_first_in_cephs_order() -> None:
    hello = {"cmd": "hello name=person_name,type=CephString,req=false", "help": "Say hello",
             "perm": "r", "flags": 0, "module": "hello"}  # fmt: skip
    shadow = {"cmd": "config show name=who,type=CephString", "help": "x", "perm": "r"}
    descs = published([*mgr_commands.descriptions(), shadow, hello])
    prefixes = [CommandSig.from_json(d).prefix for d in descs]
    ours = [p for p in prefixes if p in CEPH_MGR_BUILTINS]
    n = len(ours)
    assert prefixes[:n] == ours and prefixes[n] == "hello"
    assert prefixes.count("config show") == 1  # the mon's, not the mgr's shadow
    real = json.loads(golden_text("get_command_descriptions_mon.compact.json"))
    real_prefixes = [" ".join(w for w in d["sig"] if isinstance(w, str)) for d in real.values()]
    assert ours == [p for p in real_prefixes if p in set(ours)]
    assert {"pg stat", "pg dump", "osd df", "osd perf", "device ls"} <= set(ours)
    assert all(d["flags"] & Flag.MGR for d in descs[: n + 1] if d["cmd"].split()[0] != "config")


def test_closest_matches_for_pg_are_cephs() -> None:
    descs = published(mgr_commands.descriptions())
    sigs = [CommandSig.from_json(d, module=d.get("module", "mon")) for d in descs]
    for words, name in ((["pg", "dumpx"], "nocmd_pg_dumpx"), (["pg"], "nocmd_pg")):
        try:
            validate(words, sigs)
        except NoMatchingCommand as exc:
            assert exc.render() + "\n" == golden_text(f"{name}.stderr.txt")
        else:
            raise AssertionError(f"{words} validated")
    cmd = validate(["pg", "dump", "pgs", "pools"], sigs)
    assert cmd | {"target": None} == {"prefix": "pg dump", "dumpcontents": ["pgs", "pools"],
                                      "target": None}  # fmt: skip
    cmd = validate(["osd", "df", "treee"], sigs)  # not a method: it is the filter, as in Ceph
    assert cmd | {"target": None} == {"prefix": "osd df", "filter": "treee", "target": None}
