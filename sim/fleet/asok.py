"""The admin sockets of the fleet's OSDs and MDSs (``ceph daemon osd.3 …``).

The fleet process answers for each of its daemons: the admin endpoint is
bound once as ``$run_dir/ceph-fleet.ID.asok`` and every member gets its
``ceph-osd.N.asok`` / ``ceph-mds.X.asok`` as a symlink to it (one listening
socket for 10,000 OSDs, not 10,000); a request names its daemon (``target``).
`MemberAsok` is one member as `sim.asok` sees it: its own running config
(an admin socket ``config set`` changes that daemon's view only, so it is
"not observed"), its perf counters (its row of the fleet's population), and
Ceph 16.2's ``status`` of an OSD and of an MDS.

Who may import it: `sim.fleet.daemon` and tests.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Protocol

from sim.asok import AdminSocket, AsokTable, RunningConfig
from sim.asok import common as asok_common
from sim.fleet.mds import MDSDaemons
from sim.fleet.mds_clients import CephFSClients
from sim.fleet.members import Members
from sim.fleet.metadata import osd_device
from sim.fleet.pgs import OSDService, Waiting
from sim.fleet.smart import smartctl
from sim.fleet.workload import Population
from sim.formatting import utc_stamp
from sim.maps.osdmap import OSDMap
from sim.maps.pgmap import object_pg
from sim.options import Options
from sim.perf import admin_dump, admin_schema

OSD_TABLE = AsokTable()
MDS_TABLE = AsokTable()


class FleetView(Protocol):
    """What a member's admin socket reads of its fleet."""

    @property
    def members(self) -> Members: ...
    @property
    def mds_daemons(self) -> MDSDaemons: ...
    @property
    def mds_clients(self) -> CephFSClients: ...
    @property
    def populations(self) -> dict[str, Population]: ...
    @property
    def osdmap(self) -> OSDMap: ...
    @property
    def options(self) -> Options: ...
    @property
    def fsid(self) -> str: ...
    @property
    def started_stamp(self) -> float: ...
    @property
    def objects(self) -> OSDService: ...
    def fixed_config(self, name: str) -> dict[str, str]: ...


def osd_fsid(fsid: str, osd: int) -> str:
    """The OSD's uuid, as the fleet boots it."""
    return str(uuid.uuid5(uuid.NAMESPACE_OID, f"{fsid}/osd.{osd}"))


class MemberAsok:
    """One fleet member as its admin socket sees it (implements `sim.asok.AsokHost`)."""

    def __init__(self, fleet: FleetView, dtype: str, daemon_id: str) -> None:
        self.fleet = fleet
        self.dtype = dtype
        self.daemon_id = daemon_id
        self.name = f"{dtype}.{daemon_id}"
        self.config = RunningConfig(self.name, fleet.options, fleet.fixed_config(self.name))
        tables = [asok_common.TABLE, *({"osd": [OSD_TABLE], "mds": [MDS_TABLE]}.get(dtype, []))]
        self.asok = AdminSocket(self, tables)

    def _row(self) -> tuple[Population, list[float]] | None:
        pop = self.fleet.populations.get(self.dtype)
        if pop is None:
            return None
        key: str | int = int(self.daemon_id) if self.dtype == "osd" else self.daemon_id
        try:
            i = pop.ids.index(key)
        except ValueError:
            return None
        return pop, list(pop.values[i * pop.width : (i + 1) * pop.width])

    def perf_dump(self) -> dict[str, Any]:
        got = self._row()
        return admin_dump(got[0].schema, got[1]) if got else {}

    def perf_schema(self) -> dict[str, Any]:
        pop = self.fleet.populations.get(self.dtype)
        return admin_schema(pop.schema) if pop else {}

    def mempools(self) -> dict[str, tuple[int, int]]:
        return {}

    def num_pgs(self) -> int:
        got = self._row()
        if not got:
            return 0
        pop, row = got
        return int(row[pop.col["osd.numpg"]]) if "osd.numpg" in pop.col else 0


@OSD_TABLE.command("status", "high-level status of OSD")
def osd_status(host: MemberAsok, cmd: dict[str, Any]) -> dict[str, Any]:
    osd = int(host.daemon_id)
    m = host.fleet.osdmap
    return {
        "cluster_fsid": host.fleet.fsid,
        "osd_fsid": osd_fsid(host.fleet.fsid, osd),
        "whoami": osd,
        "state": "active" if m.is_up(osd) else "booting",
        "oldest_map": 1,
        "cluster_osdmap_trim_lower_bound": 1,
        "newest_map": m.epoch,
        "num_pgs": host.num_pgs(),
    }


@OSD_TABLE.command(
    "smart name=devid,type=CephString,req=false", "probe OSD devices for SMART data."
)
def osd_smart(host: MemberAsok, cmd: dict[str, Any]) -> dict[str, Any]:
    """``{devid: smartctl's JSON}`` for the OSD's devices (only ``devid`` if given)."""
    osd = int(host.daemon_id)
    dev, devid = osd_device(osd, host.fleet.members.host(osd))
    if cmd.get("devid") and cmd["devid"] != devid:
        return {}
    return {devid: smartctl(devid, dev)}


