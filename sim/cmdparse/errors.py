"""Exceptions of the command parser.

Two families:

* `DescriptorError` -- a command *descriptor* (the declaration) is malformed.  Raised when a
  daemon or module declares its commands, never because of user input.
* `ArgumentError` -- user input (an argv) does not fit the declared commands.  The leaf
  classes mirror ceph_argparse's (`ArgumentValid`, `ArgumentFormat`, ...) and their `str()`
  is Ceph's message text.  `validate()` only ever lets two of them escape:
  `NoMatchingCommand` and `InvalidArguments`, both of which can `render()` the exact stderr
  text of the real `ceph` CLI.
"""

from __future__ import annotations

import errno
from collections.abc import Sequence
from typing import Protocol


class Signature(Protocol):
    """What an error needs of a command signature (`descriptor.CommandSig` is one)."""

    @property
    def help(self) -> str: ...

    @property
    def prefix(self) -> str: ...

    def usage(self, named_choices: bool = False) -> str: ...


#: The last stderr line the `ceph` CLI prints when it rejects a command locally.
EINVAL_LINE = "Error EINVAL: invalid command"


class DescriptorError(ValueError):
    """A command descriptor string (or its JSON form) is malformed."""


class ArgumentError(ValueError):
    """User arguments do not fit a command signature; `str()` is Ceph's text."""


class ArgumentNumber(ArgumentError):
    """Wrong number of values for a repeated (`n=`) argument."""


class ArgumentFormat(ArgumentError):
    """A value has the wrong shape (e.g. a pgid without a dot)."""


class ArgumentMissing(ArgumentError):
    """A required argument was not given."""


class ArgumentValid(ArgumentError):
    """A value is otherwise invalid (out of range, not a choice, unexpected `--x`)."""


class ArgumentTooFew(ArgumentError):
    """Fewer arguments than the signature requires; the search for a command goes on."""


class ArgumentPrefix(ArgumentError):
    """A literal word did not match; this signature is simply not the command."""


class InvalidArguments(ArgumentError):
    """The command was identified but its arguments are wrong.

    `str()` is the bare Ceph message (e.g. ``unused arguments: ['bogus']``); `cause` is the
    underlying leaf exception; `sig` is the signature that was matched; `notes` are lines
    Ceph prints before ``Invalid command:`` (the "<word> not valid:  <why>" hint).
    """

    rc = -errno.EINVAL
    outs = "invalid command"

    def __init__(self, cause: ArgumentError, sig: Signature, notes: Sequence[str] = ()) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.sig = sig
        self.notes = tuple(notes)

    def render(self) -> str:
        """The CLI's stderr text (without the final newline)."""
        lines = [*self.notes, f"Invalid command: {self}"]
        # ceph.in prints print(usage, ': ', help): the separator spaces give " :  ".
        lines.append(f"{self.sig.usage()} :  {self.sig.help}")
        lines.append(EINVAL_LINE)
        return "\n".join(lines)


class NoMatchingCommand(ArgumentError):
    """No signature matches the argv.

    `closest` holds up to 10 signatures Ceph would list as "closest matches" (best match
    score, declaration order, DEPRECATED and HIDDEN ones left out).
    """

    rc = -errno.EINVAL
    outs = "invalid command"

    def __init__(self, argv: Sequence[str], closest: Sequence[Signature]) -> None:
        self.argv = list(argv)
        self.closest = list(closest)
        super().__init__(f"no valid command found; {len(self.closest)} closest matches")

    def render(self) -> str:
        """The CLI's stderr text (without the final newline)."""
        lines = [f"{self}:"]
        lines.extend(sig.usage() for sig in self.closest)
        lines.append(EINVAL_LINE)
        return "\n".join(lines)
