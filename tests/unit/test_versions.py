"""`ceph versions` and `ceph mon|mgr|osd|mds versions` against real Ceph 16.2's shape.

The handlers run on the fake mon (real services, no processes); the expected
shape is the captured `versions.json` / `v2_versions.json` (keys, nesting, one
version string per type, counts that add up in ``overall``)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from mon.commands import COMMANDS, dispatch
from sim.cmdparse import Flag
from sim.formatting import cli_stdout
from sim.messages import MgrBeacon
from sim.version import CEPH_VERSION
from tests.golden import golden_text
from tests.unit.fake_mon import FakeMon


def _mon_with(mgrs: list[str], osds: int) -> FakeMon:
    mon = FakeMon()
    mm = mon.mgrmon
    mm.on_restart()
    md = {"ceph_version": CEPH_VERSION, "hostname": "h"}
    beacons = [
        MgrBeacon(gid=4100 + i, name=n, available=False, metadata=md) for i, n in enumerate(mgrs)
    ]
    if mgrs:  # the first becomes active, then says it is available
        beacons.insert(1, MgrBeacon(gid=4100, name=mgrs[0], available=True, addr="127.0.0.1:1"))
    for b in beacons:
        mm.prepare_beacon(b)
        if mm.has_pending():
            mm.committed(mm.pending)
    if not osds:
        return mon
    mon.osd_service.boot(
        [{"osd": o, "uuid": str(uuid.uuid4()), "host": "h", "nonce": 1} for o in range(osds)],
        time.time(),
    )
    pending = mon.osd_service.take_pending()
    assert pending is not None
    mon.osd_service.commit(pending)
    return mon


def _run(mon: FakeMon, prefix: str, fmt: str | None = None) -> str:
    cmd: dict[str, Any] = {"prefix": prefix}
    if fmt:
        cmd["format"] = fmt
    _mc, reply = dispatch(mon, cmd)
    assert reply.retval == 0, reply.outs
    return cli_stdout(fmt or "plain", reply.render(fmt).decode())


def _shape(d: dict[str, Any]) -> dict[str, Any]:
    return {k: sorted(v.values()) for k, v in d.items()}


def test_versions_matches_the_goldens_shape() -> None:
    golden = json.loads(golden_text("versions.json"))
    mon = _mon_with(["x", "y"], 3)
    ours = json.loads(_run(mon, "versions", "json-pretty"))
    assert list(ours) == list(golden)  # mon, mgr, osd, mds, overall
    # the golden cluster: 3 mons, 2 mgrs, 3 OSDs, no MDS; ours: 1 mon (the fake's quorum)
    assert _shape(ours) == {"mon": [1], "mgr": [2], "osd": [3], "mds": [], "overall": [6]}
    assert _shape(golden) == {"mon": [3], "mgr": [2], "osd": [3], "mds": [], "overall": [8]}
    for counts in ours.values():
        assert set(counts) <= {CEPH_VERSION}
    # the same string layout as real Ceph's: "ceph version X (sha) release (stable)"
    (real,) = golden["overall"]
    assert CEPH_VERSION.split(" (")[0] == real.split(" (")[0]
    assert CEPH_VERSION.endswith(" pacific (stable)") and real.endswith(" pacific (stable)")


def test_versions_plain_is_pretty_json_like_ceph() -> None:
    mon = _mon_with(["x"], 1)
    plain = _run(mon, "versions")
    assert not plain.startswith("\n") and plain.startswith('{\n    "mon": {\n')
    golden = golden_text("versions.txt")
    assert golden.startswith('{\n    "mon": {\n') and golden.endswith("}\n")
    assert plain.endswith("}\n")
    pretty = _run(mon, "versions", "json-pretty")
    assert pretty == "\n" + plain  # as versions.json is "\n" + versions.txt
    assert golden_text("versions.json") == "\n" + golden
    compact = _run(mon, "versions", "json")
    assert json.loads(compact) == json.loads(plain) and "\n" not in compact.strip()


def test_a_down_osd_and_a_standby_mgr_count_as_ceph_counts_them() -> None:
    mon = _mon_with(["x", "y", "z"], 4)
    mon.osd_service.mark_down([2], time.time(), lambda o: f"osd.{o} down")
    pending = mon.osd_service.take_pending()
    assert pending is not None
    mon.osd_service.commit(pending)
    assert json.loads(_run(mon, "osd versions", "json")) == {CEPH_VERSION: 3}
    assert json.loads(_run(mon, "mgr versions", "json")) == {CEPH_VERSION: 3}
    assert json.loads(_run(mon, "mon versions", "json")) == {CEPH_VERSION: 1}
    assert json.loads(_run(mon, "mds versions", "json")) == {}
    assert json.loads(_run(mon, "versions", "json"))["overall"] == {CEPH_VERSION: 7}


def test_a_mgr_of_another_version_is_counted_apart() -> None:
    mon = _mon_with(["x"], 0)
    mm = mon.mgrmon
    mm.prepare_beacon(
        MgrBeacon(gid=4200, name="y", available=False, metadata={"ceph_version": "ceph version 17"})
    )
    if mm.has_pending():
        mm.committed(mm.pending)
    got = json.loads(_run(mon, "versions", "json"))
    assert got["mgr"] == {CEPH_VERSION: 1, "ceph version 17": 1}
    assert got["osd"] == {} and got["overall"] == {CEPH_VERSION: 2, "ceph version 17": 1}


def test_every_versions_command_is_in_ceph16s_table() -> None:
    real = json.loads(golden_text("get_command_descriptions_mon.compact.json"))
    real_prefixes = {
        " ".join(w for w in d["sig"] if isinstance(w, str))
        for d in real.values()
        if not int(d.get("flags", 0)) & Flag.MGR
    }
    for prefix in ("versions", "mon versions", "mgr versions", "osd versions", "mds versions"):
        assert prefix in COMMANDS and prefix in real_prefixes


def test_each_types_versions_has_the_real_shape() -> None:
    mon = _mon_with(["x", "y"], 3)
    counts = {"mon": 1, "mgr": 2, "osd": 3, "mds": 0}
    for t in ("mon", "mgr", "osd", "mds"):
        real = json.loads(golden_text(f"{t}_versions.json"))
        (version,) = real  # one version string -> a count
        assert isinstance(real[version], int)
        assert golden_text(f"{t}_versions.json") == "\n" + golden_text(f"{t}_versions.txt")
        ours = _run(mon, f"{t} versions")
        assert json.loads(ours) == ({CEPH_VERSION: counts[t]} if counts[t] else {})
        if counts[t]:  # the same layout: 4-space JSON also in plain
            line = f'{{\n    "{CEPH_VERSION}": {counts[t]}\n}}\n'
            assert ours == line
            real_line = f'{{\n    "{version}": {real[version]}\n}}\n'
            assert golden_text(f"{t}_versions.txt") == real_line
        # compact: the mon's and the MDSMonitor's handlers end it with a newline
        end = "\n" if t in ("mon", "mds") else ""
        compact = _run(mon, f"{t} versions", "json")
        assert compact == "\n" + json.dumps(json.loads(ours), separators=(",", ":")) + end
        real_compact = golden_text(f"{t}_versions.compact.json")
        assert real_compact == "\n" + json.dumps(real, separators=(",", ":")) + end


def test_version_is_the_mons_own_line_as_ceph16_prints_it() -> None:
    mon = _mon_with([], 0)
    real_sha = "618f440892089921c3e944a991122ddc44e60516"

    def ours(fmt: str | None) -> str:
        return (
            _run(mon, "version", fmt)
            .replace("ceph-mgr-sim", real_sha)
            .replace(CEPH_VERSION.split()[2], "16.2.15")
        )

    assert ours(None) == golden_text("version.txt")
    assert ours("json") == golden_text("version.compact.json")
    assert ours("json-pretty") == golden_text("version.json")
    assert COMMANDS["version"].sig.flags == Flag.NOFORWARD | Flag.HIDDEN
