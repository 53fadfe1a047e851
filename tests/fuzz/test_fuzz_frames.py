"""Fuzz: thousands of random, mutated and hostile frames at every daemon.

Each of mon.a, mgr.x, mgr.y and sim.supervisor gets, from plain synchronous
DEALER sockets:

1. purely random multipart messages (0..6 frames of random bytes, up to 1 MiB);
2. correctly signed garbage: headers of the wrong arity or types, a foreign
   fsid, unknown message types, bodies that are not maps, and bodies of every
   message type with fields dropped, added or of the wrong type;
3. mutations of real `wire.encode` envelopes of every message type: flipped,
   truncated, extended, swapped, duplicated or dropped frames, some re-signed
   after the mutation so that they reach the decoder and the handlers;
4. correctly signed, well-typed but semantically hostile requests (absurd ids,
   commands without or with mistyped prefixes and arguments, deeply nested
   values, weird subscriptions, beacons from made-up ``fuzz…`` mgrs, cluster
   log entries of the wrong shape, …), sent in bursts whose every request must
   be answered;
5. correctly signed frames replayed, duplicated, reordered, sent to another
   daemon or incarnation, or stamped too old or ahead (`fuzz_replay`): the
   daemon answers each exactly as often as its replay guard may take it.

The test's own copy of `wire.decode`, and a model of the daemon's replay guard
fed the same frames in the same order, are the oracle: every frame they refuse
with a reason must be counted under that reason by the daemon, and the guard's
reasons (``replayed``, ``misdirected``, ``stale``) exactly: nothing else the
daemon receives meanwhile (its cluster's traffic, this test's client) may be
refused as a replay. Afterwards every
daemon must still run (same pid, never restarted or respawned), answer, keep
its mgr map moving (the made-up standbys expire), and have printed no
traceback.

The seed is printed; set ``SIM_FUZZ_SEED`` to replay a run.

The pieces: `fuzz_values` (parameters, random values), `fuzz_wire` (frames),
`fuzz_requests` (hostile requests), `fuzz_talk` (sockets, the oracle),
`fuzz_replay` (stage 5); this file
holds the checks afterwards and the test.
"""

from __future__ import annotations

import collections
import os
import random
import time
from typing import Any

import pytest
import zmq

from sim import wire
from sim.cmdparse import CommandSig
from sim.replay import MISDIRECTED, REPLAYED, STALE, ReplayGuard, Sequencer
from sim.testing import TestCluster, wait_until

from .fuzz_replay import replay_stage
from .fuzz_requests import mgr_requests, mon_requests, supervisor_requests
from .fuzz_talk import Report, hostile, spray
from .fuzz_values import MGRS, MON, SEED_ENV, SUPERVISOR, TARGETS, Gen
from .fuzz_wire import Wire

pytestmark = pytest.mark.fuzz


# --- the test ----------------------------------------------------------------


def readonly_commands(c: TestCluster) -> dict[str, list[str]]:
    """prefix -> argument names of every command that only reads (mon and mgr
    modules), from the mon's published descriptions."""
    out: dict[str, list[str]] = {}
    for d in c.json("get_command_descriptions"):
        sig = CommandSig.from_json(d)
        if "w" not in sig.perm and "x" not in sig.perm:
            out[sig.prefix] = [a.name for a in sig.args]
    return out


def status(c: TestCluster, who: str) -> dict[str, Any]:
    return c.supervisor("status", timeout=5.0) if who == SUPERVISOR else c.admin(who, "status")


def dropped(c: TestCluster, who: str) -> collections.Counter[str] | None:
    """The daemon's drop counters (None for a daemon that does not report them)."""
    st = status(c, who)
    return collections.Counter(st["dropped"]) if "dropped" in st else None


def model_guard(c: TestCluster, who: str) -> ReplayGuard:
    """Our model of the daemon's replay guard: its name and floor (its start)."""
    return ReplayGuard(who, Sequencer(), started=status(c, who)["replay_guard"]["floor"])


def settled(c: TestCluster) -> dict[str, Any] | None:
    s = c.mgr_stat()
    return s if s["available"] and s["num_standby"] == len(c.mgr_names()) - 1 else None


