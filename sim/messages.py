"""Wire messages: one frozen record (`sim.record`) per message type, and the envelope.

Every message travels inside one `Envelope` (type, sender, cluster fsid,
request id, epoch). Requests carry a `tid`; replies echo it. Bodies are plain
msgpack-able values; `from_body` checks each field's type so that a handler
never sees a mistyped field from a malformed or hostile frame.

Entity names follow Ceph: ``mon.a``, ``mgr.x``, ``client.admin``; the
simulator's own processes are ``sim.supervisor``.
"""

from __future__ import annotations

import enum
import typing
from typing import TYPE_CHECKING, Any, ClassVar

from sim.record import Record, field, fields

if TYPE_CHECKING:
    from sim.replay import Route


class MsgType(str, enum.Enum):
    HELLO = "hello"  # client -> mon: open a session, get a global id
    HELLO_REPLY = "hello_reply"
    PING = "ping"  # keepalive, either way
    PONG = "pong"
    COMMAND = "command"  # client -> mon/mgr: a `ceph` command
    COMMAND_REPLY = "command_reply"
    SUBSCRIBE = "subscribe"  # client -> mon: push me these maps from these epochs
    MAP = "map"  # mon -> client: a map at an epoch
    MGR_BEACON = "mgr_beacon"  # mgr -> mon, every mgr_tick_period
    BEACON_ACK = "beacon_ack"  # mon -> mgr
    ADMIN = "admin"  # supervisor/CLI -> any daemon (like an admin socket)
    EVENT = "event"  # any daemon -> supervisor: something observable happened
    LOG = "log"  # daemon -> mon: cluster log entries
    RETRY = "retry"  # mon -> client: cannot serve this now (not in quorum, term ended)
    MON_ELECTION = "mon_election"  # mon <-> mon: propose, ack, victory
    MON_PAXOS = "mon_paxos"  # mon <-> mon: collect, last, begin, accept, commit, lease …
    MON_FORWARD = "mon_forward"  # peon -> leader: a client's write
    MON_FORWARD_REPLY = "mon_forward_reply"  # leader -> peon: its outcome
    MGR_OPEN = "mgr_open"  # daemons -> active mgr: metadata, perf schema (MMgrOpen)
    MGR_REPORT = "mgr_report"  # daemons -> active mgr: counters, status, stats (MMgrReport)
    MGR_CONFIGURE = "mgr_configure"  # active mgr -> daemons: OSD perf queries (MMgrConfigure)
    OSD_OP = "osd_op"  # RADOS client -> the primary OSD's fleet: ops on one object (MOSDOp)
    OSD_OP_REPLY = "osd_op_reply"  # fleet -> client, once every up OSD of the PG has it


class ProtocolError(ValueError):
    """A frame whose content does not fit the protocol; it is dropped."""


_REGISTRY: dict[MsgType, type[Message]] = {}


class Message(Record):
    TYPE: ClassVar[MsgType]
    _FIELD_TYPES: ClassVar[dict[str, tuple[type, ...]]]

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if "TYPE" in cls.__dict__:
            _REGISTRY[cls.TYPE] = cls

    def to_body(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_body(cls, body: Any) -> Message:
        if not isinstance(body, dict):
            raise ProtocolError(f"{cls.TYPE.value}: body is {type(body).__name__}, not a map")
        types = _field_types(cls)
        unknown = set(body) - set(types)
        if unknown:
            raise ProtocolError(f"{cls.TYPE.value}: unknown fields {sorted(map(str, unknown))}")
        for name, allowed in types.items():
            value = body.get(name)
            if name in body and (
                not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed)
            ):
                raise ProtocolError(
                    f"{cls.TYPE.value}.{name}: {type(body[name]).__name__} is not "
                    + "/".join(t.__name__ for t in allowed)
                )
        try:
            return cls(**body)
        except TypeError as exc:  # missing required fields
            raise ProtocolError(f"{cls.TYPE.value}: {exc}") from None


