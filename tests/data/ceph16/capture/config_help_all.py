#!/usr/bin/python3
"""Dump `ceph config help <opt> -f json` for every option of `ceph config ls`.

Run with the system python3 (it needs the `rados` binding of ceph-common):
    /usr/bin/python3 config_help_all.py CEPH_CONF OUT.json
Writes a JSON list of the records exactly as the mon returns them, in
`config ls` order, one mon_command per option over a single connection.
"""
import json
import sys

import rados


def mon(cluster, **cmd):
    rc, out, err = cluster.mon_command(json.dumps(cmd), b"", timeout=30)
    if rc != 0:
        raise RuntimeError(f"{cmd}: rc={rc} {err}")
    return out


def main() -> None:
    conf, dest = sys.argv[1], sys.argv[2]
    cluster = rados.Rados(conffile=conf)
    cluster.connect(timeout=30)
    try:
        names = json.loads(mon(cluster, prefix="config ls", format="json"))
        records = []
        for name in names:
            out = mon(cluster, prefix="config help", key=name, format="json")
            records.append(json.loads(out))
    finally:
        cluster.shutdown()
    with open(dest, "w") as f:
        json.dump(records, f, indent=1)
        f.write("\n")
    print(f"{len(records)} options", file=sys.stderr)


if __name__ == "__main__":
    main()