def check_survivors(
    c: TestCluster, sup_before: dict[str, Any], status_before: dict[str, Any], problems: list[str]
) -> set[str]:
    """Nobody died, restarted or respawned; returns the daemons that answer."""
    answering = set()
    try:
        sup_after = c.supervisor("status", timeout=5.0)
        answering.add(SUPERVISOR)
    except Exception as exc:
        problems.append(f"the supervisor does not answer: {exc!r}")
        sup_after = None
    if sup_after is not None:
        if sup_after["pid"] != sup_before["pid"]:
            problems.append(
                f"the supervisor's pid changed: {sup_before['pid']} -> {sup_after['pid']}"
            )
        for n, d in sup_after["daemons"].items():
            old = sup_before["daemons"].get(n, {})
            if d["state"] != "running" or d["starts"] != 1 or d["pid"] != old.get("pid"):
                problems.append(f"{n} did not survive: {d}")
    for n in (MON, *MGRS):
        try:
            st = c.admin(n, "status", timeout=5.0)
        except Exception as exc:
            problems.append(f"{n} does not answer status: {exc!r}")
            continue
        answering.add(n)
        before = status_before[n]
        if st["pid"] != before["pid"] or st["uptime"] < before["uptime"]:
            problems.append(
                f"{n} restarted: pid {before['pid']} -> {st['pid']}, uptime {st['uptime']}"
            )
        if n in MGRS and st["gid"] != before["gid"]:
            problems.append(f"{n} respawned: gid {before['gid']} -> {st['gid']}")
        if st["blocked_peers"]:
            problems.append(f"{n} now blocks peers {st['blocked_peers']}")
    return answering


def check_mon_works(c: TestCluster, stat_before: dict[str, Any], problems: list[str]) -> None:
    """The mon answers commands and still runs its tick: the made-up standbys
    expire after the grace, and the real active never changed."""
    try:
        rc, out, err = c.mon_command({"prefix": "mgr stat", "format": "json"}, timeout=5.0)
    except Exception as exc:
        problems.append(f"the mon does not answer mgr stat after the barrage: {exc!r}")
        return
    if rc != 0:
        problems.append(f"mgr stat failed after the barrage: {rc} {err}")
    grace = float(c.core.spec.options["mon_mgr_beacon_grace"])

    def back_to_normal() -> dict[str, Any] | None:
        s = c.mgr_stat()
        same = s["active_name"] == stat_before["active_name"]
        return (
            s
            if s["available"] and same and s["num_standby"] == stat_before["num_standby"]
            else None
        )

    try:
        wait_until(
            back_to_normal, 3 * grace + 5, "the fuzz standbys to expire, same active available"
        )
        rc, out, err = c.mon_command({"prefix": "mgr dump", "format": "json"}, timeout=5.0)
        if rc != 0:
            problems.append(f"mgr dump fails once the fuzz standbys are gone: {rc} {err}")
    except Exception as exc:
        try:
            now: Any = c.mgr_stat()
        except Exception as again:
            now = repr(again)
        problems.append(f"the mon's mgr map does not recover after the barrage: {exc!r}; now {now}")


def check_drops(
    c: TestCluster,
    drops_before: dict[str, Any],
    reports: dict[str, Report],
    answering: set[str],
    problems: list[str],
) -> None:
    """Every frame the decoder refuses was counted under its reason."""
    for who in TARGETS:
        rep = reports[who]
        if who not in answering:
            continue
        after, before = dropped(c, who), drops_before[who]
        if after is None or before is None:
            print(f"{who} does not report drop counters")
            continue
        grown = after - before
        print(f"{who} counted drops {dict(grown)}")
        short_by = {k: (grown[k], v) for k, v in rep.expected_drops.items() if grown[k] < v}
        if short_by:
            problems.append(
                f"{who} counted fewer drops than it must have refused (counted, refused): {short_by}"
            )
        if sum(grown.values()) < rep.kinds["random"]:
            problems.append(
                f"{who} counted {sum(grown.values())} drops for {rep.kinds['random']} random frames"
            )
        for reason in ("unauthenticated", "malformed", "wrong_fsid", "unknown_type"):
            if not grown[reason]:
                problems.append(f"{who} never counted a {reason!r} drop")
        # The guard's counts are exact: no legitimate frame (the cluster's own
        # traffic, this test's client) may be refused as a replay.
        for reason in (REPLAYED, MISDIRECTED, STALE):
            if grown[reason] != rep.expected_drops[reason] or not grown[reason]:
                problems.append(
                    f"{who} counted {grown[reason]} {reason!r} drops, "
                    f"the model of its guard {rep.expected_drops[reason]}"
                )


