"""The live timeline in the terminal: the one place that writes to it.

One line per thing that happened, stamped with seconds since the scenario
started and who did it::

     +0.512s  scenario  ▶ 2 kill mgr.active → mgr.x (pid 4242)
     +3.604s  mon.a     [INF] Manager daemon x is unresponsive, replacing it with standby daemon y
     +3.611s  scenario  ✔ 3 wait_for mgrmap.active ≠ $old (mgr.x) — after 3.10s

Colour when the stream is a terminal (and ``NO_COLOR`` is unset), plain text
otherwise; a progress line while waiting, on terminals only. Verbosity: 0
steps and results only, 1 (default) also the cluster events that tell the
story (roles, connections, MgrMap changes, warnings), 2 every event. A plain
transcript is kept for JUnit's system-out and pytest's failure reports.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
import threading
import time
from typing import Any, TextIO

from sim.scenario.events import ENGINE

STYLES = {
    "bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33",
    "blue": "34", "magenta": "35", "cyan": "36", "italic": "3",
}  # fmt: skip
QUIET_KINDS = {"daemon_spawned", "daemon_started", "fault", "cluster_down"}


def use_color(stream: TextIO, choice: str = "auto") -> bool:
    if choice in ("always", "never"):
        return choice == "always"
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


class Timeline:
    def __init__(
        self, stream: TextIO | None = None, color: bool | None = None, verbosity: int = 1
    ) -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.color = use_color(self.stream) if color is None else color
        self.tty = self.color and self.stream.isatty()
        self.verbosity = verbosity
        self.t0 = time.time()
        self.transcript: list[str] = []
        self._lock = threading.Lock()
        self._progress = False
        self._last_map: tuple[Any, ...] | None = None
        self.width = max(60, min(120, shutil.get_terminal_size((100, 20)).columns))

    def paint(self, text: str, *styles: str) -> str:
        if not self.color or not styles:
            return text
        codes = ";".join(STYLES[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"

    # --- writing ------------------------------------------------------------------

    def _emit(self, plain: str, colored: str) -> None:
        with self._lock:
            if self._progress:
                self.stream.write("\r\x1b[2K")
                self._progress = False
            self.stream.write(colored + "\n")
            self.stream.flush()
            self.transcript.append(plain)

    def line(self, who: str, text: str, *styles: str, stamp: float | None = None) -> None:
        rel = f"{(stamp or time.time()) - self.t0:+8.3f}s"
        plain = f"{rel}  {who:<9} {text}"
        who_style = "bold" if who == ENGINE else ("blue" if who.startswith("mon") else "magenta")
        colored = f"{self.paint(rel, 'dim')}  {self.paint(f'{who:<9}', who_style)} {self.paint(text, *styles)}"
        self._emit(plain, colored)

    def raw(self, text: str, *styles: str) -> None:
        self._emit(text, self.paint(text, *styles))

    def progress(self, text: str) -> None:
        if not self.tty:
            return
        with self._lock:
            self.stream.write("\r\x1b[2K" + self.paint(text[: self.width - 1], "dim"))
            self.stream.flush()
            self._progress = True

    # --- what the runner reports --------------------------------------------------

    def header(self, name: str, about: str, facts: str) -> None:
        self.raw(f"scenario {name} — {about}", "bold")
        self.raw(f"  {facts}", "dim")

    def say(self, text: str) -> None:
        """Narration, wrapped under its first line and set off in colour."""
        lines = textwrap.wrap(" ".join(text.split()), self.width - 23) or [""]
        last = len(lines) - 1
        self.line(ENGINE, "“" + lines[0] + ("”" if last == 0 else ""), "cyan")
        for i, text_line in enumerate(lines[1:], 1):
            self.raw(" " * 22 + text_line + ("”" if i == last else ""), "cyan")

    def step(self, index: int, text: str, detail: str = "") -> None:
        rel = f"{time.time() - self.t0:+8.3f}s"
        head = f"▶ {index} {text}"
        tail = f" — {detail}" if detail and detail != text else ""
        plain = f"{rel}  {ENGINE:<9} {head}{tail}"
        colored = f"{self.paint(rel, 'dim')}  {self.paint(f'{ENGINE:<9}', 'bold')} {self.paint(head, 'bold')}{self.paint(tail, 'dim')}"
        self._emit(plain, colored)

    def passed(self, index: int, text: str) -> None:
        self.line(ENGINE, f"✔ {index} {text}", "green")

    def failed(self, index: int | str, text: str) -> None:
        self.line(ENGINE, f"✘ {index} {text}", "red", "bold")

    def note(self, text: str, *styles: str) -> None:
        self.line(ENGINE, text, *styles)

    # --- cluster events -----------------------------------------------------------

    def cluster_event(self, ev: dict[str, Any]) -> None:
        if ev.get("daemon") == ENGINE:
            return
        shown = self.describe(ev)
        if shown is None:
            return
        text, styles = shown
        self.line(
            str(ev.get("daemon", "?")), text, *styles, stamp=float(ev.get("stamp", time.time()))
        )

    def describe(self, ev: dict[str, Any]) -> tuple[str, tuple[str, ...]] | None:
        """How an event reads in the timeline, or None to leave it out."""
        kind = str(ev.get("kind"))
        v = self.verbosity
        if (v <= 0 and kind != "daemon_crashed") or kind == "messages":
            return None  # message batches are drawn in the report, not narrated
        if kind == "mgrmap":
            key = (ev.get("active_name"), ev.get("available"), tuple(ev.get("standbys", [])))
            if key == self._last_map and v < 2:
                return None
            self._last_map = key
            active = ev.get("active_name") or "none"
            avail = "available" if ev.get("available") else "not available"
            standbys = ", ".join(f"mgr.{s}" for s in ev.get("standbys", [])) or "none"
            return f"MgrMap e{ev.get('epoch')}: active {active} ({avail}), standbys {standbys}", (
                "dim",
            )
        if kind == "mon_connection":
            up = ev.get("up")
            return (
                f"mon session {'open' if up else 'LOST'} (mon.{ev.get('mon')})",
                ("green",) if up else ("yellow",),
            )
        if kind in ("activating", "active"):
            return f"{kind} (gid {ev.get('gid')})", ("green",) if kind == "active" else ()
        if kind == "respawn":
            return f"respawns: {ev.get('reason')}", ("yellow",)
        if kind == "daemon_crashed":
            return f"CRASHED ({ev.get('how')}, exit {ev.get('returncode')})", ("red", "bold")
        if kind == "daemon_exited":
            return f"exited ({ev.get('how')})", ()
        if kind == "quorum":
            return (
                f"quorum {ev.get('quorum')} leader {ev.get('leader')} (election epoch {ev.get('election_epoch')})",
                (),
            )
        if kind == "health":
            return f"health {ev.get('status')} {', '.join(ev.get('checks', []))}".rstrip(), (
                "yellow",
            )
        if kind in ("partition", "heal"):
            return f"{kind}: now drops traffic from {ev.get('peers') or 'nobody'}", ("yellow",)
        if kind == "clog":
            prio = str(ev.get("priority", ""))
            if ev.get("channel") == "audit" or prio == "[DBG]":
                return (f"{prio} {ev.get('message')}", ("dim",)) if v >= 2 else None
            return f"{prio} {ev.get('message')}", ("yellow",) if prio in ("[WRN]", "[ERR]") else ()
        if kind in QUIET_KINDS and v < 2:
            return None
        data = {k: val for k, val in ev.items() if k not in ("stamp", "daemon", "kind")}
        return (f"{kind} {data}" if data else kind), ("dim",)