def _op_dump(host: MemberAsok, w: Waiting, now: float, wall: float) -> dict[str, Any]:
    """One op as Ceph's OpTracker dumps it (an op here waits from its arrival on)."""
    op, m = w.op, host.fleet.osdmap
    age = now - w.since
    ps = object_pg(m, op.pool, op.oid, op.nspace)[0] if op.oid and op.pool in m.pools else op.ps
    client, _, tid = op.reqid.rpartition("/")
    names = ",".join(str(o[0]) for o in op.ops if isinstance(o, list) and o)
    initiated = utc_stamp(wall - age)
    return {
        "description": f"osd_op({client}:{tid} {op.pool}.{max(ps, 0):x} {op.pool}:{op.oid} "
                       f"[{names}] e{op.epoch})",
        "initiated_at": initiated,
        "age": round(age, 6),
        "duration": round(age, 6),
        "type_data": {
            "flag_point": "delayed",
            "client_info": {"client": client.rsplit(".", 3)[0] if client.count(".") >= 3 else client,
                            "client_addr": op.addr, "tid": int(tid) if tid.isdigit() else 0},
            "events": [{"event": "initiated", "time": initiated, "duration": 0},
                       {"event": "delayed", "time": initiated, "duration": round(age, 6)}],
        },
    }  # fmt: skip


def _ops(host: MemberAsok, cmd: dict[str, Any]) -> list[dict[str, Any]]:
    """The ops held, those whose description contains one of ``filterstr`` if given."""
    now, wall = time.monotonic(), time.time()
    held = host.fleet.objects.held_by(int(host.daemon_id))
    ops = [_op_dump(host, w, now, wall) for w in held]
    raw = cmd.get("filterstr") or []
    filters = [str(f) for f in (raw if isinstance(raw, list) else [raw])]
    return [o for o in ops if any(f in o["description"] for f in filters)] if filters else ops


@OSD_TABLE.command(
    "dump_ops_in_flight name=filterstr,type=CephString,n=N,req=false",
    "show the ops currently in flight",
)
def osd_ops_in_flight(host: MemberAsok, cmd: dict[str, Any]) -> dict[str, Any]:
    """The client ops this OSD holds: those waiting for their PG (an op that can be
    served is answered at once here, so only waiting ops are ever in flight)."""
    ops = _ops(host, cmd)
    return {"ops": ops, "num_ops": len(ops)}


@OSD_TABLE.command(
    "ops name=filterstr,type=CephString,n=N,req=false", "show the ops currently in flight"
)
def osd_ops(host: MemberAsok, cmd: dict[str, Any]) -> dict[str, Any]:
    return osd_ops_in_flight(host, cmd)


@OSD_TABLE.command(
    "dump_blocked_ops name=filterstr,type=CephString,n=N,req=false",
    "show the blocked ops currently in flight",
)
def osd_blocked_ops(host: MemberAsok, cmd: dict[str, Any]) -> dict[str, Any]:
    """The ops in flight for longer than ``osd_op_complaint_time`` (the slow ops)."""
    complaint = float(host.fleet.options["osd_op_complaint_time"])
    ops = [o for o in _ops(host, cmd) if o["age"] >= complaint]
    return {"ops": ops, "complaint_time": complaint, "num_blocked_ops": len(ops)}


@MDS_TABLE.command("status", "high-level status of MDS")
def mds_status(host: MemberAsok, cmd: dict[str, Any]) -> dict[str, Any]:
    """The MDS as the mon's FSMap has it (rank, state, the map's epoch)."""
    mds = host.fleet.mds_daemons
    name = host.daemon_id
    state, rank = mds.state_of(name)
    uptime = max(0.0, time.time() - host.fleet.started_stamp)
    epoch = host.fleet.osdmap.epoch
    return {
        "cluster_fsid": host.fleet.fsid,
        "whoami": rank,
        "id": mds.gid[name],
        "want_state": mds.want_state(name),
        "state": state,
        "fs_name": mds.fs_name_of(name),
        "rank_uptime": uptime if rank >= 0 else 0.0,
        "mdsmap_epoch": mds.fsmap.epoch,
        "osdmap_epoch": epoch,
        "osdmap_epoch_barrier": epoch,
        "uptime": uptime,
    }


@MDS_TABLE.command("client ls name=filters,type=CephString,n=N,req=false",
                   "List client sessions based on a filter")  # fmt: skip
@MDS_TABLE.command("session ls name=filters,type=CephString,n=N,req=false",
                   "List client sessions based on a filter")  # fmt: skip
def mds_client_ls(host: MemberAsok, cmd: dict[str, Any]) -> list[dict[str, Any]]:
    """The MDS's client sessions: the workload's clients if it holds rank 0 of a
    file system (`sim.fleet.mds_clients`), else none."""
    mds = host.fleet.mds_daemons
    state, rank = mds.state_of(host.daemon_id)
    if rank != 0 or state != "up:active":
        return []
    uptime = max(0.0, time.time() - host.fleet.started_stamp)
    return host.fleet.mds_clients.sessions(mds.fs_name_of(host.daemon_id), uptime)