def check_decoder(reports: dict[str, Report], problems: list[str]) -> None:
    """`wire.decode` refuses a frame only by raising `Dropped`: anything else
    escapes the daemons' receive loops."""
    for who, rep in reports.items():
        if rep.decoder_errors:
            problems.append(
                f"wire.decode raised something other than Dropped on {len(rep.decoder_errors)} "
                f"frames sent to {who}, e.g. {rep.decoder_errors[:2]}"
            )


def check_outputs(c: TestCluster, problems: list[str]) -> None:
    """No daemon printed a traceback; no event says a daemon went away."""
    for name in (MON, *MGRS, "supervisor"):
        out_file = c.run.log_dir / f"{name}.out"
        text = out_file.read_text(errors="replace") if out_file.exists() else ""
        if "Traceback" in text:
            problems.append(f"{out_file.name} has a traceback:\n{text[-3000:]}")
    try:
        events = c.events()
    except ValueError as exc:
        problems.append(f"events.jsonl is no longer JSON lines: {exc}")
        return
    gone = [
        e
        for e in events
        if e.get("kind") in ("daemon_crashed", "daemon_exited", "respawn")
        and e.get("daemon") in TARGETS
    ]
    if gone:
        problems.append(f"events say a daemon went away: {gone[:3]}")


def test_fuzz_frames_every_daemon_survives_and_answers(cluster: TestCluster) -> None:
    seed = int(os.environ.get(SEED_ENV) or random.SystemRandom().randrange(2**32))
    print(f"fuzz seed {seed} (replay with {SEED_ENV}={seed})")
    rng = random.Random(seed)
    w = Wire(wire.Signer(cluster.run.secret()), cluster.core.spec.fsid, Gen(rng))
    book = cluster.run.addresses()
    assert set(TARGETS) <= set(book), book

    stat_before = wait_until(lambda: settled(cluster), 30, "an active mgr and its standby")
    sup_before = cluster.supervisor("status")
    status_before = {n: cluster.admin(n, "status") for n in (MON, *MGRS)}
    drops_before = {n: dropped(cluster, n) for n in TARGETS}
    readonly = readonly_commands(cluster)
    assert "mgr stat" in readonly and "mgr fail" not in readonly, readonly

    problems: list[str] = []
    reports = {n: Report(guard=model_guard(cluster, n)) for n in TARGETS}
    makers = {
        MON: mon_requests,
        MGRS[0]: mgr_requests,
        MGRS[1]: mgr_requests,
        SUPERVISOR: supervisor_requests,
    }
    t0 = time.monotonic()
    with zmq.Context() as ctx:
        for who in TARGETS:
            w.dest = who
            if spray(ctx, book[who], w, who, reports[who], problems):
                reqs, shots = makers[who](w, readonly)
                hostile(ctx, book[who], w, who, reqs, shots, reports[who], problems)
                others = [n for n in TARGETS if n != who]
                replay_stage(ctx, book[who], w, who, others, reports[who], problems)
    print(f"barrage took {time.monotonic() - t0:.1f}s")
    for who, rep in reports.items():
        refused = sum(rep.expected_drops.values())
        print(
            f"{who}: {rep.sent} frames {dict(rep.kinds)}, {refused} to be refused {dict(rep.expected_drops)}"
        )

    check_decoder(reports, problems)
    answering = check_survivors(cluster, sup_before, status_before, problems)
    if MON in answering:
        check_mon_works(cluster, stat_before, problems)
    check_drops(cluster, drops_before, reports, answering, problems)
    check_outputs(cluster, problems)
    assert not problems, f"seed {seed} ({SEED_ENV}={seed}):\n- " + "\n- ".join(problems)
