"""The mon's one command-level exception.

`CommandError` carries an errno and a message; a service or a command handler
raises it, and the single dispatch point (`mon.commands.dispatch`) turns it
into ``(-errno, outs)``. It lives below both the services and the command
layer so that services never import the commands.

Who may import it: any mon file (services, command handlers, the dispatch).
"""

from __future__ import annotations


class CommandError(Exception):
    """Raised by a service or a handler: becomes (-errno, outs)."""

    def __init__(self, err: int, message: str) -> None:
        super().__init__(message)
        self.errno = err
