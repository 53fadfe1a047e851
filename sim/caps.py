"""Client capabilities, checked by the mon and by mgr module commands.

A client's caps come from the mon's auth database (``ceph auth caps``,
`mon.auth_monitor`): the mon checks its ``mon`` cap, the mgr its ``mgr`` cap
(the ``mon`` cap when it has none). A frame is verified with the key of the
entity it claims (`sim.auth.signer`), so the caps are those of whoever holds
that key. An entity the database does not hold can only be a daemon or the
harness (signed with the cluster's service secret): it gets ``allow *``.

A command's perm (``r``, ``w``, ``rw``, ``x``) is allowed when every letter
of it is granted (`sim.auth.capspec`, Ceph's cap grammar for the parts used).
"""

from __future__ import annotations

from sim.auth.capspec import allows

__all__ = ["ACCESS_DENIED", "ALLOW_ALL", "allows", "service_cap"]

ALLOW_ALL = "allow *"
ACCESS_DENIED = (
    "access denied: does your client key have mgr caps? "
    "See http://docs.ceph.com/en/latest/mgr/administrator/#client-authentication"
)


def service_cap(caps: dict[str, str] | None, service: str) -> str:
    """The cap string ``service`` checks for an entity whose database caps are
    ``caps`` (None: not in the database -> ``allow *``). The mgr falls back to
    the ``mon`` cap for a client with no ``mgr`` cap."""
    if caps is None:
        return ALLOW_ALL
    if service == "mgr" and "mgr" not in caps:
        return caps.get("mon", "")
    return caps.get(service, "")
