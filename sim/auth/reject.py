"""A mon's refusal of a client's key, as the client sees it.

Ceph's mon ends the cephx handshake of a client whose key does not match the
entity it claims with EACCES, and the CLI prints ``[errno 13] RADOS
permission denied (error connecting to the cluster)``. Here a frame whose
signature is not the claimed entity's is dropped (and counted) like any other
unauthenticated frame; the client, whose requests to every mon then go
unanswered, raises `PermissionDenied` when the mons it reached all stayed
silent while answering nothing at all (see `sim.monc`).

Who may import it: the client library and the CLI.
"""

from __future__ import annotations


class PermissionDenied(Exception):
    """The cluster refused this client's key."""
