"""The FSMap (Ceph 16.2's FSMap, MDSMap and mds_info_t): a pure model, its
wire and store form, and its dumps.

One FSMap holds the filesystems (each an `MDSMap` under a ``fscid``) and the
standby daemons; every MDS known to the map is an `MDSInfo`, keyed by gid.
The mon's MDSMonitor (`mon.mds_monitor`) changes it, commits it through
Paxos and publishes it as ``fsmap`` (`to_wire`); the mgr decodes it
(`from_wire`) for ``get('fs_map')`` (`dump`), and the fleet reads which of
its MDS daemons hold which rank. None of them imports another.

The renderings are Ceph's: `dump` is ``FSMap::dump`` (``fs dump -f json``),
`print_text` is ``FSMap::print`` (``fs dump``), `summary` is
``FSMap::print_summary`` (``mds stat``), `fs_ls` is ``fs ls``.

Who may import it: anyone (kernel floor: imports only `sim.formatting`).
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import Any

from sim.formatting import utc_stamp

STATE_STANDBY = "up:standby"
STATE_ACTIVE = "up:active"
MDS_FEATURES = 4540138314316775423  # what a 16.2 MDS reports (fs_dump.json)
MDSMAP_FLAGS = 18  # 0x12: allow_snaps | allow_multimds_snaps (printed in hex by ``fs dump``)
MAX_FILE_SIZE = 1 << 40

_FEATURES = {
    1: "base v0.20", 2: "client writeable ranges", 3: "default file layouts on dirs",
    4: "dir inode in separate object", 5: "mds uses versioned encoding",
    6: "dirfrag is stored in omap", 7: "mds uses inline data", 8: "no anchor table",
    9: "file layout v2", 10: "snaprealm v2",
}  # fmt: skip
DEFAULT_INCOMPAT = (1, 2, 3, 4, 5, 6, 8, 9, 10)  # the FSMap's default compat
MDSMAP_INCOMPAT = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)  # a filesystem's and an MDS's


def compat_dump(incompat: tuple[int, ...]) -> dict[str, Any]:
    return {
        "compat": {},
        "ro_compat": {},
        "incompat": {f"feature_{i}": _FEATURES[i] for i in incompat},
    }


def compat_text(incompat: tuple[int, ...]) -> str:
    """``CompatSet``'s ``operator<<``."""
    inc = ",".join(f"{i}={_FEATURES[i]}" for i in incompat)
    return f"compat={{}},rocompat={{}},incompat={{{inc}}}"


def stamp(t: float) -> str:
    return utc_stamp(t) if t else "0.000000"


@dataclass
class MDSInfo:
    """``mds_info_t``: one MDS daemon as the map knows it."""

    gid: int
    name: str
    rank: int = -1
    incarnation: int = 0
    state: str = STATE_STANDBY
    state_seq: int = 1
    port: int = 0  # its v2 port on 127.0.0.1 (v1 is the next)
    nonce: int = 0
    join_fscid: int = -1
    laggy_since: float = 0.0  # wall time it was marked laggy (0: not laggy)

    @property
    def addrvec(self) -> str:
        p, n = self.port, self.nonce
        return f"[v2:127.0.0.1:{p}/{n},v1:127.0.0.1:{p + 1}/{n}]"

    def human_name(self) -> str:
        return f"daemon mds.{self.name}"

    def dump(self) -> dict[str, Any]:
        p, n = self.port, self.nonce
        out: dict[str, Any] = {
            "gid": self.gid, "name": self.name, "rank": self.rank,
            "incarnation": self.incarnation, "state": self.state, "state_seq": self.state_seq,
            "addr": f"127.0.0.1:{p + 1}/{n}",
            "addrs": {"addrvec": [
                {"type": "v2", "addr": f"127.0.0.1:{p}", "nonce": n},
                {"type": "v1", "addr": f"127.0.0.1:{p + 1}", "nonce": n},
            ]},
            "join_fscid": self.join_fscid,
        }  # fmt: skip
        if self.laggy_since:
            out["laggy_since"] = stamp(self.laggy_since)
        out |= {"export_targets": [], "features": MDS_FEATURES, "flags": 0,
                "compat": compat_dump(MDSMAP_INCOMPAT)}  # fmt: skip
        return out

    def text(self) -> str:
        """``mds_info_t::print_summary``: one line of ``fs dump``."""
        laggy = f" laggy since {stamp(self.laggy_since)}" if self.laggy_since else ""
        return (
            f"[mds.{self.name}{{{self.rank}:{self.gid}}} state {self.state} seq {self.state_seq}"
            f"{laggy} addr {self.addrvec} compat {{c=[1],r=[1],i=[7ff]}}]"
        )


