#!/usr/bin/python3
"""Send raw command maps to a real Ceph mon and print its answers as JSONL.

Usage (system python3 with Debian's python3-rados; a throw-away mon, auth none,
started as in setup.sh): ``mon_cmdmap.py CONF CASES.jsonl``. Each line of CASES
has ``cmd`` (a map) or ``raw`` (the exact JSON text). A case that kills the mon
(Ceph 16.2 aborts on a non-string ``prefix``, ``key`` or ``format`` and on a
non-bool CephBool) is reported as ``"rc": null`` and the run stops: restart the
mon (``ceph-mon -c CONF -i a``) and go on from the next case with ``--from N``.
This is how ``tests/data/ceph16/mon_cmdmap.jsonl`` was made.
"""

import argparse
import json
import sys

import rados


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("conf")
    ap.add_argument("cases")
    ap.add_argument("--from", dest="start", type=int, default=0)
    args = ap.parse_args()
    with open(args.cases) as f:
        lines = f.read().splitlines()[args.start :]
    r = rados.Rados(conffile=args.conf)
    r.connect(timeout=5)
    for n, line in enumerate(lines, args.start):
        case = json.loads(line)
        raw = case.get("raw") or json.dumps(case["cmd"])
        try:
            rc, _, outs = r.mon_command(raw, b"", timeout=5)
        except rados.Error as exc:
            print(json.dumps({**case, "rc": None, "outs": f"no answer ({exc}): mon aborted?"}))
            print(
                f"case {n} got no answer; restart the mon and use --from {n + 1}", file=sys.stderr
            )
            return 1
        print(json.dumps({**case, "rc": rc, "outs": outs}))
    r.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