_PY_TYPES: dict[Any, tuple[type, ...]] = {
    int: (int,),
    float: (float, int),
    str: (str,),
    bool: (bool,),
    bytes: (bytes,),
    dict: (dict,),
    list: (list,),
}


#: A field's annotation as written (the modules use ``from __future__ import
#: annotations``) when it names a type above, ``dict[str, Any]`` included.
_BY_NAME: dict[str, tuple[type, ...]] = {t.__name__: allowed for t, allowed in _PY_TYPES.items()}


def _field_types(cls: type[Message]) -> dict[str, tuple[type, ...]]:
    """The types each field accepts from the wire (bool is never an int here)."""
    cached = cls.__dict__.get("_FIELD_TYPES")
    if cached is not None:
        return cached
    out = _written_types(cls)
    if out is None:  # an annotation other than a plain type: typing resolves them all
        hints = typing.get_type_hints(cls)
        out = {}
        for f in fields(cls):
            origin = typing.get_origin(hints[f.name]) or hints[f.name]
            out[f.name] = _PY_TYPES.get(origin, (object,))
    cls._FIELD_TYPES = out
    return out


def _written_types(cls: type[Message]) -> dict[str, tuple[type, ...]] | None:
    """`_field_types` read off the annotations' text, or None if one is not a plain
    type; `typing.get_type_hints` compiles every annotation of the class and its
    bases, the costliest step of a one-shot CLI's first reply."""
    out = {}
    for f in fields(cls):
        allowed = _BY_NAME.get(f.type.partition("[")[0]) if isinstance(f.type, str) else None
        if allowed is None:
            return None
        out[f.name] = allowed
    return out


def message_class(msg_type: MsgType) -> type[Message]:
    return _REGISTRY[msg_type]


# --- sessions and keepalive -------------------------------------------------


class Hello(Message):
    """A client or daemon opens a mon session (Ceph's MAuth, without cephx's rounds)."""

    TYPE = MsgType.HELLO
    entity_type: str  # "mgr", "client", "osd", ...
    pid: int = 0
    global_id: int = 0  # reclaim: a reconnecting client keeps its id


class HelloReply(Message):
    """The session: the global id, the mon, whether it is in quorum, the monmap."""

    TYPE = MsgType.HELLO_REPLY
    global_id: int
    mon_name: str
    in_quorum: bool = True
    monmap: dict = field(default_factory=dict)


class Ping(Message):
    """A keepalive (Ceph's MSG_KEEPALIVE2); ``stamp`` is echoed."""

    TYPE = MsgType.PING
    stamp: float = 0.0


class Pong(Message):
    """The keepalive's answer; a mon out of quorum says so."""

    TYPE = MsgType.PONG
    stamp: float = 0.0
    in_quorum: bool = True


# --- commands ---------------------------------------------------------------


class Command(Message):
    """A `ceph` command: ``cmd`` is the JSON command map (``prefix`` and args)."""

    TYPE = MsgType.COMMAND
    cmd: dict
    inbuf: bytes = b""


class CommandReply(Message):
    """Ceph's reply triple: negative errno (0 = ok), output buffer, status string."""

    TYPE = MsgType.COMMAND_REPLY
    retval: int
    outbuf: bytes = b""
    outs: str = ""


class Admin(Message):
    """An admin-socket style request to one daemon (status, perf dump, faults)."""

    TYPE = MsgType.ADMIN
    cmd: dict


# --- maps -------------------------------------------------------------------


class Subscribe(Message):
    """``what`` maps a map name (``mgrmap``, ``monmap``, ``config`` …) to the
    first epoch wanted; the mon pushes the newest map once it is >= that."""

    TYPE = MsgType.SUBSCRIBE
    what: dict


class MapUpdate(Message):
    """A map pushed to a subscriber: its name, epoch and body."""

    TYPE = MsgType.MAP
    name: str
    epoch: int
    map: dict


# --- mgr --------------------------------------------------------------------


