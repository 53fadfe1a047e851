"""Ceph release trees: a release's own manager Python, fetched from Debian.

`python -m sim release fetch 16.2|18.2|20.2` downloads Debian's ``ceph-mgr``,
``ceph-mgr-modules-core``, ``python3-ceph-common`` and ``python3-ceph-argparse``
with a private apt configuration (nothing of the system's apt state changes)
and unpacks them with ``dpkg -x`` into the user's cache; `release ls` lists
them. `sim up --ceph-release R` / ``cluster: {ceph_release: R}`` /
``ceph_cluster(release=R)`` select one for the mgrs.

Files: `catalog` (which releases, which packages), `aptsources` (the mirror
read from the machine's apt sources, pure), `aptconf` (the private apt
configuration, pure), `fetch` (apt-get download + dpkg -x, atomic),
`store` (the cache and its manifests), `layout` (what a tree must hold),
`select` (a selection for a cluster), `cli` (``python -m sim release``).
Nothing here imports the daemons; the launcher and the scenario loader
import `select` and `layout`.
"""
