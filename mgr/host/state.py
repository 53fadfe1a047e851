"""The cluster state an active mgr's modules read (``get()``, servers, metadata, counters).

Backing, as in ceph-mgr:

- maps pushed by the mon: ``mgr_map`` (MgrMap::dump), ``mon_map``;
- a periodic digest the active derives from the mon every
  ``mon_mgr_digest_period`` (Ceph's mon->mgr digest): ``health`` and
  ``mon_status`` (both ``{"json": "<text>"}``), mgr metadata, and the
  ``cluster.num_mon``/``cluster.num_mon_quorum`` counters of the mons;
- OSD, PG, FS and service data: Ceph-shaped empty structures until the
  simulated fleet exists (``sim.maps.clusterdata``).

Every answer is a fresh copy, so a module may modify what it gets. Unknown
names give None, except names starting ``config``/``osd_map`` ({}).
"""

from __future__ import annotations

import collections
import copy
import json
import socket
import time
from typing import Any

from sim.formatting import utc_stamp
from sim.maps import clusterdata

HEALTH_OK = {"status": "HEALTH_OK", "checks": {}, "mutes": []}
COUNTER_SAMPLES = 64
U64_GAUGE = 2  # PERFCOUNTER_U64, no counter bits: a gauge


class ClusterState:
    def __init__(
        self, fsid: str, mgr_id: str, ceph_version: str, created: float, daemons: Any = None
    ) -> None:
        self.fsid = fsid
        # mgr.daemon_state.DaemonState: OSDMap, PGMap, OSD/MDS/RGW reports (None: no fleet data)
        self.fleet = daemons
        self.mgr_id = mgr_id
        self.ceph_version = ceph_version
        self.stamp = utc_stamp(created)
        self.hostname = socket.gethostname()
        self.mgrmap: dict[str, Any] = {}
        self.monmap: dict[str, Any] = {}
        self.health: dict[str, Any] = dict(HEALTH_OK)
        self.mon_status: dict[str, Any] = {}
        self.mgr_metadata: dict[str, dict[str, str]] = {}
        self.counters: dict[tuple[str, str], collections.deque[list[float]]] = {}
        self.digest_at = 0.0

    # --- inputs -----------------------------------------------------------------

    def set_mgrmap(self, body: dict[str, Any]) -> None:
        self.mgrmap = {k: v for k, v in body.items() if k != "command_descs"}

    def set_monmap(self, body: dict[str, Any]) -> None:
        self.monmap = dict(body)

    def set_digest(self, health: dict[str, Any] | None, quorum: dict[str, Any] | None) -> None:
        now = time.time()
        self.digest_at = now
        if health is not None:
            self.health = health
        if quorum is not None:
            self.mon_status = _mon_status(quorum)
            leader = str(quorum.get("quorum_leader_name", ""))
            if leader:
                n_mon = len(quorum.get("monmap", {}).get("mons", []))
                self._sample(f"mon.{leader}", "cluster.num_mon", now, n_mon)
                self._sample(
                    f"mon.{leader}", "cluster.num_mon_quorum", now, len(quorum.get("quorum", []))
                )

    def set_mgr_metadata(self, entries: list[dict[str, Any]]) -> None:
        self.mgr_metadata = {
            str(e["name"]): {str(k): str(v) for k, v in e.items() if k != "name"}
            for e in entries
            if isinstance(e, dict) and "name" in e
        }

    def _sample(self, daemon: str, path: str, t: float, value: float) -> None:
        series = self.counters.setdefault((daemon, path), collections.deque(maxlen=COUNTER_SAMPLES))
        series.append([t, value])

    # --- get() ------------------------------------------------------------------

    def get(self, name: str) -> Any:
        if self.fleet is not None:
            found, value = self.fleet.get(name)
            if found:
                return value
        if name == "mgr_map":
            return copy.deepcopy(self.mgrmap) if self.mgrmap else None
        if name == "mon_map":
            return copy.deepcopy(self.monmap) if self.monmap else None
        if name == "osd_map":
            return clusterdata.empty_osd_map(1, self.fsid, self.stamp)
        if name == "fs_map":
            return clusterdata.empty_fs_map(1, self.stamp)
        if name == "service_map":
            return clusterdata.empty_service_map(self.stamp)
        if name == "health":
            return {"json": json.dumps(self.health)}
        if name == "mon_status":
            return {"json": json.dumps(self.mon_status)}
        if name == "mgr_ips":
            return {"ips": ["127.0.0.1"]}
        if name.startswith("device "):
            return {}
        data = clusterdata.pg_data(name, self.stamp)
        if data is not None:
            return data
        if name.startswith(("config", "osd_map")):
            return {}
        return None

    # --- daemons ------------------------------------------------------------------

    def daemons(self) -> list[tuple[str, str]]:
        out = [("mon", str(m["name"])) for m in self.monmap.get("mons", [])]
        names = [self.mgrmap.get("active_name", "")]
        names += [s.get("name", "") for s in self.mgrmap.get("standbys", [])]
        out += [("mgr", n) for n in names if n]
        return out

    def list_servers(self) -> list[dict[str, Any]]:
        services = [{"type": t, "id": i} for t, i in self.daemons()]
        hosts: dict[str, list[dict[str, str]]] = {self.hostname: services} if services else {}
        if self.fleet is not None:
            for host, svcs in self.fleet.servers().items():
                hosts.setdefault(host, []).extend({"type": s["type"], "id": s["id"]} for s in svcs)
        return [
            {"hostname": h, "services": s, "ceph_version": self.ceph_version}
            for h, s in hosts.items()
        ]

    def get_server(self, hostname: str) -> dict[str, Any]:
        for s in self.list_servers():
            if s["hostname"] == hostname:
                return s
        return {"hostname": hostname, "services": [], "ceph_version": ""}

    def get_metadata(self, svc_type: str, svc_id: str) -> dict[str, str] | None:
        if self.fleet is not None and svc_type not in ("mon", "mgr"):
            md: dict[str, str] | None = self.fleet.get_metadata(svc_type, svc_id)
            return md
        if (svc_type, svc_id) not in self.daemons():
            return None
        if svc_type == "mgr":
            md = self.mgr_metadata.get(svc_id)
            if md:
                return {"hostname": self.hostname, **md}
        return {"hostname": self.hostname, "ceph_version": self.ceph_version, "name": svc_id}

    def get_daemon_status(self, svc_type: str, svc_id: str) -> dict[str, str] | None:
        if self.fleet is not None and svc_type not in ("mon", "mgr"):
            st: dict[str, str] | None = self.fleet.get_daemon_status(svc_type, svc_id)
            return st
        return {} if (svc_type, svc_id) in self.daemons() else None

    def perf_schema(self, svc_type: str, svc_name: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.fleet is not None:
            out.update(self.fleet.perf_schema(svc_type, svc_name))
        for (daemon, path), _series in self.counters.items():
            t, _, i = daemon.partition(".")
            if (svc_type and t != svc_type) or (svc_name and i != svc_name):
                continue
            out.setdefault(daemon, {})[path] = {
                "description": path.split(".", 1)[1].replace("_", " "),
                "nick": "",
                "type": U64_GAUGE,
                "priority": 5,
                "units": 1,
            }
        return out

    def counter(self, svc_type: str, svc_name: str, path: str) -> dict[str, Any]:
        found = self.fleet.counter(svc_type, svc_name, path) if self.fleet is not None else None
        if found is not None:
            return dict(found)
        series = self.counters.get((f"{svc_type}.{svc_name}", path))
        return {path: [list(p) for p in series] if series else []}

    def latest_counter(self, svc_type: str, svc_name: str, path: str) -> dict[str, Any]:
        found = self.fleet.latest_counter(svc_type, svc_name, path) if self.fleet else None
        if found is not None:
            return dict(found)
        series = self.counters.get((f"{svc_type}.{svc_name}", path))
        return {path: list(series[-1]) if series else []}


def _mon_status(q: dict[str, Any]) -> dict[str, Any]:
    """A ``mon_status``-shaped dict from ``quorum_status`` (what the digest carries)."""
    leader = q.get("quorum_leader_name", "")
    mons = q.get("monmap", {}).get("mons", [])
    rank = next((m.get("rank", -1) for m in mons if m.get("name") == leader), -1)
    return {
        "name": leader,
        "rank": rank,
        "state": "leader" if leader else "probing",
        "election_epoch": q.get("election_epoch", 0),
        "quorum": q.get("quorum", []),
        "quorum_names": q.get("quorum_names", []),
        "quorum_leader_name": leader,
        "quorum_age": q.get("quorum_age", 0),
        "features": q.get("features", {}),
        "outside_quorum": [],
        "extra_probe_peers": [],
        "sync_provider": [],
        "monmap": q.get("monmap", {}),
    }
