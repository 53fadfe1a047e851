"""Client capabilities, checked by the mon and by mgr module commands.

The simulator has no auth database, so a client's caps follow from its
entity name (``Cluster(dir, name="client.ro")``, ``ceph --name client.ro``):

- ``client.ro``, ``client.readonly`` and names starting ``client.ro.`` /
  ``client.ro-`` / ``client.ro_`` -> ``mgr 'allow r'``: commands whose perm
  needs ``w`` (or ``x``) are refused with EACCES;
- every other entity (``client.admin``, daemons) -> ``mgr 'allow *'``.

A command's perm (``r``, ``w``, ``rw``, ``x``) is allowed when every letter
of it is granted, as Ceph's MgrCap check does.
"""

from __future__ import annotations

ALLOW_ALL = "allow *"
ALLOW_READ = "allow r"
ACCESS_DENIED = (
    "access denied: does your client key have mgr caps? "
    "See http://docs.ceph.com/en/latest/mgr/administrator/#client-authentication"
)


def caps_for(entity: str) -> str:
    kind, _, cid = entity.partition(".")
    if kind == "client" and (
        cid in ("ro", "readonly") or cid.startswith(("ro.", "ro-", "ro_", "readonly."))
    ):
        return ALLOW_READ
    return ALLOW_ALL


def allows(caps: str, perm: str) -> bool:
    granted = caps.removeprefix("allow").strip()
    if granted == "*":
        return True
    return set(perm) <= set(granted)
