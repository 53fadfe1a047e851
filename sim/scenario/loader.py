"""Loading scenario files: find them, validate them, list the library.

A scenario file::

    name: mgr_failover                 # optional; the file name by default
    about: One line for --list.
    description: |                     # optional; for the report
      More words.
    cluster:                           # every key optional
      mons: 1
      mgrs: 2
      osds: 0
      modules: [dashboard]             # enabled with `mgr module enable X --force`
      module_paths: [../my_modules]    # relative to the file
      assign_ports: {dashboard: server_port}   # a free port per mgr, as Ceph's _assign_ports
      options: {mon_mgr_beacon_grace: 4}
      profile: fast                    # or ceph: Ceph's own timings
      seed: 7                          # for the nemesis (else one is drawn and printed)
      start_timeout: 60s
      ceph_release: 16.2               # the mgrs run that fetched release's Python
      ceph_python: ../ceph/src/pybind/mgr   # or a tree of your own (relative to the file)
      network: {latency: 5ms, jitter: 2ms, loss: 1%}   # every daemon link, the whole run
    steps: [...]                       # see --help-steps
    invariants: [single_active_mgr]    # see --help-invariants

Validation reads the whole file and reports every error with
``file:line:column``; nothing runs until the file is valid.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sim.options import OPTIONS, Profile
from sim.release.catalog import release
from sim.release.errors import ReleaseError
from sim.release.layout import mgr_dir
from sim.resources import scenarios_dir
from sim.scenario.cluster_config import ClusterConfig
from sim.scenario.errors import InvalidScenario, Mark, ScenarioError
from sim.scenario.invariants import Invariant, parse_invariant
from sim.scenario.model import Scenario
from sim.scenario.schema import Checker, ParseContext, suggest
from sim.scenario.steps import Step, parse_step
from sim.scenario.steps.links import parse_network
from sim.scenario.values import parse_duration
from sim.scenario.yamlnodes import Map, Node, compose

TOP_KEYS = ("name", "about", "description", "cluster", "steps", "invariants")
CLUSTER_KEYS = (
    "mons",
    "mgrs",
    "osds",
    "modules",
    "module_paths",
    "assign_ports",
    "options",
    "profile",
    "seed",
    "start_timeout",
    "ceph_release",
    "ceph_python",
    "network",
)
MAX_MONS, MAX_MGRS, MAX_OSDS = 9, 8, 10000
MAX_FILE_BYTES = 1 << 20  # a scenario file is a few KiB; anything this big is a mistake
SUFFIXES = (".yaml", ".yml")


def library_dirs() -> list[Path]:
    """Where scenarios are looked up by name: $SIM_SCENARIOS, ./scenarios, the shipped library."""
    dirs = [Path(p) for p in os.environ.get("SIM_SCENARIOS", "").split(os.pathsep) if p]
    dirs += [Path.cwd() / "scenarios", scenarios_dir()]
    out: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [o.resolve() for o in out]:
            out.append(d)
    return out


def find(name: str, dirs: list[Path] | None = None) -> Path:
    """A path as given, else NAME, NAME.yaml or NAME.yml in the library."""
    p = Path(name)
    if p.is_file():
        return p
    for d in dirs if dirs is not None else library_dirs():
        for candidate in (d / name, *(d / f"{name}{s}" for s in SUFFIXES)):
            if candidate.is_file():
                return candidate
    known = [s.name for s in list_library(dirs)]
    raise FileNotFoundError(
        f"no scenario {name!r}{suggest(name, known)} (library: {', '.join(known) or 'empty'})"
    )


def load(path: Path | str, seed: int | None = None) -> Scenario:
    path = Path(path)
    return load_text(read_text(path), str(path), path.parent, default_name=path.stem)


def read_text(path: Path) -> str:
    """The file as UTF-8 text, at most `MAX_FILE_BYTES`; `InvalidScenario` otherwise."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InvalidScenario(
            [ScenarioError(Mark(str(path), 1, 1), f"cannot read the file: {exc.strerror}")]
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise InvalidScenario(
            [
                ScenarioError(
                    Mark(str(path), 1, 1), f"the file is larger than {MAX_FILE_BYTES} bytes"
                )
            ]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise InvalidScenario(
            [ScenarioError(Mark(str(path), line, col),
                           f"the file is not UTF-8 (byte 0x{data[exc.start]:02x})")]
        ) from None  # fmt: skip


def load_text(
    text: str, filename: str, base_dir: Path | None = None, default_name: str = "scenario"
) -> Scenario:
    """Validate a scenario given as text; raises `InvalidScenario` with every error."""
    root = compose(text, filename)
    ck = Checker()
    f = ck.fields(root, "scenario", required=("about", "steps"), optional=TOP_KEYS,
                  hints={"about": "one line saying what it shows", "steps": "the list of steps"})  # fmt: skip
    if f is None:  # not a mapping, or a required key missing: check the rest anyway
        if not isinstance(root, Map):
            ck.raise_if_errors()
            raise AssertionError("unreachable")
        f = {k: v for k, v in root.pairs_dict().items() if k in TOP_KEYS}
    name = ck.string(f["name"], "name") if "name" in f else default_name
    about = ck.string(f["about"], "about") if "about" in f else None
    description = (
        ck.string(f["description"], "description", allow_empty=True) if "description" in f else ""
    )
    cluster = parse_cluster(ck, f.get("cluster"), base_dir or Path.cwd())
    ctx = ParseContext(cluster, base_dir or Path.cwd())
    steps: list[Step] = []
    items = ck.seq(f["steps"], "steps") if "steps" in f else None
    for item in items or []:
        s = parse_step(ck, item, ctx)
        if s is not None:
            steps.append(s)
    if items is not None and not items:
        ck.error(f["steps"], "steps: the list is empty")
    invariants: list[Invariant] = []
    if "invariants" in f:
        for item in ck.seq(f["invariants"], "invariants") or []:
            inv = parse_invariant(ck, item, ctx)
            if inv is not None:
                invariants.append(inv)
    ck.raise_if_errors()
    assert name is not None and about is not None
    return Scenario(name, about, Path(filename) if base_dir else None, cluster, steps, invariants,
                    description or "", text)  # fmt: skip


def parse_cluster(ck: Checker, node: Node | None, base_dir: Path) -> ClusterConfig:
    cfg = ClusterConfig()
    if node is None:
        return cfg
    f = ck.fields(node, "cluster", optional=CLUSTER_KEYS)
    if f is None:
        return cfg
    for key, top in (("mons", MAX_MONS), ("mgrs", MAX_MGRS), ("osds", MAX_OSDS)):
        if key in f:
            v = ck.integer(f[key], f"cluster.{key}", minimum=1 if key == "mons" else 0, maximum=top)
            if v is not None:
                setattr(cfg, key, v)
    if "modules" in f:
        cfg.modules = ck.strings(f["modules"], "cluster.modules") or []
    if "module_paths" in f:
        for p in ck.strings(f["module_paths"], "cluster.module_paths") or []:
            path = (base_dir / p).resolve()
            if not path.is_dir():
                ck.error(f["module_paths"], f"cluster.module_paths: no directory {path}")
            cfg.module_paths.append(path)
    if "assign_ports" in f:
        cfg.assign_ports = _assign_ports(ck, f["assign_ports"])
    if "profile" in f:
        prof = ck.choice(f["profile"], "cluster.profile", [p.value for p in Profile])
        cfg.profile = Profile(prof) if prof else cfg.profile
    if "seed" in f:
        cfg.seed = ck.integer(f["seed"], "cluster.seed", minimum=0)
    if "start_timeout" in f:
        d = parse_duration(ck, f["start_timeout"], "cluster.start_timeout", minimum=1.0)
        cfg.start_timeout = d.seconds(cfg.effective_options()) if d else cfg.start_timeout
    if "options" in f:
        cfg.options = _options(ck, f["options"])
    _manager_python(ck, f, base_dir, cfg)
    if "network" in f:
        cfg.network = parse_network(ck, f["network"], cfg.effective_options())
    return cfg


def _manager_python(ck: Checker, f: dict[str, Node], base_dir: Path, cfg: ClusterConfig) -> None:
    """``ceph_release`` (a known release; whether it is fetched is checked at
    start) or ``ceph_python`` (a folder with ``mgr_module.py``), not both."""
    if "ceph_release" in f and "ceph_python" in f:
        ck.error(f["ceph_python"], "cluster: give ceph_release or ceph_python, not both")
        return
    if "ceph_release" in f:
        name = ck.string(f["ceph_release"], "cluster.ceph_release")
        if name is not None:
            try:
                cfg.ceph_release = release(name).series
            except ReleaseError as exc:
                ck.error(f["ceph_release"], f"cluster.ceph_release: {exc}")
    if "ceph_python" in f:
        text = ck.string(f["ceph_python"], "cluster.ceph_python")
        if text is not None:
            try:
                cfg.ceph_python = mgr_dir(base_dir / Path(text).expanduser())
            except ReleaseError as exc:
                ck.error(
                    f["ceph_python"], f"cluster.ceph_python: {exc}".replace("--ceph-python ", "")
                )


def _assign_ports(ck: Checker, node: Node) -> dict[str, str]:
    """``{module: option}``: before the modules are enabled, each mgr gets its
    own free port in ``mgr/<module>/<mgr id>/<option>`` (Ceph's QA
    ``_assign_ports``), so a URI stays that mgr's across failovers."""
    if not isinstance(node, Map) or not node.pairs:
        ck.expected(
            node,
            "cluster.assign_ports",
            "a mapping of module to port option, e.g. {dashboard: server_port}",
        )
        return {}
    out: dict[str, str] = {}
    for key, value in node.pairs:
        module = ck.string(key, "cluster.assign_ports")
        option = ck.string(value, f"cluster.assign_ports.{key.value}")
        if module and option:
            out[module] = option
    return out


def _options(ck: Checker, node: Node) -> dict[str, object]:
    if not isinstance(node, Map):
        ck.expected(node, "cluster.options", "a mapping of Ceph option names to values")
        return {}
    out: dict[str, object] = {}
    for key, value in node.pairs:
        name = str(key.value)
        spec = OPTIONS.get(name)
        if spec is None:
            ck.error(
                key,
                f"cluster.options: unknown option {name!r}{suggest(name, OPTIONS)}; known: {', '.join(OPTIONS)}",
            )
            continue
        raw = value.plain()
        if isinstance(raw, dict | list) or raw is None:
            ck.expected(value, f"cluster.options.{name}", f"a {spec.reads.__name__}")
            continue
        try:
            out[name] = spec.parse(str(raw).lower() if isinstance(raw, bool) else str(raw))
        except ValueError as exc:
            ck.error(value, f"cluster.options.{name}: {exc}")
    return out


@dataclass
class LibraryEntry:
    name: str
    about: str
    path: Path
    error: str = ""


def list_library(dirs: list[Path] | None = None) -> list[LibraryEntry]:
    out: dict[str, LibraryEntry] = {}
    for d in dirs if dirs is not None else library_dirs():
        for path in sorted(p for s in SUFFIXES for p in d.glob(f"*{s}")):
            try:
                sc = load(path)
                entry = LibraryEntry(sc.name, sc.about, path)
            except InvalidScenario as exc:
                entry = LibraryEntry(path.stem, "", path, str(exc.errors[0]))
            out.setdefault(entry.name, entry)
    return sorted(out.values(), key=lambda e: e.name)
