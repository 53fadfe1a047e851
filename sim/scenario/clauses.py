"""Condition subjects about daemons and the MgrMap (listed in `sim.scenario.subjects`).

Each class's docstring is its help (``--help-conditions``). The I/O ones that
run a command or a request (``ceph``, ``http``) live in `clauses_io`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.scenario.conditions import (
    Clause,
    Snapshot,
    Unobservable,
    check_fields,
    describe_fields,
    parse_field_checks,
)
from sim.scenario.matchers import Matcher, parse_matcher, show
from sim.scenario.schema import Checker, ParseContext
from sim.scenario.values import DaemonRef, parse_daemon
from sim.scenario.yamlnodes import Map, Node, Scalar

ADMIN_TIMEOUT = 0.5

MGRMAP_FIELDS = {
    "active": "the active mgr as a daemon name (mgr.x), '' when none",
    "active_name": "the active mgr's id (x)",
    "active_gid": "the active mgr's gid",
    "available": "the active mgr reported itself available",
    "epoch": "the MgrMap epoch",
    "standbys": "standby daemon names ([mgr.y])",
    "num_standby": "how many standbys",
    "services": "module name -> URI",
    "modules": "enabled modules",
    "available_modules": "names of the modules the mgrs can run",
}
COMMON_FIELDS = {
    "reachable": "the daemon's admin endpoint answers",
    "pid": "process id",
    "uptime": "seconds since the process started",
    "blocked_peers": "peers cut off by a partition",
    "link_faults": "link faults (latency, jitter, loss, duplicate) on what it sends, per peer",
    "network": "the run's network (cluster.network): the fault on every daemon link",
    "dropped": "dropped-frame counters",
}
MGR_FIELDS = COMMON_FIELDS | {
    "active": "the mgr's own claim to act as the active",
    "role": "booting, standby, activating, active, confirming or respawning",
    "gid": "its current gid",
    "have_mon_connection": "it holds a session with a mon (what modules see)",
    "mon": "the mon it is attached to",
    "mgrmap_epoch": "the newest MgrMap epoch it has seen",
    "active_name": "who it believes is active",
    "beacons_sent": "beacons sent so far",
    "addr": "its address",
    "module": "{name: M, <field>: …} a hosted module's state (state, error …)",
    "module_option": "{module: M, key: K, value: …} the value the module reads",
}
MON_FIELDS = COMMON_FIELDS | {
    "state": "leader, peon, probing, electing …",
    "rank": "its rank in the monmap",
    "quorum": "the quorum as it sees it (mon ids)",
    "election_epoch": "election epoch",
    "quorum_age": "seconds since the quorum formed",
}
OSD_FIELDS = {
    "up": "the OSD is up in the OSDMap",
    "in": "the OSD is in",
    "exists": "the OSDMap has it",
}
FIELDS = {"mgr": MGR_FIELDS, "mon": MON_FIELDS, "osd": OSD_FIELDS}


def mgrmap_view(snap: Snapshot) -> dict[str, Any]:
    def fetch() -> dict[str, Any]:
        d = snap.obs.mon_json("mgr dump", timeout=snap.budget(2.0))
        name = str(d.get("active_name", ""))
        standbys = [f"mgr.{s['name']}" for s in d.get("standbys", [])]
        return d | {
            "active": f"mgr.{name}" if name else "",
            "standbys": standbys,
            "num_standby": len(standbys),
            "available_modules": [m.get("name") for m in d.get("available_modules", [])],
        }

    return dict(snap.get("mgrmap", fetch))


@dataclass
class MgrMapClause(Clause):
    """The MgrMap as the mon has it now (``ceph mgr dump``): active (mgr.x or
    ''), active_name, active_gid, available, epoch, standbys ([mgr.y]),
    num_standby, services, modules, available_modules. Fails while no mon answers.

        mgrmap: {active: {not: $old}, available: true}"""

    subject = "mgrmap"

    checks: list[tuple[str, Matcher]]

    @classmethod
    def parse(cls, ck: Checker, key: Scalar, node: Node, ctx: ParseContext) -> Clause | None:
        checks = parse_field_checks(ck, node, "mgrmap", ctx, MGRMAP_FIELDS, ())
        return cls(checks) if checks is not None else None

    def evaluate(self, snap: Snapshot) -> tuple[bool, str]:
        return check_fields(self.checks, mgrmap_view(snap), "mgrmap", snap)

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        return describe_fields(self.checks, "mgrmap", variables)


def daemon_view(snap: Snapshot, name: str) -> dict[str, Any]:
    def fetch() -> dict[str, Any]:
        try:
            st = snap.obs.admin(name, "status", timeout=snap.budget(ADMIN_TIMEOUT))
        except Unobservable:
            return {"reachable": False}
        view = dict(st) | {"reachable": True, "status": st}
        if name.startswith("mon."):
            try:
                ms = snap.obs.admin(name, "mon_status", timeout=snap.budget(ADMIN_TIMEOUT))
            except Unobservable:
                return {"reachable": False}
            view |= mon_fields(ms)
        return view

    return dict(snap.get(("daemon", name), fetch))


def mon_fields(ms: Mapping[str, Any]) -> dict[str, Any]:
    names = {m["rank"]: m["name"] for m in ms.get("monmap", {}).get("mons", [])}
    return {
        "state": ms.get("state", ""),
        "rank": ms.get("rank"),
        "quorum": [names.get(r, str(r)) for r in ms.get("quorum", [])],
        "election_epoch": ms.get("election_epoch"),
        "quorum_age": ms.get("quorum_age"),
    }


@dataclass
class ModuleCheck:
    module: str
    checks: list[tuple[str, Matcher]]


@dataclass
class DaemonClause(Clause):
    """A daemon's own state from its admin endpoint: ``mgr.x``, ``mgr.active``,
    ``mgr.standby``, ``mon.a``, ``mon.leader``, ``osd.3`` or ``$var``. An
    unreachable daemon (dead, paused, cut off) has ``reachable: false`` and no
    other field. mgr fields: active, role, gid, have_mon_connection, mon,
    mgrmap_epoch, active_name, beacons_sent, module ({name, <field>}: state,
    kind, error_string, uri, blocked_in — ``rados`` while one of its threads
    is stuck in a librados call),
    module_option ({module, key, value}); mon fields: state, rank, quorum,
    election_epoch; osd fields (from the OSDMap): up, in, exists; any admin
    status key as ``status.<key>``.

        mgr.x: {have_mon_connection: false, active: true}"""

    subject = "mgr.*"
    aliases = ("mon.*", "osd.*", "$var")

    ref: DaemonRef
    checks: list[tuple[str, Matcher]]
    modules: list[ModuleCheck]
    options: list[tuple[str, str, Matcher]]

    @classmethod
    def parse(cls, ck: Checker, key: Scalar, node: Node, ctx: ParseContext) -> Clause | None:
        ref = parse_daemon(ck, key, "condition subject", ctx)
        if ref is None:
            return None
        what = str(key.value)
        plain = (
            Map(
                node.mark,
                [(k, v) for k, v in node.pairs if k.value not in ("module", "module_option")],
            )
            if isinstance(node, Map)
            else node
        )
        modules: list[ModuleCheck] = []
        options: list[tuple[str, str, Matcher]] = []
        ok = True
        if isinstance(node, Map):
            for k, v in node.pairs:
                if ref.type != "mgr" and k.value in ("module", "module_option"):
                    ck.error(k, f"{what}: {k.value} is a mgr field")
                    ok = False
                elif k.value == "module":
                    mc = _parse_module(ck, v, f"{what}.module", ctx)
                    ok = ok and mc is not None
                    modules += [mc] if mc else []
                elif k.value == "module_option":
                    opt = _parse_option(ck, v, f"{what}.module_option", ctx)
                    ok = ok and opt is not None
                    options += [opt] if opt else []
        checks: list[tuple[str, Matcher]] | None = []
        if not isinstance(plain, Map) or plain.pairs or not (modules or options):
            checks = parse_field_checks(ck, plain, what, ctx, FIELDS[ref.type])
        if checks is None or not ok:
            return None
        return cls(ref, checks, modules, options)

    def evaluate(self, snap: Snapshot) -> tuple[bool, str]:
        name = snap.obs.resolve(self.ref)
        view = osd_view(snap, name) if self.ref.type == "osd" else daemon_view(snap, name)
        label = name
        ok, text = check_fields(self.checks, view, label, snap)
        seen = [text] if text else []
        for mc in self.modules:
            info = _module_state(view, mc.module)
            good, t = check_fields(mc.checks, info, f"{label}.module[{mc.module}]", snap)
            ok, seen = ok and good, [*seen, t]
        for module, key, m in self.options:
            try:
                value = snap.obs.admin(
                    name,
                    "module_option",
                    timeout=snap.budget(ADMIN_TIMEOUT),
                    module=module,
                    key=key,
                )
            except Unobservable as exc:
                ok, seen = False, [*seen, f"{label}.module_option[{module}/{key}]: {exc}"]
                continue
            good = m.test(value, snap.obs.variables)
            ok, seen = (
                ok and good,
                [*seen, f"{label}.module_option[{module}/{key}] = {show(value)}"],
            )
        return ok, ", ".join(seen)

    def label(self) -> str:
        return str(self.ref)

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        parts = [describe_fields(self.checks, str(self.ref), variables)] if self.checks else []
        parts += [
            describe_fields(mc.checks, f"{self.ref}.module[{mc.module}]", variables)
            for mc in self.modules
        ]
        parts += [
            f"{self.ref}.module_option[{mo}/{k}] {m.describe(variables)}"
            for mo, k, m in self.options
        ]
        return ", ".join(parts)


def _parse_module(ck: Checker, node: Node, what: str, ctx: ParseContext) -> ModuleCheck | None:
    if not isinstance(node, Map) or node.get("name") is None:
        ck.expected(node, what, "a mapping with name: <module> and the fields to check")
        return None
    name = ck.string(node.get("name") or node, f"{what}.name")
    rest = Map(node.mark, [(k, v) for k, v in node.pairs if k.value != "name"])
    checks = parse_field_checks(ck, rest, what, ctx, {}, ("",)) if rest.pairs else []
    return ModuleCheck(name, checks) if name and checks is not None else None


def _parse_option(
    ck: Checker, node: Node, what: str, ctx: ParseContext
) -> tuple[str, str, Matcher] | None:
    f = ck.fields(node, what, required=("module", "key", "value"))
    if f is None:
        return None
    module, key = ck.string(f["module"], f"{what}.module"), ck.string(f["key"], f"{what}.key")
    m = parse_matcher(ck, f["value"], f"{what}.value", ctx)
    return (module, key, m) if module and key and m else None


def _module_state(view: Mapping[str, Any], module: str) -> dict[str, Any]:
    mods = view.get("modules", {})
    if isinstance(mods, Mapping) and isinstance(mods.get("modules"), Mapping):
        mods = mods["modules"]
    info = mods.get(module) if isinstance(mods, Mapping) else None
    return dict(info) if isinstance(info, Mapping) else {}


def osd_view(snap: Snapshot, name: str) -> dict[str, Any]:
    dump = snap.get("osd dump", lambda: snap.obs.mon_json("osd dump", timeout=snap.budget(2.0)))
    osd_id = int(name.partition(".")[2])
    for o in dump.get("osds", []):
        if o.get("osd") == osd_id:
            return {"exists": True, "up": bool(o.get("up")), "in": bool(o.get("in"))}
    return {"exists": False}
