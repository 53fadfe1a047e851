"""A cluster's run directory: its spec, secret, address book, stores and logs.

Layout of DIR::

    cluster.json      the spec: fsid, daemons, mon addresses, options, manager Python
    keyring           the cluster secret (HMAC key), mode 0600
    addresses.json    the address book: daemon name -> zmq endpoint
    supervisor.pid    pid of the supervisor that owns the daemons
    lock              flock'd by the live supervisor (sim/ownership.py)
    processes.json    pid and start time of the supervisor and each daemon
    events.jsonl      every event, one JSON object per line
    log/<name>.log    one log per daemon (and supervisor.log)
    mon.<id>/store.db each mon's SQLite store
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sim.record import Record, asdict, field

DEFAULT_DIR_NAME = ".sim"
MGR_NAMES = ["x", "y", "z", "w", "v", "u", "t", "s"]


def default_dir() -> Path:
    env = os.environ.get("SIM_DIR")
    return Path(env) if env else Path.cwd() / DEFAULT_DIR_NAME


def mon_names(n: int) -> list[str]:
    return [chr(ord("a") + i) for i in range(n)] if n <= 26 else [f"m{i}" for i in range(n)]


def mgr_names(n: int) -> list[str]:
    return MGR_NAMES[:n] if n <= len(MGR_NAMES) else [f"mgr{i}" for i in range(n)]


#: The umask of a cluster's processes: what they write (stores, logs, events,
#: the address book) is the owner's alone, whatever the operator's umask.
PRIVATE_UMASK = 0o077


class ClusterSpec(Record, frozen=False):
    fsid: str
    mons: list[str]
    mgrs: list[str]
    mon_addrs: dict[str, str]  # mon id -> tcp://127.0.0.1:PORT
    options: dict[str, Any] = field(default_factory=dict)
    profile: str = "fast"
    created: float = 0.0
    osds: int = 0  # simulated daemons, run by the fleet process (sim.fleet)
    mds: int = 0
    rgws: int = 0
    # the manager Python (sim.release.select): "" = the embedded API
    ceph_release: str = ""  # e.g. "16.2.15" when a fetched release was selected
    ceph_python: str = ""  # absolute folder with mgr_module.py, passed to each mgr
    message_events: bool = False  # daemons record their messages as events (sim.msglog)
    # every daemon-to-daemon link's fault from the start (sim.links: latency and
    # jitter in seconds, loss and duplicate probabilities), seeded by network_seed
    network: dict[str, float] = field(default_factory=dict)
    network_seed: int = 0

    @classmethod
    def new(cls, mons: list[str], mgrs: list[str], mon_ports: list[int], **kw: Any) -> ClusterSpec:
        addrs = {m: f"tcp://127.0.0.1:{p}" for m, p in zip(mons, mon_ports, strict=True)}
        import uuid  # here: a client reading a spec does not pay for it

        return cls(fsid=str(uuid.uuid4()), mons=mons, mgrs=mgrs, mon_addrs=addrs, **kw)

    def mon_rank(self, mon_id: str) -> int:
        return self.mons.index(mon_id)


class RunDir:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path).absolute()

    spec_file = property(lambda self: self.path / "cluster.json")
    keyring = property(lambda self: self.path / "keyring")
    address_book = property(lambda self: self.path / "addresses.json")
    supervisor_pid = property(lambda self: self.path / "supervisor.pid")
    events = property(lambda self: self.path / "events.jsonl")
    process_records = property(lambda self: self.path / "processes.json")
    log_dir = property(lambda self: self.path / "log")
    run_dir = property(lambda self: self.path / "run")  # Ceph's $run_dir: admin sockets

    def asok_path(self, name: str) -> Path:
        """A daemon's admin socket, Ceph's ``$run_dir/$cluster-$name.asok``."""
        return self.run_dir / f"ceph-{name}.asok"

    def mon_data(self, mon_id: str) -> Path:
        return self.path / f"mon.{mon_id}"

    def osd_data(self, osd: int) -> Path:
        """An OSD's object store (``osd.N/objects.db``, `sim.fleet.objstore`)."""
        return self.path / f"osd.{osd}" / "objects.db"

    def log_file(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def exists(self) -> bool:
        return self.spec_file.exists()

    def create(self, spec: ClusterSpec) -> None:
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.log_dir.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(self.keyring, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            import secrets

            f.write(secrets.token_hex(32))
        _write_json(self.spec_file, asdict(spec))
        _write_json(self.address_book, {})

    def write_spec(self, spec: ClusterSpec) -> None:
        """Rewrite the spec of an existing directory (a restart); the address
        book starts empty again (the daemons publish new addresses)."""
        self.log_dir.mkdir(mode=0o700, exist_ok=True)
        _write_json(self.spec_file, asdict(spec))
        _write_json(self.address_book, {})

    def spec(self) -> ClusterSpec:
        return ClusterSpec(**json.loads(self.spec_file.read_text()))

    def secret(self) -> bytes:
        return self.keyring.read_text().strip().encode()

    def addresses(self) -> dict[str, str]:
        try:
            return json.loads(self.address_book.read_text())
        except (OSError, ValueError):
            return {}

    def write_addresses(self, book: dict[str, str]) -> None:
        _write_json(self.address_book, book)


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(json.dumps(data, indent=2, sort_keys=True))
    os.replace(tmp, path)
