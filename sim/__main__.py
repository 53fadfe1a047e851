"""`python -m sim`: the operator's command line.

    up [--dir DIR] [--mons N] [--mgrs M] [--osds N] [--mds N] [--rgws N]
       [--profile fast|ceph] [--set OPT=VAL]… [--wipe]
       [--ceph-release 16.2|18.2|20.2 [--fetch] | --ceph-python DIR]
    status | down [--dir DIR]
    kill | stop | pause | resume | restart DAEMON [--dir DIR]   (mon.a, mgr.x, mgr.active,
                                                              osd.3, fleet.0)
    partition A B [--one-way] | heal [A B] [--dir DIR]
    link A|* B|* [--latency 200ms] [--jitter 50ms] [--loss 10%] [--duplicate 1%] [--one-way]
    ceph [--dir DIR] [-f FORMAT] ARGS…
    scenario NAME|FILE [--junit F] [--report F] | --list | --check FILE | --help-steps
    release fetch 16.2|18.2|20.2 | release ls   (Ceph's own manager Python, docs/releases.md)
    challenge list | show N | skeleton N DEST | grade N --module DIR   (docs/challenges.md)

DIR defaults to $SIM_DIR, else ./.sim.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

    from sim.client import Cluster

from sim.cluster import default_dir


def _parser() -> argparse.ArgumentParser:
    import argparse  # not for `ceph` (the one-shot CLI's start-up time)

    p = argparse.ArgumentParser(prog="python -m sim", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="verb", required=True)

    def with_dir(sp: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sp.add_argument("--dir", type=Path, default=None, help="run directory")
        return sp

    up = with_dir(sub.add_parser("up", help="start a cluster and wait for an active mgr"))
    up.add_argument("--mons", type=int, default=1)
    up.add_argument("--mgrs", type=int, default=2)
    up.add_argument("--osds", type=int, default=0, help="simulated OSDs (run by fleet.0)")
    up.add_argument("--mds", type=int, default=0, help="simulated MDS daemons")
    up.add_argument("--rgws", type=int, default=0, help="simulated RGW daemons")
    up.add_argument("--profile", choices=["fast", "ceph"], default="fast")
    up.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE")
    up.add_argument("--timeout", type=float, default=60.0)
    up.add_argument(
        "--wipe", action="store_true", help="start a new cluster, deleting a stopped one's stores"
    )
    up.add_argument("--ceph-release", metavar="R", default=None,
                    help="the mgrs run this fetched release's own Python (16.2, 18.2, 20.2)")  # fmt: skip
    up.add_argument("--ceph-python", metavar="DIR", default=None,
                    help="the mgrs run the Python in DIR (src/pybind/mgr or like /usr/share/ceph/mgr)")  # fmt: skip
    up.add_argument("--network", metavar="FAULT", default="",
                    help="every daemon link's fault, e.g. latency=5ms,jitter=2ms,loss=1%%")  # fmt: skip
    up.add_argument("--fetch", action="store_true",
                    help="fetch --ceph-release now if it is not in the cache")  # fmt: skip
    with_dir(sub.add_parser("down", help="stop the cluster; no process is left"))
    st = with_dir(sub.add_parser("status", help="daemons, pids and states"))
    st.add_argument("--json", action="store_true")
    for verb, text in [
        ("kill", "SIGKILL a daemon"),
        ("stop", "SIGTERM a daemon (SIGKILL after a bounded wait)"),
        ("pause", "SIGSTOP a daemon"),
        ("resume", "SIGCONT a daemon"),
        ("restart", "stop then start a daemon"),
        ("start", "start a daemon that is not running (a mon added by `ceph mon add`, too)"),
    ]:
        sp = with_dir(sub.add_parser(verb, help=text))
        sp.add_argument("daemon", help="mon.a, mgr.x, mgr.active, osd.3 or fleet.0")
    part = with_dir(sub.add_parser("partition", help="drop traffic between two daemons"))
    part.add_argument("a")
    part.add_argument("b")
    part.add_argument("--one-way", action="store_true", help="only A stops hearing B")
    link = with_dir(
        sub.add_parser("link", help="latency, jitter, loss, duplication between two daemons")
    )
    link.add_argument("a", help="a daemon, or * for every daemon")
    link.add_argument("b", help="a daemon, or * for every daemon")
    link.add_argument("--latency", default="0", help="one-way latency (200ms, 0.2s)")
    link.add_argument("--jitter", default="0", help="up to this much more, uniform")
    link.add_argument("--loss", default="0", help="probability a message is lost (10%% or 0.1)")
    link.add_argument("--duplicate", default="0", help="probability a message arrives twice")
    link.add_argument("--seed", type=int, default=None, help="seed the daemons' link RNGs")
    link.add_argument("--one-way", action="store_true", help="only what A sends")
    heal = with_dir(
        sub.add_parser("heal", help="undo partitions and link faults (all, or between A and B)")
    )
    heal.add_argument("a", nargs="?")
    heal.add_argument("b", nargs="?")
    sub.add_parser("ceph", help="a ceph-like CLI (python -m sim ceph --help)", add_help=False)
    sub.add_parser("scenario", help="run, check and list YAML scenarios", add_help=False)
    sub.add_parser("release", help="fetch and list Ceph release trees", add_help=False)
    sub.add_parser("challenge", help="graded challenges for mgr module authors", add_help=False)
    sup = sub.add_parser("supervise", help=argparse.SUPPRESS)
    sup.add_argument("--dir", required=True)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["ceph"]:
        from sim import ceph_cli

        return ceph_cli.main(argv[1:])
    if argv[:1] == ["scenario"]:
        from sim.scenario.cli import main as scenario_main

        return scenario_main(argv[1:])
    if argv[:1] == ["challenge"]:
        from sim.challenge.cli import main as challenge_main

        return challenge_main(argv[1:])
    if argv[:1] == ["release"]:
        from sim.release.cli import main as release_main

        return release_main(argv[1:])
    from sim.release.errors import ReleaseError  # here: not for `ceph`

    args = _parser().parse_args(argv)
    if args.verb == "supervise":
        from sim import supervisor

        supervisor.main(["--dir", args.dir])
        return 0
    run_dir = args.dir or default_dir()
    try:
        return _dispatch(args, run_dir)
    except KeyboardInterrupt:
        return 130
    except ReleaseError as exc:  # a release not fetched, a bad --ceph-python
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # the operator gets one clear line, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _dispatch(args: argparse.Namespace, run_dir: Path) -> int:
    from sim import launcher
    from sim.client import Cluster

    if args.verb == "up":
        from sim.links import parse_fault
        from sim.options import Profile, parse_overrides

        run = launcher.up(
            run_dir,
            mons=args.mons,
            mgrs=args.mgrs,
            options=parse_overrides(args.set),
            profile=Profile(args.profile),
            timeout=args.timeout,
            osds=args.osds,
            mds=args.mds,
            rgws=args.rgws,
            wipe=args.wipe,
            ceph_release=args.ceph_release,
            ceph_python=args.ceph_python,
            fetch=args.fetch,
            network=parse_fault(args.network),
        )
        print(run.path)
        return 0
    if args.verb == "down":
        for note in launcher.down(run_dir):
            print(note, file=sys.stderr)
        return 0
    with Cluster(run_dir) as c:
        if args.verb == "status":
            st = c.supervisor("status")
            if args.json:
                print(json.dumps(st, indent=2))
            else:
                print(_status_table(st))
            return 0
        if args.verb == "start" and args.daemon.startswith("mon."):
            from sim.mon_join import prepare_mon

            prepare_mon(c, args.daemon[4:])
        if args.verb in ("kill", "stop", "pause", "resume", "restart", "start"):
            r = c.supervisor({"prefix": args.verb, "daemon": args.daemon}, timeout=30.0)
            print(f"{args.verb} {r['daemon']} (pid {r['pid']}): {r['state']}")
            return 0
        if args.verb == "partition":
            c.admin(args.a, {"prefix": "partition", "peers": [args.b]})
            if not args.one_way:
                c.admin(args.b, {"prefix": "partition", "peers": [args.a]})
            return 0
        if args.verb == "link":
            return _link(c, args)
        if args.verb == "heal":
            names = (
                [args.a, args.b] if args.a and args.b else list(c.supervisor("status")["daemons"])
            )
            peers = [args.b, args.a] if args.a and args.b else None
            for i, name in enumerate(names):
                cmd: dict[str, Any] = {"prefix": "heal"}
                if peers:
                    cmd["peers"] = [peers[i]]
                c.admin(name, cmd)
            return 0
    raise AssertionError(args.verb)


def _link(c: Cluster, args: argparse.Namespace) -> int:
    from sim.links import LinkError, LinkFault, link_pairs, parse_ratio, parse_seconds

    try:
        fault = LinkFault(
            latency=parse_seconds(args.latency), jitter=parse_seconds(args.jitter),
            loss=parse_ratio(args.loss), duplicate=parse_ratio(args.duplicate),
        )  # fmt: skip
    except LinkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    st = c.supervisor("status")
    daemons = [n for n, d in st["daemons"].items() if d["state"] == "running"]

    def real(name: str) -> str:
        return f"mgr.{st['active_mgr']}" if name == "mgr.active" and st["active_mgr"] else name

    cmd: dict[str, Any] = {"prefix": "link", **fault.as_dict()}
    if args.seed is not None:
        cmd["seed"] = args.seed
    for daemon, peers in link_pairs(real(args.a), real(args.b), daemons, args.one_way):
        c.admin(daemon, {**cmd, "peers": peers})
        shown = fault.as_dict() or "none (cleared)"
        print(f"{daemon} -> {', '.join(peers)}: {shown}")
    return 0


def _status_table(st: dict[str, Any]) -> str:
    lines = [
        f"cluster {st['fsid']}  supervisor pid {st['pid']}  active mgr: {st['active_mgr'] or '-'}"
    ]
    lines.append(f"{'DAEMON':<10} {'PID':>8}  {'STATE':<8} {'STARTS':>6}  ADDRESS")
    for name, d in st["daemons"].items():
        lines.append(
            f"{name:<10} {d['pid'] or '-':>8}  {d['state']:<8} {d['starts']:>6}  {d['addr']}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
