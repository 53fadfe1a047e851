"""``ceph tell WHO CMD…``, ``ceph daemon NAME CMD…`` and ``ceph --admin-daemon PATH CMD…``.

As Ceph's CLI does, each asks the daemon for its admin socket commands
(``get_command_descriptions``), validates the words against them locally (an
invalid command is refused with the closest matches, never sent), then sends
the command and prints the reply. ``daemon`` goes through the daemon's admin
socket ``$run_dir/ceph-NAME.asok`` (an ipc:// ZeroMQ endpoint, see
`docs/cli.md`) and prints the reply as the socket gave it (4-space JSON, or
compact for ``-f json``); ``tell`` goes over the network (``mgr`` follows the
MgrMap) and prints as ``ceph`` prints any reply (json formats get the leading
newline). ``tell WHO help`` prints the commands as a table headed ``Tell
<type> commands``, whatever the format.

Who may import it: `sim.ceph_cli` only.
"""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any, TextIO

from sim.client import AsokUnavailable, AsyncCluster, DaemonUnreachable
from sim.cmdparse import CommandSig, InvalidArguments, NoMatchingCommand, validate
from sim.cmdparse.errors import EINVAL_LINE
from sim.cmdparse.usage import tell_help
from sim.formatting import cli_stdout
from sim.messages import CommandReply
from sim.monc import MonUnavailable

ASOK_INVALID = "admin_socket: invalid command"
TELL_USAGE = (
    '"ceph tell" requires additional arguments. '
    'Try "ceph tell <name> <command> [options...]" instead.'
)


def _sigs(reply: CommandReply) -> list[CommandSig]:
    descs: Any = json.loads(reply.outbuf or b"{}")
    items = descs.values() if isinstance(descs, dict) else descs
    return [CommandSig.from_json(d, module="asok") for d in items if isinstance(d, dict)]


def _command(words: list[str], sigs: list[CommandSig], fmt: str | None) -> dict[str, Any]:
    cmd = validate(words, sigs)
    cmd.pop("target", None)
    if fmt:
        cmd["format"] = fmt
    return cmd


async def run_daemon(
    cluster: AsyncCluster, path: Path, words: list[str], fmt: str | None, timeout: float,
    out: TextIO, err: TextIO,
) -> int:  # fmt: skip
    """``ceph daemon`` / ``--admin-daemon``: the exit status."""
    try:
        descs = await cluster.asok(path, {"prefix": "get_command_descriptions"}, timeout)
    except (AsokUnavailable, DaemonUnreachable) as exc:
        print(f"admin_socket: exception getting command descriptions: {exc}", file=err)
        return errno.EINVAL
    if descs.retval < 0:  # the fleet answers for a member that is down
        print(f"admin_socket: exception getting command descriptions: {descs.outs}", file=err)
        return errno.EINVAL
    try:
        cmd = _command(words, _sigs(descs), fmt)
    except (NoMatchingCommand, InvalidArguments) as exc:
        print(exc.render().replace(EINVAL_LINE, ASOK_INVALID), file=err)
        return errno.EINVAL
    try:
        reply = await cluster.asok(path, cmd, timeout)
    except (AsokUnavailable, DaemonUnreachable) as exc:
        print(f"admin_socket: exception: {exc}", file=err)
        return errno.EINVAL
    if reply.retval < 0:
        print(f"admin_socket: {reply.outs}", file=err)
        return -reply.retval
    out.write(reply.outbuf.decode(errors="replace"))
    return 0


async def run_tell(
    cluster: AsyncCluster, words: list[str], fmt: str | None, timeout: float,
    out: TextIO, err: TextIO,
) -> int:  # fmt: skip
    """``ceph tell WHO CMD…``: the exit status."""
    if len(words) < 2:
        print(TELL_USAGE, file=err)
        return errno.EINVAL
    who, rest = words[0], words[1:]
    try:
        descs = await cluster.tell(who, {"prefix": "get_command_descriptions"}, timeout)
        if descs.retval < 0:  # ceph.in's words
            name = errno.errorcode.get(-descs.retval, "EINVAL")
            print(f"Error {name}: problem getting command descriptions from {who}", file=err)
            return -descs.retval
        sigs = _sigs(descs)
        if rest == ["help"]:
            out.write(tell_help([s.to_json() for s in sigs], who.partition(".")[0]))
            return 0
        try:
            cmd = _command(rest, sigs, fmt)
        except (NoMatchingCommand, InvalidArguments) as exc:
            print(exc.render(), file=err)
            return errno.EINVAL
        reply = await cluster.tell(who, cmd, timeout)
    except (DaemonUnreachable, MonUnavailable) as exc:
        print(f"error: {exc} (timeout {timeout:g}s)", file=err)
        return errno.ETIMEDOUT
    if reply.retval < 0:
        print(f"Error {errno.errorcode.get(-reply.retval, 'EINVAL')}: {reply.outs}", file=err)
        return -reply.retval
    if reply.outs:
        print(reply.outs, file=err)
    out.write(cli_stdout(fmt or "plain", reply.outbuf.decode(errors="replace")))
    return 0
