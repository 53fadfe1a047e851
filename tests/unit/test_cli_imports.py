"""A one-shot `python -m sim ceph …` process loads neither asyncio nor dataclasses
(nor what they import): docs/cli.md, "Start-up time". The real CLI runs in a
child process against a fake mon, so every module it loads is seen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import zmq

from sim.cmdparse import CommandSig, Flag
from sim.messages import Command, CommandReply
from tests.unit.oneshot_fakes import FakeMon, make_run_dir

#: What a one-shot command must not import (each costs it milliseconds).
NOT_LOADED = ("asyncio", "zmq.asyncio", "dataclasses", "inspect", "argparse", "secrets")

CHILD = """
import runpy, sys
sys.argv = ["sim", "ceph", "mgr", "stat"]
try:
    runpy.run_module("sim", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print(repr((code, sorted(m for m in {names!r} if m in sys.modules))), file=sys.stderr)
"""


def test_mgr_stat_loads_neither_asyncio_nor_dataclasses(tmp_path: Path) -> None:
    ctx = zmq.Context()
    mon = FakeMon(ctx, "mon.a")
    run, signer = make_run_dir(tmp_path, [mon.port])
    descs = [
        CommandSig.parse("mgr stat", help="dump basic info about the mgr cluster state").to_json(),
        CommandSig.parse("mgr fail name=who,type=CephString,req=false", perm="rw").to_json(),
        CommandSig.parse(
            "hello name=person_name,type=CephString,req=false", flags=Flag.MGR
        ).to_json(),
    ]

    def answer(cmd: Command) -> CommandReply:
        if cmd.cmd["prefix"] == "get_command_descriptions":
            return CommandReply(retval=0, outbuf=json.dumps(descs).encode())
        return CommandReply(retval=0, outbuf=json.dumps({"asked": cmd.cmd}).encode())

    mon.answer = answer
    mon.start(run.spec().fsid, signer)
    try:
        env = dict(os.environ, SIM_DIR=str(tmp_path))
        child = subprocess.run(
            [sys.executable, "-c", CHILD.format(names=NOT_LOADED)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        mon.stop()
        ctx.destroy(linger=0)
    code, loaded = eval(child.stderr.strip().splitlines()[-1])  # noqa: S307 (our own repr)
    assert code == 0, child.stderr
    assert json.loads(child.stdout) == {"asked": {"prefix": "mgr stat"}}  # it ran the command
    assert loaded == [], f"the one-shot CLI imported {loaded}"
