"""From an event stream to the report's lanes: one per daemon, plus the scenario's.

Each lane has tracks of segments on the shared time axis (seconds since the
scenario started) and point marks:

- ``proc``: running, paused or down — from spawns, exits and the faults;
- ``role`` (mgrs): active, activating or standby — from each MgrMap;
  (mons): leader or peon — from quorum events;
- ``conn`` (mgrs): whether it holds a mon session (``have_mon_connection``);
- ``marks``: every event that happened to the daemon (a fault a step aimed
  at it, a respawn, a map epoch, a log line …), each with the index of the
  event in the log so the report can link to it.

The scenario lane carries the steps (spans, by outcome), the narration and
the invariant violations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.scenario.events import ENGINE, category

if TYPE_CHECKING:
    from sim.scenario.results import RunResult

Segment = dict[str, Any]


class Track:
    def __init__(self, initial: str = "") -> None:
        self.state = initial
        self.since = 0.0
        self.segments: list[Segment] = []

    def set(self, t: float, state: str) -> None:
        if state == self.state:
            return
        if self.state and t > self.since:
            self.segments.append(
                {"t0": round(self.since, 4), "t1": round(t, 4), "state": self.state}
            )
        self.state, self.since = state, t

    def close(self, t: float) -> list[Segment]:
        self.set(t, "")
        return self.segments


def label(ev: dict[str, Any]) -> str:
    kind = str(ev.get("kind"))
    data = {k: v for k, v in ev.items() if k not in ("stamp", "daemon", "kind", "t", "cat")}
    if kind == "fault":
        who = ev.get("target")
        return f"{ev.get('action')} {', '.join(who) if isinstance(who, list) else who}"
    if kind == "mgrmap":
        return f"MgrMap e{ev.get('epoch')}: active {ev.get('active_name') or 'none'}{'' if ev.get('available') else ' (not available)'}"
    if kind == "clog":
        return f"{ev.get('priority')} {ev.get('message')}"
    if kind == "mon_connection":
        return f"mon session {'open' if ev.get('up') else 'lost'}"
    if kind == "step":
        return f"{ev.get('index')} {ev.get('text')} {ev.get('status', '')}".strip()
    if kind == "say":
        return str(ev.get("text"))
    brief = ", ".join(f"{k}={v}" for k, v in list(data.items())[:4])
    return f"{kind}{': ' + brief if brief else ''}"


def build_lanes(r: RunResult) -> list[dict[str, Any]]:
    t0, end = r.started, r.ended - r.started
    names = r.scenario.cluster.daemons()
    proc = {n: Track() for n in names}
    role = {n: Track() for n in names}
    conn = {n: Track() for n in names if n.startswith("mgr.")}
    marks: dict[str, list[dict[str, Any]]] = {n: [] for n in [*names, ENGINE]}
    steps: list[Segment] = []
    for i, ev in enumerate(r.events):
        t = float(ev.get("stamp", t0)) - t0
        kind, who = str(ev.get("kind")), str(ev.get("daemon", ""))
        if kind == "messages":
            continue  # drawn as arrows, not marks
        mark = {"t": round(t, 4), "kind": kind, "cat": category(ev), "label": label(ev), "i": i}
        if who == ENGINE:
            targets = ev.get("target") if kind in ("fault", "nemesis_fault") else None
            lanes = targets if isinstance(targets, list) else [targets] if targets else [ENGINE]
            for lane in lanes:
                if lane in marks and kind not in ("step", "scenario_start", "scenario_end"):
                    marks[lane].append(mark)  # steps are drawn as spans instead
            if kind == "fault":
                _fault(proc, conn, str(ev.get("action")), lanes, t)
                _mon_role(role, str(ev.get("action")), lanes, t)
            if kind == "step" and ev.get("phase") == "end":
                steps.append({"t0": None, "t1": round(t, 4), "state": ev.get("status"), "index": ev.get("index"),
                              "label": label(ev), "expectation": ev.get("expectation")})  # fmt: skip
            continue
        if who in marks and kind != "fault":  # the engine's own record of a fault is drawn instead
            marks[who].append(mark)
        if kind == "daemon_spawned" and who in proc:
            proc[who].set(t, "running")
        elif kind in ("daemon_exited", "daemon_crashed") and who in proc:
            proc[who].set(t, "down")
            if who in conn:
                conn[who].set(t, "")
            _mon_role(role, "kill", [who], t)
        elif kind == "cluster_down":
            for tr in [*proc.values(), *conn.values()]:
                tr.set(t, "")
        elif kind == "mgrmap":
            _mgrmap(role, ev, t)
        elif kind == "mon_connection" and who in conn:
            conn[who].set(t, "up" if ev.get("up") else "lost")
        elif kind == "quorum":
            for n in names:
                if n.startswith("mon."):
                    mid = n.partition(".")[2]
                    role[n].set(
                        t,
                        "leader"
                        if ev.get("leader") == mid
                        else "peon"
                        if mid in ev.get("quorum", [])
                        else "",
                    )
    _step_starts(steps, r)
    out = []
    for n in names:
        tracks = {"proc": proc[n].close(end), "role": role[n].close(end)}
        if n in conn:
            tracks["conn"] = conn[n].close(end)
        out.append({"name": n, "type": n.partition(".")[0], "tracks": tracks, "marks": marks[n]})
    out.append(
        {"name": ENGINE, "type": "engine", "tracks": {"steps": steps}, "marks": marks[ENGINE]}
    )
    return out


def _fault(
    proc: dict[str, Track], conn: dict[str, Track], action: str, lanes: list[Any], t: float
) -> None:
    state = {
        "kill": "down",
        "stop": "down",
        "pause": "paused",
        "resume": "running",
        "restart": "running",
    }.get(action)
    for lane in lanes:
        if state and lane in proc:
            proc[lane].set(t, state)
        if state == "down" and lane in conn:
            conn[lane].set(t, "")  # a dead process holds no session


def _mon_role(role: dict[str, Track], action: str, lanes: list[Any], t: float) -> None:
    """A mon that is down or frozen leads nothing (until the next quorum event)."""
    if action in ("kill", "stop", "pause"):
        for lane in lanes:
            if isinstance(lane, str) and lane.startswith("mon.") and lane in role:
                role[lane].set(t, "")


def _mgrmap(role: dict[str, Track], ev: dict[str, Any], t: float) -> None:
    active, standbys = ev.get("active_name"), ev.get("standbys", [])
    for n, tr in role.items():
        if not n.startswith("mgr."):
            continue
        mid = n.partition(".")[2]
        if mid == active:
            tr.set(t, "active" if ev.get("available") else "activating")
        else:
            tr.set(t, "standby" if mid in standbys else "")


def _step_starts(steps: list[Segment], r: RunResult) -> None:
    starts: dict[int, float] = {x.index: x.start - r.started for x in r.records if x.start}
    for s in steps:
        t1 = float(s["t1"])
        s["t0"] = round(starts.get(int(s.get("index") or 0), t1), 4)