@dataclass
class MDSMap:
    """One filesystem's map (``MDSMap``)."""

    fs_name: str
    metadata_pool: int
    data_pools: list[int]
    epoch: int = 1
    created: float = 0.0
    modified: float = 0.0
    max_mds: int = 1
    in_: list[int] = field(default_factory=list)
    up: dict[int, int] = field(default_factory=dict)  # rank -> gid
    failed: list[int] = field(default_factory=list)
    damaged: list[int] = field(default_factory=list)
    stopped: list[int] = field(default_factory=list)
    info: dict[int, MDSInfo] = field(default_factory=dict)  # gid -> the daemons holding ranks
    last_failure: int = 0
    last_failure_osd_epoch: int = 0
    standby_count_wanted: int = 0
    session_timeout: int = 60
    session_autoclose: int = 300

    def is_degraded(self) -> bool:
        """Ranks failed or damaged, or an up rank not yet active (Ceph's ``is_degraded``)."""
        if self.failed or self.damaged:
            return True
        return any(self.info[g].state != STATE_ACTIVE for g in self.up.values() if g in self.info)

    def dump(self) -> dict[str, Any]:
        return {
            "epoch": self.epoch, "flags": MDSMAP_FLAGS, "ever_allowed_features": 0,
            "explicitly_allowed_features": 0, "created": stamp(self.created),
            "modified": stamp(self.modified), "tableserver": 0, "root": 0,
            "session_timeout": self.session_timeout, "session_autoclose": self.session_autoclose,
            "required_client_features": {}, "max_file_size": MAX_FILE_SIZE,
            "last_failure": self.last_failure,
            "last_failure_osd_epoch": self.last_failure_osd_epoch,
            "compat": compat_dump(MDSMAP_INCOMPAT), "max_mds": self.max_mds,
            "in": sorted(self.in_), "up": {f"mds_{r}": g for r, g in sorted(self.up.items())},
            "failed": sorted(self.failed), "damaged": sorted(self.damaged),
            "stopped": sorted(self.stopped),
            "info": {f"gid_{g}": i.dump() for g, i in sorted(self.info.items())},
            "data_pools": list(self.data_pools), "metadata_pool": self.metadata_pool,
            "enabled": True, "fs_name": self.fs_name, "balancer": "",
            "standby_count_wanted": self.standby_count_wanted,
        }  # fmt: skip

    def text(self) -> str:
        """``MDSMap::print``."""

        def ranks(xs: list[int]) -> str:
            return ",".join(str(x) for x in sorted(xs))

        up = ",".join(f"{r}={g}" for r, g in sorted(self.up.items()))
        lines = [
            f"fs_name\t{self.fs_name}", f"epoch\t{self.epoch}", f"flags\t{MDSMAP_FLAGS:x}",
            f"created\t{stamp(self.created)}", f"modified\t{stamp(self.modified)}",
            "tableserver\t0", "root\t0", f"session_timeout\t{self.session_timeout}",
            f"session_autoclose\t{self.session_autoclose}", f"max_file_size\t{MAX_FILE_SIZE}",
            "required_client_features\t{}", f"last_failure\t{self.last_failure}",
            f"last_failure_osd_epoch\t{self.last_failure_osd_epoch}",
            f"compat\t{compat_text(MDSMAP_INCOMPAT)}", f"max_mds\t{self.max_mds}",
            f"in\t{ranks(self.in_)}", f"up\t{{{up}}}", f"failed\t{ranks(self.failed)}",
            f"damaged\t{ranks(self.damaged)}", f"stopped\t{ranks(self.stopped)}",
            f"data_pools\t[{','.join(str(p) for p in self.data_pools)}]",
            f"metadata_pool\t{self.metadata_pool}", "inline_data\tdisabled", "balancer\t",
            f"standby_count_wanted\t{max(0, self.standby_count_wanted)}",
        ]  # fmt: skip
        for i in sorted(self.info.values(), key=lambda i: (i.rank, i.incarnation - 1, i.gid)):
            lines.append(i.text())
        return "\n".join(lines) + "\n"


