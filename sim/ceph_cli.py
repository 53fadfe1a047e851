"""`python -m sim ceph …`: a `ceph`-like CLI.

Like Ceph's CLI it fetches the command descriptions from the mon (which
merges in the active mgr's), validates the words locally (nothing is sent for
an invalid command), routes mgr commands to the active mgr and everything
else to a mon, then prints what `ceph` prints: the output on stdout (with
json-pretty's leading newline), the status string on stderr, ``Error EXXX:``
for failures, and exits with ``-retval``.
"""

from __future__ import annotations

import errno
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from sim.cluster import RunDir, default_dir

if TYPE_CHECKING:  # imported where used: a one-shot call loads only what it needs
    from sim.client import AsyncCluster
    from sim.messages import CommandReply
    from sim.oneshot import OneShot

USAGE = (
    "usage: python -m sim ceph [--dir DIR] [-f FORMAT] [-n NAME] [-k KEYRING] [-i FILE] [-o FILE]\n"
    "                          [-p PERIOD] [--timeout S] COMMAND…   (help, or COMMAND --help, lists commands)\n"
    "       python -m sim ceph -w [--watch-debug|info|sec|warn|error] [--watch-channel CH]\n"
    "       python -m sim ceph tell WHO COMMAND… | daemon NAME COMMAND… | --admin-daemon PATH COMMAND…\n"
    "       python -m sim ceph -v|--version"
)
FORMATS = ("plain", "json", "json-pretty", "yaml", "xml", "xml-pretty")
DEFAULT_TIMEOUT = 10.0
WATCH_LEVELS = ("debug", "info", "sec", "warn", "error")  # --watch-<level>


class CliArgs:
    """What `parse_cli` found. A plain class, not a dataclass: building one at
    start-up costs the one-shot CLI about a millisecond (docs/cli.md)."""

    format: str | None = None
    inbuf_file: str | None = None
    output_file: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    name: str = "client.admin"
    keyring: str | None = None  # -k / --keyring (default: DIR/ceph.<name>.keyring)
    period: float = 1.0
    help: bool = False
    admin_daemon: str | None = None  # --admin-daemon PATH
    watch: bool = False  # -w / --watch (sim.ceph_watch)
    watch_channel: str | None = None  # -W / --watch-channel
    verbose: bool = False  # the mon session's hunting on stderr
    version: bool = False  # -v / --version: this CLI's Ceph version, no cluster needed

    def __init__(self, dir: Path) -> None:
        self.dir = dir
        self.watch_levels: set[str] = set()  # --watch-debug …
        self.words: list[str] = []

    def __repr__(self) -> str:
        return f"CliArgs({vars(self)!r})"

    @property
    def watching(self) -> bool:
        """Any watch flag given (``ceph.in`` then watches, whatever the words)."""
        return self.watch or bool(self.watch_levels) or bool(self.watch_channel)


class UsageError(ValueError):
    pass


def parse_cli(argv: list[str]) -> CliArgs:
    """Ceph's CLI lets options sit anywhere among the command words."""
    a = CliArgs(dir=default_dir())
    it = iter(argv)
    for word in it:
        key, eq, val = word.partition("=")
        takes = {
            "--dir", "--format", "-f", "-i", "--in-file", "-o", "--out-file",
            "--connect-timeout", "--timeout", "-n", "--name", "-p", "--period", "-k", "--keyring",
            "--admin-daemon", "-W", "--watch-channel",
        }  # fmt: skip
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
            elif key in ("-o", "--out-file"):
                a.output_file = val
            elif key in ("-n", "--name"):
                a.name = val if "." in val else f"client.{val}"
            elif key in ("-k", "--keyring"):
                a.keyring = val
            elif key == "--admin-daemon":
                a.admin_daemon = val
            elif key in ("-W", "--watch-channel"):
                a.watch_channel = val
            elif key in ("-p", "--period"):
                a.period = _number(key, val)
            else:
                a.timeout = _number(key, val)
        elif word == "-s":
            a.words.append("status")
        elif word in ("-w", "--watch"):
            a.watch = True
        elif word.startswith("--watch-") and word[len("--watch-") :] in WATCH_LEVELS:
            a.watch_levels.add(word[len("--watch-") :])
        elif word == "--verbose":
            a.verbose = True
        elif word in ("-v", "--version"):
            a.version = True
        elif word in ("-h", "--help"):
            a.help = True
        else:
            a.words.append(word)
    return a


