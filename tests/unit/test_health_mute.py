"""``health mute``/``unmute`` through the mon's dispatch (no processes), against
real Ceph 16.2's outputs (``health_mute_*``, ``health_muted*``,
``health_detail_muted*``, ``health_detail_sticky_after_clear*``,
``status_s_muted``) and HealthMonitor's rules: a TTL, sticky mutes that
outlive their check, non-sticky ones dropped when the check clears or its
count grows (with Ceph's cluster-log lines), persisted through the store."""

from __future__ import annotations

import errno
import re
import time

import pytest

from mon.health_service import HealthService
from mon.store import MonStore, Transaction
from tests.unit.mon_cmd_harness import CmdMon, golden

STAMP = re.compile(r'"ttl": ?"[^"]+"')


def no_ttl_stamp(text: str) -> str:
    return STAMP.sub('"ttl":"T"', text).replace('"ttl": "T"', '"ttl":"T"')


@pytest.fixture
def mon() -> CmdMon:
    m = CmdMon()
    assert m.run("osd set", key="noout")[0] == 0
    return m


def test_mute_1h_matches_the_goldens(mon: CmdMon) -> None:
    assert mon.run("health mute", code="OSDMAP_FLAGS", ttl="1h") == (
        0, golden("health_mute_osdmap_flags_1h.txt"), "",
    )  # fmt: skip
    assert mon.run("health")[1] == golden("health_muted.txt")
    assert mon.run("health", detail="detail")[1] == golden("health_detail_muted.txt")
    for fmt, ext in (("json", "compact.json"), ("json-pretty", "json")):
        assert no_ttl_stamp(mon.run("health", fmt)[1]) == no_ttl_stamp(
            golden(f"health_muted.{ext}")
        )
        got = mon.run("health", fmt, detail="detail")[1]
        assert no_ttl_stamp(got) == no_ttl_stamp(golden(f"health_detail_muted.{ext}"))
    status = mon.run("status")[1]
    assert "    health: HEALTH_OK\n            (muted: OSDMAP_FLAGS(59m))\n \n" in status
    assert golden("status_s_muted.txt").count("(muted: OSDMAP_FLAGS(59m))") == 1
    ttl = mon.health_service.mutes["OSDMAP_FLAGS"].ttl
    assert 3590 < ttl - time.time() <= 3600


def test_sticky_mute_outlives_its_check(mon: CmdMon) -> None:
    assert mon.run("health mute", code="OSDMAP_FLAGS", sticky=True) == (
        0, golden("health_mute_osdmap_flags_sticky.txt"), "",
    )  # fmt: skip
    assert mon.run("health", detail="detail")[1] == golden("health_detail_muted_sticky.txt")
    assert mon.run("health", "json", detail="detail")[1] == golden(
        "health_detail_muted_sticky.compact.json"
    )
    mon.run("osd unset", key="noout")
    assert mon.run("health", detail="detail")[1] == golden("health_detail_sticky_after_clear.txt")
    assert mon.run("health", "json-pretty", detail="detail")[1] == golden(
        "health_detail_sticky_after_clear.json"
    )
    assert mon.run("health unmute", code="OSDMAP_FLAGS") == (
        0, golden("health_unmute_osdmap_flags_2.txt"), "",
    )  # fmt: skip
    assert mon.run("health", "json", detail="detail")[1] == golden(
        "health_detail_mute_nosuch.compact.json"
    )


def test_a_plain_mute_goes_when_its_check_clears_or_grows(mon: CmdMon) -> None:
    mon.run("health mute", code="OSDMAP_FLAGS")
    assert mon.run("health", detail="detail")[1] == (
        "HEALTH_OK (muted: OSDMAP_FLAGS)\n(MUTED) [WRN] OSDMAP_FLAGS: noout flag(s) set\n"
    )
    mon.run("osd set", key="nodown")  # the check's count: 5 ("noout") -> 12 ("nodown,noout")
    assert mon.health_service.mutes == {}
    assert mon.logged[-1] == (
        "[INF]",
        "Health alert mute OSDMAP_FLAGS cleared (count increased from 5 to 12)",
        "cluster",
    )
    assert mon.run("health")[1] == "HEALTH_WARN nodown,noout flag(s) set\n"
    mon.run("health mute", code="OSDMAP_FLAGS", ttl="1d")
    assert mon.run("health")[1] == "HEALTH_OK (muted: OSDMAP_FLAGS(23h))\n"
    mon.run("osd unset", key="nodown")  # the count shrinks: the mute follows it down
    assert mon.health_service.mutes["OSDMAP_FLAGS"].count == 5
    mon.run("osd unset", key="noout")
    assert mon.health_service.mutes == {}
    assert mon.logged[-1][1] == "Health alert mute OSDMAP_FLAGS cleared (health alert cleared)"


