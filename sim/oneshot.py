"""The CLI's one-shot commands on blocking ZeroMQ sockets: no asyncio.

A ``python -m sim ceph COMMAND`` process sends one or two commands and exits;
loading asyncio and ``zmq.asyncio`` cost it more than the round trips. `OneShot`
does what `sim.client.AsyncCluster` does for it, with the same policy
(`sim.monc_policy`, written once for both):

- a mon session as `sim.monc.MonClient` opens one: hello to up to
  `HUNT_PARALLEL` mons at once, the first in quorum wins (one out of quorum is
  asked again within the round), rounds that find none are retried with backoff; the session follows the monmap and the MgrMap, is
  kept alive with pings, and is lost on a disconnect, unanswered pings or a mon
  out of quorum (then the next call hunts again, avoiding that mon);
- `mon_command`: `Retry` answers are asked again (`CommandRetries`), a session
  lost during the call re-sends it on the next session;
- `mgr_command`: to the MgrMap's active mgr; a command whose mgr went away
  while running it is re-sent to the next active at most `MGR_RESENDS` times
  (`MgrResends`), errors naming the mgr that did not answer.

Each call has one deadline. Everything waits in `_pump`, which polls every open
socket and its monitor, so maps, pongs and disconnects are seen while a reply
is awaited (what the asyncio tasks do in the background). Frames are signed and
checked by `sim.wire` as everywhere else.

Who may import it: the harness's CLI (`sim.ceph_cli`).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import zmq

from sim.auth import reject
from sim.auth.signer import client_signer
from sim.cluster import RunDir
from sim.messages import (
    Command,
    CommandReply,
    Envelope,
    Hello,
    HelloReply,
    MapUpdate,
    Message,
    Ping,
    Pong,
    Retry,
    Subscribe,
)
from sim.monc_policy import (
    HELLO_PAUSE,
    HELLO_TRY,
    MGR_CONNECT_WAIT,
    MGR_NOT_CONNECTED_PAUSE,
    MGRMAP_WAIT,
    NOT_CONNECTED_PAUSE,
    NOT_IN_QUORUM_PAUSE,
    CommandRetries,
    HuntBackoff,
    MgrResends,
    MonUnavailable,
    active_mgr,
    hello_accepted,
    hunt_order,
    learn_monmap,
    mgr_moved,
    mon_reply_timeout,
    no_active_mgr,
    no_quorum,
)
from sim.oneshot_link import ConnectionLost, NotConnected, _Link
from sim.replay import ReplayGuard, Sequencer


class OneShot:
    """A blocking client of one cluster for one or a few commands; `close` it."""

    def __init__(
        self,
        run_dir: Path | str,
        name: str = "client.admin",
        keyring: Path | str | None = None,
        say: Callable[[str], None] | None = None,
    ) -> None:
        run = RunDir(run_dir)
        if not run.exists():
            raise FileNotFoundError(f"no cluster in {run.path} (run `python -m sim up`)")
        spec = run.spec()
        self.name, self.fsid = name, spec.fsid
        # its own key (``keyring``, else DIR/ceph.<name>.keyring); NoKeyring if none
        self.signer = client_signer(run, name, keyring, False)
        self.seqs = Sequencer()  # our nonce and a seq per peer; the guard checks theirs
        self.guard = ReplayGuard(name, self.seqs, started=time.time())
        self.options = spec.options
        self.mon_addrs = dict(spec.mon_addrs)
        self.say = say or (lambda _text: None)  # --verbose: the session's life on stderr
        self.ctx = zmq.Context()
        self.links: list[_Link] = []
        self.mon: _Link | None = None
        self.mon_name = self.last_mon = ""
        self.global_id = 0
        self.monmap_epoch = 0
        self.epochs: dict[str, int] = {}
        # The monmap; the MgrMap once a mgr command needs it (`_want_mgrmap`): a mon
        # command does not wait for 16 KB it never reads.
        self.wants = {"monmap": 0}
        self.mgrmap: dict[str, Any] = {}
        self.mgrs: dict[str, _Link] = {}
        self.backoff = HuntBackoff(float(self.options["mon_client_hunt_interval"]))
        self.ping_interval = float(self.options["mon_client_ping_interval"])
        self.ping_timeout = float(self.options["mon_client_ping_timeout"])
        self._next_ping = 0.0
        self._ping: tuple[int, float] | None = None  # (tid, sent at) of the ping awaited

    def close(self) -> None:
        for link in list(self.links):
            link.close()
        self.ctx.destroy(linger=0)

    # --- waiting -------------------------------------------------------------------

    def _pump(self, timeout: float) -> None:
        """Wait up to ``timeout`` for anything on any socket, and handle it all."""
        now = time.monotonic()
        if self.mon is not None:
            self._keepalive(now)
            if self.mon is not None:
                timeout = min(timeout, max(0.0, self._next_wake() - now))
        poller = zmq.Poller()
        for link in self.links:
            poller.register(link.sock, zmq.POLLIN)
            poller.register(link.monitor, zmq.POLLIN)
        ready = dict(poller.poll(max(0, int(timeout * 1000 + 0.999))))
        for link in list(self.links):
            if link.monitor in ready:
                link.on_monitor()
            if link.sock in ready and link in self.links:
                link.on_readable()

    def wait(self, seconds: float) -> None:
        """Sleep, the session kept alive meanwhile (maps, pings, disconnects handled)."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._pump(left)

    def _request(self, link: _Link, msg: Message, deadline: float) -> Envelope:
        """Send and wait for the reply that echoes the tid: NotConnected (not sent),
        ConnectionLost, TimeoutError, FrameTooLarge."""
        tid = link.send(msg)
        try:
            while True:
                got = link.replies.pop(tid, None)
                if isinstance(got, Exception):
                    raise got
                if got is not None:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                self._pump(left)
        finally:
            link.forget(tid)

    # --- the mon session -------------------------------------------------------------

    def _next_wake(self) -> float:
        if self._ping is not None:
            return self._ping[1] + self.ping_timeout
        return self._next_ping

    def _keepalive(self, now: float) -> None:
        """MonClient's keepalive: a ping every ``mon_client_ping_interval``; no pong
        within ``mon_client_ping_timeout`` loses the session."""
        mon = self.mon
        assert mon is not None
        if self._ping is not None:
            tid, sent = self._ping
            got = mon.replies.pop(tid, None)
            if isinstance(got, Envelope) and isinstance(got.msg, Pong):
                self._ping = None
                self._next_ping = now + self.ping_interval
                if not got.msg.in_quorum:
                    self.say(f"mon.{self.mon_name} is out of quorum; hunting")
                    self.lose_session()
            elif got is not None or now >= sent + self.ping_timeout:
                self.say(f"mon.{self.mon_name}: keepalive lost")
                self.lose_session()
        elif now >= self._next_ping:
            try:
                self._ping = (mon.send(Ping()), now)
            except NotConnected:
                self.say(f"mon.{self.mon_name}: keepalive lost")
                self.lose_session()

    def lose_session(self) -> None:
        mon, self.mon = self.mon, None
        if mon is None:
            return
        self.say(f"mon session with mon.{self.mon_name} lost")
        for tid in mon.waiting:  # a command in flight is asked again on the next session
            mon.replies.setdefault(tid, ConnectionLost(f"lost connection to {mon.peer}"))
        mon.waiting.clear()
        self._ping = None
        mon.close()

    def on_unsolicited(self, env: Envelope) -> None:
        m = env.msg
        if not isinstance(m, MapUpdate) or m.epoch < self.epochs.get(m.name, 0):
            return
        self.epochs[m.name] = m.epoch
        if m.name == "monmap":
            self._learn_monmap(m.map)
        elif m.name == "mgrmap":
            self.mgrmap = m.map

    def _learn_monmap(self, body: Any) -> None:
        learnt = learn_monmap(body, self.monmap_epoch)
        if learnt is not None:
            self.monmap_epoch, addrs = learnt
            if addrs != self.mon_addrs:
                self.say(f"monmap e{self.monmap_epoch}: mons {', '.join(addrs)}")
                self.mon_addrs = addrs

    def _session(self, deadline: float) -> _Link:
        """The mon session, hunting for one until ``deadline`` (MonUnavailable)."""
        while self.mon is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise MonUnavailable("no mon reachable in time")
            if self._hunt(min(self.backoff.round_timeout(), left)):
                break
            self.wait(min(self.backoff.failed(), max(0.0, deadline - time.monotonic())))
        assert self.mon is not None
        return self.mon

    def _hunt(self, timeout: float) -> bool:
        """One round (`MonClient._hunt`): hello to `hunt_order`'s mons at once,
        each retried within the round while it is not up or does not answer; the
        first reply from inside a quorum wins, a mon out of quorum is given up."""
        heartbeat = (self.ping_interval / 2, self.ping_timeout)
        trying = {
            _Link(self, self.mon_addrs[n], f"mon.{n}", *heartbeat): n
            for n in hunt_order(list(self.mon_addrs), self.last_mon)
        }
        self.links.extend(trying)
        hello: dict[_Link, tuple[int, float]] = {}  # link -> (tid, sent at)
        not_before: dict[_Link, float] = {}
        end = time.monotonic() + timeout
        winner: tuple[_Link, HelloReply] | None = None
        while trying and winner is None and (now := time.monotonic()) < end:
            wake = end
            for link in list(trying):
                if link in hello:
                    tid, sent = hello[link]
                    got = link.replies.pop(tid, None)
                    if isinstance(got, reject.PermissionDenied):
                        raise got  # as Ceph's MonClient: EACCES ends the hunt
                    if isinstance(got, Envelope) and hello_accepted(
                        got.msg, self.global_id, require_quorum=True
                    ):
                        assert isinstance(got.msg, HelloReply)
                        winner = (link, got.msg)
                        break
                    if isinstance(got, Envelope):  # answered from outside a quorum:
                        # asked again shortly, as `MonClient` does (Ceph's mon waitlists
                        # such a client until it is in a quorum)
                        link.forget(tid)
                        del hello[link]
                        not_before[link] = now + NOT_IN_QUORUM_PAUSE
                        wake = min(wake, not_before[link])
                        continue
                    if got is None and now < sent + HELLO_TRY:
                        wake = min(wake, sent + HELLO_TRY)
                        continue
                    link.forget(tid)  # lost or unanswered: say hello again shortly
                    del hello[link]
                    not_before[link] = now + HELLO_PAUSE
                if link.connected and now >= not_before.get(link, 0.0):
                    try:
                        msg = Hello(entity_type="client", pid=os.getpid(), global_id=self.global_id)
                        hello[link] = (link.send(msg), now)
                        wake = min(wake, now + HELLO_TRY)
                    except NotConnected:
                        not_before[link] = now + HELLO_PAUSE
                elif link.connected:
                    wake = min(wake, not_before[link])
            if winner is None:
                self._pump(max(0.0, wake - time.monotonic()))
        for link in trying:
            if winner is None or link is not winner[0]:
                link.close()
        if winner is None:
            return False
        link, reply = winner
        link.forget(hello[link][0])
        self.backoff.found()
        self.mon = link
        self.global_id = self.global_id or reply.global_id
        self.mon_name = self.last_mon = reply.mon_name
        self._learn_monmap(reply.monmap)
        self._next_ping = time.monotonic() + self.ping_interval
        self.say(f"mon session open with mon.{self.mon_name} (global id {self.global_id})")
        self._subscribe(link)
        return True

    def _subscribe(self, link: _Link) -> None:
        """Every map wanted, from the epoch known (a subscription replaces the last)."""
        what = {n: max(start, self.epochs.get(n, 0)) for n, start in self.wants.items()}
        with contextlib.suppress(NotConnected):  # then the session is lost at once
            link.send(Subscribe(what=what), request=False)

    def _want_mgrmap(self) -> None:
        if "mgrmap" not in self.wants:
            self.wants["mgrmap"] = 0
            if self.mon is not None:
                self._subscribe(self.mon)

    # --- commands ---------------------------------------------------------------------

    def mon_command(self, cmd: dict[str, Any], inbuf: bytes, timeout: float) -> CommandReply:
        """`MonClient.command`, blocking."""
        deadline = time.monotonic() + timeout
        retries = CommandRetries()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise retries.timed_out()
            try:
                mon = self._session(deadline)
            except MonUnavailable:
                raise no_quorum() from None
            try:
                env = self._request(mon, Command(cmd=cmd, inbuf=inbuf), deadline)
            except NotConnected:  # lost, or not up: the next session asks again
                if mon is self.mon:
                    self.lose_session()
                self.wait(min(NOT_CONNECTED_PAUSE, max(0.0, deadline - time.monotonic())))
                continue
            except TimeoutError:
                raise mon_reply_timeout(self.mon_name) from None
            if isinstance(env.msg, CommandReply):
                return env.msg
            if isinstance(env.msg, Retry):
                pause, rehunt = retries.on_retry(env.msg)
                if rehunt and mon is self.mon:
                    self.lose_session()
                self.wait(min(pause, max(0.0, deadline - time.monotonic())))
                continue
            raise MonUnavailable(f"unexpected reply {env.type.value}")

    def _active_mgr(self, deadline: float) -> tuple[str, str]:
        """`AsyncCluster.active_mgr_addr`: (name, endpoint) of the available active."""
        self._want_mgrmap()
        while True:
            found = active_mgr(self.mgrmap)
            if found is not None:
                return found
            left = deadline - time.monotonic()
            if left <= 0:
                raise no_active_mgr()
            try:
                self._session(deadline)
            except MonUnavailable:
                raise no_active_mgr() from None
            self._pump(min(left, MGRMAP_WAIT))

    def _next_active(self, gone: str, deadline: float) -> None:
        """Until the MgrMap names an active other than ``gone`` (or the deadline)."""
        while not mgr_moved(self.mgrmap, gone):
            left = deadline - time.monotonic()
            if left <= 0:
                return
            try:
                self._session(deadline)
            except MonUnavailable:
                return
            self._pump(min(left, MGRMAP_WAIT))

    def _mgr_link(self, name: str, endpoint: str) -> _Link:
        link = self.mgrs.get(name)
        if link is None or link.address != endpoint:
            if link is not None:
                link.close()
            link = _Link(self, endpoint, name, 0.5, 2.0)  # Connection's heartbeats
            self.links.append(link)
            self.mgrs[name] = link
        return link

    def _wait_connected(self, link: _Link, timeout: float) -> None:
        end = time.monotonic() + timeout
        while not link.connected and (left := end - time.monotonic()) > 0:
            self._pump(left)

    def mgr_command(self, cmd: dict[str, Any], inbuf: bytes, timeout: float) -> CommandReply:
        """`AsyncCluster.mgr_command`, blocking."""
        deadline = time.monotonic() + timeout
        resends = MgrResends()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise resends.no_answer()
            try:
                name, endpoint = self._active_mgr(deadline)
            except MonUnavailable:
                raise resends.no_active() from None
            resends.target(name)
            link = self._mgr_link(resends.tried, endpoint)
            self._wait_connected(link, min(MGR_CONNECT_WAIT, max(0.0, deadline - time.monotonic())))
            try:
                until = max(deadline, time.monotonic() + 0.01)
                env = self._request(link, Command(cmd=cmd, inbuf=inbuf), until)
            except ConnectionLost:
                resends.went_away()  # MgrCommandLost past the bound
                self._next_active(name, deadline)
                continue
            except NotConnected:
                self.wait(min(MGR_NOT_CONNECTED_PAUSE, max(0.0, deadline - time.monotonic())))
                continue
            except TimeoutError:
                raise resends.no_answer() from None
            assert isinstance(env.msg, CommandReply)
            return env.msg