class MgrBeacon(Message):
    """A mgr's beacon to the mon (Ceph's MMgrBeacon)."""

    TYPE = MsgType.MGR_BEACON
    gid: int
    name: str
    available: bool
    addr: str = ""  # "127.0.0.1:PORT" once available
    nonce: int = 0
    services: dict = field(default_factory=dict)
    available_modules: list = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    command_descs: list = field(default_factory=list)
    # Active only: every module's checks merged, in the `set_health_checks`
    # dict format, plus MGR_MODULE_ERROR / MGR_MODULE_DEPENDENCY.
    health_checks: dict = field(default_factory=dict)


class BeaconAck(Message):
    """The mon's answer to a beacon: which map it judged against and whether the
    sender is the active. ``null_map`` tells a mgr that claims to be active but
    is not to respawn (Ceph replies with a null MgrMap)."""

    TYPE = MsgType.BEACON_ACK
    gid: int
    mgrmap_epoch: int
    active: bool
    null_map: bool = False


# --- daemons -> mgr ---------------------------------------------------------


class MgrOpen(Message):
    """Daemons open their sessions with the active mgr (Ceph's MMgrOpen), a
    batch at a time from one fleet process: ``daemons`` is ``[[type, id,
    metadata], …]``; ``schema`` maps a daemon type to its perf-counter schema
    ``[[path, type, priority, units, nick, description], …]`` (column order
    of the reports); ``service`` is, for service daemons (rgw), ``{id:
    {start_stamp, gid, addr}}``."""

    TYPE = MsgType.MGR_OPEN
    daemons: list
    schema: dict = field(default_factory=dict)
    service: dict = field(default_factory=dict)


class MgrReport(Message):
    """Perf counters of many daemons of one type (Ceph's MMgrReport, batched):
    ``ids[i]``'s values are row ``i`` of ``values``, packed native doubles in
    the schema's column order (long-run averages take two columns: sum,
    count). ``status`` holds per-daemon status (mds state, rgw task status);
    ``pools`` the fleet's per-pool client I/O and usage totals (what the
    primaries' MPGStats add up to); ``pg_objects`` the RADOS objects per PG,
    ``{pool: [[ps, objects, bytes], …]}``, for the PGs that hold any;
    ``health`` the daemons' health metrics (Ceph's ``daemon_health_metrics``),
    ``{daemon id: [[metric, n1, n2], …]}`` (``SLOW_OPS``: count, oldest age in
    s) for the daemons of ``ids`` that have any: a daemon of ``ids`` not in it
    has none. ``mds_metrics``: what each rank-0 MDS sends of its CephFS clients
    (Ceph's MDSPerfMetricReport), ``{mds name: {"fs", "rank", "delayed_ranks",
    "clients": [[inst, {metric: [a, b]}], …]}}`` (`sim.fleet.mds_clients`).
    ``osd_perf_metrics``: each OSD's counts for the OSD perf queries since its last
    report, ``{osd: [[query, [[key, counters], …]], …]}`` (`sim.fleet.osd_perf_stats`)."""

    TYPE = MsgType.MGR_REPORT
    stamp: float
    daemon_type: str
    ids: list
    values: bytes
    status: dict = field(default_factory=dict)
    pools: dict = field(default_factory=dict)
    pg_objects: dict = field(default_factory=dict)
    health: dict = field(default_factory=dict)
    mds_metrics: dict = field(default_factory=dict)
    osd_perf_metrics: dict = field(default_factory=dict)


class MgrConfigure(Message):
    """Active mgr -> a fleet on its open and when they change: the OSD perf queries
    (MMgrConfigure), ``[[query, limits], …]``: ``query`` ``[[[key type, regex], …],
    [counter, …]]``, ``limits`` ``[[order_by, max_count], …]`` (`mgr.osd_perf_queries`)."""

    TYPE = MsgType.MGR_CONFIGURE
    osd_perf_metric_queries: list = field(default_factory=list)


# --- RADOS ------------------------------------------------------------------