def _number(key: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise UsageError(f"{key} needs a number, not {text!r}") from None


def error_line(retval: int, outs: str) -> str:
    name = errno.errorcode.get(-retval, f"E{-retval}") if retval < 0 else "EINVAL"
    return f"Error {name}: {outs}"


def run(args: CliArgs, out: TextIO, err: TextIO) -> int:
    """One CLI call, as `main` and the scenario engine make it: ``tell``,
    ``daemon``, ``--admin-daemon`` and ``-w`` on asyncio (`run_command`), any
    other command on blocking sockets (`sim.oneshot`: no asyncio to import)."""
    if args.admin_daemon or args.words[:1] in (["daemon"], ["tell"]) or args.watching:
        import asyncio

        return asyncio.run(run_command(args, out, err))
    from sim.oneshot import OneShot

    say = (lambda text: print(text, file=err)) if args.verbose else None
    try:
        shot = OneShot(args.dir, name=args.name, keyring=args.keyring, say=say)
    except Exception as exc:  # no cluster there, no key of ours (others re-raised)
        return _not_connected(exc, err)
    try:
        return _run_oneshot(shot, args, out, err)
    except (ConnectionError, ValueError, PermissionError) as exc:
        return _failed(exc, args, err)
    finally:
        shot.close()


def _not_connected(exc: Exception, err: TextIO) -> int:
    """No cluster there, or no key of ours (as Ceph's CLI says it: rados connect)."""
    from sim.auth.signer import NoKeyring

    if isinstance(exc, NoKeyring):
        print(f"auth: {exc}", file=err)
        print("[errno 2] RADOS object not found (error connecting to the cluster)", file=err)
        return errno.ENOENT
    if isinstance(exc, FileNotFoundError):
        print(str(exc), file=err)
        return errno.ENOENT
    raise exc


def _failed(exc: Exception, args: CliArgs, err: TextIO) -> int:
    """What a refused key, a call out of time, over the size limit or whose mgrs went
    away prints."""
    from sim.auth.reject import PermissionDenied
    from sim.monc_policy import MgrCommandLost, MonUnavailable
    from sim.wire import FrameTooLarge

    if isinstance(exc, PermissionDenied):  # a mon refused our key (`sim.auth.reject`)
        print("[errno 13] RADOS permission denied (error connecting to the cluster)", file=err)
        return errno.EACCES
    if isinstance(exc, MonUnavailable):
        print(f"error: {exc} (timeout {args.timeout:g}s)", file=err)
        return errno.ETIMEDOUT
    if isinstance(exc, FrameTooLarge):  # refused before sending (or the answer was)
        print(error_line(-errno.EFBIG, str(exc)), file=err)
        return errno.EFBIG
    if isinstance(exc, MgrCommandLost):
        print(error_line(-errno.ECONNRESET, str(exc)), file=err)
        return errno.ECONNRESET
    raise exc


def _run_oneshot(shot: OneShot, args: CliArgs, out: TextIO, err: TextIO) -> int:
    deadline = time.monotonic() + args.timeout  # one deadline for the whole call

    def left() -> float:
        return max(0.01, deadline - time.monotonic())

    r = shot.mon_command({"prefix": "get_command_descriptions"}, b"", left())
    if r.retval:
        print(error_line(r.retval, r.outs), file=err)
        return -r.retval
    descs = json.loads(r.outbuf or b"[]")
    if args.help or args.words == ["help"]:
        from sim.cmdparse.usage import help_sections

        words = [] if args.words == ["help"] else args.words
        out.write(help_sections(descs, " ".join(words) or None))
        return 0
    from sim.cmdparse import Flag, InvalidArguments, NoMatchingCommand, validate_published

    # In the mon's order, Ceph's: the mgr's own, the modules', the mon's (it
    # matters for "closest matches").
    try:
        cmd, sig = validate_published(args.words, descs)
    except (NoMatchingCommand, InvalidArguments) as exc:
        if args.format == "json-pretty":
            out.write("\n")
        print(exc.render(), file=err)
        return errno.EINVAL
    cmd.pop("target", None)
    if args.format:
        cmd["format"] = args.format
    too_big = _unsendable_int(cmd)
    if too_big is not None:  # what the mon's JSON parser answers (cmdmap_from_json)
        print(error_line(-errno.EINVAL, f"unparseable JSON {json.dumps(cmd)}"), file=err)
        return errno.EINVAL
    inbuf = b""
    if args.inbuf_file:
        try:
            inbuf = (
                sys.stdin.buffer.read()
                if args.inbuf_file == "-"
                else Path(args.inbuf_file).read_bytes()
            )
        except OSError as exc:
            print(f"Can't open input file {args.inbuf_file}: {exc}", file=err)
            return errno.EINVAL
    while True:
        if sig.flags & Flag.MGR:
            reply = shot.mgr_command(cmd, inbuf, timeout=left())
        else:
            reply = shot.mon_command(cmd, inbuf, timeout=left())
        status = _print_reply(reply, args.format, out, err, args.output_file)
        if status or not sig.flags & Flag.POLL:
            return status
        # A poll command (``iostat``) repeats every --period until interrupted;
        # Ceph's CLI prints each reply (the golden iostat.txt: row, blank line).
        out.write("\n")
        out.flush()
        shot.wait(args.period)  # the session kept alive meanwhile
        deadline = time.monotonic() + args.timeout  # each poll is a call of its own


async def run_command(args: CliArgs, out: TextIO, err: TextIO) -> int:
    """``tell``, ``daemon``, ``--admin-daemon`` and ``-w``: on an `AsyncCluster`."""
    from sim.client import AsyncCluster

    if args.admin_daemon and not RunDir(args.dir).exists():
        args.dir = Path(args.admin_daemon).absolute().parent.parent  # DIR/run/ceph-NAME.asok
    try:
        cluster = AsyncCluster(args.dir, name=args.name, keyring=args.keyring, harness=False)
    except Exception as exc:  # no cluster there, no key of ours (others re-raised)
        return _not_connected(exc, err)
    try:
        return await _run(cluster, args, out, err)
    except (ConnectionError, ValueError, PermissionError) as exc:
        return _failed(exc, args, err)
    finally:
        await cluster.close()


async def _run(cluster: AsyncCluster, args: CliArgs, out: TextIO, err: TextIO) -> int:
    if args.admin_daemon or args.words[:1] == ["daemon"]:
        return await _run_admin(cluster, args, out, err)
    if args.watching:  # before any command, as in ceph.in
        from sim.ceph_watch import run_watch, watch_spec

        spec = watch_spec(args.watch, args.watch_levels, args.watch_channel)
        return await run_watch(cluster, spec, args.timeout, out, err)
    if args.words[:1] == ["tell"]:
        return await _run_admin(cluster, args, out, err)
    raise ValueError(f"not a tell, daemon or watch call: {args.words!r} (see `run`)")


async def _run_admin(cluster: AsyncCluster, args: CliArgs, out: TextIO, err: TextIO) -> int:
    """``tell``, ``daemon`` and ``--admin-daemon`` (`sim.admin_cli`)."""
    from sim import admin_cli

    words, fmt, timeout = args.words, args.format, args.timeout
    if args.admin_daemon:
        path = Path(args.admin_daemon)
        return await admin_cli.run_daemon(cluster, path, words, fmt, timeout, out, err)
    if words[0] == "tell":
        return await admin_cli.run_tell(cluster, words[1:], fmt, timeout, out, err)
    if len(words) < 3:
        print('"ceph daemon" requires a daemon name (or socket path) and a command', file=err)
        return errno.EINVAL
    name = words[1]
    path = Path(name) if "/" in name else cluster.run.asok_path(name)
    return await admin_cli.run_daemon(cluster, path, words[2:], fmt, timeout, out, err)


INT_RANGE = (-(1 << 63), (1 << 64) - 1)  # what Ceph's JSON reader takes (int64 or uint64)


def _unsendable_int(cmd: dict[str, Any]) -> int | None:
    for v in cmd.values():
        for item in v if isinstance(v, list) else [v]:
            if type(item) is int and not INT_RANGE[0] <= item <= INT_RANGE[1]:
                return item
    return None


def _print_reply(
    reply: CommandReply, fmt: str | None, out: TextIO, err: TextIO, output_file: str | None = None
) -> int:
    """Print a reply as ceph.in does; returns the exit status.

    A negative retval prints only ``Error EXXX: outs`` (no output); otherwise
    the status string goes to stderr, json formats get a leading blank line
    (even with no output) on stdout, and the output is written as it came —
    raw bytes, binary or not, to stdout or to ``-o FILE`` — with no newline
    added. A positive retval exits 0, as ceph.in's does."""
    if reply.retval < 0:
        print(error_line(reply.retval, reply.outs), file=err)
        return -reply.retval
    if reply.outs:
        print(reply.outs, file=err)
    from sim.formatting import cli_stdout

    lead = cli_stdout(fmt or "plain", "")
    if output_file and output_file != "-":
        out.write(lead)
        try:
            _write_private(Path(output_file), reply.outbuf)
        except OSError as exc:
            print(f"Can't open output file {output_file}: {exc}", file=err)
            return errno.EINVAL
        return 0
    raw = getattr(out, "buffer", None)  # a real stdout: bytes go out untouched
    if raw is None:
        out.write(lead + reply.outbuf.decode(errors="replace"))
        return 0
    out.write(lead)
    out.flush()
    raw.write(reply.outbuf)
    raw.flush()
    return 0


def _write_private(path: Path, data: bytes) -> None:
    """``-o FILE``: a new file is 0600 (it may be a keyring)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def main(argv: list[str]) -> int:
    try:
        args = parse_cli(argv)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return errno.EINVAL
    if args.version:  # as ceph.in: before anything else
        from sim.version import CEPH_VERSION

        print(CEPH_VERSION)
        return 0
    if not args.words and not args.help and not args.admin_daemon and not args.watching:
        print(USAGE, file=sys.stderr)
        return errno.EINVAL
    if args.verbose:
        import logging

        logging.basicConfig(stream=sys.stderr, format="%(message)s")
        logging.getLogger("sim.monc").setLevel(logging.INFO)
    try:
        return run(args, sys.stdout, sys.stderr)
    except KeyboardInterrupt:  # the way to end a poll command
        return 0
