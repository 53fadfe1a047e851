#!/usr/bin/python3
"""Dump `ceph config help <opt>` for every option of `ceph config ls`.

Run with the system python3 (it needs the `rados` binding of ceph-common):
    /usr/bin/python3 config_help_all.py CEPH_CONF OUT.json
One mon_command per option over a single connection, each asked with
format=json-pretty; the mon's own texts (numbers as Ceph prints them, e.g.
0.96999999999999997) are joined, one level deeper, into a JSON list in
`config ls` order, laid out as `ceph ... -f json-pretty` prints a list:
a leading newline, 4-space indent, a trailing newline.
"""

import json
import sys

import rados


def mon(cluster, **cmd) -> str:
    rc, out, err = cluster.mon_command(json.dumps(cmd), b"", timeout=30)
    if rc != 0:
        raise RuntimeError(f"{cmd}: rc={rc} {err}")
    return out.decode()


def main() -> None:
    conf, dest = sys.argv[1], sys.argv[2]
    cluster = rados.Rados(conffile=conf)
    cluster.connect(timeout=30)
    try:
        names = json.loads(mon(cluster, prefix="config ls", format="json"))
        texts = []
        for name in names:
            text = mon(cluster, prefix="config help", key=name, format="json-pretty").rstrip("\n")
            assert json.loads(text)["name"] == name
            texts.append("\n".join("    " + line for line in text.split("\n")))
    finally:
        cluster.shutdown()
    with open(dest, "w") as f:
        f.write("\n[\n" + ",\n".join(texts) + "\n]\n")
    print(f"{len(texts)} options", file=sys.stderr)


if __name__ == "__main__":
    main()
