"""Module command dispatch on the active mgr (DaemonServer + PyModuleRegistry::handle_command).

A command's prefix is looked up among the commands of every module found
on disk (enabled or not), then, in Ceph's order:

| condition | reply |
|---|---|
| no module declares the prefix | -EINVAL "No handler found for '<prefix>'" |
| the client's caps lack the command's perm | -EACCES (see `sim.caps`) |
| the module is not enabled | -EOPNOTSUPP "Module '<m>' is not enabled/loaded (required by command '<prefix>'): use `ceph mgr module enable <m>` to enable it" |
| can_run is False, or it failed (serve/constructor raised) | -EIO "Module '<m>' has experienced an error and cannot handle commands: <error>" (not for ``<m> self-test``) |
| it is enabled but not running here | -ENOENT "Module '<m>' is not available" |

Otherwise the handler runs on the module's finisher thread (serialised with
its notifications) through `_mgrapi.dispatch.invoke_command`: an exception
gives -EINVAL with the traceback on stderr, a result that is not a 3-tuple
-EINVAL.
"""

from __future__ import annotations

import asyncio
import errno
from typing import TYPE_CHECKING, Any

from _mgrapi.dispatch import invoke_command

from sim.caps import ACCESS_DENIED, ALLOW_ALL, allows
from sim.messages import CommandReply

if TYPE_CHECKING:
    from mgr.host.py_modules import PyModules


def owner_of(host: PyModules, prefix: str) -> str | None:
    """The module that handles ``prefix``: an enabled one first (a shipped
    module and a Ceph stock module may declare the same command)."""
    owners = [name for name, rec in host.records.items() if prefix in rec.perms]
    enabled = [name for name in owners if host.is_enabled(name)]
    chosen = enabled or owners
    return chosen[0] if chosen else None


async def dispatch(
    host: PyModules, cmd: dict[str, Any], inbuf: bytes, sender: str, cap: str = ALLOW_ALL
) -> CommandReply:
    prefix = cmd.get("prefix", "")  # none: the empty prefix, which no module has
    if not isinstance(prefix, str):
        return CommandReply(-errno.EINVAL, outs="bad or missing field 'prefix'")
    module = owner_of(host, prefix)
    if module is None:
        return CommandReply(-errno.EINVAL, outs=f"No handler found for '{prefix}'")
    rec = host.records[module]
    if not allows(cap, rec.perms[prefix]):
        return CommandReply(-errno.EACCES, outs=ACCESS_DENIED)
    if not host.is_enabled(module):
        return CommandReply(
            -errno.EOPNOTSUPP,
            outs=f"Module '{module}' is not enabled/loaded (required by command '{prefix}'): "
            f"use `ceph mgr module enable {module}` to enable it",
        )
    runner = host.runner(module)
    error = (
        rec.error_string
        if not rec.can_run
        else (runner.error_string if runner and runner.failed else None)
    )
    if error is not None and prefix != f"{module} self-test":
        return CommandReply(
            -errno.EIO,
            outs=f"Module '{module}' has experienced an error and cannot handle commands: {error}",
        )
    if runner is None or runner.instance is None:
        return CommandReply(-errno.ENOENT, outs=f"Module '{module}' is not available")
    text = inbuf.decode(errors="replace")
    instance = runner.instance
    fut = runner.submit(lambda: invoke_command(instance, cmd, text))
    r, outb, outs = await asyncio.wrap_future(fut)
    return CommandReply(r, outb.encode(), outs)