@dataclass
class FSMap:
    """``FSMap``: the filesystems and the standby daemons."""

    epoch: int = 1
    filesystems: dict[int, MDSMap] = field(default_factory=dict)  # fscid -> its map
    standbys: dict[int, MDSInfo] = field(default_factory=dict)  # gid -> standby
    standby_epochs: dict[int, int] = field(default_factory=dict)  # gid -> epoch it joined
    next_fscid: int = 1

    @property
    def default_fscid(self) -> int:
        return min(self.filesystems) if self.filesystems else -1

    def copy(self) -> FSMap:
        return copy.deepcopy(self)

    # --- lookups --------------------------------------------------------------------------

    def all_infos(self) -> list[tuple[int | None, MDSInfo]]:
        """Every daemon of the map: (fscid or None for a standby, its info)."""
        out: list[tuple[int | None, MDSInfo]] = [(None, i) for i in self.standbys.values()]
        for fscid, m in self.filesystems.items():
            out += [(fscid, i) for i in m.info.values()]
        return out

    def find_gid(self, gid: int) -> tuple[int | None, MDSInfo] | None:
        if gid in self.standbys:
            return None, self.standbys[gid]
        for fscid, m in self.filesystems.items():
            if gid in m.info:
                return fscid, m.info[gid]
        return None

    def find_name(self, name: str) -> MDSInfo | None:
        return next((i for _, i in self.all_infos() if i.name == name), None)

    def filesystem_by_name(self, name: str) -> tuple[int, MDSMap] | None:
        return next(((f, m) for f, m in self.filesystems.items() if m.fs_name == name), None)

    # --- changes (pure; the MDSMonitor calls them on its pending copy) ---------------------

    def new_filesystem(
        self, name: str, metadata_pool: int, data_pools: list[int], now: float
    ) -> MDSMap:
        m = MDSMap(name, metadata_pool, list(data_pools), self.epoch, now, now)
        self.filesystems[self.next_fscid] = m
        self.next_fscid += 1
        return m

    def insert_standby(self, info: MDSInfo) -> None:
        info.rank, info.state, info.incarnation = -1, STATE_STANDBY, 0
        self.standbys[info.gid] = info
        self.standby_epochs[info.gid] = self.epoch

    def promote(self, gid: int, fscid: int, rank: int, now: float) -> MDSInfo:
        """A standby takes ``rank`` of filesystem ``fscid`` (here straight to up:active)."""
        info = self.standbys.pop(gid)
        self.standby_epochs.pop(gid, None)
        m = self.filesystems[fscid]
        info.rank, info.incarnation, info.state = rank, self.epoch, STATE_ACTIVE
        info.state_seq += 1
        info.laggy_since = 0.0
        m.info[gid] = info
        m.up[rank] = gid
        if rank not in m.in_:
            m.in_.append(rank)
        if rank in m.failed:
            m.failed.remove(rank)
        m.epoch, m.modified = self.epoch, now
        return info

    def erase(self, gid: int, now: float) -> int | None:
        """Fail a daemon: a standby leaves the map; a ranked one leaves its rank
        ``failed``. Returns the rank it held (None if it held none)."""
        if gid in self.standbys:
            del self.standbys[gid]
            self.standby_epochs.pop(gid, None)
            return None
        for m in self.filesystems.values():
            info = m.info.pop(gid, None)
            if info is None:
                continue
            m.epoch, m.modified = self.epoch, now
            if info.rank >= 0 and m.up.get(info.rank) == gid:
                del m.up[info.rank]
                m.failed.append(info.rank)
                return info.rank
            return None
        return None

    def touch(self, fscid: int | None, now: float) -> None:
        """A daemon of ``fscid`` changed: its MDSMap takes the FSMap's epoch."""
        if fscid is not None and fscid in self.filesystems:
            m = self.filesystems[fscid]
            m.epoch, m.modified = self.epoch, now

    # --- wire / store ------------------------------------------------------------------------

    def to_wire(self) -> dict[str, Any]:
        fss = []
        for fscid, m in sorted(self.filesystems.items()):
            d = asdict(m)
            d["info"] = [asdict(i) for i in m.info.values()]
            d["up"] = [[r, g] for r, g in m.up.items()]
            fss.append([fscid, d])
        return {
            "epoch": self.epoch,
            "next_fscid": self.next_fscid,
            "filesystems": fss,
            "standbys": [[asdict(i), self.standby_epochs.get(g, self.epoch)]
                         for g, i in self.standbys.items()],
        }  # fmt: skip

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> FSMap:
        out = cls(epoch=int(d["epoch"]), next_fscid=int(d.get("next_fscid", 1)))
        for fscid, raw in d.get("filesystems", []):
            raw = dict(raw)
            infos = [MDSInfo(**i) for i in raw.pop("info", [])]
            up = {int(r): int(g) for r, g in raw.pop("up", [])}
            m = MDSMap(**raw)
            m.info = {i.gid: i for i in infos}
            m.up = up
            out.filesystems[int(fscid)] = m
        for raw, epoch in d.get("standbys", []):
            info = MDSInfo(**raw)
            out.standbys[info.gid] = info
            out.standby_epochs[info.gid] = int(epoch)
        return out

    # --- renderings ----------------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        """``FSMap::dump`` (``fs dump -f json``, ``get('fs_map')``)."""
        return {
            "epoch": self.epoch,
            "default_fscid": self.default_fscid,
            "compat": compat_dump(DEFAULT_INCOMPAT),
            "feature_flags": {"enable_multiple": True, "ever_enabled_multiple": True},
            "standbys": [
                i.dump() | {"epoch": self.standby_epochs.get(g, self.epoch)}
                for g, i in sorted(self.standbys.items())
            ],
            "filesystems": [
                {"mdsmap": m.dump(), "id": f} for f, m in sorted(self.filesystems.items())
            ],
        }

    def print_text(self) -> str:
        """``FSMap::print`` (plain ``fs dump``)."""
        out = [
            f"e{self.epoch}",
            "enable_multiple, ever_enabled_multiple: 1,1",
            f"default compat: {compat_text(DEFAULT_INCOMPAT)}",
            f"legacy client fscid: {self.default_fscid}",
            " ",
        ]
        text = "\n".join(out) + "\n"
        if not self.filesystems:
            text += "No filesystems configured\n"
        for fscid, m in sorted(self.filesystems.items()):
            text += f"Filesystem '{m.fs_name}' ({fscid})\n" + m.text() + " \n \n"
        if self.standbys:
            text += "Standby daemons:\n \n"
        for _, i in sorted(self.standbys.items()):
            text += i.text() + "\n"
        return text

    def summary(self) -> str:
        """``FSMap::print_summary`` without a formatter (``mds stat``)."""
        parts = []
        for m in (self.filesystems[f] for f in sorted(self.filesystems)):
            if m.is_degraded():
                parts.append(f"{m.fs_name}:{len(m.up)}/{len(m.in_)}")
            else:
                parts.append(f"{m.fs_name}:{len(m.in_)}")
        out = " ".join(parts) if len(self.filesystems) <= 3 else f"{len(self.filesystems)} fs"
        by_rank: list[tuple[tuple[int, int], str]] = []
        by_state: dict[str, int] = {}
        for fscid, info in self.all_infos():
            state = info.state + ("(laggy or crashed)" if info.laggy_since else "")
            if fscid is not None and info.rank >= 0:
                by_rank.append(((fscid, info.rank), f"{info.name}={state}"))
            else:
                by_state[state] = by_state.get(state, 0) + 1
        if by_rank:
            if len(self.filesystems) == 1:
                items = [f"{r}={s}" for (_, r), s in sorted(by_rank)]
            else:
                items = [f"{f}:{r}={s}" for (f, r), s in sorted(by_rank)]
            out += " {" + ",".join(items) + "}"
        for state, n in sorted(by_state.items(), reverse=True):
            out += f" {n} {state}"
        failed = sum(len(m.failed) for m in self.filesystems.values())
        damaged = sum(len(m.damaged) for m in self.filesystems.values())
        if failed:
            out += f", {failed} failed"
        if damaged:
            out += f", {damaged} damaged"
        return out

    def status_summary(self) -> dict[str, Any]:
        """``FSMap::print_summary`` with a formatter (``status``'s ``fsmap``)."""
        out: dict[str, Any] = {"epoch": self.epoch}
        for fscid, m in sorted(self.filesystems.items()):
            out |= {"id": fscid, "up": len(m.up), "in": len(m.in_), "max": m.max_mds}
        out["by_rank"] = [
            {"filesystem_id": f, "rank": i.rank, "name": i.name,
             "status": i.state + ("(laggy or crashed)" if i.laggy_since else ""), "gid": i.gid}
            for f, m in sorted(self.filesystems.items())
            for i in sorted(m.info.values(), key=lambda i: i.rank) if i.rank >= 0
        ]  # fmt: skip
        out["up:standby"] = len(self.standbys)
        failed = sum(len(m.failed) for m in self.filesystems.values())
        if failed:
            out["failed"] = failed
        return out

    def daemon_summary(self) -> str:
        """``FSMap::print_daemon_summary``: ``status``'s ``mds:`` line ("" for none)."""
        if not self.filesystems and not self.standbys:
            return ""
        up = sum(len(m.up) for m in self.filesystems.values())
        in_ = sum(len(m.in_) for m in self.filesystems.values())
        failed = sum(len(m.failed) for m in self.filesystems.values())
        out = f"{up}/{in_} daemons up"
        if failed:
            out += f" ({failed} failed)"
        if self.standbys:
            out += f", {len(self.standbys)} standby"
        return out

    def fs_summary(self) -> str:
        """``FSMap::print_fs_summary``: ``status``'s ``volumes:`` line ("" for none)."""
        if not self.filesystems:
            return ""
        healthy = recovering = failed = 0
        for m in self.filesystems.values():
            if m.failed:
                failed += 1
            elif m.is_degraded():
                recovering += 1
            else:
                healthy += 1
        out = f"{healthy}/{len(self.filesystems)} healthy"
        if recovering:
            out += f", {recovering} recovering"
        if failed:
            out += f", {failed} failed"
        return out

    def fs_ls(self, pool_names: dict[int, str]) -> list[dict[str, Any]]:
        """``fs ls -f json``: every filesystem's name and pools."""
        return [
            {
                "name": m.fs_name,
                "metadata_pool": pool_names.get(m.metadata_pool, ""),
                "metadata_pool_id": m.metadata_pool,
                "data_pool_ids": list(m.data_pools),
                "data_pools": [pool_names.get(p, "") for p in m.data_pools],
            }
            for _, m in sorted(self.filesystems.items())
        ]


def fs_ls_text(entries: list[dict[str, Any]]) -> str:
    """``fs ls`` plain (Ceph prints each data pool followed by a blank)."""
    if not entries:
        return "No filesystems enabled\n"
    return "".join(
        f"name: {e['name']}, metadata pool: {e['metadata_pool']}, data pools: ["
        + "".join(f"{p} " for p in e["data_pools"])
        + "]\n"
        for e in entries
    )
