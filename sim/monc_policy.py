"""The policy of a client's session with the mons and of a command: pure, no I/O.

Two drivers run it: `sim.monc.MonClient` (asyncio: daemons, `AsyncCluster`,
``ceph -w``/``tell``) and `sim.oneshot` (blocking sockets: the CLI's one-shot
command, which then never imports asyncio). What they share is written here
once:

- hunting: which mons a round dials (`hunt_order`: up to `HUNT_PARALLEL`
  random picks, the mon just lost last), which hello wins (`hello_accepted`),
  the backoff between rounds that find none (`HuntBackoff`), and where the
  mons are after a monmap (`learn_monmap`, `endpoints_from_dump`);
- a mon command: what a `Retry` means (`CommandRetries`: pause ×2 from 10 ms
  up to 250 ms, hunt again if that mon is out of quorum) and the errors of a
  call out of time (`no_quorum`, `mon_reply_timeout`, `CommandRetries.timed_out`);
- a mgr command: where the active is (`active_mgr`), whether the MgrMap has
  moved on from a mgr that went away (`mgr_moved`), and the bounded re-send of
  a command whose mgr went away while running it (`MgrResends`), with the
  errors that name the mgr that did not answer.

Each call has one deadline, kept by the driver across hunting, reconnecting
and re-targeting; these functions only say what to do next.

Who may import it: any client of the mons (kernel and harness).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from sim.messages import HelloReply, Retry

HUNT_PARALLEL = 3  # mons tried at once while hunting (mon_client_hunt_parallel)
HELLO_TRY = 0.5  # one hello's wait for its reply, within a round
HELLO_PAUSE = 0.02  # before saying hello again on a connection that failed it
NOT_IN_QUORUM_PAUSE = 0.1  # before saying hello again to a mon out of quorum, within a round
NOT_CONNECTED_PAUSE = 0.01  # a mon command found no session: wait for the hunt
MGR_RESENDS = 1  # re-sends of a mgr command whose mgr went away while running it
MGR_CONNECT_WAIT = 0.25  # for the handshake with the active mgr before sending
MGR_NOT_CONNECTED_PAUSE = 0.05  # the mgr's socket was not up: try again
MGRMAP_WAIT = 0.5  # one wait for a newer MgrMap, within the call's deadline


class MonUnavailable(ConnectionError):
    """No mon session (or no answer from the daemon named) within the time allowed."""


class MgrCommandLost(ConnectionError):
    """Every mgr the command was sent to went away while running it."""


# --- hunting -------------------------------------------------------------------


def hunt_order(names: Sequence[str], avoid: str, rng: random.Random | None = None) -> list[str]:
    """The mons one hunting round dials: random picks, ``avoid`` (the mon we just
    lost) as a last resort, at most `HUNT_PARALLEL`."""
    order = list(names)
    (rng or random).shuffle(order)
    if avoid in order and len(order) > 1:
        order.remove(avoid)
        order.append(avoid)
    return order[:HUNT_PARALLEL]


def hello_accepted(reply: Any, global_id: int, *, require_quorum: bool) -> bool:
    """A hello's answer that opens a session: a `HelloReply` from a mon in quorum, or
    (Ceph's semantics) one that let a client reclaim its global id on a mon out of
    quorum. A new client (``global_id`` 0) needs a quorum for its id; under the
    simulator's quorum semantics (``mon_client_require_quorum``) every client does."""
    if not isinstance(reply, HelloReply):
        return False
    if reply.in_quorum:
        return True
    return not require_quorum and reply.global_id != 0 and global_id != 0


def endpoints_from_dump(d: dict[str, Any]) -> dict[str, str]:
    """mon id → ``tcp://ip:port`` from a ``mon dump`` JSON (what a client dials);
    empty when the body is not a monmap."""
    out: dict[str, str] = {}
    mons = d.get("mons") if isinstance(d, dict) else None
    if not isinstance(mons, list):
        return {}
    for m in sorted((m for m in mons if isinstance(m, dict)), key=lambda m: m.get("rank", 0)):
        vec = m.get("public_addrs", {}).get("addrvec", [])
        v2 = [a.get("addr") for a in vec if isinstance(a, dict) and a.get("type") == "v2"]
        if isinstance(m.get("name"), str) and v2 and isinstance(v2[0], str):
            out[m["name"]] = f"tcp://{v2[0]}"
    return out


def learn_monmap(body: Any, have_epoch: int) -> tuple[int, dict[str, str]] | None:
    """(epoch, mon id → endpoint) of a monmap dump (with a hello, or pushed) that
    the next hunt should dial; None when it is not a monmap, names no mon, or is
    older than the one we have (``mon add``/``mon remove`` change it)."""
    if not isinstance(body, dict) or not isinstance(body.get("epoch"), int):
        return None
    if body["epoch"] < have_epoch:
        return None
    addrs = endpoints_from_dump(body)
    return (body["epoch"], addrs) if addrs else None


class HuntBackoff:
    """A round's time is ``mon_client_hunt_interval`` × a factor that grows ×1.5
    (up to ×10) with each round that finds no mon, and resets once one is found."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.factor = 1.0
        self.rounds = 0  # rounds that found none, since the last session

    def round_timeout(self) -> float:
        return self.interval * self.factor

    def failed(self) -> float:
        """A round found none: the pause before the next (no spinning while there
        is no quorum)."""
        pause = max(0.05, self.round_timeout() * 0.25)
        self.factor = min(self.factor * 1.5, 10.0)
        self.rounds += 1
        return pause

    def found(self) -> None:
        self.factor = 1.0
        self.rounds = 0


# --- a mon command -----------------------------------------------------------------


def no_quorum() -> MonUnavailable:
    return MonUnavailable("timed out: no mon in quorum could be reached")


def mon_reply_timeout(mon_name: str) -> MonUnavailable:
    return MonUnavailable(f"timed out waiting for mon.{mon_name}'s reply")


class CommandRetries:
    """A mon command answered `Retry` (nothing of it took effect) is asked again:
    after a pause ×2 from 10 ms up to 250 ms, on another mon if that one is out
    of quorum. The last reason given is what a call out of time reports."""

    def __init__(self) -> None:
        self.pause = 0.01
        self.why = "no mon quorum"
        self.count = 0

    def on_retry(self, msg: Retry, *, require_quorum: bool = True) -> tuple[float, bool]:
        """(pause before asking again, hunt for another mon first: only when that mon
        is out of quorum and the client keeps no session there, ``require_quorum``)."""
        self.count += 1
        self.why = msg.reason or self.why
        pause, self.pause = self.pause, min(self.pause * 2, 0.25)
        return pause, require_quorum and not msg.in_quorum

    def timed_out(self) -> MonUnavailable:
        return MonUnavailable(f"timed out: {self.why}")


# --- a mgr command -----------------------------------------------------------------


def active_mgr(mgrmap: dict[str, Any]) -> tuple[str, str] | None:
    """(name, endpoint) of the available active mgr in a MgrMap, if any."""
    if mgrmap.get("available") and mgrmap.get("active_addrs", {}).get("addrvec"):
        addr = mgrmap["active_addrs"]["addrvec"][0]["addr"]
        return str(mgrmap["active_name"]), f"tcp://{addr}"
    return None


def mgr_moved(mgrmap: dict[str, Any], gone: str) -> bool:
    """Whether the MgrMap no longer names ``gone`` as the available active."""
    return not (mgrmap.get("active_name") == gone and mgrmap.get("available"))


def no_active_mgr() -> MonUnavailable:
    return MonUnavailable("no active mgr is available")


class MgrResends:
    """As Ceph's MgrClient does, a command whose mgr went away while it ran is
    re-sent to the next active mgr: here at most `MGR_RESENDS` times, so that a
    command that kills its mgr cannot take down every mgr in turn."""

    def __init__(self) -> None:
        self.lost: list[str] = []
        self.tried = ""  # the mgr the command was last sent to (mgr.x)

    def target(self, name: str) -> None:
        self.tried = f"mgr.{name}"

    def went_away(self) -> None:
        """The mgr went away while running it; raises `MgrCommandLost` past the bound."""
        self.lost.append(self.tried)
        if len(self.lost) > MGR_RESENDS:
            raise MgrCommandLost(
                f"{' and then '.join(self.lost)} went away while running the command; "
                f"it was re-sent {MGR_RESENDS} time(s) to a new active mgr and "
                "is not re-sent again (it may be what stops them)"
            )

    def no_answer(self) -> MonUnavailable:
        return MonUnavailable(f"{self.tried} did not answer")

    def no_active(self) -> MonUnavailable:
        """No active mgr within the deadline (naming the one that did not answer)."""
        tried = f" ({self.tried} did not answer)" if self.tried else ""
        return MonUnavailable(f"no active mgr is available{tried}")
