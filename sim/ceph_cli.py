"""`python -m sim ceph …`: a `ceph`-like CLI.

Like Ceph's CLI it fetches the command descriptions from the mon (which
merges in the active mgr's), validates the words locally (nothing is sent for
an invalid command), routes mgr commands to the active mgr and everything
else to a mon, then prints what `ceph` prints: the output on stdout (with
json-pretty's leading newline), the status string on stderr, ``Error EXXX:``
for failures, and exits with ``-retval``.
"""

from __future__ import annotations

import asyncio
import errno
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from sim.client import AsyncCluster
from sim.cluster import default_dir
from sim.cmdparse import CommandSig, Flag, InvalidArguments, NoMatchingCommand, validate
from sim.formatting import cli_stdout
from sim.monc import MonUnavailable

FORMATS = ("plain", "json", "json-pretty", "yaml", "xml", "xml-pretty")
DEFAULT_TIMEOUT = 10.0


@dataclass
class CliArgs:
    dir: Path
    format: str | None = None
    inbuf_file: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    words: list[str] = field(default_factory=list)


class UsageError(ValueError):
    pass


def parse_cli(argv: list[str]) -> CliArgs:
    """Ceph's CLI lets options sit anywhere among the command words."""
    a = CliArgs(dir=default_dir())
    it = iter(argv)
    for word in it:
        key, eq, val = word.partition("=")
        takes = {"--dir", "--format", "-f", "-i", "--in-file", "--connect-timeout", "--timeout"}
        if key in takes and word.startswith("-"):
            if not eq:
                try:
                    val = next(it)
                except StopIteration:
                    raise UsageError(f"{key} needs a value") from None
            if key == "--dir":
                a.dir = Path(val)
            elif key in ("--format", "-f"):
                if val not in FORMATS:
                    raise UsageError(f"unknown format {val!r} (one of {', '.join(FORMATS)})")
                a.format = val
            elif key in ("-i", "--in-file"):
                a.inbuf_file = val
            else:
                a.timeout = float(val)
        elif word == "-s":
            a.words.append("status")
        else:
            a.words.append(word)
    return a


def error_line(retval: int, outs: str) -> str:
    name = errno.errorcode.get(-retval, f"E{-retval}") if retval < 0 else "EINVAL"
    return f"Error {name}: {outs}"


async def run_command(args: CliArgs, out: TextIO, err: TextIO) -> int:
    try:
        cluster = AsyncCluster(args.dir)
    except FileNotFoundError as exc:
        print(str(exc), file=err)
        return errno.ENOENT
    try:
        return await _run(cluster, args, out, err)
    except MonUnavailable as exc:
        print(f"error: {exc} (timeout {args.timeout:g}s)", file=err)
        return errno.ETIMEDOUT
    finally:
        await cluster.close()


async def _run(cluster: AsyncCluster, args: CliArgs, out: TextIO, err: TextIO) -> int:
    r = await cluster.mon_command({"prefix": "get_command_descriptions"}, timeout=args.timeout)
    if r.retval:
        print(error_line(r.retval, r.outs), file=err)
        return -r.retval
    import json

    descs = json.loads(r.outbuf or b"[]")
    sigs = [CommandSig.from_json(d, module=d.get("module", "mon")) for d in descs]
    # Ceph lists the mgr's commands first (it matters for "closest matches").
    sigs.sort(key=lambda s: 0 if s.flags & Flag.MGR else 1)
    try:
        cmd = validate(args.words, sigs)
    except (NoMatchingCommand, InvalidArguments) as exc:
        if args.format == "json-pretty":
            out.write("\n")
        print(exc.render(), file=err)
        return errno.EINVAL
    sig = next(s for s in sigs if s.prefix == cmd["prefix"])
    cmd.pop("target", None)
    if args.format:
        cmd["format"] = args.format
    inbuf = b""
    if args.inbuf_file:
        inbuf = (
            sys.stdin.buffer.read()
            if args.inbuf_file == "-"
            else Path(args.inbuf_file).read_bytes()
        )
    if sig.flags & Flag.MGR:
        reply = await cluster.mgr_command(cmd, inbuf, timeout=args.timeout)
    else:
        reply = await cluster.mon_command(cmd, inbuf, timeout=args.timeout)
    text = reply.outbuf.decode(errors="replace")
    if text or args.format == "json-pretty":
        out.write(cli_stdout(args.format or "plain", text))
    if reply.retval:
        print(error_line(reply.retval, reply.outs), file=err)
    elif reply.outs:
        print(reply.outs, file=err)
    return -reply.retval


def main(argv: list[str]) -> int:
    try:
        args = parse_cli(argv)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return errno.EINVAL
    if not args.words:
        print("usage: python -m sim ceph [--dir DIR] [-f FORMAT] COMMAND…", file=sys.stderr)
        return errno.EINVAL
    return asyncio.run(run_command(args, sys.stdout, sys.stderr))