def test_ttl_expiry_drops_the_mute(mon: CmdMon) -> None:
    mon.run("health mute", code="OSDMAP_FLAGS", ttl="5s", sticky=True)
    text = mon.run("health", detail="detail")[1]
    assert re.match(r"HEALTH_OK \(muted: OSDMAP_FLAGS\([45]s\)\)\n\(MUTED ttl [45]s, STICKY\) ",
                    text)  # fmt: skip
    ttl = mon.health_service.mutes["OSDMAP_FLAGS"].ttl
    mon.commit(now=ttl - 1)
    assert "OSDMAP_FLAGS" in mon.health_service.mutes
    mon.commit(now=ttl + 0.5)  # the leader's next pass after the TTL
    assert mon.health_service.mutes == {}
    assert re.fullmatch(
        r"Health alert mute OSDMAP_FLAGS cleared \(passed TTL "
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000\)",
        mon.logged[-1][1],
    )
    assert mon.run("health")[1] == "HEALTH_WARN noout flag(s) set\n"


def refusals() -> list[tuple[str, int, str]]:
    """``health_mute_refusals.tsv``: a real 16.2 mon's answers (args, rc, stderr)."""
    rows = [line.split("\t") for line in golden("health_mute_refusals.tsv").splitlines()]
    return [(args, int(rc), err) for args, rc, err in rows]


@pytest.mark.parametrize("args,rc,stderr", refusals())
def test_mute_refusals_are_cephs(mon: CmdMon, args: str, rc: int, stderr: str) -> None:
    code, ttl = args.split()
    retval, out, outs = mon.run("health mute", code=code, ttl=ttl)
    assert (-retval, out, f"Error {errno.errorcode[rc]}: {outs}") == (rc, "", stderr)
    assert mon.health_service.mutes == {}
    assert golden("health_mute_bogus_ttl.stderr.txt").startswith("Error EINVAL: invalid duration")


def test_mute_without_ttl_and_with_ttl_and_sticky(mon: CmdMon) -> None:
    mon.run("health mute", code="OSDMAP_FLAGS")
    assert mon.run("health", detail="detail")[1] == golden("health_detail_muted_nottl.txt")
    assert mon.run("health", "json", detail="detail")[1] == golden(
        "health_detail_muted_nottl.compact.json"
    )
    mon.run("health mute", code="OSDMAP_FLAGS", ttl="1h", sticky=True)
    assert mon.run("health", detail="detail")[1] == golden("health_detail_muted_ttl_sticky.txt")


def test_the_mute_lifecycle_logs_cephs_lines(mon: CmdMon) -> None:
    """``log_last_12_mute_lifecycle.txt``: count grows, TTL passes, check clears."""
    real = [line.split(" : cluster ", 1)[1] for line in
            golden("log_last_12_mute_lifecycle.txt").splitlines()]  # fmt: skip
    ours: list[str] = []

    def log() -> None:
        ours.extend(f"{prio} {msg}" for prio, msg, _ in mon.logged)
        mon.logged.clear()

    mon.run("health mute", code="OSDMAP_FLAGS")
    mon.run("osd set", key="nodown")
    log()
    mon.run("health mute", code="OSDMAP_FLAGS", ttl="5s")
    mon.commit(now=time.time() + 6)
    log()
    mon.run("health mute", code="OSDMAP_FLAGS")
    mon.run("osd unset", key="nodown")
    mon.run("osd unset", key="noout")
    log()
    ttl = re.compile(r"passed TTL \S+\)")
    want = [ttl.sub("passed TTL T)", line) for line in real if "OSDMAP_FLAGS" in line]
    # the fake mon logs mute and health changes only (no "Health check failed" at noout,
    # which the fixture set before anyone listened, nor "Cluster is now healthy")
    got = [ttl.sub("passed TTL T)", line) for line in ours if "OSDMAP_FLAGS" in line]
    assert len(got) == 3 and [w for w in want if "Health alert mute" in w] == got


def test_unmute_is_silent_and_without_a_code_clears_all(mon: CmdMon) -> None:
    for code in ("NOPE", "OTHER"):
        assert mon.run("health mute", code=code, sticky=True)[0] == 0
    assert mon.run("health")[1] == "HEALTH_WARN noout flag(s) set; (muted: NOPE OTHER)\n"
    assert mon.run("health unmute", code="NO_SUCH_CHECK") == (
        0, golden("health_unmute_nosuch_code.txt"), "",
    )  # fmt: skip
    assert mon.run("health unmute") == (0, "", "")
    assert mon.health_service.mutes == {}


def test_mutes_persist_through_the_store(tmp_path: object) -> None:
    from pathlib import Path

    store = MonStore(Path(str(tmp_path)) / "store.db")
    svc = HealthService()
    svc.load(store)
    svc.mute("NOPE", "2h", True, 1_000_000.0)
    txn = Transaction()
    svc.encode_pending(txn)
    store.apply(txn)
    svc.on_committed()
    peon = HealthService()
    peon.load(store)  # a peon (or a restarted mon) reads what was committed
    assert peon.mutes == svc.mutes and peon.mutes["NOPE"].ttl == 1_000_000.0 + 7200
    assert peon.current.to_json(detail=False)["mutes"] == [
        {"code": "NOPE", "ttl": "1970-01-12T15:46:40.000000+0000", "sticky": True,
         "summary": "", "count": 0},
    ]  # fmt: skip