class OsdOp(Message):
    """Ops on one object (Ceph's MOSDOp): ``ops`` is ``[[name, args…], …]``
    (`sim.fleet.objops`), applied all or nothing; ``oid`` empty and
    ``ops`` ``[["pgls", …]]`` lists a PG. ``epoch`` is the client's OSDMap
    epoch (the fleet waits for that map before it places the op);
    ``reqid`` (``client/tid``) lets a re-sent op be answered, not redone;
    ``addr`` is the client's address, checked against the map's blocklist."""

    TYPE = MsgType.OSD_OP
    pool: int
    ps: int
    oid: str
    ops: list
    nspace: str = ""
    epoch: int = 0
    reqid: str = ""
    mtime: float = 0.0
    addr: str = ""  # the client's address (``Rados.get_addrs``): blocklisted ones are refused
    client: str = ""  # the client's entity name, ``client.<global id>`` (Ceph's reqid.name)


class OsdOpReply(Message):
    """The outcome of an `OsdOp`: negative errno (0 = ok), one result per
    op, the object's version after it (``get_last_version``)."""

    TYPE = MsgType.OSD_OP_REPLY
    retval: int
    results: list = field(default_factory=list)
    version: int = 0
    epoch: int = 0


# --- observation ------------------------------------------------------------


class Event(Message):
    """Something observable happened inside a daemon (sent to the supervisor)."""

    TYPE = MsgType.EVENT
    kind: str
    stamp: float
    data: dict = field(default_factory=dict)


class Log(Message):
    """Cluster-log entries from a daemon to the mon: dicts with channel,
    priority, message, stamp."""

    TYPE = MsgType.LOG
    entries: list


class Retry(Message):
    """The mon cannot serve this request now (it is out of quorum, or the term in
    which it was being served ended before it was done): ask again, perhaps
    another mon. Nothing of the request has taken effect after this reply."""

    TYPE = MsgType.RETRY
    reason: str = ""
    in_quorum: bool = True  # False: this mon is out of quorum (hunt for another)


# --- mon <-> mon ------------------------------------------------------------


class MonElection(Message):
    """The elector's messages (``op``: propose, ack, victory); an ack carries the
    sender's last quorum, a victory the new quorum (ranks)."""

    TYPE = MsgType.MON_ELECTION
    op: str
    epoch: int
    quorum: list = field(default_factory=list)
    last_quorum_epoch: int = 0
    last_quorum: list = field(default_factory=list)


class MonPaxos(Message):
    """Paxos's messages (``op``: collect, last, share, begin, accept, commit,
    lease, lease_ack). ``values``: ``[[version, txn], …]``; ``uncommitted``:
    ``[version, pn, txn]`` or empty; ``snapshot``: ``[last_committed,
    first_committed, [[prefix, key, packed], …]]`` or empty."""

    TYPE = MsgType.MON_PAXOS
    op: str
    epoch: int
    pn: int = 0
    version: int = 0
    first_committed: int = 0
    last_committed: int = 0
    values: list = field(default_factory=list)
    uncommitted: list = field(default_factory=list)
    snapshot: list = field(default_factory=list)
    lease_until: float = 0.0
    round: int = 0


class MonForward(Message):
    """A peon hands a client's write to the leader (Ceph's MForward): ``kind`` is
    the request's message type, ``body`` its fields, ``client`` who sent it;
    ``epoch`` the election epoch it was forwarded in (a leader of another term
    drops it)."""

    TYPE = MsgType.MON_FORWARD
    fid: int
    client: str
    kind: str
    body: dict
    epoch: int = 0


class MonForwardReply(Message):
    """The leader's answer to a `MonForward`: the reply message (``kind``,
    ``body``), or ``retry`` with the reason it could not be done."""

    TYPE = MsgType.MON_FORWARD_REPLY
    fid: int
    kind: str = ""
    body: dict = field(default_factory=dict)
    retry: str = ""


class Envelope(Record):
    """A frame's header and its message (`sim.wire` encodes and decodes it)."""

    type: MsgType
    sender: str
    fsid: str
    tid: int
    msg: Message
    epoch: int = 0
    # a received frame's anti-replay fields (`sim.replay`); not part of equality
    route: Route | None = field(default=None, compare=False)
