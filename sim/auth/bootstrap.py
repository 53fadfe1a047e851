"""The keys a new cluster starts with, as Ceph's deployment creates them.

`sim up` writes them once, when it creates a run directory:

- ``DIR/mkfs.keyring``: every entity with its caps, the keyring each mon's
  store is made with (Ceph's ``ceph-mon --mkfs --keyring``); ``mon.`` is in it
  but, as in Ceph, not in the auth database;
- ``DIR/ceph.client.admin.keyring`` and ``DIR/ceph.client.ro.keyring``: the
  clients' own keyrings (Ceph's ``/etc/ceph/$cluster.$name.keyring``).

Every file is 0600. Who may import it: the launcher and tests.
"""

from __future__ import annotations

from pathlib import Path

from sim.auth import keyring as kr
from sim.auth.keys import generate_key
from sim.auth.signer import default_keyring
from sim.cluster import ClusterSpec, RunDir
from sim.maps.layout import mds_names

ALL = "allow *"
BOOTSTRAP = ("mds", "mgr", "osd", "rbd", "rbd-mirror", "rgw")
#: a read-only client the simulator adds (its tests and examples use it)
READ_ONLY_CLIENT = "client.ro"
CLIENT_KEYRINGS = ("client.admin", READ_ONLY_CLIENT)
MON_KEY = "mon."


def initial_entities(spec: ClusterSpec) -> dict[str, kr.EntityAuth]:
    e: dict[str, kr.EntityAuth] = {MON_KEY: kr.EntityAuth(generate_key(), {"mon": ALL})}
    for m in mds_names(spec.mds):
        e[f"mds.{m}"] = kr.EntityAuth(
            generate_key(),
            {"mds": ALL, "mgr": "allow profile mds", "mon": "allow profile mds", "osd": ALL},
        )
    for n in range(spec.osds):
        e[f"osd.{n}"] = kr.EntityAuth(
            generate_key(), {"mgr": "allow profile osd", "mon": "allow profile osd", "osd": ALL}
        )
    e["client.admin"] = kr.EntityAuth(
        generate_key(), {"mds": ALL, "mgr": ALL, "mon": ALL, "osd": ALL}
    )
    for b in BOOTSTRAP:
        e[f"client.bootstrap-{b}"] = kr.EntityAuth(
            generate_key(), {"mon": f"allow profile bootstrap-{b}"}
        )
    e[READ_ONLY_CLIENT] = kr.EntityAuth(generate_key(), {"mgr": "allow r", "mon": "allow r"})
    for m in spec.mgrs:
        e[f"mgr.{m}"] = kr.EntityAuth(
            generate_key(), {"mds": ALL, "mon": "allow profile mgr", "osd": ALL}
        )
    return e


def mkfs_keyring(run: RunDir) -> Path:
    return run.path / "mkfs.keyring"


def write_initial_keyrings(run: RunDir, spec: ClusterSpec) -> dict[str, kr.EntityAuth]:
    """Make the cluster's keys and write the mkfs keyring and the clients' keyrings."""
    entities = initial_entities(spec)
    kr.write(mkfs_keyring(run), kr.format_keyring(entities))
    for name in CLIENT_KEYRINGS:
        kr.write(default_keyring(run, name), kr.format_keyring({name: entities[name]}))
    return entities


def read_mkfs_keyring(run: RunDir) -> dict[str, kr.EntityAuth]:
    """The mkfs keyring (empty if this run directory has none)."""
    try:
        return kr.read(mkfs_keyring(run))
    except FileNotFoundError:
        return {}
